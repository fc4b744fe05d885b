"""Demo content for a fresh database: authors, categories, tags and articles in Italian.

`load()` is safe to run again: slugs are the natural keys, images already stored are kept, and
publication dates and statuses are set only when an article is first created, so archives and
article addresses stay where the first run put them. Text is brought back to what is written
here on every run.
"""

import hashlib
import io
from datetime import datetime, timedelta
from typing import TextIO

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageColor, ImageDraw, ImageFont

from blog.models import Article, Author, Category, Promo, Tag

FLAGSHIP_SLUG = "il-futuro-del-giornalismo-digitale"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - only ever set when settings.DEBUG is on.
EDITOR_USERNAME = "redazione"
AUTHOR_USERNAME = "autore"
MODERATOR_USERNAME = "moderazione"
# Staff accounts, their group and an address (a reserved domain, RFC 2606: nothing is
# delivered; the demo prints mail on the console), so the notices they get can be seen.
DEMO_ACCOUNTS = (
    (EDITOR_USERNAME, "Editors", "redazione@rivista.example"),
    (AUTHOR_USERNAME, "Authors", "autore@rivista.example"),
    (MODERATOR_USERNAME, "Moderators", "moderazione@rivista.example"),
)
AUTHOR_ACCOUNT_SLUG = "marco-benedetti"

AVATAR_SIZE = 512
COVER_SIZE = (1600, 900)


def _text(value: str) -> str:
    """Lets long Italian prose be written across lines; stored as one line."""
    return " ".join(value.split())


AUTHORS = [
    {
        "slug": "giulia-ferraresi",
        "display_name": "Giulia Ferraresi",
        "colour": "#1d3557",
        "website": "https://giuliaferraresi.example",
        "bio": _text("""
            Giornalista professionista, scrive di media, editoria e trasformazioni digitali dal
            2009. Ha lavorato nelle redazioni di due quotidiani locali tra Emilia e Lombardia prima
            di dedicarsi all'innovazione editoriale. Coordina la sezione Giornalismo della rivista,
            tiene laboratori di scrittura per il web nelle scuole superiori e, quando può, ascolta
            podcast di cronaca mentre attraversa Bologna in bicicletta.
        """),
    },
    {
        "slug": "marco-benedetti",
        "display_name": "Marco Benedetti",
        "colour": "#2a9d8f",
        "website": "",
        "bio": _text("""
            Ingegnere informatico prestato alla divulgazione. Racconta tecnologia, privacy e
            software libero cercando di evitare il gergo inutile.
        """),
    },
    {
        "slug": "chiara-lombardo",
        "display_name": "Chiara Lombardo",
        "colour": "#b5179e",
        "website": "",
        "bio": _text("""
            Critica letteraria e traduttrice dall'inglese. Scrive di libri, fotografia e festival,
            e non esce mai di casa senza un romanzo in borsa.
        """),
    },
    {
        "slug": "davide-russo",
        "display_name": "Davide Russo",
        "colour": "#e76f51",
        "website": "",
        "bio": _text("""
            Fisico di formazione, si occupa di clima, energia e città sostenibili. Collabora con
            musei scientifici e associazioni di quartiere.
        """),
    },
]

# Cover colours (gradient start, end) live with the category.
CATEGORIES = [
    {
        "slug": "giornalismo",
        "name": "Giornalismo",
        "colours": ("#1d3557", "#e63946"),
        "description": "Come cambia il mestiere di informare, dentro e fuori le redazioni.",
    },
    {
        "slug": "tecnologia",
        "name": "Tecnologia",
        "colours": ("#0b3c49", "#2a9d8f"),
        "description": "Strumenti digitali, diritti e software spiegati senza tecnicismi.",
    },
    {
        "slug": "cultura",
        "name": "Cultura",
        "colours": ("#3c096c", "#f72585"),
        "description": "Libri, immagini, festival e tutto ciò che vale una serata fuori.",
    },
    {
        "slug": "scienza-e-ambiente",
        "name": "Scienza e ambiente",
        "colours": ("#264653", "#e9c46a"),
        "description": "Clima, energia e ricerca, con i piedi per terra.",
    },
    {
        "slug": "societa",
        "name": "Società",
        "colours": ("#6a040f", "#f48c06"),
        "description": "Scuola, città e vita quotidiana.",
    },
]

