"""The moderation queue in the admin, and what readers see after every moderation action."""

import random
import re
import threading

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from comments.services import DeleteOutcome, comment_delete, comment_post, comment_set_status
from tests.comments.helpers import assert_tree_valid
from tests.factories import find_elements, make_article, make_comment, make_user

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def article():
    return make_article(title="Il ritorno delle lucciole")


@pytest.fixture
def tree(article):
    """Several threads, four levels deep, every status; a second article alongside."""
    c = {}
    c["r1"] = make_comment(article, body="Radice uno approvata.")
    c["r1a"] = make_comment(article, parent=c["r1"], body="Risposta r1a approvata.")
    c["r1a1"] = make_comment(article, parent=c["r1a"], body="Risposta r1a1 approvata.")
    c["r1a1x"] = make_comment(
        article, parent=c["r1a1"], body="Quarto livello in attesa.", status="pending"
    )
    c["r1a2"] = make_comment(
        article, parent=c["r1a"], body="Foglia r1a2 in attesa.", status="pending"
    )
    c["r1b"] = make_comment(article, parent=c["r1"], body="Pubblicità r1b spam.", status="spam")
    c["r2"] = make_comment(article, body="Radice due approvata.")
    c["r2a"] = make_comment(article, parent=c["r2"], body="Risposta r2a approvata.")
    c["r2a1"] = make_comment(article, parent=c["r2a"], body="Risposta r2a1 approvata.")
    c["r3"] = make_comment(article, body="Radice tre in attesa.", status="pending")
    c["r4"] = make_comment(article, body="Radice quattro poi respinta.")
    c["r4a"] = make_comment(article, parent=c["r4"], body="Risposta r4a sotto una respinta.")
    comment_set_status(comment=c["r4"], status=Comment.Status.REJECTED)
    other = make_article(title="Un altro articolo")
    c["o1"] = make_comment(other, body="Altro articolo approvato.")
    c["o1a"] = make_comment(
        other, parent=c["o1"], body="Altro articolo in attesa.", status="pending"
    )
    for comment in c.values():
        comment.refresh_from_db()
    return c


# Helpers: the admin actions as a moderator's browser sends them, and what readers see.


def run_action(client, action, comments, *, confirm=False, **request_options):
    data = {"action": action, "_selected_action": [c.pk for c in comments]}
    if confirm:
        data["post"] = "yes"
    return client.post(reverse(CHANGELIST), data, **request_options)


def change_form_data(comment, **overrides) -> dict:
    data = {
        "status": comment.status,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "body": comment.body,
        "_save": "Save",
    }
    for inline in ("flags", "revisions"):  # the read-only records' management forms
        count = str(getattr(comment, inline).count())
        data |= {f"{inline}-TOTAL_FORMS": count, f"{inline}-INITIAL_FORMS": count}
    if comment.notify_on_reply:
        data["notify_on_reply"] = "on"
    data.update(overrides)
    return data


def public_page(article, *, headers=ENGLISH) -> str:
    response = Client().get(article.get_absolute_url(), headers=headers)
    assert response.status_code == 200
    return response.text


def assert_public_page_shows_only_approved(article):
    html = public_page(article)
    public = Comment.objects.public().filter(article=article)
    (heading,) = find_elements(html, "h2", id="comments-title")
    shown_count = int(re.match(r"(\d+) comments? on", str(heading.children[0]).strip()).group(1))
    assert shown_count == public.count()
    items = find_elements(html, "li", class_="comment")
    placeholders = find_elements(html, "li", class_="comment-removed")
    assert len(items) - len(placeholders) == public.count()
    assert html.count("Comment removed") == len(placeholders)
    for comment in Comment.objects.filter(article=article):
        if comment.status == Comment.Status.APPROVED:
            assert comment.body in html
        else:
            assert comment.body not in html
    return html


def assert_moderated_by(moderator, comments):
    for comment in comments:
        comment.refresh_from_db()
        assert comment.moderated_by == moderator
        assert comment.moderated_at is not None


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Every action, through the admin, leaves a valid tree and readers seeing only approved comments.


