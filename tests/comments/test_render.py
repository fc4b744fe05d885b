"""Comment markup from templates/comments/comment_parts.html (comments.render): parts with
named slots, filled with escaped values only."""

import pytest

from comments import render
from comments.models import Comment
from comments.render import Labels, render_thread
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_every_part_of_the_template_is_read():
    parts = render.parts()

    assert {"open", "removed", "comment", "reply", "flag", "children", "close_item"} <= set(parts)
    assert parts["children"] == '<ol class="children">\n'
    assert parts["open"](pk=7, classes="comment depth-1") == (
        '<li id="comment-7" class="comment depth-1">\n'
    )


@pytest.mark.parametrize("slot", ["{c.author_email}", "{pk!r}", "{pk:>9}", "{0}", "{}"])
def test_a_part_can_only_name_slots_never_reach_into_a_value(slot):
    # A slot is a name the renderer fills with escaped text: no attribute, index or conversion
    # through which a part could print a row's email address or an unescaped value.
    with pytest.raises(ValueError, match="bad slot"):
        render._compiled("prova", f"<p>{slot}</p>")


def test_braces_and_quotes_in_the_markup_stay_as_written():
    part = render._compiled("prova", "<p data-x='{{}}' \"\\n\">{name}</p>\n")

    assert part(name="Ada") == "<p data-x='{}' \"\\n\">Ada</p>\n"


def test_a_thread_renders_from_the_parts_with_reader_text_escaped():
    article = make_article()
    root = make_comment(article, author_name="<b>Ada</b>", body="Primo & <i>unico</i>.")
    reply = make_comment(article, parent=root, author_name="")

    rows = list(Comment.objects.visible_tree(article))
    assert [row.id for row in rows] == [root.pk, reply.pk]

    html = render_thread(
        rows, labels=Labels.current(), own_pending=frozenset(), reply_level_limit=4
    )

    assert html.startswith(f'<li id="comment-{root.pk}" class="comment depth-1">\n')
    assert "&lt;b&gt;Ada&lt;/b&gt;" in html and "<b>Ada</b>" not in html
    assert "<i>" not in html
    assert '<ol class="children">' in html and html.endswith("</li>\n</ol></li>\n")


def test_each_comment_shows_its_moment_to_the_second_in_utc_and_local_time_by_the_minute():
    # The rows carry seconds since the epoch (no datetime per row), and the dates are made once
    # a minute: each comment still gets its own second, the reader's time zone (Rome, summer
    # and winter) and the moment's fraction of a second dropped, not rounded up.
    from datetime import UTC, datetime

    from django.utils import formats, timezone

    article = make_article()
    moments = [
        datetime(2026, 7, 1, 10, 15, 42, 999_000, tzinfo=UTC),
        datetime(2026, 7, 1, 10, 15, 7, tzinfo=UTC),  # the same minute, another second
        datetime(2026, 1, 31, 23, 30, 0, tzinfo=UTC),  # winter: already 1 February in Rome
    ]
    for moment in moments:
        Comment.objects.filter(pk=make_comment(article).pk).update(created=moment)

    html = "".join(
        render_thread([row], labels=Labels.current(), own_pending=frozenset(), reply_level_limit=4)
        for row in Comment.objects.visible_tree(article)
    )

    for moment, iso in zip(
        moments,
        ["2026-07-01T10:15:42+00:00", "2026-07-01T10:15:07+00:00", "2026-01-31T23:30:00+00:00"],
        strict=True,
    ):
        local = timezone.localtime(moment)
        label = f"{formats.date_format(local.date(), 'DATE_FORMAT')} alle "
        label += formats.time_format(local.time(), "TIME_FORMAT")
        assert f'<time datetime="{iso}">{label}</time>' in html
    assert "01 Febbraio 2026 alle 00:30" in html and "01 Luglio 2026 alle 12:15" in html
