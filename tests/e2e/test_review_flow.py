"""The review workflow in a real browser: an author submits, an editor sends back with a note,
the author reads it and submits again, the editor publishes, readers see the article."""

import re

import pytest

from blog.models import Article
from tests.e2e.conftest import PASSWORD, log_in
from tests.factories import make_author, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The change list, with or without the filters the admin preserves.
CHANGELIST = re.compile(r"/admin/blog/article/(\?.*)?$")


def test_submit_review_send_back_and_publish(open_page, editorial_groups):
    author_user = make_user(username="autrice", password=PASSWORD, groups=["Authors"])
    make_author(user=author_user, display_name="Sara Colombo")
    make_user(username="caporedattore", password=PASSWORD, groups=["Editors"])

    # The author writes a draft and submits it.
    author = open_page()
    log_in(author, "autrice", next_path="/admin/blog/article/add/")
    author.locator(".prose-editor .ProseMirror[contenteditable=true]").wait_for()
    author.fill("#id_title", "Le biblioteche di quartiere")
    author.fill("#id_lead", "Dove si legge, si studia e ci si incontra.")
    author.click("input[name=_submit_review]")
    author.wait_for_url(CHANGELIST)
    article = Article.objects.get(title="Le biblioteche di quartiere")
    assert article.status == Article.Status.REVIEW
    assert author.get_by_text("Inviato in revisione").is_visible()
    # Locked while in review: the change page offers no save button any more.
    author.goto(f"/admin/blog/article/{article.pk}/change/")
    assert author.locator("input[name=_save]").count() == 0

    # Readers cannot see it.
    reader = open_page()
    assert reader.goto(article.get_absolute_url()).status == 404

    # The editor sees the badge, opens the queue and sends it back with a note.
    editor = open_page()
    log_in(editor, "caporedattore", next_path="/admin/")
    editor.click("a.review-queue-link")
    editor.click("text=Le biblioteche di quartiere")
    editor.select_option("#id_status", "draft")
    editor.fill("#id_review_note", "Aggiungi gli orari di apertura.")
    editor.click("input[name=_save]")
    editor.wait_for_url(CHANGELIST)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT

    # The author reads the note, edits and submits again.
    author.goto(f"/admin/blog/article/{article.pk}/change/")
    assert author.get_by_text("Aggiungi gli orari di apertura.").is_visible()
    author.fill("#id_lead", "Aperte fino alle 22, dove si legge e ci si incontra.")
    author.click("input[name=_submit_review]")
    author.wait_for_url(CHANGELIST)

    # The editor publishes it.
    editor.goto(f"/admin/blog/article/{article.pk}/change/")
    editor.select_option("#id_status", "published")
    editor.click("input[name=_save]")
    editor.wait_for_url(CHANGELIST)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert editor.locator("a.review-queue-link").count() == 0

    # Every step is in the log, and readers now see the article.
    steps = list(article.transitions.order_by("pk").values_list("to_status", flat=True))
    assert steps == ["review", "draft", "review", "published"]
    response = reader.goto(article.get_absolute_url())
    assert response.status == 200
    assert reader.get_by_text("Aperte fino alle 22").is_visible()
