"""Indexes for the moderation list's search on PostgreSQL (comments.admin_search).

A million comments cannot be searched with four UPPER(...) LIKE '%term%' scans. The search reads
instead: the name by prefix (UPPER(author_name) text_pattern_ops), the text by words
(to_tsvector('simple', body), GIN), the email exactly ignoring case (comment_email_upper_idx, in
the model) and the IP address exactly. PostgreSQL only, like blog's search index: not in the
model state, so makemigrations sees the same state everywhere; SQLite keeps the plain search.
"""

from django.db import migrations

INDEXES = {
    "comment_name_prefix_idx": (
        "CREATE INDEX comment_name_prefix_idx ON comments_comment "
        "(UPPER(author_name::text) text_pattern_ops)"
    ),
    "comment_body_words_idx": (
        "CREATE INDEX comment_body_words_idx ON comments_comment "
        "USING gin (to_tsvector('simple'::regconfig, body))"
    ),
    "comment_ip_idx": (
        "CREATE INDEX comment_ip_idx ON comments_comment (ip_address) "
        "WHERE ip_address IS NOT NULL"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in INDEXES.values():
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_scale_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
