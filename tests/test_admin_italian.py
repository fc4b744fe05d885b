"""The admin speaks Italian throughout: Django 6.1's own strings that its Italian catalogue
lacks ("- Select an option -", "Run", "Filter by …", "Search …", the time zone note of the
date pickers) are translated in ours (locale/it: django.po, and djangojs.po for the scripts)."""

import gettext
from pathlib import Path

import django
import pytest
from django.urls import reverse

from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db

DJANGO = Path(django.__file__).parent
OURS = Path(__file__).resolve().parent.parent / "locale"
# Django's English catalogues list every string it can show; its Italian ones, what it has.
CATALOGUES = {
    "django": ["contrib/admin/locale", "conf/locale", "contrib/auth/locale"],
    "djangojs": ["contrib/admin/locale"],
}


def catalogue(localedir: Path, domain: str) -> dict:
    try:
        return gettext.translation(domain, localedir, ["it"])._catalog
    except FileNotFoundError:
        return {}


def english_messages(path: Path) -> set:
    """The msgids of a .po file (context joined as gettext stores it), plurals as their
    singular."""
    messages, context, current = set(), None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            continue
        if line.startswith("msgctxt "):
            context = ""
            current = "context"
        elif line.startswith("msgid "):
            msgid, current = "", "msgid"
        elif line.startswith(("msgid_plural", "msgstr")):
            if current == "msgid" and msgid:
                messages.add(f"{context}\x04{msgid}" if context is not None else msgid)
            context, current = None, None
            continue
        if current in ("msgid", "context") and '"' in line:
            text = line[line.index('"') + 1 : -1].encode("utf-8").decode("unicode_escape")
            text = text.encode("latin-1").decode("utf-8")
            if current == "msgid":
                msgid += text
            else:
                context += text
    return messages


def translated(catalogues: list[dict], message: str) -> bool:
    return any(catalog.get(message) or catalog.get((message, 0)) for catalog in catalogues)


@pytest.mark.parametrize("domain", CATALOGUES)
def test_every_string_of_the_admin_forms_and_accounts_has_an_italian_translation(domain):
    missing = []
    for folder in CATALOGUES[domain]:
        source = DJANGO / folder / "en" / "LC_MESSAGES" / f"{domain}.po"
        found = [catalogue(DJANGO / folder, domain), catalogue(OURS, domain)]
        missing += [m for m in english_messages(source) if not translated(found, m)]
    assert missing == []


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(is_superuser=True))
    return client


ITALIAN = {"accept-language": "it"}


def test_the_article_list_reads_italian(editor_client):
    make_article()
    page = editor_client.get(reverse("admin:blog_article_changelist"), headers=ITALIAN).text

    assert ">Esegui</button>" in page
    assert "Filtra per " in page
    assert "Cerca tra: " in page
    for english in (">Run<", "Filter by ", "Search articol"):
        assert english not in page


def test_the_empty_choice_of_the_actions_reads_italian(editor_client):
    make_article()
    page = editor_client.get(reverse("admin:blog_article_changelist"), headers=ITALIAN).text

    assert "- Scegli un&#x27;opzione -" in page
    assert "Select an option" not in page


def test_the_date_pickers_time_zone_note_reads_italian(editor_client):
    script = editor_client.get(reverse("admin:jsi18n"), headers=ITALIAN).content.decode()

    assert "Nota: inserisci gli orari nel fuso orario %(timezone)s." in script
    assert "Esegui" in script
