"""The demo's pages ("Chi siamo", "Contatti", "Privacy", "Cookie") and its two menus.

Run by load_demo after the blog's demo (the header menu links its categories).

Safe to run again: pages are found by address and their text brought back to what is written
here; a menu gets its links only when it is first created, so an editor's changes stay.
"""

from typing import TextIO

from django.db import transaction

from blog.models import Category
from pages.models import Menu, MenuItem, Page

PAGES = [
    {
        "slug": "chi-siamo",
        "title": "Chi siamo",
        "seo_description": "Una rivista indipendente che racconta come cambiano i media, "
        "la tecnologia e il lavoro culturale.",
        "body": """
<p>Siamo una piccola redazione indipendente. Dal primo numero ci occupiamo di come cambiano
l'informazione, la tecnologia e il lavoro culturale, con articoli lunghi, dati verificati e il
tempo che serve per capire.</p>
<h2>Come lavoriamo</h2>
<p>Ogni articolo passa per due paia d'occhi prima di uscire: chi lo scrive e chi lo rilegge in
redazione. Quando sbagliamo lo scriviamo in fondo all'articolo, con la data della correzione.</p>
<blockquote><p>Preferiamo arrivare secondi ma giusti.</p></blockquote>
<p>Non abbiamo editori di riferimento: ci sostengono gli abbonati e qualche inserzionista che
sceglie di comparire accanto ai nostri articoli, mai dentro.</p>
""",
        "order": 1,
    },
    {
        "slug": "redazione",
        "parent": "chi-siamo",
        "title": "La redazione",
        "body": """
<p>La redazione lavora tra Milano e Bologna, con una rete di collaboratori in tutta Italia.
Direzione, editing e verifica dei fatti sono interni; grafica e fotografia sono affidate a
professionisti che firmano il proprio lavoro.</p>
<p>Per proporre un articolo o segnalare una storia usa la pagina Contatti: leggiamo tutto,
rispondiamo a quello che possiamo seguire.</p>
""",
        "order": 1,
    },
    {
        "slug": "contatti",
        "title": "Contatti",
        "template": "contact/page.html",
        "body": """
<p>Scrivici per segnalare un errore, proporre una storia o chiedere informazioni sugli
abbonamenti. Rispondiamo di solito entro due giorni lavorativi.</p>
<p>Per le segnalazioni riservate indica nel messaggio come preferisci essere ricontattato.</p>
""",
        "order": 2,
    },
    {
        "slug": "privacy",
        "title": "Informativa sulla privacy",
        "is_privacy_policy": True,
        "body": """
<p>Questa pagina spiega quali dati personali raccogliamo, perché e per quanto tempo.</p>
<h2>Commenti</h2>
<p>Quando commenti conserviamo nome, indirizzo email, sito web facoltativo, testo, indirizzo IP
e user agent. L'indirizzo email non viene mai pubblicato; IP e user agent servono a contrastare
lo spam e vengono cancellati dopo novanta giorni.</p>
<h2>Newsletter</h2>
<p>Per la newsletter conserviamo l'indirizzo email, la data di conferma e l'articolo dalla cui
pagina ti sei iscritto, se c'era: la redazione ne vede solo il conteggio per articolo. Ogni
messaggio contiene un collegamento per disiscriversi con un clic.</p>
<h2>Modulo di contatto</h2>
<p>I messaggi che ci invii restano nella casella della redazione per il tempo necessario a
rispondere.</p>
<h2>Statistiche di lettura</h2>
<p>Contiamo da noi, senza cookie e senza servizi di terzi, quante volte è letta ogni pagina,
da quanti lettori al giorno, da quali siti si arriva (solo il nome del sito, mai l'indirizzo
completo), le parole cercate nel sito (non quelle che sembrano un indirizzo email o un numero
di telefono) e fin dove si legge una pagina (in quarti). Per riconoscere lo stesso lettore
nello stesso giorno calcoliamo un codice da indirizzo IP, user agent e nome del sito con una
chiave segreta che cambia ogni giorno e viene cancellata a fine giornata: né l'indirizzo IP né
lo user agent sono conservati, e il codice non permette di risalire a nessuno. Non contiamo i
robot, la redazione collegata, le anteprime e chi chiede al browser di non essere tracciato
(Global Privacy Control o Do Not Track).</p>
<h2>I tuoi diritti</h2>
<p>Puoi chiedere in ogni momento una copia dei tuoi dati o la loro cancellazione scrivendo
dalla pagina Contatti.</p>
""",
        "order": 3,
    },
    {
        "slug": "cookie",
        "title": "Cookie",
        "body": """
<p>Usiamo solo i cookie tecnici necessari al funzionamento del sito: la protezione dei moduli
(CSRF), la lingua scelta e, se lo chiedi, il ricordo dei tuoi dati nel modulo dei commenti.</p>
<p>Non usiamo cookie di profilazione né strumenti di analisi di terze parti, e le pagine non
contattano altri siti finché non lo chiedi tu (per esempio avviando un video incorporato).</p>
""",
        "order": 4,
    },
]


def load_pages(counts: dict[str, int]) -> dict[str, Page]:
    pages = {}
    for spec in PAGES:
        spec = dict(spec)
        parent = pages.get(spec.pop("parent", None))
        slug = spec.pop("slug")
        path = f"{parent.path}/{slug}" if parent else slug
        page = Page.objects.filter(path=path).first()
        created = page is None
        if created:
            page = Page(slug=slug, parent=parent, status=Page.Status.PUBLISHED)
        for name, value in spec.items():
            setattr(page, name, value.strip() if name == "body" else value)
        page.save()
        counts["pages"] = counts.get("pages", 0) + created
        pages[slug] = page
    return pages


def load_menus(pages: dict[str, Page], counts: dict[str, int]) -> None:
    header, created = Menu.objects.get_or_create(location=Menu.Location.HEADER)
    counts["menus"] = counts.get("menus", 0) + created
    if created:
        about = MenuItem.objects.create(menu=header, page=pages["chi-siamo"], order=10)
        MenuItem.objects.create(menu=header, page=pages["redazione"], parent=about, order=1)
        for order, category in enumerate(Category.objects.filter(parent=None)[:3], start=1):
            MenuItem.objects.create(menu=header, category=category, order=order)
        MenuItem.objects.create(menu=header, page=pages["contatti"], order=20)
    footer, created = Menu.objects.get_or_create(location=Menu.Location.FOOTER)
    if created:
        for order, slug in enumerate(("chi-siamo", "contatti", "privacy", "cookie"), start=1):
            MenuItem.objects.create(menu=footer, page=pages[slug], order=order)
    counts["menus"] += created


@transaction.atomic
def load(stdout: TextIO | None = None) -> dict[str, int]:
    """Create or refresh the demo pages and menus; return how many of each are new."""
    counts = {"pages": 0, "menus": 0}
    load_menus(load_pages(counts), counts)
    return counts