TAGS = {
    "editoria": "editoria",
    "intelligenza-artificiale": "intelligenza artificiale",
    "podcast": "podcast",
    "privacy": "privacy",
    "open-data": "open data",
    "libri": "libri",
    "fotografia": "fotografia",
    "clima": "clima",
    "citta": "città",
    "scuola": "scuola",
}

FLAGSHIP_BODY = """
<h2>Dalla carta allo schermo, e oltre</h2>
<p>Per decenni il ritmo di una redazione è stato scandito dalla chiusura in tipografia. Oggi una
notizia vive in molti luoghi nello stesso momento: sul sito, nella newsletter del mattino, in un
episodio audio, in un riquadro sullo schermo del telefono. Il lavoro non è diventato più semplice,
è diventato <em>più largo</em>.</p>
<p>Chi dirige una testata deve scegliere dove essere presente e, soprattutto, dove non esserlo.
Inseguire ogni piattaforma consuma le stesse energie che servirebbero per verificare una fonte in
più.</p>
<h2>Il lettore al centro, davvero</h2>
<p>Le ricerche sul consumo di notizie, come il
<a href="https://reutersinstitute.politics.ox.ac.uk/digital-news-report">Digital News Report</a>
del Reuters Institute, raccontano da anni lo stesso fenomeno: molte persone si informano attraverso
i social e i motori di ricerca, ma si fidano soprattutto delle testate che conoscono per nome.
La relazione diretta con chi legge è tornata a essere il patrimonio più prezioso.</p>
<blockquote><p>Un lettore che apre la nostra newsletter ogni mattina vale più di mille visite
arrivate per caso. Il primo ci sceglie, le seconde ci incontrano.</p></blockquote>
<p>Sono parole di una direttrice di una piccola testata locale, ma potrebbero appartenere a
chiunque oggi faccia questo mestiere con un conto economico da far quadrare.</p>
<h2>Tre strade che funzionano</h2>
<ul>
<li><strong>Le newsletter</strong>: un appuntamento fisso, scritto con una voce riconoscibile.</li>
<li><strong>L'audio</strong>: podcast brevi e curati, da ascoltare mentre si fa altro.</li>
<li><strong>Gli abbonamenti</strong>: chiedere un contributo spiegando con chiarezza che cosa si
offre in cambio.</li>
</ul>
<h2>Algoritmi, automazione e fiducia</h2>
<p>Gli strumenti di intelligenza artificiale promettono di trascrivere interviste, riassumere
documenti e suggerire titoli. Possono liberare tempo prezioso, a una condizione: che la
responsabilità di ciò che viene pubblicato resti sempre di una persona con nome e cognome.</p>
<h3>Una questione di trasparenza</h3>
<p>Dire ai lettori come si lavora, quali strumenti si usano e come si correggono gli errori è il
modo più semplice per meritare fiducia. Iniziative come il
<a href="https://thetrustproject.org/">Trust Project</a> propongono indicatori condivisi, e gli
<a href="https://www.w3.org/WAI/standards-guidelines/wcag/">standard di accessibilità</a> ricordano
che un articolo deve poter essere letto da tutti.</p>
<h2>Che cosa non cambierà</h2>
<ol>
<li>Verificare prima di pubblicare.</li>
<li>Distinguere i fatti dalle opinioni.</li>
<li>Correggere gli errori in modo visibile.</li>
</ol>
<p>Il giornalismo digitale cambierà ancora forma molte volte. Il suo compito resterà lo stesso:
aiutare le persone a capire il mondo in cui vivono.</p>
"""

