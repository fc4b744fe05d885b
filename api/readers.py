"""What readers write through the API: comments and replies, edits within the window, reports,
following a discussion, the newsletter.

Each goes through the site's own form (its bot check, its field rules, its messages) and its
own service (comments.services, comments.editing, comments.flags, comments.following,
newsletter.services), under the same rate limits, so the API answers as the form would, in
JSON. Nothing here reads a session or a cookie: a reader's write is anonymous whoever is logged
in on the browser, so a page on another site cannot make a browser write as its user (and a
body must be declared JSON, which no cross-site form can send without the CORS preflight).

The bot check is the forms' signed, single-use timestamp: a client first asks for one
(`GET /api/v1/botcheck/{form}/`), then sends it back as `token`, no sooner than `usable_after`
seconds later. An answer never holds anything personal: no email address, not even the one
sent.
"""

from datetime import datetime
from typing import Literal

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language, gettext
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from api import problems
from api.schemas import Problem
from blog.models import Article
from comments import editing, flags, following, following_views
from comments import views as comment_views
from comments.editing_views import CommentEditForm
from comments.flag_views import FlagForm
from comments.following_views import FollowForm
from comments.forms import CommentForm
from comments.models import Comment, CommentFlag, DiscussionFollower
from comments.services import CommentRefused, comment_post
from core.botcheck import signed_timestamp
from core.client_address import client_ip
from newsletter import views as newsletter_views
from newsletter.forms import SignupForm
from newsletter.services import subscriber_request

router = Router(tags=["readers"])

Forms = Literal["comment", "report", "follow", "newsletter"]
WRITE_REFUSALS = {
    400: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    415: Problem,
    429: Problem,
    503: Problem,
}


class BotCheckToken(Schema):
    token: str = Field(description="Send it back as `token` with the form it was asked for.")
    usable_after: int = Field(description="Seconds to wait before sending it.")
    expires_after: int = Field(description="Seconds it stays good for (one use).")


class CommentIn(Schema):
    article: int
    body: str
    author_name: str = ""
    author_email: str = Field("", description="Never published, never in any answer.")
    author_url: str = ""
    parent: int | None = Field(None, description="The comment this one replies to.")
    notify_on_reply: bool = False
    token: str = Field(description="From `GET /api/v1/botcheck/comment/?target=<article>`.")


class CommentPosted(Schema):
    id: int
    status: Literal["approved", "held"]
    message: str
    url: str | None = Field(description="Where it is read, once approved.")
    edit_token: str | None = Field(
        description="Proves you wrote it: send it to edit the comment within the window."
    )
    edit_until: datetime | None


class CommentEditIn(Schema):
    body: str
    edit_token: str


class ReportIn(Schema):
    reason: Literal[tuple(CommentFlag.Reason.values)]
    text: str = ""
    token: str


class FollowIn(Schema):
    email: str
    frequency: Literal[tuple(DiscussionFollower.Frequency.values)] = "immediate"
    token: str


class SignupIn(Schema):
    email: str
    token: str


class Accepted(Schema):
    message: str


def _json_body(request: HttpRequest) -> None:
    # A form on another site can post text/plain without asking first; JSON needs the preflight.
    if request.content_type != "application/json":
        raise HttpError(415, gettext("Send the body as JSON."))


def _bound(form_class, values: dict, **kwargs):
    """The site's form bound to what the client sent, under the form's own field names."""
    unbound = form_class(**kwargs)
    return form_class({unbound.add_prefix(k): v for k, v in values.items()}, **kwargs)


def _field_errors(form) -> dict:
    renamed = {"timestamp": "token", "__all__": ""}
    return {renamed.get(name, name): list(errors) for name, errors in form.errors.items()}


def _form_refused(request: HttpRequest, form, status: int = 400) -> HttpResponse:
    errors = _field_errors(form)
    general = errors.pop("", [])
    message = general[0] if general else gettext("Some fields are not valid.")
    return problems.refused(request, status, message, fields=errors)