@pytest.mark.parametrize(
    ("action", "names", "status"),
    [
        ("approve", ["r1a1x", "r1a2", "r3"], Comment.Status.APPROVED),
        ("reject", ["r1a", "r3", "r2a1"], Comment.Status.REJECTED),
        ("mark_spam", ["r2a", "r1a2"], Comment.Status.SPAM),
        ("restore", ["r1a", "r2a1", "r4", "r1b"], Comment.Status.PENDING),
    ],
)
def test_bulk_moderation_keeps_the_tree_and_the_public_page_right(
    moderator_client, moderator, article, tree, action, names, status
):
    selected = [tree[name] for name in names]
    response = run_action(moderator_client, action, selected)

    assert response.status_code == 302
    for comment in selected:
        comment.refresh_from_db()
        assert comment.status == status
    assert_moderated_by(moderator, selected)
    assert_tree_valid()
    assert_public_page_shows_only_approved(article)


def test_bulk_action_reports_how_many_comments_changed(moderator_client, tree):
    selected = [tree["r3"], tree["r1a2"], tree["r1"]]
    response = run_action(moderator_client, "approve", selected, follow=True, headers=ENGLISH)
    # r1 was already approved: it is left alone and not counted.
    assert messages_of(response) == ["2 comments approved."]
    response = run_action(moderator_client, "mark_spam", [tree["r3"]], follow=True, headers=ENGLISH)
    assert messages_of(response) == ["1 comment marked as spam."]


def test_bulk_action_updates_the_selection_in_one_statement_with_one_version_bump(
    moderator_client, article, tree, monkeypatch
):
    from comments import services

    bumps = []
    monkeypatch.setattr(services, "bump_article_versions", lambda *ids: bumps.append(ids))
    selected = [tree["r3"], tree["r1a2"], tree["r2"]]
    table = Comment._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        run_action(moderator_client, "reject", selected)
    updates = [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(updates) == 1  # not a save per comment
    assert bumps == [(article.pk,)]
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in selected]).values_list("status", flat=True)
    ) == {Comment.Status.REJECTED}
    assert_tree_valid()


def test_bulk_action_leaves_already_moderated_comments_as_they_were(moderator_client, tree):
    before = Comment.objects.get(pk=tree["r1"].pk).moderated_at
    run_action(moderator_client, "approve", [tree["r1"], tree["r3"]])
    assert Comment.objects.get(pk=tree["r1"].pk).moderated_at == before


def test_deleting_a_leaf_deletes_it_and_keeps_the_tree_valid(moderator_client, article, tree):
    leaf = tree["r1a2"]
    response = run_action(
        moderator_client, "delete_selected", [leaf], confirm=True, follow=True, headers=ENGLISH
    )

    assert not Comment.objects.filter(pk=leaf.pk).exists()
    assert messages_of(response) == ["1 comment deleted."]
    assert_tree_valid()
    assert_public_page_shows_only_approved(article)


def test_deleting_a_comment_with_replies_keeps_it_as_a_placeholder(
    moderator_client, moderator, article, tree
):
    node = tree["r2a"]
    response = run_action(
        moderator_client, "delete_selected", [node], confirm=True, follow=True, headers=ENGLISH
    )

    node.refresh_from_db()
    assert node.status == Comment.Status.REJECTED
    assert node.body == "Risposta r2a approvata."  # Kept for moderators.
    assert Comment.objects.filter(pk=tree["r2a1"].pk, status="approved").exists()
    assert messages_of(response) == [
        "1 comment has replies: it was kept as a “Comment removed” placeholder, "
        "so its replies stay on the site."
    ]
    assert_moderated_by(moderator, [node])
    assert_tree_valid()
    html = assert_public_page_shows_only_approved(article)
    assert "Risposta r2a1 approvata." in html
    assert not LogEntry.objects.filter(object_id=str(node.pk), action_flag=DELETION).exists()


