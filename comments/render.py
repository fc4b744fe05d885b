"""The markup of comment threads, written in Python on purpose.

An article page may hold thousands of comments. A Django template spends several microseconds on
every variable it resolves (lookup, localisation, escaping), a dozen per comment, and a date
filter costs more than all of them: for a 1,000-comment page that was most of a second. Here each
comment is one f-string over a plain database row, every reader-typed field passes through
escape(), body_html is the sanitizer's stored output, and the labels are translated once per
render, not once per comment. The markup is the same a template would produce.
"""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import gettext

from comments.models import Comment
from core.models import initials_of
from core.web_address import is_web_address

APPROVED = Comment.Status.APPROVED
URL_ID = 987654321  # stands for a comment id in an address resolved once per render
PENDING = Comment.Status.PENDING


class DateLabels:
    """Localised "date, time" texts, memoised per day and per minute of the day.

    dateformat is slow (translations of month and day names on every call); a page's comments
    share few days, and a day has only 1,440 minutes.
    """

    def __init__(self):
        self._days: dict = {}
        self._times: dict = {}
        self._pattern = gettext("%(date)s at %(time)s")

    def __call__(self, moment: datetime) -> str:
        local = timezone.localtime(moment)
        day = local.date()
        date_text = self._days.get(day)
        if date_text is None:
            date_text = self._days[day] = formats.date_format(day, "DATE_FORMAT")
        minute = (local.hour, local.minute)
        time_text = self._times.get(minute)
        if time_text is None:
            time_text = self._times[minute] = formats.time_format(local.time(), "TIME_FORMAT")
        return self._pattern % {"date": date_text, "time": time_text}


@dataclass
class Labels:
    """Every text a comment shows that is not the reader's: translated once per render."""

    anonymous: str
    removed: str
    awaiting: str
    reply: str
    reply_to: str
    badges: dict
    edited: str
    edit: str
    report: str
    report_comment: str
    flag_url: tuple  # the report page's address around the comment id, resolved once
    dates: DateLabels

    @classmethod
    def current(cls) -> "Labels":
        return cls(
            anonymous=escape(gettext("Anonymous")),
            removed=escape(gettext("Comment removed")),
            awaiting=escape(gettext("Your comment is awaiting moderation.")),
            reply=escape(gettext("Reply")),
            reply_to=escape(gettext("Reply to")),
            badges={
                Comment.Role.AUTHOR: escape(gettext("Author")),
                Comment.Role.STAFF: escape(gettext("Editorial staff")),
            },
            edited=escape(gettext("edited")),
            edit=escape(gettext("Edit")),
            report=escape(gettext("Report")),
            report_comment=escape(gettext("Report the comment of")),
            flag_url=tuple(reverse("comments:flag", args=[URL_ID]).split(str(URL_ID))),
            dates=DateLabels(),
        )


def render_thread(
    rows,
    *,
    labels: Labels,
    own_pending: frozenset,
    reply_level_limit: int,
    editable: frozenset = frozenset(),
) -> str:
    """One thread (rows in tree order) as <li> items with nested <ol class="children">."""
    out = []
    append = out.append
    last = len(rows) - 1
    for index, c in enumerate(rows):
        pk, level, status = c.id, c.level, c.status
        own = status == PENDING and pk in own_pending
        placeholder = status != APPROVED and not own
        classes = f"comment depth-{level + 1}"
        if placeholder:
            classes += " comment-removed"
        elif own:
            classes += " comment-pending"
        append(f'<li id="comment-{pk}" class="{classes}">\n')
        if placeholder:
            append(f'<p class="comment-removed-note">{labels.removed}</p>\n')
        else:
            name = escape(c.author_name) if c.author_name else labels.anonymous
            author = (
                f'<a href="{escape(c.author_url)}" rel="external nofollow ugc noopener">{name}</a>'
                # The database constraint holds this rule too: a link needs both to agree.
                if is_web_address(c.author_url)
                else name
            )
            avatar = escape(initials_of(c.author_name))
            edited = (
                f' <span class="comment-edited">({labels.edited})</span>' if c.edited_at else ""
            )
            badge = labels.badges.get(c.author_role)
            badge = (
                f'<span class="comment-badge badge-{c.author_role}">{badge}</span>\n'
                if badge
                else ""
            )
            append(
                f'<article class="comment-body" aria-labelledby="comment-{pk}-author">\n'
                f'<header class="comment-meta"><span class="comment-avatar avatar-c'
                f'{c.avatar_colour}" aria-hidden="true">{avatar}</span>\n'
                f'<b id="comment-{pk}-author" class="comment-author">{author}</b>\n{badge}'
                f'<a class="comment-permalink" href="#comment-{pk}"><time datetime="'
                f'{c.created.isoformat(timespec="seconds")}">'
                f"{escape(labels.dates(c.created))}</time></a>{edited}</header>\n"
            )
            if own:
                append(f'<p class="comment-awaiting" role="status">{labels.awaiting}</p>\n')
            append(f'<div class="comment-content">{c.body_html}</div>\n')
            if pk in editable:
                append(
                    f'<p class="comment-edit"><a class="comment-edit-link" '
                    f'href="{reverse("comments:edit", args=[pk])}">{labels.edit}</a></p>\n'
                )
            if status == APPROVED and level < reply_level_limit:
                append(
                    f'<p class="comment-reply"><a class="comment-reply-link" '
                    f'href="?replytocom={pk}#respond" data-comment-id="{pk}" '
                    f'data-author="{name}" aria-label="{labels.reply_to} {name}">'
                    f"{labels.reply}</a></p>\n"
                )
            if status == APPROVED:
                append(
                    f'<p class="comment-flag"><a class="comment-flag-link" rel="nofollow" '
                    f'href="{labels.flag_url[0]}{pk}{labels.flag_url[1]}" '
                    f'aria-label="{labels.report_comment} {name}">'
                    f"{labels.report}</a></p>\n"
                )
            append("</article>\n")
        next_level = rows[index + 1].level if index < last else 0
        if next_level > level:
            append('<ol class="children">\n')
        else:
            append("</li>\n" + "</ol></li>\n" * (level - next_level))
    return "".join(out)