def _published_article(article_id: int) -> Article:
    return get_object_or_404(Article.objects.published(), pk=article_id)


def _public_comment(comment_id: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("article").filter(
            article__in=Article.objects.published(), status=Comment.Status.APPROVED
        ),
        pk=comment_id,
    )


def _form_for(form: str, target: int | None):
    if form == "newsletter":
        return SignupForm()
    if target is None:
        raise HttpError(404, gettext("Name the article or comment the form is for."))
    if form == "report":
        return FlagForm(comment=_public_comment(target))
    article = _published_article(target)
    return FollowForm(article=article) if form == "follow" else CommentForm(article=article)


@router.get(
    "/botcheck/{form}/",
    response={200: BotCheckToken, 400: Problem, 404: Problem},
    summary="A bot-check token, to send with a reader's write",
)
def botcheck_token(request: HttpRequest, response: HttpResponse, form: Forms, target: int = 0):
    """The signed, single-use timestamp the site's forms carry: for `comment` and `follow` the
    target is the article, for `report` the comment; `newsletter` has none."""
    site_form = _form_for(form, target or None)
    response["Cache-Control"] = "no-store"
    return {
        "token": signed_timestamp(None, site_form.timestamp_salt, site_form.timestamp_scope()),
        "usable_after": site_form.min_seconds(),
        "expires_after": site_form.max_age(),
    }


def _post_answer(request: HttpRequest, comment: Comment) -> dict:
    approved = comment.status == Comment.Status.APPROVED
    edit_window = editing.window()
    return {
        "id": comment.pk,
        # Held or spam alike: the poster is told it awaits moderation, as on the page.
        "status": "approved" if approved else "held",
        "message": gettext("Your comment is published.")
        if approved
        else gettext("Your comment is awaiting moderation."),
        "url": request.build_absolute_uri(comment.get_absolute_url()) if approved else None,
        "edit_token": editing.edit_token(comment) if edit_window else None,
        "edit_until": comment.created + edit_window if edit_window else None,
    }


@router.post(
    "/comments/",
    response={201: CommentPosted, **WRITE_REFUSALS},
    summary="Post a comment or a reply",
)
def comment_create(request: HttpRequest, data: CommentIn):
    """Through the comment form's checks and the discussion rules: published, held for
    moderation, or refused with the form's message."""
    _json_body(request)
    article = _published_article(data.article)
    ip = client_ip(request)
    if comment_views.RATE_LIMIT.reached(ip):
        message = gettext("You are posting too fast. Wait a minute, then try again.")
        return problems.refused(request, 429, message)
    comment_views.RATE_LIMIT.count(ip)  # every attempt counts, as on the form
    fields = data.dict(exclude={"token", "article"})
    fields.update(timestamp=data.token, parent=data.parent or "")
    form = _bound(CommentForm, fields, article=article, user=None)
    if not form.is_valid():
        return _form_refused(request, form)
    values = form.cleaned_data
    try:
        comment = comment_post(
            article=article,
            parent_id=values["parent"],
            author_name=values["author_name"],
            author_email=values["author_email"],
            author_url=values["author_url"],
            body=values["body"],
            ip_address=ip,
            user_agent=request.headers.get("User-Agent", ""),
            notify_on_reply=values["notify_on_reply"],
        )
    except CommentRefused as refusal:
        fields = {refusal.field: [refusal.message]} if refusal.field else None
        return problems.refused(request, refusal.status, refusal.message, fields=fields)
    except DatabaseError:
        message = gettext(
            "Your comment could not be saved just now. Wait a moment, then post it again."
        )
        return _unavailable(request, message)
    return Status(201, _post_answer(request, comment))


def _unavailable(request: HttpRequest, message: str) -> HttpResponse:
    response = problems.refused(request, 503, message)
    response["Retry-After"] = "30"
    return response


