"""HTML compressed on the wire, without making a secret guessable (BREACH).

Two paths, one rule for who gets them (core.page_cache.is_anonymous_reader):

- A page kept whole (core.page_cache) is compressed once, when it is kept for a client that
  accepts gzip (else by the first such client it is served to, and kept so): the text between
  its holes, each segment ended by a full flush (`gzip_segments`), so no back-reference crosses a
  hole. Serving it splices each visitor's values in as stored (uncompressed) deflate blocks and
  writes the gzip header and trailer (`gzip_spliced`): a hit compresses nothing.
- A page rendered for an anonymous reader is compressed by
  `core.page_cache.PublicPagesGZipMiddleware`
  (Django's GZipMiddleware, which also pads each gzip header with a random-length name).

BREACH needs a secret and text the attacker chooses in the same compressed body. The pages
compressed here hold one secret, the CSRF token, which Django masks afresh for every response
(so its bytes never repeat to be guessed), and they reflect no attacker's text: a kept page's
address may carry only the parameters the page reads (a page number, an order), and anything
personal (a commenter's own held comment, a prefilled name and email, a flash message, a
session, a logged-in user's pages, the admin) is never compressed: it is not an anonymous
reader's page, or it is marked private.

Brotli is not used for these pages: a kept page has per-visitor holes, brotli can neither reset
its window nor take a stored block spliced in mid-stream, so every hit would compress 1 MB again
(milliseconds per reader, the cost the kept page exists to avoid). Clients that accept both get
gzip.
"""

import secrets
import struct
import zlib

from django.utils.regex_helper import _lazy_re_compile

ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")
LEVEL = 6
_STORED_MAX = 0xFFFF


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def gzip_segments(texts: list[bytes]) -> list[bytes]:
    """Raw deflate data of each text, byte-aligned and independent of what comes before it (a
    full flush after each), the last one closing the stream. Joined with stored blocks between
    them they stay a valid stream, whatever the blocks hold."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    segments = [compressor.compress(text) + compressor.flush(zlib.Z_FULL_FLUSH) for text in texts]
    segments[-1] += compressor.flush(zlib.Z_FINISH)
    return segments


def _stored_blocks(value: bytes) -> bytes:
    """`value` as non-final stored deflate blocks (aligned header, length, its complement)."""
    blocks = []
    for start in range(0, len(value), _STORED_MAX):
        chunk = value[start : start + _STORED_MAX]
        blocks.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


def _header() -> bytes:
    # FNAME set, with a random-length name: the response length says nothing exact (as Django's
    # GZipMiddleware does against BREACH).
    name = secrets.token_hex(secrets.randbelow(16) + 1).encode()
    return b"\x1f\x8b\x08\x08" + b"\x00\x00\x00\x00" + b"\x00\xff" + name + b"\x00"


def gzip_spliced(segments: list[bytes], pieces: list[bytes]) -> bytes:
    """A gzip body: `segments` (from gzip_segments) with the values between them as stored
    blocks. `pieces` is the page as served, text and values alternating (text first and last)."""
    crc = 0
    size = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        size += len(piece)
    return gzip_assembled(segments, pieces[1::2], crc, size)


def gzip_assembled(segments: list[bytes], values: list[bytes], crc: int, size: int) -> bytes:
    """A gzip body from `segments` with `values` between them as stored blocks, given the
    CRC-32 and size of the whole uncompressed page (see crc32_combine: no need to hold it)."""
    body = [_header(), segments[0]]
    for value, segment in zip(values, segments[1:], strict=True):
        body.append(_stored_blocks(value))
        body.append(segment)
    body.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(body)


# CRC-32 of a concatenation from the CRC-32s of its parts (zlib's crc32_combine, which Python's
# zlib does not expose): a kept page's text is checksummed once, when kept, and a hit computes
# only its visitor's values, without reading the page's uncompressed bytes at all.
_CRC_POLYNOMIAL = 0xEDB88320


def _multiply_mod_p(a: int, b: int) -> int:
    """a times b modulo the CRC polynomial (reflected, bit 31 is x^0)."""
    mask = 1 << 31
    product = 0
    while a:
        if a & mask:
            product ^= b
            a ^= mask
        mask >>= 1
        b = (b >> 1) ^ _CRC_POLYNOMIAL if b & 1 else b >> 1
    return product


def _x_to_two_to_the(n: int) -> list[int]:
    powers = [1 << 30]  # x^1
    for _ in range(n - 1):
        powers.append(_multiply_mod_p(powers[-1], powers[-1]))
    return powers


_X_TO_TWO_TO_THE = _x_to_two_to_the(32)  # x^(2^k) for k in 0..31


def crc32_shift(length: int) -> int:
    """What crc32_combine needs to know of a second part `length` bytes long: x^(8 length)."""
    power = 1 << 31  # x^0
    k = 3  # 8 bits a byte
    while length:
        if length & 1:
            power = _multiply_mod_p(_X_TO_TWO_TO_THE[k & 31], power)
        length >>= 1
        k += 1
    return power


def crc32_combine(crc1: int, crc2: int, shift2: int) -> int:
    """zlib.crc32(a + b) from zlib.crc32(a), zlib.crc32(b) and crc32_shift(len(b))."""
    return _multiply_mod_p(shift2, crc1) ^ crc2