def test_bulk_delete_says_how_many_were_deleted_and_how_many_kept(moderator_client, article, tree):
    # r1a2 is a leaf; r2a1 and r2a go together (the reply is selected too); r1 keeps its replies.
    selected = [tree["r1a2"], tree["r2a"], tree["r2a1"], tree["r1"]]
    confirmation = run_action(moderator_client, "delete_selected", selected, headers=ENGLISH)
    assert confirmation.status_code == 200
    (kept_list,) = find_elements(confirmation.text, "ul", class_="kept-comments")
    assert str(tree["r1"]) in str(kept_list)
    (deleted_list,) = find_elements(confirmation.text, "ul", class_="deleted-comments")
    assert str(tree["r2a"]) in str(deleted_list) and str(tree["r1"]) not in str(deleted_list)
    assert Comment.objects.filter(pk__in=[c.pk for c in selected]).count() == 4

    response = run_action(
        moderator_client, "delete_selected", selected, confirm=True, follow=True, headers=ENGLISH
    )

    assert messages_of(response) == [
        "3 comments deleted.",
        "1 comment has replies: it was kept as a “Comment removed” placeholder, "
        "so its replies stay on the site.",
    ]
    assert list(Comment.objects.filter(pk__in=[c.pk for c in selected])) == [tree["r1"]]
    assert_tree_valid()
    assert_public_page_shows_only_approved(article)


def test_deleting_one_comment_with_replies_from_its_page_keeps_it(
    moderator_client, moderator, article, tree
):
    node = tree["r1a"]
    url = reverse("admin:comments_comment_delete", args=[node.pk])
    confirmation = moderator_client.get(url, headers=ENGLISH)
    assert "it will be kept as a “Comment removed” placeholder" in confirmation.text

    response = moderator_client.post(url, {"post": "yes"}, follow=True, headers=ENGLISH)

    node.refresh_from_db()
    assert node.status == Comment.Status.REJECTED
    assert any("kept as a “Comment removed” placeholder" in m for m in messages_of(response))
    assert_moderated_by(moderator, [node])
    assert_tree_valid()
    assert_public_page_shows_only_approved(article)


def test_deleting_one_leaf_from_its_page_deletes_it(moderator_client, article, tree):
    leaf = tree["r1a1x"]
    url = reverse("admin:comments_comment_delete", args=[leaf.pk])
    moderator_client.post(url, {"post": "yes"})
    assert not Comment.objects.filter(pk=leaf.pk).exists()
    assert LogEntry.objects.filter(object_id=str(leaf.pk), action_flag=DELETION).exists()
    assert_tree_valid()
    assert_public_page_shows_only_approved(article)


def test_status_change_in_the_change_form_goes_through_the_service(
    moderator_client, moderator, article, tree
):
    comment = tree["r1"]
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = moderator_client.post(url, change_form_data(comment, status="rejected"))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REJECTED
    assert_moderated_by(moderator, [comment])
    assert_tree_valid()
    html = assert_public_page_shows_only_approved(article)
    assert "Risposta r1a approvata." in html


def test_editing_the_text_in_the_change_form_rerenders_it_and_keeps_the_status(
    moderator_client, tree
):
    comment = tree["r1"]
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    moderator_client.post(url, change_form_data(comment, body="Testo corretto: www.example.org"))
    comment.refresh_from_db()
    assert comment.body == "Testo corretto: www.example.org"
    assert 'href="http://www.example.org"' in comment.body_html
    assert comment.status == Comment.Status.APPROVED
    assert_tree_valid()


def test_moderation_actions_are_offered_on_the_change_form(moderator_client, moderator, tree):
    comment = tree["r3"]
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    html = moderator_client.get(url).text
    (select,) = find_elements(html, "select", name="CHANGE_FORM-action")
    assert 'value="approve"' in str(select)

    moderator_client.post(url, {"CHANGE_FORM-action": "approve", "_selected_action": [comment.pk]})

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert_moderated_by(moderator, [comment])