@router.patch(
    "/comments/{int:comment_id}/",
    response={200: CommentPosted, **WRITE_REFUSALS},
    summary="Edit your comment within the window",
)
def comment_update(request: HttpRequest, comment_id: int, data: CommentEditIn):
    """With the edit token given when it was posted; the discussion rules apply again."""
    _json_body(request)
    comment = get_object_or_404(
        Comment.objects.select_related("article", "article__author").filter(
            article__in=Article.objects.published()
        ),
        pk=comment_id,
    )
    try:
        editing.check_can_edit(None, comment, token=data.edit_token)
    except editing.EditRefused as refusal:
        return problems.refused(request, refusal.status, refusal.message)
    form = CommentEditForm({"body": data.body})
    if not form.is_valid():
        return _form_refused(request, form)
    try:
        comment = editing.comment_edit(comment=comment, body=form.cleaned_data["body"])
    except editing.EditRefused as refusal:
        return problems.refused(request, refusal.status, refusal.message)
    return _post_answer(request, comment)


@router.post(
    "/comments/{int:comment_id}/reports/",
    response={202: Accepted, **WRITE_REFUSALS},
    summary="Report a comment to the moderators",
)
def comment_report(request: HttpRequest, comment_id: int, data: ReportIn):
    _json_body(request)
    comment = _public_comment(comment_id)
    form = _bound(
        FlagForm, {"reason": data.reason, "text": data.text, "timestamp": data.token},
        comment=comment,
    )  # fmt: skip
    if not form.is_valid():
        return _form_refused(request, form)
    try:
        flags.comment_flag(
            comment=comment,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data["text"],
            ip_address=client_ip(request),
        )
    except flags.FlagRefused as refusal:
        return problems.refused(request, refusal.status, refusal.message)
    # The same thanks whether this reader had reported it before or not.
    return Status(202, {"message": gettext("A moderator will look at the comment.")})


@router.post(
    "/articles/{int:article_id}/followers/",
    response={202: Accepted, **WRITE_REFUSALS},
    summary="Follow a discussion by email",
)
def discussion_follow(request: HttpRequest, article_id: int, data: FollowIn):
    """Double opt-in: a confirmation link goes to the address; the answer is the same whether
    it already follows or has had its share of mail."""
    _json_body(request)
    article = _published_article(article_id)
    ip = client_ip(request)
    if following_views.RATE_LIMIT.reached(ip):
        message = gettext("Too many requests from your connection. Wait a few minutes.")
        return problems.refused(request, 429, message)
    values = {"email": data.email, "frequency": data.frequency, "timestamp": data.token}
    form = _bound(FollowForm, values, article=article)
    if not form.is_valid():
        return _form_refused(request, form)
    following_views.RATE_LIMIT.count(ip)
    following.follower_request(
        article=article, email=form.cleaned_data["email"], frequency=form.cleaned_data["frequency"]
    )
    message = gettext(
        "Check your inbox: we sent a link to confirm. Nothing is sent before you follow it."
    )
    return Status(202, {"message": message})


@router.post(
    "/newsletter/subscribers/",
    response={202: Accepted, **WRITE_REFUSALS},
    summary="Sign up for the newsletter",
)
def newsletter_signup(request: HttpRequest, data: SignupIn):
    """Double opt-in; the answer never tells whether the address was already subscribed."""
    _json_body(request)
    ip = client_ip(request)
    if newsletter_views.RATE_LIMIT.reached(ip):
        message = gettext("Too many sign-up requests. Wait a few minutes, then try again.")
        return problems.refused(request, 429, message)
    form = _bound(SignupForm, {"email": data.email, "timestamp": data.token})
    if not form.is_valid():
        return _form_refused(request, form)
    try:
        subscriber_request(
            email=form.cleaned_data["email"], ip_address=ip, language=get_language(), source="api"
        )
    except DatabaseError:
        message = gettext(
            "Your request could not be saved just now. Wait a moment, then send it again."
        )
        return _unavailable(request, message)
    newsletter_views.RATE_LIMIT.count(ip)
    message = gettext(
        "A message is on its way to the address you gave us. Follow the link in it to confirm "
        "your subscription: until you do, you will receive no newsletter."
    )
    return Status(202, {"message": message})
