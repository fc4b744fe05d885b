"""Privacy tools, like WordPress's: export and erase everything stored about an email address,
and forget old IP addresses."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from comments.models import Comment, Suspension, avatar_colour_for
from comments.services import commenters_suspend
from core.privacy import personal_data_erase, personal_data_export
from tests.comments.helpers import age, tree_snapshot
from tests.factories import find_elements, make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

NAME = "Mario Rossi"
EMAIL = "mario.rossi@example.it"
CLEARED = {
    "author_name": "",
    "author_email": "",
    "author_url": "",
    "ip_address": None,
    "user_agent": "",
    "user_id": None,
    "notify_on_reply": False,
}
PERSONAL_FIELDS = [*CLEARED, "avatar_colour", "body"]


@pytest.fixture
def people():
    """Mario's comments (typed in three letter cases, on two articles) among other people's."""
    article = make_article(title="Il caffè sospeso")
    elsewhere = make_article(title="Altre storie")
    account = make_user(username="mario", is_staff=False, email=EMAIL)
    mario = {
        "author_name": NAME,
        "author_url": "https://mario.example.it/",
        "ip_address": "203.0.113.9",
        "user_agent": "Firefox/140.0",
    }
    root = make_comment(
        article, body="Perché no?\nIl caffè è <b>buono</b>.", author_email=EMAIL, **mario
    )
    reply = make_comment(article, parent=root, author_name="Giulia", author_email="giulia@ex.it")
    answer = make_comment(
        article, parent=reply, author_email="Mario.Rossi@Example.IT", notify_on_reply=True, **mario
    )
    below = make_comment(article, parent=answer, author_name="Luca", author_email="luca@ex.it")
    other_root = make_comment(article, author_name="Giulia", author_email="giulia@ex.it")
    held = make_comment(
        elsewhere, status="pending", author_email="MARIO.ROSSI@EXAMPLE.IT", user=account, **mario
    )
    return {
        "article": article,
        "elsewhere": elsewhere,
        "mine": [root, answer, held],
        "others": [reply, below, other_root],
        "root": root,
        "reply": reply,
        "answer": answer,
        "below": below,
    }


def exported_comments(export: dict) -> list[dict]:
    return [c for group in export["data"]["comments"] for c in group["comments"]]


def stored(comments) -> dict:
    return {
        c.pk: Comment.objects.filter(pk=c.pk).values(*PERSONAL_FIELDS, "status").get()
        for c in comments
    }


def run(*args, **options) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# Export.


@pytest.mark.parametrize("typed", [EMAIL, EMAIL.upper(), " Mario.Rossi@example.IT "])
def test_export_holds_every_comment_of_the_address_in_any_case_and_nothing_else(people, typed):
    export = personal_data_export(email=typed)

    assert sorted(c["id"] for c in exported_comments(export)) == [c.pk for c in people["mine"]]
    text = json.dumps(export, ensure_ascii=False)
    assert "giulia" not in text.lower() and "luca" not in text.lower()


def test_export_shows_each_comment_in_full_grouped_by_article(people, settings):
    settings.SITE_URL = "https://rivista.example"
    root, held = people["root"], people["mine"][2]
    export = json.loads(json.dumps(personal_data_export(email=EMAIL)))

    titles = [group["article"] for group in export["data"]["comments"]]
    assert sorted(titles) == ["Altre storie", "Il caffè sospeso"]
    first = next(c for c in exported_comments(export) if c["id"] == root.pk)
    root.refresh_from_db()
    assert first == {
        "id": root.pk,
        "url": f"https://rivista.example{people['article'].get_absolute_url()}#comment-{root.pk}",
        "parent_id": None,
        "name": NAME,
        "email": EMAIL,
        "website": "https://mario.example.it/",
        "text": "Perché no?\nIl caffè è <b>buono</b>.",
        "status": "approved",
        "created": root.created.isoformat(),
        "ip_address": "203.0.113.9",
        "user_agent": "Firefox/140.0",
        "notify_on_reply": False,
        "moderated_at": root.moderated_at.isoformat(),
        "user_account": None,
        "edited_at": None,
        "earlier_versions": [],
    }
    pending = next(c for c in exported_comments(export) if c["id"] == held.pk)
    assert pending["status"] == "pending" and pending["moderated_at"] is None
    assert pending["email"] == "MARIO.ROSSI@EXAMPLE.IT" and pending["user_account"] == "mario"
    answer = next(c for c in exported_comments(export) if c["id"] == people["answer"].pk)
    assert answer["parent_id"] == people["reply"].pk and answer["notify_on_reply"] is True


def test_export_command_prints_json_with_the_text_as_typed(people):
    export = json.loads(run("export_personal_data", "MARIO.rossi@example.it"))

    assert export["email"] == "MARIO.rossi@example.it"
    assert sorted(c["id"] for c in exported_comments(export)) == [c.pk for c in people["mine"]]
    assert "Perché no?" in run("export_personal_data", EMAIL)  # UTF-8, not \u escapes


def test_export_command_writes_a_utf8_file(people, tmp_path):
    target = tmp_path / "mario.json"
    output = run("export_personal_data", EMAIL, output=str(target))

    assert str(target) in output
    export = json.loads(target.read_text(encoding="utf-8"))
    assert len(exported_comments(export)) == 3
    assert "Il caffè sospeso" in target.read_text(encoding="utf-8")


def test_export_command_says_when_nothing_is_stored(people):
    with pytest.raises(CommandError, match=r"Nothing is stored for nobody@example\.it"):
        run("export_personal_data", "nobody@example.it")


@pytest.mark.parametrize("command", ["export_personal_data", "erase_personal_data"])
@pytest.mark.parametrize("email", ["not-an-email", "", "mario@", "a@b@example.it"])
def test_commands_refuse_an_invalid_email(people, command, email):
    before = stored(people["mine"])
    with pytest.raises(CommandError, match="is not a valid email address"):
        run(command, email, "--yes") if command.startswith("erase") else run(command, email)
    assert stored(people["mine"]) == before


def test_the_services_refuse_an_empty_address_that_would_match_anonymous_comments(people):
    make_comment(people["article"], author_name="", author_email="")
    with pytest.raises(ValueError, match="required"):
        personal_data_erase(email="  ")
    with pytest.raises(ValueError, match="required"):
        personal_data_export(email="")


# Erase.


def test_erase_anonymizes_every_comment_of_the_address_and_nothing_else(people):
    others_before = stored(people["others"])
    mine_before = stored(people["mine"])

    assert personal_data_erase(email="mario.ROSSI@example.it") == 3

    for pk, after in stored(people["mine"]).items():
        assert {field: after[field] for field in CLEARED} == CLEARED
        assert after["body"] == mine_before[pk]["body"]  # the text stays, as in WordPress
        assert after["status"] == mine_before[pk]["status"]
        assert after["avatar_colour"] == avatar_colour_for("")
    assert stored(people["others"]) == others_before
    assert personal_data_export(email=EMAIL)["data"]["comments"] == []
    assert not Comment.objects.filter(author_name=NAME).exists()


def test_erase_leaves_every_thread_exactly_as_it_was(people):
    before = tree_snapshot()

    personal_data_erase(email=EMAIL)

    assert tree_snapshot() == before
    assert Comment.objects.count() == 6
    Comment.objects.rebuild()
    assert tree_snapshot() == before


def test_the_article_page_shows_anonimo_at_once_with_the_replies_still_nested(client, people):
    article, root, answer, below = (people[k] for k in ("article", "root", "answer", "below"))
    warm = client.get(article.get_absolute_url()).text
    assert NAME in warm  # the tree is now cached under the current version

    personal_data_erase(email=EMAIL)

    for _ in range(2):
        html = client.get(article.get_absolute_url()).text
        assert NAME not in html and "mario" not in html.lower()
        assert "203.0.113.9" not in html
        (item,) = find_elements(html, "li", id=f"comment-{root.pk}")
        (author,) = find_elements(str(item), "b", id=f"comment-{root.pk}-author")
        assert author.children == ["Anonimo"]
        assert "Perché no?" in str(item)
        (nested,) = find_elements(str(item), "li", id=f"comment-{answer.pk}")
        assert find_elements(str(nested), "li", id=f"comment-{below.pk}")


def test_erase_command_asks_first_and_no_changes_nothing(people, monkeypatch):
    before, tree = stored(people["mine"]), tree_snapshot()
    questions = []
    monkeypatch.setattr("builtins.input", lambda prompt: questions.append(prompt) or "no")

    output = run("erase_personal_data", EMAIL)

    assert "This erases the personal data of mario.rossi@example.it:" in questions[0]
    assert (
        "Comments (anonymized: the text stays and every thread keeps its shape): 3"
        in (questions[0])
    )
    assert "nothing was changed" in output
    assert stored(people["mine"]) == before and tree_snapshot() == tree


def test_erase_command_erases_after_yes(people, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")

    output = run("erase_personal_data", EMAIL.upper())

    assert "Personal data of MARIO.ROSSI@EXAMPLE.IT erased:" in output
    assert "Comments (anonymized: the text stays and every thread keeps its shape): 3" in output
    assert not Comment.objects.filter(author_email__iexact=EMAIL).exists()


def test_erase_command_with_yes_does_not_ask(people, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))

    assert "every thread keeps its shape): 3" in run("erase_personal_data", EMAIL, "--yes")
    assert all(after["author_name"] == "" for after in stored(people["mine"]).values())


def test_erase_command_without_a_terminal_refuses_instead_of_guessing(people, monkeypatch):
    before = stored(people["mine"])

    def no_terminal(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    with pytest.raises(CommandError, match="use --yes"):
        run("erase_personal_data", EMAIL)
    assert stored(people["mine"]) == before


def test_erase_command_says_when_nothing_is_stored(people, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    assert "Nothing is stored for nobody@example.it" in run(
        "erase_personal_data", "nobody@example.it"
    )


# Old IP addresses.


def tracking(comment) -> tuple:
    return Comment.objects.filter(pk=comment.pk).values_list("ip_address", "user_agent").get()


def test_clear_old_ips_forgets_only_comments_older_than_the_retention_period():
    article = make_article()
    old, recent, fresh = (
        make_comment(article, ip_address=f"198.51.100.{n}", user_agent="Safari/18")
        for n in (1, 2, 3)
    )
    age(old, 91)
    age(recent, 89)

    output = run("clear_old_ips")

    assert "cleared on 1 comment older than 90 days" in output
    assert tracking(old) == (None, "")
    assert tracking(recent) == ("198.51.100.2", "Safari/18")
    assert tracking(fresh) == ("198.51.100.3", "Safari/18")
    assert Comment.objects.get(pk=old.pk).author_email  # nothing else is touched
    assert "cleared on 0 comments" in run("clear_old_ips")  # already clear: not counted again


def test_clear_old_ips_takes_days_from_the_option_or_the_setting(settings):
    article = make_article()
    old, recent = (make_comment(article, ip_address="198.51.100.7") for _ in range(2))
    age(old, 40)
    age(recent, 20)

    settings.COMMENTS_IP_RETENTION_DAYS = 30
    assert "1 comment older than 30 days" in run("clear_old_ips")
    assert tracking(old)[0] is None and tracking(recent)[0] == "198.51.100.7"

    assert "1 comment older than 10 days" in run("clear_old_ips", "--days", "10")
    assert tracking(recent)[0] is None


def test_clear_old_ips_refuses_a_negative_number_of_days():
    with pytest.raises(CommandError, match="cannot be negative"):
        run("clear_old_ips", "--days", "-1")


# The admin actions.

CHANGELIST = "admin:comments_comment_changelist"


def run_action(client, action, comments, *, headers=None, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in comments], **extra}
    return client.post(reverse(CHANGELIST), data, headers=headers)


def test_a_moderator_downloads_the_export_of_the_selected_comments_authors(
    moderator_client, people
):
    response = run_action(
        moderator_client, "export_personal_data", [people["root"], people["reply"]]
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-')
    exports = json.loads(response.content.decode("utf-8"))
    assert [export["email"] for export in exports] == ["giulia@ex.it", EMAIL]
    giulia, mario = exports
    # Every comment of each address, the unselected ones (and the held one elsewhere) included.
    assert sorted(c["id"] for c in exported_comments(mario)) == [c.pk for c in people["mine"]]
    assert sorted(c["id"] for c in exported_comments(giulia)) == sorted(
        [people["reply"].pk, people["others"][2].pk]
    )


def test_the_erase_action_asks_for_confirmation_first(moderator_client, people):
    before = stored(people["mine"] + people["others"])

    response = run_action(
        moderator_client, "erase_personal_data", [people["root"]], headers={"accept-language": "en"}
    )

    assert response.status_code == 200
    assert "admin/comments/erase_personal_data_confirmation.html" in [
        t.name for t in response.templates
    ]
    html = response.text
    # Every comment of the address, not only the selected one.
    assert "Comments (anonymized: the text stays and every thread keeps its shape): 3" in html
    assert 'name="post" value="yes"' in html
    assert stored(people["mine"] + people["others"]) == before


def test_confirming_the_erase_action_anonymizes_every_comment_of_those_authors(
    moderator_client, people
):
    tree, others_before = tree_snapshot(), stored(people["others"])

    response = run_action(moderator_client, "erase_personal_data", [people["answer"]], post="yes")

    assert response.status_code == 302
    for after in stored(people["mine"]).values():
        assert {field: after[field] for field in CLEARED} == CLEARED
    assert stored(people["others"]) == others_before
    assert tree_snapshot() == tree
    page = moderator_client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert any("3" in m and EMAIL in m.lower() for m in messages), messages


def test_the_actions_skip_comments_without_an_address(moderator_client, people):
    anonymous = make_comment(people["article"], author_name="", author_email="")
    before = stored(people["mine"] + people["others"])

    response = run_action(moderator_client, "erase_personal_data", [anonymous], post="yes")

    assert response.status_code == 302
    assert stored(people["mine"] + people["others"]) == before


def test_an_author_cannot_reach_the_privacy_actions(client, people):
    client.force_login(make_user(groups=["Authors"]))
    before = stored(people["mine"])

    for action in ("export_personal_data", "erase_personal_data"):
        response = run_action(client, action, [people["root"]], post="yes")
        assert response.status_code == 403
    assert stored(people["mine"]) == before


def test_staff_who_may_change_but_not_delete_comments_are_not_offered_the_actions(client, people):
    from django.contrib.auth.models import Permission

    user = make_user()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    client.force_login(user)
    before = stored(people["mine"])

    changelist = client.get(reverse(CHANGELIST))
    assert changelist.status_code == 200
    assert 'value="erase_personal_data"' not in changelist.text
    assert 'value="export_personal_data"' not in changelist.text
    for action in ("export_personal_data", "erase_personal_data"):
        response = run_action(client, action, [people["root"]], post="yes")
        assert "application/json" not in response.get("Content-Type", "")
    assert stored(people["mine"]) == before


def test_a_moderator_is_offered_both_actions(moderator_client, people):
    html = moderator_client.get(reverse(CHANGELIST)).text
    assert 'value="export_personal_data"' in html
    assert 'value="erase_personal_data"' in html


def test_erase_leaves_a_suspension_in_force_but_no_longer_naming_them(people):
    moderator = make_user(username="moderatrice", is_staff=True)
    root = people["root"]
    other = people["reply"]  # Giulia's
    commenters_suspend(
        comments=Comment.objects.filter(pk__in=[root.pk, other.pk]),
        reason="Insulti ripetuti",
        ends_at=None,
        moderator=moderator,
    )
    mine = Suspension.objects.get(commenter=Comment.objects.get(pk=root.pk).commenter)
    assert NAME in mine.label

    personal_data_erase(email=EMAIL)

    mine.refresh_from_db()
    assert NAME not in mine.label and mine.label.startswith("#")
    assert mine in Suspension.objects.active()  # still refused: kept against abuse
    assert "Giulia" in Suspension.objects.exclude(pk=mine.pk).get().label  # others untouched
