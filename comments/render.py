"""The markup of comment threads: templates/comments/comment_parts.html, filled in Python.

An article page may hold thousands of comments. A Django template spends several microseconds on
every variable it resolves (lookup, localisation, escaping), a dozen per comment, and a date
filter costs more than all of them: for a 1,000-comment page that was most of a second. So the
markup lives in a template file as a few named parts with {slots}, compiled once per process
into f-strings (`parts`), and each comment fills them from a plain database row
(Comment.objects.visible_tree: its moments as seconds and flags, no datetime made per row):
every reader-typed field passes through escape(), body_html is the sanitizer's stored output,
and the labels, dates and commenters' texts are made once per render, not once per comment.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from string import Formatter

from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from comments.models import Comment
from core.models import initials_of
from core.web_address import is_web_address

APPROVED = Comment.Status.APPROVED
URL_ID = 987654321  # stands for a comment id in an address resolved once per render
PENDING = Comment.Status.PENDING


def escape(text) -> str:
    """django.utils.html.escape's text without its lazy-string wrapper and SafeString (a tenth
    of its cost, three times per comment): the parts are joined and marked safe once, in
    comments.tree."""
    return html.escape(str(text))


_SECONDS = [f":{second:02d}+00:00" for second in range(60)]  # an ISO moment's end, in UTC


class DateLabels:
    """A moment in seconds since the epoch as its ISO text (UTC, for <time datetime>) and its
    localised, escaped "date, time" label, both memoised per minute.

    dateformat is slow (translations of month and day names on every call), and so is asking
    for the current time zone: it is read once, a page's comments share few days, and a day has
    only 1,440 minutes.
    """

    def __init__(self):
        self._days: dict = {}
        self._minutes: dict = {}
        self._pattern = gettext("%(date)s at %(time)s")
        self._zone = timezone.get_current_timezone()

    def __call__(self, seconds: int) -> tuple[str, str]:
        minute, second = divmod(seconds, 60)
        known = self._minutes.get(minute)
        if known is None:
            known = self._minutes[minute] = self._minute(minute * 60)
        return known[0] + _SECONDS[second], known[1]

    def _minute(self, seconds: int) -> tuple[str, str]:
        moment = datetime.fromtimestamp(seconds, UTC)
        local = moment.astimezone(self._zone)
        day = local.date()
        date_text = self._days.get(day)
        if date_text is None:
            date_text = self._days[day] = formats.date_format(day, "DATE_FORMAT")
        time_text = formats.time_format(local.time(), "TIME_FORMAT")
        label = escape(self._pattern % {"date": date_text, "time": time_text})
        return moment.strftime("%Y-%m-%dT%H:%M"), label


@dataclass
class Labels:
    """Every text a comment shows that is not the reader's: translated once per render."""

    anonymous: str
    removed: str
    awaiting: str
    reply: str
    reply_to: str
    badges: dict
    picked: str
    edited: str
    edit: str
    report: str
    report_comment: str
    flag_url: tuple  # the report page's address around the comment id, resolved once
    dates: DateLabels
    authors: dict = field(default_factory=dict)  # (name, website) -> its three texts

    def author(self, name: str, url: str, part: dict) -> tuple[str, str, str]:
        """The escaped name, the avatar's initials and the name linked to the website (when it
        is a web address), once per commenter per render: a discussion's regulars come back."""
        texts = self.authors.get((name, url))
        if texts is None:
            shown = escape(name) if name else self.anonymous
            texts = self.authors[name, url] = (
                shown,
                escape(initials_of(name)),
                # The database constraint holds this rule too: a link needs both to agree.
                part["author_link"](url=escape(url), name=shown) if is_web_address(url) else shown,
            )
        return texts

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
                Comment.Role.FEDIVERSE: escape(gettext("Fediverse")),
            },
            picked=escape(gettext("Editors' pick")),
            edited=escape(gettext("edited")),
            edit=escape(gettext("Edit")),
            report=escape(gettext("Report")),
            report_comment=escape(gettext("Report the comment of")),
            flag_url=tuple(reverse("comments:flag", args=[URL_ID]).split(str(URL_ID))),
            dates=DateLabels(),
        )


PARTS_TEMPLATE = "comments/comment_parts.html"
_MARKER = re.compile(r"\{# (\w+) #\}")


def _compiled(name: str, text: str) -> Callable[..., str] | str:
    """A part as a function of its slots (keyword arguments) returning the filled text; a part
    without slots stays its text.

    Compiled once into an f-string, as Jinja2 compiles its templates to Python: a thousand
    comments fill several parts each, and str.format costs six times an f-string. The source
    holds only repr() literals of the part's text and its slot names, checked to be identifiers.
    """
    pieces, slots = [], []
    for literal, slot, spec, conversion in Formatter().parse(text):
        if literal:
            pieces.append(repr(literal))  # a plain literal beside the f-strings: as written
        if slot is not None:
            if not slot.isidentifier() or spec or conversion:
                raise ValueError(f"{PARTS_TEMPLATE}, part {name}: bad slot {{{slot}}}")
            pieces.append(f"f'{{{slot}}}'")
            if slot not in slots:
                slots.append(slot)
    if not slots:
        return text
    source = f"lambda *, {', '.join(slots)}: f'' {' '.join(pieces)}"
    return eval(compile(source, PARTS_TEMPLATE, "eval"))  # noqa: S307 (see the docstring)


@cache
def parts() -> dict:
    """The named parts of PARTS_TEMPLATE (what precedes the first marker is its own comment)."""
    source = get_template(PARTS_TEMPLATE).template.source
    pieces = _MARKER.split(source)[1:]
    return {
        name: _compiled(name, text) for name, text in zip(pieces[::2], pieces[1::2], strict=True)
    }


def _body(c, own: bool, may_reply: bool, editable: bool, labels: "Labels", part: dict) -> str:
    """A shown comment: its header (avatar, author, badge, date), text and links."""
    pk = c.id
    name, avatar, author = labels.author(c.author_name, c.author_url, part)
    badge = labels.badges.get(c.author_role)
    iso, date = labels.dates(c.posted)
    return part["comment"](
        pk=pk,
        colour=c.avatar_colour,
        avatar=avatar,
        author=author,
        badge=part["badge"](role=c.author_role, label=badge) if badge else "",
        picked=part["picked"](label=labels.picked) if c.picked else "",
        iso=iso,
        date=date,
        edited=part["edited"](edited=labels.edited) if c.edited else "",
        awaiting=part["awaiting"](awaiting=labels.awaiting) if own else "",
        body_html=c.body_html,
        edit=part["edit"](url=reverse("comments:edit", args=[pk]), edit=labels.edit)
        if editable
        else "",
        reply=part["reply"](pk=pk, name=name, reply_to=labels.reply_to, reply=labels.reply)
        if may_reply
        else "",
        flag=part["flag"](
            url=f"{labels.flag_url[0]}{pk}{labels.flag_url[1]}",
            name=name,
            report_comment=labels.report_comment,
            report=labels.report,
        )
        if c.status == APPROVED
        else "",
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
    part = parts()
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
        append(part["open"](pk=pk, classes=classes))
        if placeholder:
            append(part["removed"](removed=labels.removed))
        else:
            may_reply = status == APPROVED and level < reply_level_limit
            append(_body(c, own, may_reply, pk in editable, labels, part))
        next_level = rows[index + 1].level if index < last else 0
        if next_level > level:
            append(part["children"])
        else:
            append(part["close_item"] + part["close_children"] * (level - next_level))
    return "".join(out)
