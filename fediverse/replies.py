"""Replies from the fediverse become comments, through comments.services only.

A Create of a Note in reply to one of our articles (its object id or its page) or to a reply
we already took becomes a comment in the right thread, under the discussion rules with the
actor as the commenter (its record, standing and suspensions; held while it has no approved
reply), with the remote author's display name, profile link and avatar initials and the
fediverse badge; its HTML is read as text through core's one sanitizer, and the comment renders
it as any comment. Update edits it (comments.editing keeps the history), Delete removes it (a
placeholder if it has replies).
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from blog.models import Article
from comments import editing
from comments import services as comment_services
from comments.models import Comment
from core.sanitizer import strip_all_tags
from fediverse import addresses
from fediverse.models import RemoteActor, RemoteNote

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</p\s*>", re.IGNORECASE)
_ARTICLE_PATH = re.compile(r"^/fediverse/articles/([0-9]+)/?$")
_SHORTCODE = re.compile(r":[A-Za-z0-9_]+:")


def note_text(html: str) -> str:
    """A note's HTML as the plain text a comment keeps: line breaks and paragraphs kept, every
    tag dropped by the sanitizer (links stay as their text, which the comment links again)."""
    html = _PARAGRAPH_END.sub("\n\n", _BREAK.sub("\n", html or ""))
    return strip_all_tags(html)


def display_name(remote: RemoteActor) -> str:
    """The name a reply is shown under: the actor's display name without the custom emoji
    shortcodes Mastodon draws as pictures (":blobcat:"; we fetch no picture), else its
    username, else its server. The avatar's initials are drawn from it here, at render."""
    name = " ".join(_SHORTCODE.sub(" ", remote.name).split())
    return name or remote.preferred_username or remote.domain


def article_of_uri(uri: str) -> Article | None:
    """The published article an address names: its object id or its page."""
    base = addresses.absolute("")
    if not uri.startswith(base + "/"):
        return None
    path = uri[len(base) :].split("#", 1)[0].split("?", 1)[0]
    match = _ARTICLE_PATH.match(path)
    articles = Article.objects.published()
    if match:
        return articles.filter(pk=int(match.group(1))).first()
    for article in articles.filter(slug=path.rstrip("/").rsplit("/", 1)[-1]):
        if article.get_absolute_url() == path:
            return article
    return None


def reply_target(uri) -> tuple[Article, int | None] | None:
    """(article, parent comment id) a note's inReplyTo names, or None if it is not ours."""
    if not isinstance(uri, str):
        return None
    known = RemoteNote.objects.select_related("comment__article").filter(uri=uri).first()
    if known is not None:
        return known.comment.article, known.comment_id
    article = article_of_uri(uri)
    return (article, None) if article is not None else None


def _note(activity: dict, remote: RemoteActor) -> dict | None:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") != "Note":
        return None
    if not isinstance(note.get("id"), str) or note.get("attributedTo") != remote.uri:
        return None
    if urlsplit(note["id"]).hostname != remote.domain:
        return None  # a note is its own server's to speak for
    return note


def _content(note: dict) -> str:
    """The comment's text: the note's, after its content warning if it has one (a note's
    `summary`, as Mastodon, Pleroma and Misskey send it), so that readers here see the warning
    before the text as readers there do."""
    content = note.get("content")
    if not isinstance(content, str):
        content_map = note.get("contentMap")
        content = next(iter(content_map.values()), "") if isinstance(content_map, dict) else ""
    text = note_text(content if isinstance(content, str) else "")
    warning = note.get("summary")
    warning = note_text(warning).strip() if isinstance(warning, str) else ""
    if not warning:
        return text
    with translation.override(settings.LANGUAGE_CODE):  # stored text, in the site's language
        label = gettext("Content warning: %(warning)s") % {"warning": warning}
    return f"{label}\n\n{text}"


def reply_create(remote: RemoteActor, activity: dict) -> str:
    note = _note(activity, remote)
    if note is None:
        return "ignored Create"
    if RemoteNote.objects.filter(uri=note["id"]).exists():
        return "already taken"
    target = reply_target(note.get("inReplyTo"))
    if target is None:
        return "ignored: not a reply to us"
    article, parent_id = target
    try:
        with transaction.atomic():
            comment = comment_services.comment_post_remote(
                article=article,
                body=_content(note),
                author_name=display_name(remote),
                author_url=remote.profile_url or remote.uri,
                parent_id=parent_id,
                actor=remote.uri,
            )
            RemoteNote.objects.create(uri=note["id"][:500], remote=remote, comment=comment)
    except comment_services.CommentRefused as refusal:
        return f"refused: {refusal}"
    return f"comment {comment.pk} {comment.status}"


def _own_note(remote: RemoteActor, value) -> RemoteNote | None:
    uri = value.get("id") if isinstance(value, dict) else value
    if not isinstance(uri, str):
        return None
    return RemoteNote.objects.select_related("comment").filter(uri=uri, remote=remote).first()


def reply_update(remote: RemoteActor, activity: dict) -> str:
    note = _note(activity, remote)
    known = _own_note(remote, note) if note is not None else None
    if known is None:
        return "ignored Update"
    try:
        editing.comment_edit(comment=known.comment, body=_content(note))
    except editing.EditRefused as refusal:
        return f"refused: {refusal}"
    return f"comment {known.comment_id} edited"


def reply_delete(remote: RemoteActor, activity: dict) -> str | None:
    """None when the Delete is not of one of the sender's replies."""
    known = _own_note(remote, activity.get("object"))
    if known is None:
        return None
    comment_pk = known.comment_id
    outcome = comment_services.comment_delete(comment=Comment.objects.get(pk=comment_pk))
    return f"comment {comment_pk} {outcome}"
