"""Italian is complete: every string the site can show has an Italian translation.

Reads what Django's makemessages would extract (templates through Django's own templatize(),
Python sources through their gettext calls) and checks each against the compiled Italian
catalogue that ships in locale/ — so a string missing in the .po, left fuzzy, or not compiled
into the .mo fails here.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

BASE_DIR = Path(__file__).resolve().parent.parent
SOURCE_DIRS = (
    "core",
    "media",
    "pages",
    "blog",
    "comments",
    "newsletter",
    "contact",
    "readership",
    "fediverse",
    "wordpress",
    "api",
    "config",
    "templates",
)
CATALOGUE = BASE_DIR / "locale" / "it" / "LC_MESSAGES" / "django.mo"

LITERAL = r"u?'(?:[^'\\]|\\.)*'"
TEMPLATE_CALL = re.compile(
    rf"\b(gettext|ngettext|pgettext|npgettext)\(\s*({LITERAL})(?:\s*,\s*({LITERAL}))?"
    rf"(?:\s*,\s*({LITERAL}))?"
)
GETTEXT_NAMES = {
    "_": "s", "gettext": "s", "gettext_lazy": "s", "gettext_noop": "s",
    "ngettext": "n", "ngettext_lazy": "n", "pgettext": "p", "pgettext_lazy": "p",
    "npgettext": "np", "npgettext_lazy": "np",
}  # fmt: skip


def _key(kind: str, args: list[str]) -> tuple:
    """(context or None, singular, plural or None)."""
    if kind in ("gettext", "s"):
        return (None, args[0], None)
    if kind in ("ngettext", "n"):
        return (None, args[0], args[1])
    if kind in ("pgettext", "p"):
        return (args[0], args[1], None)
    return (args[0], args[1], args[2])


def template_messages(path: Path):
    source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in TEMPLATE_CALL.finditer(source):
        kind = match.group(1)
        args = [ast.literal_eval(g) for g in match.groups()[1:] if g is not None]
        yield _key(kind, args)


def python_messages(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        kind = GETTEXT_NAMES.get(name)
        if kind is None:
            continue
        wanted = {"s": 1, "n": 2, "p": 2, "np": 3}[kind]
        args = node.args[:wanted]
        if len(args) == wanted and all(
            isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args
        ):
            yield _key(kind, [a.value for a in args])


def all_messages() -> dict[tuple, str]:
    found = {}
    for directory in SOURCE_DIRS:
        for path in sorted((BASE_DIR / directory).rglob("*")):
            if "migrations" in path.parts or not path.is_file():
                continue
            if path.suffix in (".html", ".txt"):
                messages = template_messages(path)
            elif path.suffix == ".py":
                messages = python_messages(path)
            else:
                continue
            for message in messages:
                found.setdefault(message, str(path.relative_to(BASE_DIR)))
    return found


def italian(message: tuple, catalogue: dict) -> bool:
    context, singular, plural = message
    key = singular if context is None else f"{context}\x04{singular}"
    if plural is None:
        return bool(catalogue.get(key))
    return all(catalogue.get((key, n)) for n in (0, 1))


def test_the_extractor_finds_strings_of_every_kind():
    messages = all_messages()
    assert (None, "Your email address will not be published.", None) in messages
    assert any(plural and "comments on «" in plural for _, _, plural in messages)
    assert (None, "Comments are closed on this article.", None) in messages  # Python source
    assert len(messages) > 200


def test_every_string_has_an_italian_translation_in_the_compiled_catalogue():
    with CATALOGUE.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    missing = sorted(
        f"{where}: {message[1]!r}"
        for message, where in all_messages().items()
        if not italian(message, catalogue)
    )
    assert not missing, f"{len(missing)} strings without Italian:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("english", "italian_text"),
    [
        (
            "Your email address will not be published.",
            "Il tuo indirizzo email non sarà pubblicato.",
        ),
        ("Leave a comment", "Lascia un commento"),
        ("Comment removed", "Commento rimosso"),
        ("Get the best industry updates", "Ricevi i migliori aggiornamenti di settore"),
    ],
)
def test_the_designs_wording_is_the_italian_one(english, italian_text):
    from django.utils import translation

    with translation.override("it"):
        assert translation.gettext(english) == italian_text
