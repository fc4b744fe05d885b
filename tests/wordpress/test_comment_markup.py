"""WordPress comments keep the markup our comments allow (quotes, emphasis, code, links)."""

from core.sanitizer import render_comment_text
from wordpress.text import comment_text

# As in the WordPress theme-unit-test export: a quote, code and emphasis inside comments.
THEME_UNIT_COMMENT = (
    "<blockquote>Lorem ipsum <em>dolor</em> sit amet.\n"
    "Second line of the quote.</blockquote>\n"
    "Reply with <strong>bold</strong>, <b>b</b>, <i>i</i> and <code>echo $x;</code> "
    'and <a href="https://wordpress.org/">WordPress</a>.'
)


def test_allowed_markup_survives_the_import_as_typed_text():
    text = comment_text(THEME_UNIT_COMMENT)
    assert text == (
        "> Lorem ipsum *dolor* sit amet.\n> Second line of the quote.\n\n"
        "Reply with **bold**, **b**, *i* and `echo $x;` and WordPress (https://wordpress.org/)."
    )


def test_imported_comment_renders_its_quote_code_emphasis_and_link():
    html = render_comment_text(comment_text(THEME_UNIT_COMMENT))
    assert html.startswith("<blockquote><p>Lorem ipsum <em>dolor</em> sit amet.<br>")
    assert "<strong>bold</strong>" in html and "<code>echo $x;</code>" in html
    assert '<a href="https://wordpress.org/" rel="nofollow ugc noopener">' in html


def test_paragraphs_inside_a_quote_stay_inside_it():
    html = render_comment_text(comment_text("<blockquote><p>uno</p><p>due</p></blockquote>dopo"))
    assert html == "<blockquote><p>uno</p>\n<p>due</p></blockquote>\n<p>dopo</p>"


def test_what_markers_cannot_say_stays_plain():
    assert comment_text("<em>a*b</em> <code>a`b</code> <strong> </strong>x") == "a*b a`b  x"


def test_scripts_inside_a_quote_are_still_dropped():
    assert comment_text("<blockquote>ok<script>alert(1)</script></blockquote>") == "> ok"
