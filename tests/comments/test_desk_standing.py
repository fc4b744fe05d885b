"""Standing and explained decisions (issue 24, items 2 and 3): Coral's rule, +1 per approved
comment and -1 per rejected or spam, against the discussion's low and high marks; every
automatic decision stores which rule took it and what matched."""

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, CommenterAddress
from comments.services import comment_post
from tests.comments.test_discussion_settings_admin import CHANGE, save_settings
from tests.comments.test_flags import THREE_NETWORKS, reported_by
from tests.factories import make_article, make_comment, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_at_once")]

REGULAR = "abituale@example.org"


@pytest.fixture
def open_rules(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LINK_COUNT = 0


def post(article, *, email=REGULAR, body="Un commento.", proven="", **extra) -> Comment:
    return comment_post(
        article=article, body=body, author_name="Lia", author_email=email, proven_email=proven,
        **extra,
    )  # fmt: skip


def history(article, *, approved=0, removed=0, **identity):
    for _ in range(approved):
        make_comment(article, **identity)
    for _ in range(removed):
        make_comment(article, status="rejected", **identity)


def prove(email=REGULAR):
    CommenterAddress.objects.create(email=email, confirmed_at=timezone.now())


# Item 2: the low mark.


@pytest.mark.usefixtures("open_rules")
def test_below_the_low_mark_every_comment_is_held_as_new_or_unreliable(settings):
    settings.COMMENTS_STANDING_LOW = 1
    article = make_article()

    newcomer = post(article)

    assert newcomer.status == Comment.Status.PENDING
    assert newcomer.held_reason == "commentatore nuovo o poco affidabile"
    assert newcomer.held_rule == Comment.Rule.STANDING
    history(article, approved=1, author_email="altro@example.org")
    assert post(article, email="altro@example.org").status == Comment.Status.APPROVED


@pytest.mark.usefixtures("open_rules")
def test_more_removed_than_approved_is_held_at_the_default_mark():
    article = make_article()
    history(article, approved=1, removed=2, author_email=REGULAR)
    assert post(article).held_rule == Comment.Rule.STANDING
    assert post(article, email="nuova@example.org").status == Comment.Status.APPROVED


# Item 2: the high mark.


def test_above_the_high_mark_a_proven_address_skips_manual_approval(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = True
    settings.COMMENTS_STANDING_HIGH = 3
    article = make_article()
    history(article, approved=3, author_email=REGULAR)
    prove()

    assert post(article, proven=REGULAR).status == Comment.Status.APPROVED
    stranger = post(article, body="Io sono lei.")  # the same address typed, never proved here
    assert (stranger.status, stranger.held_rule) == (Comment.Status.PENDING, Comment.Rule.MANUAL)


def test_above_the_high_mark_an_account_skips_manual_approval(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = True
    settings.COMMENTS_STANDING_HIGH = 2
    article = make_article()
    reader = make_user(is_staff=False, email="conto@example.org")
    history(article, approved=2, user=reader)
    assert post(article, email="", user=reader).status == Comment.Status.APPROVED
    history(article, removed=2, user=reader)  # 3 approved, 2 removed: back under the mark
    assert post(article, email="", user=reader, body="Altro").status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("rules", "body", "status", "rule"),
    [
        ({"COMMENTS_SPAM_LIST": "casinò"}, "Vieni al casinò", "spam", "spam_list"),
        ({"COMMENTS_HOLD_LIST": "bitcoin"}, "Parliamo di bitcoin", "pending", "hold_list"),
        (
            {"COMMENTS_HOLD_LINK_COUNT": 2},
            "http://a.example http://b.example",
            "pending",
            "links",
        ),
    ],
)
def test_a_trusted_commenter_still_meets_the_spam_list_links_and_hold_list(
    settings, rules, body, status, rule
):
    settings.COMMENTS_REQUIRE_APPROVAL = True
    settings.COMMENTS_STANDING_HIGH = 1
    for name, value in rules.items():
        setattr(settings, name, value)
    article = make_article()
    history(article, approved=1, author_email=REGULAR)
    prove()
    comment = post(article, proven=REGULAR, body=body)
    assert (comment.status, comment.held_rule) == (status, rule)


def test_changing_the_marks_in_the_settings_applies_to_the_next_comment(editor_client, settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LINK_COUNT = 0
    article = make_article()
    assert post(article, body="Prima").status == Comment.Status.APPROVED

    editor_client.get(CHANGE)
    assert save_settings(editor_client, standing_low=5, standing_high=6).status_code == 302

    assert post(article, body="Dopo").held_rule == Comment.Rule.STANDING


def test_a_low_mark_not_below_the_high_mark_is_refused_clearly(editor_client):
    editor_client.get(CHANGE)
    response = save_settings(editor_client, standing_low=5, standing_high=5)
    assert response.status_code == 200
    assert "La soglia bassa deve essere inferiore alla soglia alta." in response.text


# Item 2: report protection is the same standing.


@pytest.fixture
def threshold_3(settings):
    settings.COMMENTS_FLAG_THRESHOLD = 3


@pytest.mark.usefixtures("threshold_3")
def test_report_protection_follows_standing_not_a_count_of_approvals(settings):
    settings.COMMENTS_STANDING_HIGH = 5
    article = make_article()
    prove()
    history(article, approved=6, removed=2, author_email=REGULAR)  # standing 4
    target = make_comment(article, author_email=REGULAR, body="Da proteggere?")
    assert reported_by(target, THREE_NETWORKS).status == Comment.Status.PENDING


@pytest.mark.usefixtures("threshold_3")
def test_lowering_the_high_mark_protects_the_commenter_from_report_hiding(settings):
    settings.COMMENTS_STANDING_HIGH = 4
    article = make_article()
    prove()
    history(article, approved=6, removed=2, author_email=REGULAR)
    target = make_comment(article, author_email=REGULAR, body="Protetto.")
    assert reported_by(target, THREE_NETWORKS).status == Comment.Status.APPROVED


# Item 3: every automatic decision explains itself.


@pytest.mark.usefixtures("open_rules")
@pytest.mark.parametrize(
    ("rules", "body", "reason", "rule"),
    [
        (
            {"COMMENTS_HOLD_LINK_COUNT": 2},
            "http://a.example http://b.example http://c.example",
            "3 link",
            "links",
        ),
        (
            {"COMMENTS_HOLD_LIST": "bitcoin"},
            "Compra Bitcoin",
            "parola in lista: “bitcoin”",
            "hold_list",
        ),
        (
            {"COMMENTS_SPAM_LIST": "viagra"},
            "viagra qui",
            "parola in lista spam: “viagra”",
            "spam_list",
        ),
        (
            {"COMMENTS_REQUIRE_APPROVAL": True},
            "Ciao",
            "ogni commento viene approvato manualmente",
            "manual",
        ),
    ],
)
def test_the_rule_and_what_matched_are_stored_in_the_sites_language(
    settings, rules, body, reason, rule
):
    for name, value in rules.items():
        setattr(settings, name, value)
    comment = post(make_article(), body=body)
    assert (comment.held_reason, comment.held_rule) == (reason, rule)


@pytest.mark.usefixtures("threshold_3")
def test_a_comment_hidden_by_reports_says_by_how_many_readers():
    comment = reported_by(make_comment(make_article()), THREE_NETWORKS)
    assert (comment.held_reason, comment.held_rule) == ("segnalato da 3 lettori", "reports")


@pytest.mark.usefixtures("open_rules")
def test_the_queue_shows_the_reason_and_filters_by_rule(settings, moderator_client):
    settings.COMMENTS_HOLD_LIST = "bitcoin"
    settings.COMMENTS_HOLD_LINK_COUNT = 2
    article = make_article()
    linked = post(article, body="http://a.example http://b.example", email="a@example.org")
    listed = post(article, body="bitcoin!", email="b@example.org")
    queue = reverse("admin:comments_comment_changelist")

    page = moderator_client.get(queue, {"held_rule__exact": "links"}).text

    change = "admin:comments_comment_change"
    assert reverse(change, args=[linked.pk]) in page
    assert reverse(change, args=[listed.pk]) not in page
    assert "2 link" in page
    sidebar = moderator_client.get(queue).text
    assert "?held_rule__exact=hold_list" in sidebar and "Lista di moderazione" in sidebar