ARTICLES = [
    {
        "slug": FLAGSHIP_SLUG,
        "title": "Il futuro del giornalismo digitale",
        "author": "giulia-ferraresi",
        "category": "giornalismo",
        "tags": ["editoria", "intelligenza-artificiale", "podcast", "open-data"],
        "days_ago": 2,
        "lead": _text("""
            Abbonamenti, newsletter, podcast e algoritmi: le redazioni italiane stanno cambiando
            pelle. Abbiamo provato a capire che cosa resterà del mestiere quando la carta sarà un
            ricordo, e che cosa invece non potrà cambiare mai.
        """),
        "body": FLAGSHIP_BODY,
        "cover_alt": "Sfondo sfumato dal blu al rosso con cerchi sovrapposti",
        "cover_caption": "Un'illustrazione astratta per il numero dedicato ai media digitali.",
        "seo_description": "Newsletter, podcast, abbonamenti e intelligenza artificiale: come "
        "cambia il lavoro delle redazioni e che cosa deve restare uguale.",
    },
    {
        "slug": "newsletter-il-ritorno-della-posta",
        "title": "Newsletter: perché le redazioni tornano alla posta elettronica",
        "author": "giulia-ferraresi",
        "category": "giornalismo",
        "tags": ["editoria"],
        "days_ago": 9,
        "lead": "La casella di posta è diventata la nuova edicola: piccola, personale, quotidiana.",
        "body": """
<p>Una newsletter non dipende dall'umore di un algoritmo: arriva a chi l'ha chiesta.</p>
<h2>Una voce, un orario</h2>
<p>Le più lette hanno una firma riconoscibile e un orario fisso. La costanza conta più della
lunghezza.</p>
<h2>Misurare con giudizio</h2>
<p>Il tasso di apertura è un indizio, non una verità: meglio chiedersi quante persone
<strong>rispondono</strong>.</p>
""",
    },
    {
        "slug": "privacy-smartphone-cinque-impostazioni",
        "title": "Privacy e smartphone: cinque impostazioni da controllare oggi",
        "author": "marco-benedetti",
        "category": "tecnologia",
        "tags": ["privacy"],
        "days_ago": 17,
        "lead": "Bastano dieci minuti per togliere alle app più permessi di quanti ne servano.",
        "body": """
<p>Molte app chiedono l'accesso a posizione, contatti e microfono al primo avvio. Ecco da dove
cominciare.</p>
<ol>
<li>La posizione: concedila solo mentre l'app è in uso.</li>
<li>I contatti: poche app ne hanno davvero bisogno.</li>
<li>Il microfono e la fotocamera: controlla chi li ha usati di recente.</li>
<li>Il tracciamento pubblicitario: si può disattivare.</li>
<li>Le app dimenticate: se non le usi da mesi, disinstallale.</li>
</ol>
<h2>Un controllo all'anno</h2>
<p>Segna una data sul calendario: la privacy è un'abitudine, non un'impostazione.</p>
""",
        "cover_alt": "Sfondo sfumato verde petrolio con cerchi chiari",
        "cover_caption": "Poche scelte consapevoli proteggono molti dati personali.",
    },
    {
        "slug": "open-data-dei-comuni",
        "title": "Che cosa sono davvero gli open data dei comuni",
        "author": "marco-benedetti",
        "category": "tecnologia",
        "tags": ["open-data", "citta"],
        "days_ago": 30,
        "lead": "Bilanci, orari dei bus, qualità dell'aria: dati pubblici che chiunque può usare.",
        "body": """
<p>Un dato è aperto quando è pubblicato in un formato leggibile da una macchina e con una licenza
che ne permette il riuso. Il portale nazionale
<a href="https://www.dati.gov.it/">dati.gov.it</a> ne raccoglie migliaia.</p>
<h2>Un esempio pratico</h2>
<p>Molti file sono semplici tabelle in formato CSV, che si leggono con poche righe:</p>
<pre><code>import csv
with open("fermate.csv", newline="") as file:
    for fermata in csv.DictReader(file):
        print(fermata["nome"])</code></pre>
<p>Da qui nascono mappe, app e inchieste giornalistiche.</p>
""",
    },
    {
        "slug": "cinque-romanzi-brevi-per-un-fine-settimana",
        "title": "Cinque romanzi brevi da leggere in un fine settimana",
        "author": "chiara-lombardo",
        "category": "cultura",
        "tags": ["libri"],
        "days_ago": 44,
        "lead": "Storie che stanno in meno di duecento pagine e restano addosso molto più a lungo.",
        "body": """
<p>Un romanzo breve chiede poco tempo e molta attenzione. Non è un genere minore: è un
esercizio di precisione.</p>
<h2>Come li abbiamo scelti</h2>
<p>Abbiamo cercato voci diverse, epoche lontane e almeno un finale che faccia discutere.</p>
<figure>
<blockquote><p>Le storie brevi sono come le stanze piccole: ogni oggetto deve avere un
motivo per esserci.</p></blockquote>
<figcaption>Da un incontro con i lettori in una libreria di quartiere.</figcaption>
</figure>
""",
        "cover_alt": "Sfondo viola e fucsia con cerchi luminosi",
        "cover_caption": "Una pila di letture per il fine settimana, in versione astratta.",
    },
    {
        "slug": "fotografia-di-strada-e-telefoni",
        "title": "La fotografia di strada nell'epoca dei telefoni",
        "author": "chiara-lombardo",
        "category": "cultura",
        "tags": ["fotografia", "citta"],
        "days_ago": 59,
        "lead": "Tutti hanno una fotocamera in tasca. Saper guardare resta un'altra faccenda.",
        "body": """
<p>La fotografia di strada vive di attesa e di rispetto per le persone ritratte.</p>
<h2>Tre consigli per cominciare</h2>
<ul>
<li>Cammina piano e torna negli stessi luoghi.</li>
<li>Cerca la luce prima del soggetto.</li>
<li>Chiedi il permesso quando un volto è riconoscibile.</li>
</ul>
""",
    },
    {
        "slug": "isole-di-calore-citta",
        "title": "Isole di calore: come le città possono raffrescarsi",
        "author": "davide-russo",
        "category": "scienza-e-ambiente",
        "tags": ["clima", "citta"],
        "days_ago": 75,
        "lead": "Asfalto e cemento trattengono il calore; alberi e superfici chiare lo respingono.",
        "body": """
<p>Nelle notti d'estate il centro di una città può restare molto più caldo della campagna
intorno. È l'effetto <em>isola di calore</em>.</p>
<h2>Le soluzioni</h2>
<ul>
<li>Alberi lungo le strade e nei cortili delle scuole.</li>
<li>Tetti e pavimentazioni chiare che riflettono il sole.</li>
<li>Fontane e acqua in movimento nelle piazze.</li>
</ul>
<h3>Costi e benefici</h3>
<p>Un albero ben curato lavora gratis per decenni: è tra gli investimenti più convenienti.</p>
""",
        "cover_alt": "Sfondo dal blu scuro al giallo con forme tonde",
        "cover_caption": "Il calore accumulato di giorno viene rilasciato di notte.",
    },
    {
        "slug": "a-scuola-di-podcast",
        "title": "A scuola di podcast: un laboratorio in classe",
        "author": "giulia-ferraresi",
        "category": "societa",
        "tags": ["podcast", "scuola"],
        "days_ago": 96,
        "lead": "Una terza superiore ha registrato una serie di puntate sul proprio quartiere.",
        "body": """
<p>Microfoni economici, un'aula silenziosa e tante domande da fare ai vicini di casa.</p>
<h2>Scrivere per l'orecchio</h2>
<p>Frasi brevi, un'idea alla volta, e sempre una voce che accompagna chi ascolta.</p>
<blockquote><p>Abbiamo scoperto che il nostro quartiere aveva più storie di quante
immaginassimo.</p></blockquote>
""",
    },
    {
        "slug": "intelligenza-artificiale-in-redazione",
        "title": "L'intelligenza artificiale in redazione, istruzioni per l'uso",
        "author": "marco-benedetti",
        "category": "tecnologia",
        "tags": ["intelligenza-artificiale", "editoria"],
        "days_ago": 121,
        "lead": "Trascrivere, tradurre, riassumere: dove aiuta e dove serve cautela.",
        "body": """
<p>Gli strumenti automatici sono bravi con i compiti ripetitivi e fragili con i fatti.</p>
<h2>Regole semplici</h2>
<ol>
<li>Ogni testo generato viene riletto da una persona.</li>
<li>Le citazioni si verificano sempre sulla fonte originale.</li>
<li>Ai lettori si dice quando e come uno strumento è stato usato.</li>
</ol>
""",
    },
    {
        "slug": "inchiesta-trasporto-pubblico-locale",
        "title": "Inchiesta sul trasporto pubblico locale",
        "author": "davide-russo",
        "category": "societa",
        "tags": ["citta", "open-data"],
        "status": Article.Status.DRAFT,
        "days_ago": 0,
        "lead": "Bozza: ritardi, corse soppresse e che cosa dicono i dati aperti delle aziende.",
        "body": "<p>Testo in lavorazione: mancano le interviste ai pendolari.</p>",
    },
    {
        "slug": "festival-di-letteratura-dei-prossimi-mesi",
        "title": "I festival di letteratura dei prossimi mesi",
        "author": "chiara-lombardo",
        "category": "cultura",
        "tags": ["libri"],
        "days_ago": -5,
        "lead": "Una guida agli incontri con autrici e autori in giro per l'Italia.",
        "body": """
<p>Dalle piazze dei piccoli borghi ai grandi centri congressi: ecco dove andare.</p>
<h2>Come orientarsi</h2>
<p>Prenotare in anticipo conviene, ma molti incontri restano liberi fino all'ultimo.</p>
""",
    },
]

