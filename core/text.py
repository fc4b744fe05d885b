"""Text as people type it, without what nobody can see: controls, bidi overrides, zero-widths.

Such characters hide or reorder what a moderator reads ("Trojan Source" bidi tricks), break XML
feeds and email headers, and make a comment of nothing look like a comment of something.
"""

import re
import unicodedata

# C0 controls except tab and newline (carriage returns are folded into newlines first), DEL, C1.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidi embeddings, overrides, isolates and marks; the Arabic letter mark.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Zero-width space, non-joiner, joiner, word joiner, invisible operators, BOM, soft hyphen.
_ZERO_WIDTH = "\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff"
_INVISIBLE = re.compile(f"[{_CONTROLS}{_BIDI}{_ZERO_WIDTH}]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without invisible characters; on one line unless `multiline` (then \\n and \\t stay).

    Joiners inside emoji sequences go too: the emoji stay readable, only their combined glyph
    is lost, a fair price for never hiding text.
    """
    value = _LINE_BREAKS.sub("\n", value)
    if not multiline:
        value = value.replace("\n", " ").replace("\t", " ")
    value = _INVISIBLE.sub("", value)
    # Unassigned and private-use code points are not text anyone can read either.
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cn", "Co", "Cs"))
