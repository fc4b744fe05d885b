"""core.splice: long markup put into a rendered page as bytes, after its templates."""

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.template import engines

from core import splice

PIECES = (b"<ol>", "<li>Ciao, è già l\u2019ora 🙂</li>".encode(), b"</ol>")
FRAME = (
    "<main>{% for x in outer %}<div>{{ x }}</div>{% endfor %}"
    "<p>Cerca\u2026 \u2013 fine</p></main>"  # past Latin-1: the page is two bytes a character
)


def render(fragment_pieces=PIECES, frame=FRAME):
    template = engines["django"].from_string(frame)
    return HttpResponse(template.render({"outer": [splice.fragment(fragment_pieces), "<b>"]}))


def test_the_page_is_the_same_bytes_spliced_or_rendered_whole():
    whole = render()
    spliced = splice.spliced(render)

    assert spliced.content == whole.content
    assert "<div><ol><li>Ciao, è già l\u2019ora 🙂</li></ol></div><div>&lt;b&gt;</div>" in (
        spliced.content.decode()
    )


def test_the_templates_see_only_a_marker_while_the_page_is_spliced():
    seen = []

    def render_and_look():
        seen.append(splice.fragment(PIECES))
        return HttpResponse(f"<main>{seen[0]}</main>")

    response = splice.spliced(render_and_look)

    assert "<li>" not in seen[0] and seen[0].startswith("splice")
    assert response.content.decode() == "<main><ol><li>Ciao, è già l\u2019ora 🙂</li></ol></main>"


def test_a_text_that_looks_like_a_marker_is_left_as_it_is():
    # The marker's token is new for each render: a comment or an article cannot write one.
    fake = "splice0123456789abcdefx0y"

    response = splice.spliced(lambda: HttpResponse(f"<p>{fake}</p>{splice.fragment(PIECES)}"))

    assert response.content.decode().startswith(f"<p>{fake}</p><ol>")


@pytest.mark.parametrize("pieces", [(), (b"",)])
def test_an_empty_fragment_adds_nothing(pieces):
    response = splice.spliced(lambda: HttpResponse(f"<p>{splice.fragment(pieces)}</p>"))

    assert response.content == b"<p></p>"


def test_a_streaming_answer_is_left_alone():
    def stream():
        splice.fragment(PIECES)
        return StreamingHttpResponse(iter([b"<p>", b"</p>"]))

    assert b"".join(splice.spliced(stream).streaming_content) == b"<p></p>"


def test_a_page_in_another_charset_gets_the_fragment_in_it():
    pieces = (b"<p>", "caff\u00e8".encode(), b"</p>")

    def render_latin():
        return HttpResponse(
            f"<main>{splice.fragment(pieces)}</main>", content_type="text/html; charset=latin-1"
        )

    response = splice.spliced(render_latin)

    assert response.content == "<main><p>caff\u00e8</p></main>".encode("latin-1")
