"""Large fragments put into a rendered page as bytes, after its templates have run.

A Django template joins its output at every level it nests (a block, an include, an if, the frame
it extends), and each join copies all it holds: the markup of a 1,000-comment discussion (1.1 MB)
was copied a dozen times on its way into the article page, and widened to two bytes a character
wherever it met one character past Latin-1 in the frame (a dash, an ellipsis). That was a quarter
of the cold page's cost. While `spliced(render)` renders a page, `fragment(html)` gives the
template a marker in place of `html`; the rendered response's bytes then take each fragment,
encoded once, where its marker is. Outside `spliced`, `fragment(html)` is `html` itself.

A marker carries a random token made for each render, which no text of the page (an article, a
comment) can know in advance, so none can fake one. Call `fragment` only for markup that goes
into the page being rendered, never into a message or another response made meanwhile.
"""

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
        self.texts: list[Sequence[str]] = []

    def add(self, pieces: Sequence[str]) -> str:
        self.texts.append(pieces)
        return f"{self.marker}{len(self.texts) - 1}y"


_current: ContextVar[_Fragments | None] = ContextVar("spliced_fragments", default=None)


def fragment(pieces: Sequence[SafeString]) -> SafeString:
    """Pieces of escaped markup, one after the other, as the page shows them: a marker while
    `spliced` renders the page. Pieces rather than one text: each is encoded as it is (an
    ASCII piece is copied, not converted), and none is joined into a larger text first."""
    fragments = _current.get()
    if fragments is None:
        # Each piece is escaped markup; joining them adds nothing.
        return mark_safe("".join(pieces))  # noqa: S308
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
        charset = response.charset
        pieces = [parts[0]]
        for index, text in zip(parts[1::2], parts[2::2], strict=True):
            pieces += [piece.encode(charset) for piece in fragments.texts[int(index)]]
            pieces.append(text)
        response.content = b"".join(pieces)  # the one copy of the whole page
    return response
