"""Comment markup from templates/comments/comment_parts.html (comments.render): parts with
named slots, filled with escaped values only."""

import pytest

from comments import render
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

    html = render_thread(
        [root, reply], labels=Labels.current(), own_pending=frozenset(), reply_level_limit=4
    )

    assert html.startswith(f'<li id="comment-{root.pk}" class="comment depth-1">\n')
    assert "&lt;b&gt;Ada&lt;/b&gt;" in html and "<b>Ada</b>" not in html
    assert "<i>" not in html
    assert '<ol class="children">' in html and html.endswith("</li>\n</ol></li>\n")
