import io
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _one_rendition_width(settings):
    """Each cover is encoded once per rendition width: one keeps the tests quick."""
    settings.IMAGE_RENDITION_WIDTHS = (480,)


def run_import(path: Path, *options: str) -> str:
    """Run the command as an editor would; stdout (the summary) back, stderr in .progress."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *options, stdout=out, stderr=err)
    run_import.progress = err.getvalue()
    return out.getvalue()