def test_comments_cannot_be_added_in_the_admin(moderator_client, django_user_model):
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403
    superuser = django_user_model.objects.create_superuser("capo", password="pw")
    client = Client()
    client.force_login(superuser)
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403


# Readers see the moderator's decision at once; threads keep their shape.


def test_approving_from_the_queue_shows_the_comment_on_the_cached_page(
    moderator_client, article, tree
):
    held = tree["r1a1x"]
    assert held.body not in public_page(article)  # Fills the cache.

    run_action(moderator_client, "approve", [held])

    assert held.body in public_page(article)


@pytest.mark.parametrize("action", ["reject", "mark_spam"])
def test_removing_a_comment_with_replies_leaves_a_placeholder_with_the_replies_nested(
    moderator_client, article, tree, action
):
    removed, reply, deeper = tree["r1a"], tree["r1a1"], tree["r1a2"]
    public_page(article, headers={})

    run_action(moderator_client, action, [removed])

    html = public_page(article, headers={})  # Italian, the site's language.
    assert removed.body not in html
    (item,) = find_elements(html, "li", id=f"comment-{removed.pk}")
    assert "comment-removed" in dict(item.attributes)["class"].split()
    assert "Commento rimosso" in str(item)
    # The approved reply is still shown, nested inside the placeholder.
    (children,) = [child for child in item.children if getattr(child, "name", "") == "ol"]
    assert find_elements(str(children), "li", id=f"comment-{reply.pk}")
    assert reply.body in str(children)
    assert deeper.body not in html  # Still pending.


# The queue itself.


def test_queue_is_newest_first(moderator_client, tree):
    html = moderator_client.get(reverse(CHANGELIST)).text
    shown = [
        int(dict(box.attributes)["value"])
        for box in find_elements(html, "input", name="_selected_action")
    ]
    newest_first = list(Comment.objects.order_by("-created", "-pk").values_list("pk", flat=True))
    assert shown == newest_first


def row_of(html: str, comment) -> str:
    for row in find_elements(html, "tr"):
        if find_elements(str(row), "input", name="_selected_action", value=str(comment.pk)):
            return str(row)
    raise AssertionError(f"no row for comment {comment.pk}")


def test_each_row_shows_the_comment_in_its_thread(moderator_client, article, tree):
    html = moderator_client.get(reverse(CHANGELIST), headers=ENGLISH).text

    reply = row_of(html, tree["r1a1x"])
    assert article.title in reply
    assert "Risposta r1a1 approvata." in reply  # The parent's text.
    assert ">4<" in reply.replace(" ", "").replace("\n", "")  # Depth, as readers count.
    assert tree["r1a1x"].held_reason and tree["r1a1x"].held_reason in reply

    thread_start = row_of(html, tree["r3"])
    assert "—" in thread_start


@pytest.mark.parametrize(
    ("name", "anchor_name"),
    [
        ("r1a1", "r1a1"),  # Approved: itself.
        ("r1a1x", "r1a1"),  # Pending: the nearest approved ancestor.
        ("r1b", "r1"),  # Spam under an approved root.
        ("r3", None),  # A pending thread start: the article's comments.
    ],
)
def test_each_row_links_to_where_the_comment_sits_on_the_site(
    moderator_client, article, tree, name, anchor_name
):
    html = moderator_client.get(reverse(CHANGELIST)).text
    # An approved comment's permanent address, which redirects to its page and anchor.
    expected = (
        reverse("comments:permalink", args=[tree[anchor_name].pk])
        if anchor_name
        else f"{article.get_absolute_url()}#comments"
    )
    (link,) = [
        a
        for a in find_elements(row_of(html, tree[name]), "a")
        if dict(a.attributes)["href"].startswith(("/commento/", article.get_absolute_url()))
    ]
    assert dict(link.attributes)["href"] == expected
    if anchor_name:
        followed = moderator_client.get(expected)
        assert followed.status_code == 302
        assert (
            followed["Location"] == f"{article.get_absolute_url()}#comment-{tree[anchor_name].pk}"
        )


