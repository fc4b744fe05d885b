"""Large fragments put into a rendered page as bytes, after its templates have run.

A Django template joins its output at every level it nests (a block, an include, an if, the frame
it extends), and each join copies all it holds: the markup of a 1,000-comment discussion (1.1 MB)
was copied a dozen times on its way into the article page, and widened to two bytes a character
wherever it met one character past Latin-1 in the frame (a dash, an ellipsis). That was a quarter
of the cold page's cost. While `spliced(render)` renders a page, `fragment(pieces)` gives the
template a marker in place of the pieces (markup already in UTF-8); the rendered response's bytes
then take them, as they are, where the marker is. Outside `spliced`, `fragment(pieces)` is their
text.

A marker carries a random token made for each render, which no text of the page (an article, a
comment) can know in advance, so none can fake one. Call `fragment` only for markup that goes
into the page being rendered, never into a message or another response made meanwhile.
"""

import codecs
import re
import secrets
from collections.abc import Callable, Sequence
from contextvars import ContextVar

from django.http import HttpResponse
from django.utils.safestring import SafeString, mark_safe


class _Fragments:
    """The fragments of one render, by their place in its markers."""

    def __init__(self):
        self.marker = f"splice{secrets.token_hex(8)}x"
        self.texts: list[Sequence[bytes]] = []

    def add(self, pieces: Sequence[bytes]) -> str:
        self.texts.append(pieces)
        return f"{self.marker}{len(self.texts) - 1}y"


_current: ContextVar[_Fragments | None] = ContextVar("spliced_fragments", default=None)


def fragment(pieces: Sequence[bytes]) -> SafeString:
    """Pieces of escaped markup in UTF-8, one after the other, as the page shows them: a marker
    while `spliced` renders the page. Bytes in pieces: they reach the response as they are,
    never decoded, joined into one text or encoded again."""
    fragments = _current.get()
    if fragments is None:
        # Each piece is escaped markup; joining them adds nothing.
        return mark_safe(b"".join(pieces).decode())  # noqa: S308
    if not pieces:
        return SafeString()
    # The marker is letters and digits only: nothing to escape.
    return mark_safe(fragments.add(pieces))  # noqa: S308


def spliced(render: Callable[[], HttpResponse]) -> HttpResponse:
    """The response `render` makes, with the fragments its templates asked for in place."""
    fragments = _Fragments()
    token = _current.set(fragments)
    try:
        response = render()
    finally:
        _current.reset(token)
    if fragments.texts and not response.streaming:
        parts = re.split(rb"%s(\d+)y" % fragments.marker.encode(), response.content)
        utf8 = codecs.lookup(response.charset).name == "utf-8"
        pieces = [parts[0]]
        for index, text in zip(parts[1::2], parts[2::2], strict=True):
            fragment_pieces = fragments.texts[int(index)]
            if not utf8:  # a page in another charset: each piece said again in it
                fragment_pieces = [p.decode().encode(response.charset) for p in fragment_pieces]
            pieces += fragment_pieces
            pieces.append(text)
        response.content = b"".join(pieces)  # the one copy of the whole page
    return response
