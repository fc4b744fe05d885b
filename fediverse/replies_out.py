"""Replies written on our site to a reply from the fediverse go back to its author's server,
in the same thread: a Note from the magazine (site commenters are not actors), in reply to
their note, mentioning them, with the commenter's name and the comment's text as our page
shows it (body_html, sanitized at save). Sent once approved; the Delivery row's uniqueness
makes a second approval or save send nothing."""

from django.tasks import task
from django.urls import reverse
from django.utils.html import escape

from comments.models import Comment
from fediverse import actors, addresses, delivery, documents
from fediverse.addresses import PUBLIC, absolute
from fediverse.models import RemoteNote


def comment_object_id(comment_pk: int) -> str:
    return absolute(reverse("fediverse:comment", kwargs={"pk": comment_pk}))


def note_of(comment: Comment, note: RemoteNote | None, magazine) -> dict:
    """A site comment as a Note from the magazine (a reply to `note` when there is one)."""
    content = f"<p>{escape(comment.display_name)}:</p>{comment.body_html}"
    document = {
        "id": comment_object_id(comment.pk),
        "type": "Note",
        "attributedTo": addresses.actor_id(magazine),
        "content": content,
        "url": absolute(comment.get_absolute_url()),
        "published": documents.iso(comment.created),
        "to": [PUBLIC],
        "cc": [addresses.actor_collection(magazine, "followers")],
    }
    if note is not None:
        remote = note.remote
        handle = (
            f"@{remote.preferred_username}@{remote.domain}" if remote.preferred_username else ""
        )
        mention = (
            f'<p><a href="{escape(remote.profile_url or remote.uri)}">{escape(handle)}</a></p>'
        )
        document.update(
            inReplyTo=note.uri,
            content=(mention if handle else "") + content,
            cc=[remote.uri, *document["cc"]],
            tag=[{"type": "Mention", "href": remote.uri, "name": handle or remote.uri}],
        )
    return document


@task()
def send_site_reply(comment_pk: int) -> str:
    comment = Comment.objects.filter(pk=comment_pk, status=Comment.Status.APPROVED).first()
    if comment is None or comment.parent_id is None:
        return "skipped"
    if comment.author_role == Comment.Role.FEDIVERSE:
        return "a fediverse reply itself"
    note = RemoteNote.objects.select_related("remote").filter(comment_id=comment.parent_id)
    note = note.first()
    if note is None or note.remote.blocked or not note.remote.inbox:
        return "not a reply to the fediverse"
    magazine = actors.magazine_actor()
    document = note_of(comment, note, magazine)
    activity = {
        "@context": documents.ACTIVITY_CONTEXT,
        "id": f"{document['id']}#create",
        "type": "Create",
        "actor": document["attributedTo"],
        "published": document["published"],
        "to": document["to"],
        "cc": document["cc"],
        "object": document,
    }
    queued = delivery.delivery_queue(actor=magazine, activity=activity, inboxes=[note.remote.inbox])
    return f"{queued} queued"