def test_queue_query_count_does_not_grow_with_the_number_of_comments(moderator_client):
    article = make_article()

    def add_comments(count):
        for index in range(count):
            existing = list(Comment.objects.filter(status="approved", level__lt=3))
            parent = existing[index % len(existing)] if existing and index % 3 else None
            make_comment(article, parent=parent, status=("approved", "pending")[index % 2])

    def queries_for_queue():
        with CaptureQueriesContext(connection) as queries:
            response = moderator_client.get(reverse(CHANGELIST))
        assert response.status_code == 200
        return len(queries)

    add_comments(5)
    with_five = queries_for_queue()
    add_comments(25)
    assert Comment.objects.count() == 30
    assert queries_for_queue() == with_five


# The pending count, for moderators, on every admin page.


def test_pending_count_is_shown_on_every_admin_page_and_right_after_an_action(
    moderator_client, tree
):
    pending = Comment.objects.filter(status="pending").count()
    html = moderator_client.get(reverse("admin:index"), headers=ENGLISH).text
    (link,) = find_elements(html, "a", class_="moderation-queue-link")
    assert str(link.children[0]).strip() == f"Comments awaiting moderation: {pending}"
    assert dict(link.attributes)["href"] == f"{reverse(CHANGELIST)}?status__exact=pending"

    run_action(moderator_client, "approve", [tree["r3"]])

    html = moderator_client.get(reverse("admin:password_change"), headers=ENGLISH).text
    assert f"Comments awaiting moderation: {pending - 1}" in html


def test_queue_title_counts_the_comments_awaiting_moderation(moderator_client, tree):
    pending = Comment.objects.filter(status="pending").count()
    html = moderator_client.get(reverse(CHANGELIST), headers=ENGLISH).text
    (title,) = find_elements(html, "h1")
    assert str(title.children[0]).strip() == f"Comments ({pending} awaiting moderation)"


def test_pending_link_opens_the_pending_comments_only(moderator_client, tree):
    html = moderator_client.get(reverse(CHANGELIST), {"status__exact": "pending"}).text
    assert "Radice tre in attesa." in html
    assert "Radice uno approvata." not in html


def test_staff_without_comment_permissions_sees_no_pending_count(client, tree):
    client.force_login(make_user(groups=["Authors"]))
    html = client.get(reverse("admin:index"), headers=ENGLISH).text
    assert "Comments awaiting moderation" not in html


# Deleting closes a gap in a thread while replies open gaps in it: the thread lock serialises them.


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("patient_sqlite_writers")
def test_deletes_racing_replies_in_the_same_thread_keep_it_valid(settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    article = make_article()
    root = make_comment(article)
    stable = [make_comment(article, parent=root) for _ in range(4)]  # Replied to, never deleted.
    doomed = []
    for index in range(24):
        parent = root if index % 2 else stable[index % 4]
        doomed.append(make_comment(article, parent=parent))
    for node in doomed[:6]:  # Some doomed comments have a reply: they become placeholders.
        make_comment(article, parent=node)
    rng = random.Random(4)
    rng.shuffle(doomed)
    errors: list[BaseException] = []
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def deleter(batch):
        try:
            start.wait()
            outcomes.extend(comment_delete(comment=comment) for comment in batch)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def poster(worker):
        try:
            start.wait()
            for n in range(8):
                comment_post(
                    article=article,
                    parent_id=stable[(worker + n) % 4].pk,
                    body=f"Risposta {worker}-{n} durante le cancellazioni.",
                    author_name=f"Scrittore {worker}",
                    author_email=f"w{worker}@example.com",
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=deleter, args=(doomed[i::3],)) for i in range(3)]
    workers += [threading.Thread(target=poster, args=(i,)) for i in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)

    assert not errors, errors[:3]
    assert outcomes.count(DeleteOutcome.PLACEHOLDER) == 6
    assert outcomes.count(DeleteOutcome.DELETED) == 18
    assert Comment.objects.filter(body__endswith="durante le cancellazioni.").count() == 24
    assert_tree_valid()