PROMO = {
    "link": "https://rivista.example/abbonamenti",
    "text": "Il giornalismo indipendente ha bisogno di lettori: sostieni la rivista.",
    "cta_label": "Abbonati",
}


def _mix(colour: str, other: str, amount: float) -> tuple[int, int, int]:
    a, b = ImageColor.getrgb(colour), ImageColor.getrgb(other)
    return tuple(round(x + (y - x) * amount) for x, y in zip(a[:3], b[:3], strict=True))


def avatar_png(initials: str, colour: str) -> bytes:
    """A square PNG: a coloured background, two soft discs and the initials in white."""
    size = AVATAR_SIZE
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (-size // 4, size // 2, size * 2 // 3, size * 3 // 2), fill=_mix(colour, "#fff", 0.2)
    )
    draw.ellipse(
        (size * 2 // 3, -size // 5, size * 6 // 5, size // 3), fill=_mix(colour, "#000", 0.2)
    )
    font = ImageFont.load_default(size=size * 2 // 5)
    left, top, right, bottom = draw.textbbox((0, 0), initials, font=font)
    position = ((size - (right - left)) / 2 - left, (size - (bottom - top)) / 2 - top)
    draw.text(position, initials, fill="white", font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def cover_jpeg(key: str, colours: tuple[str, str]) -> bytes:
    """A 1600x900 JPEG: a diagonal gradient and translucent discs placed from a hash of key."""
    width, height = COVER_SIZE
    vertical = Image.linear_gradient("L").resize(COVER_SIZE)
    horizontal = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize(COVER_SIZE)
    mask = Image.blend(horizontal.transpose(Image.Transpose.FLIP_LEFT_RIGHT), vertical, 0.5)
    start, end = (Image.new("RGB", COVER_SIZE, c) for c in colours)
    image = Image.composite(end, start, mask)
    draw = ImageDraw.Draw(image, "RGBA")  # Blends each translucent fill into the RGB pixels.
    digest = hashlib.sha256(key.encode()).digest()
    for i in range(0, 24, 4):
        x, y = digest[i] * width // 255, digest[i + 1] * height // 255
        radius = 40 + digest[i + 2]
        alpha = 40 + digest[i + 3] // 4
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, alpha))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _publication_time(today: datetime, days_ago: int, index: int) -> datetime:
    """A morning, midday or evening edition `days_ago` days before today (negative: after)."""
    day = today - timedelta(days=days_ago)
    return day.replace(hour=(7, 13, 18)[index % 3], minute=30, second=0, microsecond=0)


def _missing(field_file) -> bool:
    """No image yet, or its file is gone from storage (media folder wiped): generate one."""
    return not field_file or not field_file.storage.exists(field_file.name)


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _load_authors(counts: dict[str, int]) -> dict[str, Author]:
    authors = {}
    for spec in AUTHORS:
        author, created = Author.objects.update_or_create(
            slug=spec["slug"],
            defaults={k: spec[k] for k in ("display_name", "bio", "website")},
        )
        counts["authors"] += created
        if _missing(author.avatar):
            author.avatar = ContentFile(
                avatar_png(author.initials, spec["colour"]), name=f"{author.slug}.png"
            )
            author.save()
            counts["images"] += 1
        authors[author.slug] = author
    return authors


def _load_taxonomy(counts: dict[str, int]) -> tuple[dict[str, Category], dict[str, Tag]]:
    categories, tags = {}, {}
    for spec in CATEGORIES:
        category, created = Category.objects.update_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"]}
        )
        counts["categories"] += created
        categories[category.slug] = category
    for slug, name in TAGS.items():
        tag, created = Tag.objects.update_or_create(slug=slug, defaults={"name": name})
        counts["tags"] += created
        tags[slug] = tag
    return categories, tags


