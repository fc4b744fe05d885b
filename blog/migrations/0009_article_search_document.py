"""A stored, generated tsvector column for search, with its GIN index (PostgreSQL only).

Ranking read the weighted document through the expression index of migration 0003, but
ts_rank() recomputed that expression (to_tsvector over every matching body) for every match:
seconds on a large site. A stored generated column holds the document once per article, kept
in step by PostgreSQL itself on every write; the GIN index covers it and ranking reads only it.
The expression is the one migration 0003 indexed (title A, lead B, body without tags C, Italian
configuration). Like 0003, the column is not in the model state: SQLite has neither, and
makemigrations sees the same state on every database. blog.search reads it by name.
"""

from django.db import migrations

COLUMN = "search_document"
INDEX_NAME = "article_search_document_idx"
OLD_INDEX_NAME = "article_search_idx"

INLINE_TAG_PATTERN = r'</?(?:a|b|i|em|strong|code|s|sub|sup|cite)(?:\s(?:[^>"]|"[^"]*")*)?>'
TAG_PATTERN = r'<(?:[^>"]|"[^"]*")*>'

DOCUMENT = (
    "setweight(to_tsvector('italian'::regconfig, COALESCE(title, '')), 'A') || "
    "setweight(to_tsvector('italian'::regconfig, COALESCE(lead, '')), 'B') || "
    "setweight(to_tsvector('italian'::regconfig, regexp_replace(regexp_replace("
    f"COALESCE(body, ''), '{INLINE_TAG_PATTERN}', '', 'g'), '{TAG_PATTERN}', ' ', 'g')), 'C')"
)


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE blog_article ADD COLUMN {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX_NAME} ON blog_article USING gin ({COLUMN})")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX_NAME}")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE blog_article DROP COLUMN {COLUMN}")
    # Migration 0003's index comes back when 0003 is unapplied and re-applied.


class Migration(migrations.Migration):
    dependencies = [("blog", "0008_site_navigation_row")]

    operations = [migrations.RunPython(add_column, drop_column, elidable=False)]
