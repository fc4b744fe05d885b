"""A little formatting in comments: what readers type in mail and chat, through the sanitizer."""

import pytest

from core.sanitizer import render_comment_text


@pytest.mark.parametrize(
    ("typed", "html"),
    [
        ("una *parola* sola", "<p>una <em>parola</em> sola</p>"),
        ("molto **importante**", "<p>molto <strong>importante</strong></p>"),
        ("scrivi `x = 1` e basta", "<p>scrivi <code>x = 1</code> e basta</p>"),
        ("`*non* enfasi`", "<p><code>*non* enfasi</code></p>"),
        ("**grassetto e *corsivo***", "<p><strong>grassetto e <em>corsivo</em></strong></p>"),
    ],
)
def test_inline_markers_become_markup(typed, html):
    assert render_comment_text(typed) == html


@pytest.mark.parametrize(
    "typed",
    ["2*3*4 fa 24", "a * b * c", "**", "un * solo", "file_name_here", "**non chiuso"],
)
def test_asterisks_that_are_not_markers_stay_text(typed):
    html = render_comment_text(typed)
    assert "<em>" not in html and "<strong>" not in html


def test_quote_lines_become_a_blockquote_and_the_reply_stays_outside():
    html = render_comment_text("> Hai scritto questo\n> su due righe\n\nE io rispondo.")
    assert html == (
        "<blockquote><p>Hai scritto questo<br>su due righe</p></blockquote>\n<p>E io rispondo.</p>"
    )


def test_nested_quotes_are_limited_in_depth():
    html = render_comment_text(">>>>> troppo")
    assert html.count("<blockquote>") == 3
    assert "&gt;&gt; troppo" in html


def test_a_greater_than_sign_inside_a_line_is_not_a_quote():
    assert render_comment_text("3 > 2") == "<p>3 &gt; 2</p>"


def test_urls_are_linked_and_asterisks_inside_them_stay_in_the_address():
    html = render_comment_text("vedi https://example.com/*a*/ e *questo*")
    assert 'href="https://example.com/*a*/"' in html
    assert "<em>questo</em>" in html


def test_a_url_in_code_is_not_linked():
    assert render_comment_text("`https://example.com`") == "<p><code>https://example.com</code></p>"


def test_markup_typed_as_html_is_still_text():
    html = render_comment_text("<em>no</em> **<script>alert(1)</script>**")
    assert "<script>" not in html and "<em>no</em>" not in html
    assert "<strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>" in html


def test_markers_cannot_smuggle_attributes():
    html = render_comment_text('*" onmouseover="alert(1)* `" onclick="x`')
    assert 'onmouseover="' not in html and 'onclick="' not in html
    assert "<em>&quot; onmouseover=&quot;alert(1)</em>" in html
