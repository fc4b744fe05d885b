"""The moderators' queue for speed: one held comment at a time, at /admin/comments/comment/desk/.

Beside the comment: the comment it answers, its article and the commenter's record
(comments.selectors). Every action is a POST (CSRF-protected, permission checked) through the
services the rest of the admin uses, then a redirect to the next held comment, oldest first; it
all works without JavaScript. static/js/desk-queue.js adds the keyboard shortcuts and says what
happened in the page's live region, for screen readers.

What the moderator did last is kept in their session, so "undo" puts it back (through the same
services, logged as any action); the comments they saw are kept too, so "previous" goes back to
the one before, whatever its status now. Addresses show only to moderators who may see
personal data.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, pgettext

from comments.desk_admin import SuspendForm, commenter_list_url
from comments.models import Comment, Suspension
from comments.picks_admin import may_pick
from comments.selectors import commenter_record, pending_comment_count
from comments.services import (
    CommentRefused,
    comment_pick,
    comment_set_status,
    commenters_suspend,
    comments_set_status,
)
from comments.suspensions import Period, suspensions_lift

TRAIL_KEY = "comments_desk_trail"  # the comments this moderator saw in the queue, in order
LAST_KEY = "comments_desk_last"  # what they did last, for undo
TRAIL_LENGTH = 50
COMMENT_PARAM = "c"

STATUS_ACTIONS = {
    "approve": Comment.Status.APPROVED,
    "reject": Comment.Status.REJECTED,
    "spam": Comment.Status.SPAM,
}


def queue_url(comment_id: int | None = None) -> str:
    url = reverse("admin:comments_comment_desk")
    return f"{url}?{COMMENT_PARAM}={comment_id}" if comment_id else url


def _pending():
    return Comment.objects.filter(status=Comment.Status.PENDING)


def first_pending(*, after: Comment | None = None, excluding: int | None = None) -> int | None:
    """The next held comment in the queue's order (oldest first, on the (status, created)
    index): after `after`, else from the start; never `excluding`."""
    pending = _pending()
    if excluding is not None:
        pending = pending.exclude(pk=excluding)
    ordered = pending.order_by("created", "pk").values_list("pk", flat=True)
    if after is not None:
        later = ordered.filter(
            Q(created__gt=after.created) | Q(created=after.created, pk__gt=after.pk)
        ).first()
        if later is not None:
            return later
    return ordered.first()


def position_of(comment: Comment) -> int:
    """How many held comments come before this one, plus one (0 if it is not held)."""
    if comment.status != Comment.Status.PENDING:
        return 0
    before = _pending().filter(
        Q(created__lt=comment.created) | Q(created=comment.created, pk__lt=comment.pk)
    )
    return before.count() + 1


class QueueSuspendForm(SuspendForm):
    """The queue's suspend form: the same fields, prefixed so they never clash with the page."""

    prefix = "suspend"


@dataclass
class LastAction:
    """What undo reverses: a status change, a pick, or a suspension."""

    comment: int
    kind: str  # "status", "pick" or "suspend"
    previous_status: str = ""
    picked: bool = False
    suspensions: tuple = ()
    spammed: tuple = ()

    def save(self, request) -> None:
        request.session[LAST_KEY] = {
            "comment": self.comment,
            "kind": self.kind,
            "previous_status": self.previous_status,
            "picked": self.picked,
            "suspensions": list(self.suspensions),
            "spammed": list(self.spammed),
        }

    @classmethod
    def load(cls, request) -> "LastAction | None":
        data = request.session.get(LAST_KEY)
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                comment=int(data["comment"]),
                kind=str(data["kind"]),
                previous_status=str(data.get("previous_status", "")),
                picked=bool(data.get("picked")),
                suspensions=tuple(int(pk) for pk in data.get("suspensions", ())),
                spammed=tuple(int(pk) for pk in data.get("spammed", ())),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _trail(request) -> list[int]:
    trail = request.session.get(TRAIL_KEY)
    return [pk for pk in trail if isinstance(pk, int)] if isinstance(trail, list) else []


def _remember_seen(request, comment_id: int) -> None:
    trail = _trail(request)
    if not trail or trail[-1] != comment_id:
        trail = [*[pk for pk in trail if pk != comment_id], comment_id][-TRAIL_LENGTH:]
        request.session[TRAIL_KEY] = trail


