"""Hostile, broken and trial runs: refused with a clear message, and nothing saved."""

import re
import time

import pytest
from django.apps import apps
from django.core.management.base import CommandError

from blog.models import Article
from tests.conftest import media_files
from tests.factories import make_image_bytes
from tests.wordpress.conftest import FIXTURES, run_import
from wordpress import media
from wordpress.importer import Importer

pytestmark = pytest.mark.django_db


def nothing_imported() -> bool:
    return all(
        model.objects.count() == 0
        for app in ("blog", "comments", "wordpress")
        for model in apps.get_app_config(app).get_models()
        # Singletons of site configuration, there before any import.
        if model._meta.model_name not in ("discussionsettings", "sitenavigation")
    )


def test_external_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "segreto.txt"
    secret.write_text("PASSWORD-DEL-DATABASE-8c1f", encoding="utf-8")
    export = tmp_path / "xxe.xml"
    export.write_text(
        (FIXTURES / "xxe.xml")
        .read_text(encoding="utf-8")
        .replace("SECRET_FILE_URL", secret.as_uri()),
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as refused:
        run_import(export)

    message = str(refused.value)
    assert "declares an XML entity (“secret”) at line 5" in message
    assert "Nothing was imported" in message
    assert "PASSWORD-DEL-DATABASE" not in message
    assert nothing_imported()


def test_entity_expansion_is_refused_at_once():
    started = time.monotonic()
    with pytest.raises(CommandError, match=r"declares an XML entity \(“lol”\) at line 4"):
        run_import(FIXTURES / "billion-laughs.xml")

    assert time.monotonic() - started < 5
    assert nothing_imported()


def test_truncated_file_names_the_line_and_leaves_the_database_untouched(monkeypatch):
    export = FIXTURES / "truncated.xml"
    last_line = len(export.read_text(encoding="utf-8").splitlines())
    articles_seen = []
    read_item = Importer.item

    def item(self, record):
        read_item(self, record)
        articles_seen.append(Article.objects.count())

    monkeypatch.setattr(Importer, "item", item)

    with pytest.raises(CommandError) as refused:
        run_import(export)

    message = str(refused.value)
    line = int(re.search(r"at line (\d+), column \d+", message).group(1))
    assert last_line <= line <= last_line + 1  # where the file stops
    assert "is the file complete?" in message
    # The first post was complete and imported before the parser met the end: rolled back.
    assert articles_seen == [1]
    assert nothing_imported()


def test_a_file_that_is_not_xml_names_its_first_line(tmp_path):
    export = tmp_path / "export.xml"
    export.write_text("Questo non è XML.\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"not well-formed XML at line 1, column 0"):
        run_import(export)


def test_an_ordinary_feed_is_not_taken_for_an_export():
    with pytest.raises(CommandError, match="is not a WordPress export"):
        run_import(FIXTURES / "not-wordpress.xml")
    assert nothing_imported()


def test_missing_file_or_media_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run_import(tmp_path / "assente.xml")
    with pytest.raises(CommandError, match="No such folder"):
        run_import(FIXTURES / "magazine.xml", "--media-dir", str(tmp_path / "assente"))


def test_dry_run_prints_the_summary_and_saves_nothing(tmp_path, settings):
    uploads = tmp_path / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    (uploads / "spiaggia.jpg").write_bytes(make_image_bytes(size=(800, 600)))

    summary = run_import(
        FIXTURES / "magazine.xml", "--dry-run", "--media-dir", str(tmp_path / "uploads")
    )

    assert "DRY RUN, nothing was saved" in summary
    assert re.search(r"^articles\s+6\s+0\s+0\s+0$", summary, re.MULTILINE)
    assert re.search(r"^featured images\s+1\s+0\s+0\s+1$", summary, re.MULTILINE)
    assert nothing_imported()
    assert media_files(settings) == []


def test_a_failure_after_covers_were_written_removes_the_files(tmp_path, settings, monkeypatch):
    uploads = tmp_path / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    (uploads / "spiaggia.jpg").write_bytes(make_image_bytes(size=(800, 600)))
    import_all = media.Covers.import_all

    def import_then_fail(self):
        import_all(self)
        assert media_files(settings), "the cover was written"
        raise RuntimeError("disk full")

    monkeypatch.setattr(media.Covers, "import_all", import_then_fail)
    with pytest.raises(RuntimeError):
        run_import(FIXTURES / "magazine.xml", "--media-dir", str(tmp_path / "uploads"))

    assert nothing_imported()
    assert media_files(settings) == []


@pytest.mark.parametrize("root", ["MEDIA_ROOT", "STATIC_ROOT"])
def test_a_media_dir_the_site_serves_is_refused_and_nothing_imported(tmp_path, settings, root):
    served = tmp_path / "servita"
    setattr(settings, root, served)
    uploads = served / "wp-content" / "uploads" / "2024" / "05"
    uploads.mkdir(parents=True)
    (uploads / "spiaggia.jpg").write_bytes(make_image_bytes(size=(800, 600)))

    for media_dir in (served, served / "wp-content" / "uploads"):
        with pytest.raises(CommandError) as refused:
            run_import(FIXTURES / "magazine.xml", "--media-dir", str(media_dir))
        message = str(refused.value)
        assert f"is inside {root}" in message
        assert "GPS position" in message and "would be public" in message
        assert nothing_imported()


def test_a_media_dir_reached_through_a_link_into_media_root_is_refused(tmp_path, settings):
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    link = tmp_path / "export-uploads"
    link.symlink_to(tmp_path / "media" / "uploads")

    with pytest.raises(CommandError, match="is inside MEDIA_ROOT"):
        run_import(FIXTURES / "magazine.xml", "--media-dir", str(link))
    assert nothing_imported()
