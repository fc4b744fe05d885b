import io
from pathlib import Path

import pytest
from django.core.management import call_command

from comments.models import Comment
from wordpress.models import WordPressObject

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _one_rendition_width(one_rendition_width):
    """Each cover is encoded once per rendition width: one keeps the tests quick."""


def run_import(path: Path, *options: str) -> str:
    """Run the command as an editor would; stdout (the summary) back, stderr in .progress."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *options, stdout=out, stderr=err)
    run_import.progress = err.getvalue()
    return out.getvalue()


def by_wp_id() -> dict[int, Comment]:
    """The imported comments by their WordPress id."""
    return {
        int(m.wp_id): m.comment
        for m in WordPressObject.objects.filter(kind="comment").select_related("comment")
    }


def wp_ids(comments) -> list[int]:
    """The WordPress ids of imported `comments`, in their order."""
    reverse = {c.pk: wp_id for wp_id, c in by_wp_id().items()}
    return [reverse[c.pk] for c in comments]
