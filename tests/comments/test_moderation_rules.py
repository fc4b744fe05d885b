"""The discussion rules and their order (WordPress's check_comment is the reference)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from comments import discussion
from comments.models import Comment, DiscussionSettings
from comments.moderation import Candidate, check_comment, comments_open, count_links
from comments.services import CommentRefused, comment_post
from tests.factories import make_article, make_author, make_comment, make_user, post_form_data

pytestmark = pytest.mark.django_db

OPEN = {"require_approval": False, "hold_link_count": 0}


def rules(**overrides) -> DiscussionSettings:
    row = DiscussionSettings.from_django_settings()
    for name, value in overrides.items():
        setattr(row, name, value)
    return row


def candidate(**fields) -> Candidate:
    defaults = {
        "author_name": "Lia",
        "author_email": "lia@example.com",
        "author_url": "",
        "body": "Bel pezzo.",
        "ip_address": "192.0.2.10",
        "user_agent": "Mozilla/5.0",
    }
    return Candidate(**(defaults | fields))


def verdict(article=None, user=None, **rule_overrides):
    def decide(**fields):
        return check_comment(
            candidate(**fields), article=article or make_article(), user=user,
            rules=rules(**rule_overrides),
        ).status  # fmt: skip

    return decide


# Each rule on its own.


def test_everything_is_held_when_manual_approval_is_on():
    assert verdict(require_approval=True)() == Comment.Status.PENDING


def test_everything_is_approved_when_every_rule_is_off():
    assert verdict(**OPEN)() == Comment.Status.APPROVED


@pytest.mark.parametrize(
    ("body", "links"),
    [
        ("niente link", 0),
        ("vedi https://a.example e http://b.example", 2),
        ('<a href="x">x</a> //c.example', 1),
        ("HTTPS://A.EXAMPLE https://b.example https://c.example", 3),
    ],
)
def test_links_are_counted_like_wordpress(body, links):
    assert count_links(body) == links


def test_comment_with_n_links_or_more_is_held():
    decide = verdict(require_approval=False, hold_link_count=2)
    assert decide(body="un link https://a.example") == Comment.Status.APPROVED
    assert decide(body="https://a.example https://b.example") == Comment.Status.PENDING


@pytest.mark.parametrize(
    "field",
    [
        {"author_name": "Mario VIAGRA Rossi"},
        {"author_email": "viagra@example.com"},
        {"author_url": "https://viagra.example"},
        {"body": "Compra ViAgRa qui"},
    ],
)
def test_hold_list_matches_any_field_ignoring_case(field):
    decide = verdict(hold_list="\n  viagra  \n\n", **OPEN)
    assert decide(**field) == Comment.Status.PENDING
    assert decide() == Comment.Status.APPROVED


def test_hold_list_matches_the_ip_address():
    decide = verdict(hold_list="203.0.113.", **OPEN)
    assert decide(ip_address="203.0.113.77") == Comment.Status.PENDING
    assert decide(ip_address="198.51.100.1") == Comment.Status.APPROVED


def test_spam_list_sends_a_match_straight_to_spam():
    decide = verdict(spam_list="casino online", **OPEN)
    assert decide(body="Il miglior Casino Online!") == Comment.Status.SPAM


def test_returning_author_is_approved_and_a_new_one_held():
    article = make_article()
    make_comment(article, author_email="Habitue@Example.com")
    make_comment(article, author_email="held@example.com", status="pending")
    decide = verdict(article, auto_approve_returning=True, **OPEN)
    # Proved by this browser (a followed confirmation link): see test_returning_commenters.py.
    assert decide(author_email="habitue@example.com", proven_email="habitue@example.com") == (
        Comment.Status.APPROVED
    )
    assert decide(author_email="held@example.com", proven_email="held@example.com") == "pending"
    assert decide(author_email="nuova@example.com", proven_email="nuova@example.com") == "pending"


# The order.


def test_spam_list_comes_before_manual_approval():
    decide = verdict(spam_list="spammy", require_approval=True)
    assert decide(body="spammy") == Comment.Status.SPAM


def test_manual_approval_comes_before_returning_author():
    article = make_article()
    make_comment(article, author_email="habitue@example.com")
    decide = verdict(article, require_approval=True, auto_approve_returning=True)
    assert decide(author_email="habitue@example.com") == Comment.Status.PENDING


def test_link_count_and_hold_list_hold_even_a_returning_author():
    article = make_article()
    make_comment(article, author_email="habitue@example.com")
    decide = verdict(
        article, auto_approve_returning=True, require_approval=False, hold_link_count=1,
        hold_list="parolaccia",
    )  # fmt: skip
    habitue = {"author_email": "habitue@example.com", "proven_email": "habitue@example.com"}
    assert decide(**habitue) == Comment.Status.APPROVED
    assert decide(**habitue, body="https://x.example") == "pending"
    assert decide(**habitue, body="una parolaccia") == "pending"


def test_the_article_author_and_moderators_are_trusted_but_nobody_else():
    author_user = make_user()
    article = make_article(author=make_author(user=author_user))
    moderator = make_user(groups=["Moderators"])
    reader = make_user(is_staff=False)
    strict = {"require_approval": True, "spam_list": "spam"}
    assert verdict(article, user=author_user, **strict)(body="spam") == "approved"
    assert verdict(article, user=moderator, **strict)(body="spam") == "approved"
    assert verdict(article, user=reader, **strict)() == "pending"


def test_held_reason_is_recorded_for_moderators(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    settings.COMMENTS_HOLD_LIST = "bitcoin"
    comment = comment_post(
        article=make_article(), body="Investi in Bitcoin", author_name="X",
        author_email="x@example.com",
    )  # fmt: skip
    assert comment.status == Comment.Status.PENDING
    assert "bitcoin" in comment.held_reason


# Closing, anonymity, depth: settings that reach the reader.


def test_comments_close_on_articles_older_than_the_setting():
    old = make_article(publish_at=timezone.now() - datetime.timedelta(days=31))
    new = make_article(publish_at=timezone.now() - datetime.timedelta(days=29))
    assert comments_open(old, rules=rules(close_after_days=None))
    assert not comments_open(old, rules=rules(close_after_days=30))
    assert comments_open(new, rules=rules(close_after_days=30))


def test_posting_on_an_article_past_the_closing_age_is_refused(settings, client):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 10
    article = make_article(publish_at=timezone.now() - datetime.timedelta(days=11))
    with pytest.raises(CommentRefused) as refused:
        comment_post(article=article, body="Tardi", author_name="A", author_email="a@x.it")
    assert refused.value.status == 403
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert "Comments are closed." in page
    assert 'id="commentform"' not in page


def test_name_and_email_become_optional_when_anonymous_comments_are_allowed(settings, client):
    article = make_article()
    url = reverse("comments:post", args=[article.pk])

    def anonymous():  # a new form each time: a form timestamp is good for one post
        return post_form_data(article, author_name="", author_email="", body="Senza nome")

    assert client.post(url, anonymous()).status_code == 400
    settings.COMMENTS_ALLOW_ANONYMOUS = True
    assert client.post(url, anonymous()).status_code == 302
    assert Comment.objects.get(body="Senza nome").author_name == ""
    assert 'name="author_email"' in client.get(article.get_absolute_url()).text


def test_saved_discussion_settings_win_over_django_settings_on_the_next_request(settings):
    settings.COMMENTS_MAX_DEPTH = 5
    assert discussion.max_depth() == 5
    row = DiscussionSettings.from_django_settings()
    row.max_depth = 2
    row.save()
    assert discussion.max_depth() == 2
    row.max_depth = 7
    row.save()
    assert discussion.max_depth() == 7


def test_discussion_settings_are_a_single_row():
    first = DiscussionSettings.from_django_settings()
    first.save()
    second = DiscussionSettings.from_django_settings()
    second.require_approval = False
    second.save()
    assert DiscussionSettings.objects.count() == 1
    assert DiscussionSettings.objects.get().require_approval is False


def test_max_depth_outside_one_to_ten_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    row = DiscussionSettings.from_django_settings()
    row.max_depth = 11
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_changing_max_depth_changes_reply_links_on_a_cached_page(client):
    article = make_article()
    root = make_comment(article)
    child = make_comment(article, parent=root)
    row = DiscussionSettings.from_django_settings()
    row.max_depth = 3
    row.save()
    page = client.get(article.get_absolute_url()).text
    assert f'data-comment-id="{child.pk}"' in page
    row.max_depth = 2
    row.save()
    page = client.get(article.get_absolute_url()).text
    assert f'data-comment-id="{child.pk}"' not in page
    assert f'data-comment-id="{root.pk}"' in page


def test_held_reason_is_stored_in_the_site_language_whatever_the_reader_uses(settings):
    from django.utils import translation

    settings.COMMENTS_REQUIRE_APPROVAL = True
    with translation.override("en"):
        comment = comment_post(
            article=make_article(), body="Ciao", author_name="A", author_email="a@example.com"
        )
    with translation.override("it"):
        expected = str(check_comment(candidate(), article=make_article(), rules=rules()).reason)
    assert comment.held_reason == expected
    assert comment.held_reason != "every comment is approved by hand"


def test_a_comment_back_from_spam_does_not_notify_again(
    mailoutbox, django_capture_on_commit_callbacks
):
    from comments.services import comment_set_status

    author_user = make_user(email="autrice@example.com")
    article = make_article(author=make_author(user=author_user))
    comment = make_comment(article, status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=comment, status="approved")
    assert [m.to for m in mailoutbox] == [["autrice@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        comment_set_status(comment=comment, status="spam")
        comment_set_status(comment=comment, status="approved")
    assert len(mailoutbox) == 1