def _previous_of(request, comment_id: int) -> int | None:
    """The comment seen before this one in the queue."""
    trail = _trail(request)
    if comment_id in trail:
        index = trail.index(comment_id)
        return trail[index - 1] if index > 0 else None
    return trail[-1] if trail else None


def _parse_id(raw) -> int | None:
    raw = str(raw or "")
    if raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


class DeskQueueMixin:
    """Mixed into CommentAdmin: the queue's address, its page and its actions."""

    desk_queue_template = "admin/comments/comment/desk_queue.html"

    def get_urls(self):
        return [
            path(
                "desk/",
                self.admin_site.admin_view(self.desk_queue_view),
                name="comments_comment_desk",
            ),
            *super().get_urls(),
        ]

    def may_suspend(self, request) -> bool:
        return self.has_suspend_permission(request)

    def desk_queue_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        if request.method == "POST":
            return self._desk_post(request)
        comment = self._desk_comment(_parse_id(request.GET.get(COMMENT_PARAM)))
        return self._desk_page(request, comment, QueueSuspendForm())

    def _desk_comment(self, comment_id: int | None) -> Comment | None:
        if comment_id is None:
            comment_id = first_pending()
        if comment_id is None:
            return None
        return (
            Comment.objects.select_related("article", "parent", "user")
            .filter(pk=comment_id)
            .first()
        )

    def _desk_page(self, request, comment, suspend_form, *, status=200):
        last = LastAction.load(request)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("One comment at a time"),
            "subtitle": None,
            "opts": self.opts,
            "comment": comment,
            "pending_count": pending_comment_count(),
            "may_pick": may_pick(request.user),
            "may_suspend": self.may_suspend(request),
            "suspend_form": suspend_form,
            "undo_available": last is not None,
            "changelist_url": reverse("admin:comments_comment_changelist"),
        }
        if comment is not None:
            _remember_seen(request, comment.pk)
            previous = _previous_of(request, comment.pk)
            following = first_pending(after=comment, excluding=comment.pk)
            context.update(
                position=position_of(comment),
                record=commenter_record(comment, show_address=self.may_see_addresses(request)),
                commenter_list_url=commenter_list_url(comment.pk),
                show_address=self.may_see_addresses(request),
                previous_url=queue_url(previous) if previous else None,
                next_url=queue_url(following) if following else None,
                change_url=reverse("admin:comments_comment_change", args=[comment.pk]),
            )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.desk_queue_template, context, status=status)

    def _desk_post(self, request):
        action = request.POST.get("action", "")
        if action == "undo":
            return self._desk_undo(request)
        comment = self._desk_comment(_parse_id(request.POST.get("comment")))
        if comment is None:
            messages.warning(request, gettext("That comment no longer exists."))
            return HttpResponseRedirect(queue_url())
        if action in STATUS_ACTIONS:
            return self._desk_status(request, comment, STATUS_ACTIONS[action])
        if action in ("pick", "unpick"):
            return self._desk_pick(request, comment, picked=action == "pick")
        if action == "suspend":
            return self._desk_suspend(request, comment)
        messages.error(request, gettext("Unknown action."))
        return HttpResponseRedirect(queue_url(comment.pk))

    def _advance(self, request, comment: Comment, said: str):
        """Say what was done, then on to the next held comment (or the empty queue)."""
        following = first_pending(after=comment, excluding=comment.pk)
        messages.success(request, said)
        return HttpResponseRedirect(queue_url(following))

    def _desk_status(self, request, comment: Comment, status: str):
        before = comment.status
        comment_set_status(comment=comment, status=status, moderator=request.user)
        LastAction(comment=comment.pk, kind="status", previous_status=before).save(request)
        said = {
            Comment.Status.APPROVED: gettext("Comment %(id)d approved."),
            Comment.Status.REJECTED: gettext("Comment %(id)d rejected."),
            Comment.Status.SPAM: gettext("Comment %(id)d marked as spam."),
        }[status] % {"id": comment.pk}
        return self._advance(request, comment, said)

    def _desk_pick(self, request, comment: Comment, *, picked: bool):
        """Pick (or unpick) the comment; a held one is approved and picked at once, as Coral's
        "feature" does from its queue."""
        if not may_pick(request.user):
            raise PermissionDenied
        before = comment.status
        try:
            with transaction.atomic():
                if picked and before == Comment.Status.PENDING:
                    comment_set_status(
                        comment=comment, status=Comment.Status.APPROVED, moderator=request.user
                    )
                changed = comment_pick(comment=comment, moderator=request.user, picked=picked)
        except CommentRefused as refusal:
            messages.error(request, str(refusal))
            return HttpResponseRedirect(queue_url(comment.pk))
        if changed:
            LastAction(comment=comment.pk, kind="pick", picked=picked, previous_status=before).save(
                request
            )
        said = (
            gettext("Comment %(id)d picked for the editors' picks.")
            if picked
            else gettext("Comment %(id)d removed from the editors' picks.")
        ) % {"id": comment.pk}
        if before == Comment.Status.PENDING:
            return self._advance(request, comment, said)
        messages.success(request, said)
        return HttpResponseRedirect(queue_url(comment.pk))

    def _desk_suspend(self, request, comment: Comment):
        if not self.may_suspend(request):
            raise PermissionDenied
        form = QueueSuspendForm(request.POST)
        if not form.is_valid():
            # The page again, the typed reason kept, the error said (and announced).
            messages.error(request, gettext("Write a reason to suspend the commenter."))
            return self._desk_page(request, comment, form, status=400)
        data = form.cleaned_data
        spammed = ()
        if data["spam_pending"] and comment.commenter:
            spammed = tuple(_pending().by_commenter(comment.commenter).values_list("pk", flat=True))
        made = commenters_suspend(
            comments=Comment.objects.filter(pk=comment.pk),
            reason=data["reason"],
            ends_at=Period.end(data["period"]),
            moderator=request.user,
            include_network=data["include_network"],
            spam_pending=data["spam_pending"],
        )
        LastAction(
            comment=comment.pk,
            kind="suspend",
            suspensions=tuple(s.pk for s in made),
            spammed=spammed,
        ).save(request)
        said = gettext("The author of comment %(id)d is suspended.") % {"id": comment.pk}
        if spammed:
            return self._advance(request, comment, said)
        messages.success(request, said)
        return HttpResponseRedirect(queue_url(comment.pk))

    def _desk_undo(self, request):
        last = LastAction.load(request)
        request.session.pop(LAST_KEY, None)
        comment = self._desk_comment(last.comment) if last else None
        if last is None or comment is None:
            messages.warning(request, gettext("Nothing to undo."))
            return HttpResponseRedirect(queue_url())
        note = pgettext("moderators' log", "undone in the queue")
        if last.kind == "status":
            if not last.previous_status or last.previous_status not in Comment.Status.values:
                messages.warning(request, gettext("Nothing to undo."))
                return HttpResponseRedirect(queue_url(comment.pk))
            comment_set_status(
                comment=comment, status=last.previous_status, moderator=request.user, note=note
            )
        elif last.kind == "pick":
            if not may_pick(request.user):
                raise PermissionDenied
            try:
                with transaction.atomic():
                    comment_pick(comment=comment, moderator=request.user, picked=not last.picked)
                    if last.previous_status == Comment.Status.PENDING:
                        comment_set_status(
                            comment=comment, status=last.previous_status,
                            moderator=request.user, note=note,
                        )  # fmt: skip
            except CommentRefused as refusal:
                messages.error(request, str(refusal))
                return HttpResponseRedirect(queue_url(comment.pk))
        elif last.kind == "suspend":
            if not self.may_suspend(request):
                raise PermissionDenied
            self._undo_suspension(request, last)
        messages.success(request, gettext("Undone: comment %(id)d.") % {"id": comment.pk})
        return HttpResponseRedirect(queue_url(comment.pk))

    def _undo_suspension(self, request, last: LastAction) -> None:
        with transaction.atomic():
            suspensions_lift(
                suspensions=Suspension.objects.filter(pk__in=last.suspensions),
                moderator=request.user,
            )
            if last.spammed:
                comments_set_status(
                    comments=Comment.objects.filter(
                        pk__in=last.spammed, status=Comment.Status.SPAM
                    ),
                    status=Comment.Status.PENDING,
                    moderator=request.user,
                )
