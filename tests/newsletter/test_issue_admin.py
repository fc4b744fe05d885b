"""Newsletter issues in the admin: compose, preview, test, schedule or send, follow, cancel."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Delivery, Issue, Subscriber
from tests.factories import find_elements, make_article, make_draft, make_user
from tests.newsletter.conftest import make_issue, make_subscriber

pytestmark = pytest.mark.django_db

ADD = reverse("admin:newsletter_issue_add")
CHANGELIST = reverse("admin:newsletter_issue_changelist")


def url(name, issue):
    return reverse(f"admin:newsletter_issue_{name}", args=[issue.pk])


@pytest.fixture
def editor(client):
    user = make_user(groups=["Editors"], email="editor@example.com")
    client.force_login(user)
    return user


def test_a_new_issue_starts_with_the_articles_published_since_the_last_one(client, editor):
    old = make_article(title="Già inviato", publish_at=timezone.now() - timedelta(days=10))
    make_issue(
        articles=[old], status=Issue.Status.SENT, started_at=timezone.now() - timedelta(days=7)
    )
    first = make_article(title="Nuovo uno", publish_at=timezone.now() - timedelta(days=3))
    second = make_article(title="Nuovo due", publish_at=timezone.now() - timedelta(days=1))
    make_draft(title="Bozza")

    response = client.get(ADD)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    initial = [(form.initial.get("article"), form.initial.get("position")) for form in formset]
    assert initial == [(first.pk, 1), (second.pk, 2)]
    # The intro is written in the same rich-text editor as an article's body.
    assert "prose-editor" in response.content.decode()


def test_an_editor_composes_an_issue_with_articles_in_their_order(client, editor):
    one, two = make_article(), make_article()
    data = {
        "subject": "Numero uno",
        "preheader": "Le letture della settimana",
        "intro": "<p>Ciao <script>alert(1)</script></p>",
        "slug": "numero-uno",
        "in_archive": "on",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-article": str(one.pk),
        "items-0-position": "2",
        "items-1-article": str(two.pk),
        "items-1-position": "1",
    }

    response = client.post(ADD, data)

    assert response.status_code == 302
    issue = Issue.objects.get()
    assert "<script" not in issue.intro
    assert list(issue.items.values_list("article", flat=True)) == [two.pk, one.pk]


def test_a_reserved_slug_is_refused_and_the_form_kept(client, editor):
    response = client.post(
        ADD,
        {"subject": "Archivio", "slug": "archivio", "items-TOTAL_FORMS": "0",
         "items-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert not Issue.objects.exists()


def test_preview_html_is_the_email_with_inline_styles_under_a_strict_policy(client, editor):
    issue = make_issue(articles=[make_article(title="In anteprima")])

    response = client.get(url("preview_html", issue))

    assert response.status_code == 200
    html = response.content.decode()
    assert "In anteprima" in html
    assert 'style="' in html
    assert "<script" not in html
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy


def test_preview_text_in_english(client, editor):
    issue = make_issue(articles=[make_article(title="Testo semplice")])

    response = client.get(url("preview_text", issue) + "?language=en")

    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Testo semplice" in text
    assert "Read the article" in text
    assert "Unsubscribe" in text


def test_send_a_test_to_yourself(client, editor, django_capture_on_commit_callbacks):
    issue = make_issue(articles=[make_article()])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("send", issue), {"action": "test"})

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["editor@example.com"]
    assert message.subject.startswith("[Prova]")
    assert Issue.objects.get().status == Issue.Status.DRAFT
    assert not Delivery.objects.exists()


def test_send_now_sends_to_every_confirmed_subscriber(
    client, editor, django_capture_on_commit_callbacks
):
    issue = make_issue(articles=[make_article()])
    make_subscriber("a@example.com")
    make_subscriber("b@example.com", status=Subscriber.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("send", issue), {"action": "now"})

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert Issue.objects.get().status == Issue.Status.SENT
    page = client.get(url("send", issue)).content.decode()
    assert find_elements(page, "progress", max="1", value="1")
    listing = client.get(CHANGELIST).content.decode()
    assert find_elements(listing, "progress")


def test_schedule_in_the_past_is_refused_with_the_value_kept(client, editor):
    issue = make_issue(articles=[make_article()])

    response = client.post(
        url("send", issue), {"action": "schedule", "send_at": "2020-01-01T09:00"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["send_at"]
    assert 'value="2020-01-01T09:00"' in response.content.decode()
    assert Issue.objects.get().status == Issue.Status.DRAFT


def test_schedule_then_cancel(client, editor):
    issue = make_issue(articles=[make_article()])
    when = timezone.localtime() + timedelta(days=1)

    client.post(url("send", issue), {"action": "schedule", "send_at": f"{when:%Y-%m-%dT%H:%M}"})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SCHEDULED
    assert issue.send_at.replace(second=0, microsecond=0) == when.replace(second=0, microsecond=0)

    client.post(url("send", issue), {"action": "cancel"})
    assert Issue.objects.get().status == Issue.Status.DRAFT


def test_an_empty_issue_cannot_be_sent_and_says_why(client, editor):
    issue = make_issue(articles=[make_draft()], intro="")

    response = client.post(url("send", issue), {"action": "now"}, follow=True)

    assert "niente da inviare" in response.content.decode()
    assert Issue.objects.get().status == Issue.Status.DRAFT


def test_an_issue_with_an_introduction_but_no_published_article_is_refused(client, editor):
    issue = make_issue(articles=[make_draft()], intro="<p>Solo due righe di saluto.</p>")
    make_subscriber("a@example.com")

    response = client.post(url("send", issue), {"action": "now"}, follow=True)

    assert "nessun articolo pubblicato" in response.content.decode()
    assert Issue.objects.get().status == Issue.Status.DRAFT
    assert not Delivery.objects.exists()


def refresh_seconds(page: str) -> int | None:
    (meta,) = find_elements(page, "meta", **{"http-equiv": "refresh"}) or [None]
    return None if meta is None else int(dict(meta.attributes)["content"])


def test_after_send_now_the_page_shows_progress_and_refreshes_until_a_worker_starts(client, editor):
    issue = make_issue(articles=[make_article()])
    make_subscriber("a@example.com")
    make_subscriber("b@example.com")

    page = client.post(url("send", issue), {"action": "now"}, follow=True).content.decode()

    assert Issue.objects.get().status == Issue.Status.SCHEDULED  # no worker has run yet
    assert refresh_seconds(page) == 5
    assert find_elements(page, "progress", max="2", value="0")
    assert "in attesa di un processo in background" in page


def test_a_page_of_an_issue_scheduled_for_later_refreshes_when_it_is_due(client, editor):
    issue = make_issue(articles=[make_article()])
    when = timezone.localtime() + timedelta(hours=2)
    client.post(url("send", issue), {"action": "schedule", "send_at": f"{when:%Y-%m-%dT%H:%M}"})

    page = client.get(url("send", issue)).content.decode()

    assert 2 * 3600 - 120 < refresh_seconds(page) <= 2 * 3600 + 5
    assert find_elements(page, "progress", value="0")


def test_the_page_of_an_issue_going_out_shows_progress_and_refreshes(client, editor):
    issue = make_issue(articles=[make_article()], status=Issue.Status.SENDING)
    for email in ("a@example.com", "b@example.com"):
        Delivery.objects.create(issue=issue, subscriber=make_subscriber(email))
    Delivery.objects.filter(subscriber__email="a@example.com").update(status=Delivery.Status.SENT)

    page = client.get(url("send", issue)).content.decode()

    assert refresh_seconds(page) == 5
    assert find_elements(page, "progress", max="2", value="1")


def test_the_page_of_a_draft_or_a_sent_issue_does_not_refresh(client, editor):
    for status in (Issue.Status.DRAFT, Issue.Status.SENT):
        issue = make_issue(articles=[make_article()], status=status)
        assert refresh_seconds(client.get(url("send", issue)).content.decode()) is None


def test_sending_needs_the_permission(client):
    user = make_user(email="viewer@example.com")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_issue"))
    client.force_login(user)
    issue = make_issue(articles=[make_article()])

    assert client.get(url("send", issue)).status_code == 200
    assert client.post(url("send", issue), {"action": "now"}).status_code == 403
    assert Issue.objects.get().status == Issue.Status.DRAFT


def test_an_issue_that_went_out_is_read_only(client, editor):
    issue = make_issue(articles=[make_article()], status=Issue.Status.SENT)

    response = client.post(reverse("admin:newsletter_issue_change", args=[issue.pk]), {})

    assert response.status_code == 403


def test_the_archive_shows_sent_issues_kept_for_readers_only(client):
    article = make_article(title="Nel numero")
    sent = make_issue(articles=[article], status=Issue.Status.SENT, slug="numero-1")
    hidden = make_issue(status=Issue.Status.SENT, in_archive=False, slug="numero-2")
    draft = make_issue(slug="numero-3")

    page = client.get("/newsletter/numero-1/")
    assert page.status_code == 200
    assert "Nel numero" in page.content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    archive = client.get(reverse("newsletter:archive")).content.decode()
    assert sent.subject in archive
    assert archive.count(sent.get_absolute_url()) == 1
