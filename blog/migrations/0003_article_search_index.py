"""A GIN index over the weighted full-text document of an article, on PostgreSQL only.

The expression is the one blog.search.search_document() builds (title A, lead B, body without
tags C, Italian configuration); PostgreSQL uses the index only while the two are identical, and
tests/blog/test_search.py checks that it does. It is copied here, not imported, so this migration
keeps meaning what it meant when it was written: a changed document needs a new migration.

Other databases have no such index (and the SQLite fallback could not use one), so the operation
does nothing there. The index is not in Article.Meta.indexes, so the migration state, and
makemigrations, are the same on every database.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models import F, Func, TextField, Value

INDEX_NAME = "article_search_idx"


INLINE_TAG_PATTERN = r'</?(?:a|b|i|em|strong|code|s|sub|sup|cite)(?:\s(?:[^>"]|"[^"]*")*)?>'
TAG_PATTERN = r'<(?:[^>"]|"[^"]*")*>'


def _index():
    without_inline = Func(
        F("body"),
        Value(INLINE_TAG_PATTERN),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    body_without_tags = Func(
        without_inline,
        Value(TAG_PATTERN),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    document = (
        SearchVector("title", config="italian", weight="A")
        + SearchVector("lead", config="italian", weight="B")
        + SearchVector(body_without_tags, config="italian", weight="C")
    )
    return GinIndex(document, name=INDEX_NAME)


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("blog", "Article"), _index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("blog", "Article"), _index())


class Migration(migrations.Migration):
    dependencies = [("blog", "0002_editorial_groups")]

    operations = [migrations.RunPython(create_search_index, drop_search_index, elidable=False)]
