"""Running the import again, with the same export or a later one."""

import pytest
from django.apps import apps

from blog.models import Article
from comments.models import Comment
from comments.services import comment_post, comment_set_status
from tests.comments.helpers import assert_tree_valid
from tests.wordpress.conftest import FIXTURES, by_wp_id, run_import, wp_ids
from wordpress.models import WordPressObject

pytestmark = pytest.mark.django_db

MAGAZINE = FIXTURES / "magazine.xml"

NEW_REPLY = """		<wp:comment>
			<wp:comment_id>{id}</wp:comment_id>
			<wp:comment_author><![CDATA[{author}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[nuovo{id}@example.com]]></wp:comment_author_email>
			<wp:comment_date_gmt><![CDATA[{date}]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[Arrivato più tardi.]]></wp:comment_content>
			<wp:comment_approved><![CDATA[1]]></wp:comment_approved>
			<wp:comment_parent>{parent}</wp:comment_parent>
		</wp:comment>
"""


def later_export(tmp_path, *replacements: tuple[str, str]):
    """The magazine export as WordPress would give it some days later."""
    text = MAGAZINE.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "later.xml"
    path.write_text(text, encoding="utf-8")
    return path


def database_state():
    """Every row of the blog, comments and wordpress tables, timestamps included."""
    rows = {}
    for app in ("blog", "comments", "wordpress"):
        for model in apps.get_app_config(app).get_models():
            fields = [field.attname for field in model._meta.concrete_fields]
            rows[model._meta.label] = sorted(model.objects.values_list(*fields))
    return rows


def summary_row(summary: str, kind: str) -> list[str]:
    for line in summary.splitlines():
        if line.startswith(kind + " "):
            return line.split()[-4:]
    raise AssertionError(kind)


def test_second_run_of_the_same_export_creates_and_changes_nothing():
    run_import(MAGAZINE)
    before = database_state()

    summary = run_import(MAGAZINE)

    assert database_state() == before
    for kind, unchanged in [
        ("authors", "2"),
        ("categories", "3"),
        ("tags", "2"),
        ("articles", "6"),
        ("comments", "5"),
    ]:
        assert summary_row(summary, kind) == ["0", "0", unchanged, summary_row(summary, kind)[3]]


def test_post_changed_in_wordpress_is_updated_and_keeps_its_slug(tmp_path):
    run_import(MAGAZINE)
    article = WordPressObject.objects.get(kind="post", wp_id="106").article

    summary = run_import(
        later_export(
            tmp_path,
            ("<![CDATA[Perché Milano]]>", "<![CDATA[Perché Milano cambia]]>"),
            ("Una città che cambia.", "Una città che cambia, e in fretta."),
        )
    )

    article.refresh_from_db()
    assert article.title == "Perché Milano cambia"
    assert article.body == "<p>Una città che cambia, e in fretta.</p>"
    assert article.slug == "perche-milano"
    assert summary_row(summary, "articles") == ["0", "1", "5", "0"]
    assert Article.objects.count() == 6


def test_article_edited_here_is_left_alone_when_wordpress_did_not_change_it():
    run_import(MAGAZINE)
    article = WordPressObject.objects.get(kind="post", wp_id="106").article
    article.title = "Titolo corretto in redazione"
    article.save()

    run_import(MAGAZINE)

    article.refresh_from_db()
    assert article.title == "Titolo corretto in redazione"


def test_comment_moderated_here_keeps_its_status_while_others_follow_wordpress(tmp_path):
    run_import(MAGAZINE)
    held = by_wp_id()[1003]
    comment_set_status(comment=held, status=Comment.Status.APPROVED)

    # Later, in WordPress: the held comment went to spam, Maria's approved one to the bin.
    summary = run_import(
        later_export(
            tmp_path,
            (
                "<![CDATA[Un commento ancora in moderazione.]]></wp:comment_content>\n"
                "\t\t\t<wp:comment_approved><![CDATA[0]]>",
                "<![CDATA[Un commento ancora in moderazione.]]></wp:comment_content>\n"
                "\t\t\t<wp:comment_approved><![CDATA[spam]]>",
            ),
            (
                "</p><script>alert(1)</script>]]></wp:comment_content>\n"
                "\t\t\t<wp:comment_approved><![CDATA[1]]>",
                "</p><script>alert(1)</script>]]></wp:comment_content>\n"
                "\t\t\t<wp:comment_approved><![CDATA[trash]]>",
            ),
        )
    )

    comments = by_wp_id()
    assert comments[1003].status == Comment.Status.APPROVED
    assert comments[1001].status == Comment.Status.REJECTED
    assert "moderated here: kept the status given here: 1" in summary
    assert summary_row(summary, "comments")[:3] == ["0", "1", "4"]


def test_same_export_again_keeps_a_status_given_here():
    run_import(MAGAZINE)
    comment_set_status(comment=by_wp_id()[1004], status=Comment.Status.APPROVED)

    run_import(MAGAZINE)

    assert by_wp_id()[1004].status == Comment.Status.APPROVED


def test_new_replies_in_a_later_export_join_their_thread_in_date_order(tmp_path, settings):
    settings.COMMENTS_REQUIRE_APPROVAL = False
    run_import(MAGAZINE)
    maria = by_wp_id()[1001]
    # Meanwhile, on the new site, a reader answers Maria.
    here = comment_post(
        article=maria.article, parent_id=maria.pk, body="Risposta scritta qui.", author_name="Qui"
    )

    replies = NEW_REPLY.format(
        id=1008, author="Tardivo", date="2024-05-20 15:00:00", parent=1001
    ) + NEW_REPLY.format(
        id=1009, author="Ancora più tardi", date="2024-05-20 16:00:00", parent=1008
    )
    summary = run_import(later_export(tmp_path, ("\t</item>", replies + "\t</item>")))

    comments = by_wp_id()
    maria.refresh_from_db()
    children = list(maria.get_children())
    # 1002 (11:00), the new 1008 (15:00), 1005 (next day), then the reply written here (today).
    assert [c.pk for c in children] == [
        comments[1002].pk,
        comments[1008].pk,
        comments[1005].pk,
        here.pk,
    ]
    assert comments[1009].parent == comments[1008]
    assert summary_row(summary, "comments")[:2] == ["2", "0"]
    assert_tree_valid()


def test_article_deleted_here_is_not_brought_back():
    run_import(MAGAZINE)
    WordPressObject.objects.get(kind="post", wp_id="104").article.delete()

    summary = run_import(MAGAZINE)

    assert not Article.objects.filter(slug="appunti-privati").exists()
    assert "articles: deleted here after an earlier import: 1" in summary


def test_another_site_with_the_same_ids_is_imported_beside_not_over(tmp_path):
    run_import(MAGAZINE)
    other = later_export(
        tmp_path,
        (
            "<wp:base_blog_url>https://rivista.example</wp:base_blog_url>",
            "<wp:base_blog_url>https://altra-rivista.example</wp:base_blog_url>",
        ),
    )

    summary = run_import(other)

    assert Article.objects.count() == 12
    assert summary_row(summary, "articles") == ["6", "0", "0", "0"]
    assert wp_ids(
        Comment.objects.filter(parent__isnull=True, article__slug="estate-dei-libri")
    ) == [
        1001,
        1003,
        1004,
    ]