def _load_articles(authors, categories, tags, counts: dict[str, int]) -> None:
    colours = {spec["slug"]: spec["colours"] for spec in CATEGORIES}
    today = timezone.localtime()
    for index, spec in enumerate(ARTICLES):
        defaults = {
            "title": spec["title"],
            "author": authors[spec["author"]],
            "category": categories[spec["category"]],
            "lead": spec["lead"],
            "body": spec["body"].strip(),
            "cover_alt": spec.get("cover_alt", ""),
            "cover_caption": spec.get("cover_caption", ""),
            "seo_description": spec.get("seo_description", ""),
        }
        # Dates relative to the first run; later runs leave them (and the status) alone.
        create_defaults = defaults | {
            "status": spec.get("status", Article.Status.PUBLISHED),
            "publish_at": _publication_time(today, spec["days_ago"], index),
        }
        article, created = Article.objects.update_or_create(
            slug=spec["slug"], defaults=defaults, create_defaults=create_defaults
        )
        counts["articles"] += created
        article.tags.set([tags[slug] for slug in spec["tags"]])
        if "cover_alt" in spec and _missing(article.cover):
            article.cover = ContentFile(
                cover_jpeg(article.slug, colours[spec["category"]]), name=f"{article.slug}.jpg"
            )
            article.save()
            counts["images"] += 1


