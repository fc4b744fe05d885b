"""Replies taken before remote authors had a commenter key get their actor's key, so their
record, standing and suspensions (comments.identity) include them."""

from django.db import migrations

from comments.identity import commenter_key


def forwards(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    RemoteNote = apps.get_model("fediverse", "RemoteNote")
    notes = RemoteNote.objects.filter(
        comment__author_role="fediverse", comment__commenter=""
    ).values_list("comment_id", "remote__uri")
    by_actor: dict[str, list[int]] = {}
    for comment_id, uri in notes.iterator():
        by_actor.setdefault(uri, []).append(comment_id)
    for uri, comment_ids in by_actor.items():
        key = commenter_key(user_id=None, email="", actor=uri)
        Comment.objects.filter(pk__in=comment_ids).update(commenter=key)


class Migration(migrations.Migration):
    dependencies = [("fediverse", "0004_reaction")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