def _load_promo(counts: dict[str, int]) -> None:
    _, created = Promo.objects.get_or_create(
        link=PROMO["link"], defaults={"text": PROMO["text"], "cta_label": PROMO["cta_label"]}
    )
    counts["promos"] += created


def _load_accounts(authors: dict[str, Author], counts: dict[str, int], stdout) -> None:
    """Staff accounts with a known password: on a developer's machine (DEBUG) only."""
    if not settings.DEBUG:
        _say(stdout, "DEBUG is off: demo staff accounts skipped.")
        return
    for username, group_name, email in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, email=email, password=DEMO_PASSWORD, is_staff=True
            )
            counts["accounts"] += 1
        elif not user.email:  # made by an earlier demo, before its accounts had an address
            user.email = email
            user.save(update_fields=["email"])
        user.groups.add(Group.objects.get(name=group_name))
    author = authors[AUTHOR_ACCOUNT_SLUG]
    user = User.objects.get(username=AUTHOR_USERNAME)
    if author.user_id is None and not Author.objects.filter(user=user).exists():
        author.user = user
        author.save(update_fields=["user"])
    writes_as = f", writes as {author.display_name}" if author.user_id == user.pk else ""
    _say(
        stdout,
        f"DEBUG is on: demo staff accounts {EDITOR_USERNAME} (Editors), {AUTHOR_USERNAME} "
        f"(Authors{writes_as}) and {MODERATOR_USERNAME} (Moderators), password "
        f"{DEMO_PASSWORD!r} unless changed since they were created.",
    )


@transaction.atomic
def load(stdout: TextIO | None = None) -> dict[str, int]:
    """Create or refresh the demo content; return how many objects of each kind are new."""
    counts = dict.fromkeys(
        (
            "authors",
            "categories",
            "tags",
            "articles",
            "images",
            "promos",
            "accounts",
        ),
        0,
    )
    authors = _load_authors(counts)
    categories, tags = _load_taxonomy(counts)
    _load_articles(authors, categories, tags, counts)
    _load_promo(counts)
    _load_accounts(authors, counts, stdout)
    published = Article.objects.published().count()
    _say(stdout, f"Blog demo: {published} articles visible to readers.")
    return counts
