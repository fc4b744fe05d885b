"""Every public page type, built once with content that exercises its markup.

The Nu HTML checker test (Django's test client) and the axe test (the browser) visit the same
list, so a page type added here is checked both ways.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from blog.models import Promo
from comments import following, verification
from comments import unsubscribe as reply_unsubscribe
from comments.models import Comment, CommenterAddress, DiscussionFollower, DiscussionSettings
from comments.services import comment_set_status
from newsletter import tokens
from newsletter.models import Subscriber
from tests.factories import make_article, make_author, make_category, make_comment, make_tag

LONG_WORD = "Precipitevolissimevolmentesovracostituzionalizzazionissimamente"
LONG_URL = (
    "https://www.esempio-di-dominio-molto-lungo.example.it/archivio/2025/rubriche/"
    "approfondimenti-sul-giornalismo-locale-e-sulle-newsletter?utm_source=commenti"
    "&utm_medium=lettori&utm_campaign=una-campagna-dal-nome-lunghissimo-senza-spazi"
)
LONG_NAME = "Maria Antonietta Castiglioni-Ferraresi di Montebello Vicentino"

# The reader-facing wording of a deep thread, level by level (the root first).
THREAD = [
    ("Lucia Marchetti", "", "Articolo lucidissimo: la parte sulla fiducia dei lettori è vera."),
    ("Paolo Sartori", "", f"D'accordo, e aggiungo una fonte: {LONG_URL}"),
    (LONG_NAME, "https://castiglioni-ferraresi-di-montebello.example.it/", f"{LONG_WORD}!"),
    ("", "", "Un lettore senza nome: la rettifica nascosta non si dimentica."),
    ("Tommaso Gallo", "", f"Al quinto livello non si risponde più. {LONG_WORD} {LONG_URL}"),
]


@dataclass
class Site:
    article: object
    thread: list = field(default_factory=list)  # the deep thread's comments, root first
    pages: dict = field(default_factory=dict)  # name -> (path, expected status)


def build_site() -> Site:
    """Content for every public page type; `pages` lists them by name."""
    Promo.objects.create(
        text="Abbonati alla rivista: un anno di approfondimenti a metà prezzo.",
        link="https://abbonamenti.example.it/",
        cta_label="Abbonati ora",
    )
    category = make_category(name="Giornalismo", description="Il mestiere di informare.")
    tag = make_tag(name="Newsletter")
    author = make_author(
        display_name="Giulia Ferraresi",
        bio="Scrive di media e di editoria locale da quindici anni.",
        website="https://giulia.example.it/",
    )
    publish_at = timezone.now() - datetime.timedelta(days=2)
    article = make_article(
        title="Il giornalismo locale alla prova delle newsletter",
        lead="Le piccole testate ritrovano i lettori con un'email alla settimana.",
        body=(
            "<p>Un paragrafo con un <a href='https://example.it/'>collegamento</a>.</p>"
            "<h2>Un sottotitolo</h2><blockquote><p>Una citazione.</p></blockquote>"
            "<ul><li>Un punto</li><li>Un altro punto</li></ul>"
        ),
        author=author,
        category=category,
        tags=[tag],
        publish_at=publish_at,
    )
    make_article(
        title="Un articolo con i commenti chiusi",
        author=author,
        category=category,
        tags=[tag],
        comments_enabled=False,
        publish_at=publish_at - datetime.timedelta(hours=1),
    )

    thread, parent = [], None
    for name, url, body in THREAD:
        parent = make_comment(
            article, parent=parent, author_name=name, author_url=url, body=body, author_email=""
        )
        thread.append(parent)
    # A second thread whose root was taken down: a placeholder keeps the reply in place.
    removed = make_comment(article, body="Un commento poi rimosso.")
    make_comment(article, parent=removed, body="Una risposta a un commento rimosso.")
    comment_set_status(comment=removed, status=Comment.Status.REJECTED)

    # Two threads a page, so the article's discussion has pages (and their navigation).
    rules = DiscussionSettings.from_django_settings()
    rules.threads_per_page = 2
    rules.save()
    follower = DiscussionFollower.objects.create(article=article, email="segue@example.it")
    address = CommenterAddress.objects.create(email="conferma-commenti@example.it")

    local = timezone.localtime(publish_at)
    confirming = Subscriber.objects.create(email="conferma@example.it")
    leaving = Subscriber.objects.create(email="disiscrizione@example.it")
    notified = make_comment(article, body="Avvisami delle risposte.", notify_on_reply=True)
    pages = {
        "home": (reverse("blog:home"), 200),
        "article": (article.get_absolute_url(), 200),
        "article-comments-closed": (
            article.author.articles.get(comments_enabled=False).get_absolute_url(),
            200,
        ),
        "category": (category.get_absolute_url(), 200),
        "tag": (tag.get_absolute_url(), 200),
        "author": (author.get_absolute_url(), 200),
        "archive-month": (
            reverse("blog:archive-month", kwargs={"year": local.year, "month": local.month}),
            200,
        ),
        "archive-year": (reverse("blog:archive-year", kwargs={"year": local.year}), 200),
        "search": (reverse("blog:search") + "?q=newsletter", 200),
        "search-no-results": (reverse("blog:search") + "?q=zanzara", 200),
        "not-found": ("/questa-pagina-non-esiste/", 404),
        "newsletter-signup": (reverse("newsletter:signup"), 200),
        "newsletter-check-inbox": (reverse("newsletter:check-inbox"), 200),
        "newsletter-confirmed": (
            reverse(
                "newsletter:confirm",
                args=[tokens.make_token(confirming, salt=tokens.CONFIRM_SALT)],
            ),
            200,
        ),
        "newsletter-link-invalid": (reverse("newsletter:confirm", args=["non-valido"]), 400),
        "newsletter-unsubscribed": (
            reverse(
                "newsletter:unsubscribe",
                args=[tokens.make_token(leaving, salt=tokens.UNSUBSCRIBE_SALT)],
            ),
            200,
        ),
        "replies-unsubscribed": (
            reverse("comments:unsubscribe", args=[reply_unsubscribe.make_token(notified)]),
            200,
        ),
        "replies-unsubscribe-invalid": (reverse("comments:unsubscribe", args=["non-valido"]), 400),
        "article-comments-page-2": (article.get_absolute_url() + "?pagina=2", 200),
        "article-comments-newest": (article.get_absolute_url() + "?ordine=newest", 200),
        "comment-permalink-target": (article.get_absolute_url() + "?ordine=replies", 200),
        "comment-flag": (reverse("comments:flag", args=[thread[0].pk]), 200),
        "comment-edit-refused": (reverse("comments:edit", args=[thread[0].pk]), 403),
        "comment-follow": (reverse("comments:follow", args=[article.pk]), 200),
        "comment-follow-confirm": (
            reverse("comments:follow-confirm", args=[following.confirm_token(follower, "daily")]),
            200,
        ),
        "comment-follow-invalid": (reverse("comments:follow-confirm", args=["non-valido"]), 400),
        "comment-follow-unsubscribe-invalid": (
            reverse("comments:follow-unsubscribe", args=["non-valido"]),
            400,
        ),
        "confirm-address": (
            reverse("comments:confirm-address", args=[verification.make_token(address)]),
            200,
        ),
    }
    pages.update(build_editorial_pages(article))
    return Site(article=article, thread=thread, pages=pages)


def build_editorial_pages(article) -> dict:
    """Pages with a hierarchy, the two menus, the privacy and contact pages, corrections."""
    from django.contrib.auth.models import User

    from blog.services import correction_add
    from pages.models import Menu, MenuItem, Page

    about = Page.objects.create(
        title="Chi siamo", slug="chi-siamo", status="published", body="<p>Una redazione.</p>"
    )
    team = Page.objects.create(
        title="La redazione",
        slug="redazione",
        parent=about,
        status="published",
        body="<h2>Chi scrive</h2><p>Giornaliste e giornalisti.</p>",
    )
    contact = Page.objects.create(
        title="Contatti",
        slug="contatti",
        status="published",
        body="<p>Scrivici.</p>",
        template="contact/page.html",
    )
    privacy = Page.objects.create(
        title="Privacy",
        slug="privacy",
        status="published",
        is_privacy_policy=True,
        body="<p>I tuoi dati.</p>",
    )
    header = Menu.objects.create(location=Menu.Location.HEADER)
    top = MenuItem.objects.create(menu=header, page=about, order=1)
    MenuItem.objects.create(menu=header, page=team, parent=top, order=1)
    MenuItem.objects.create(menu=header, page=contact, order=2)
    footer = Menu.objects.create(location=Menu.Location.FOOTER)
    MenuItem.objects.create(menu=footer, page=privacy, order=1)
    MenuItem.objects.create(menu=footer, url="https://example.it/", label="Partner", order=2)
    editor = User.objects.create_user(username="caporedattrice", is_staff=True, is_superuser=True)
    correction_add(
        article=article, kind="correction", text="La tiratura era di 4.000 copie.", user=editor
    )
    return {
        "page": (about.get_absolute_url(), 200),
        "page-nested": (team.get_absolute_url(), 200),
        "page-contact": (contact.get_absolute_url(), 200),
        "page-privacy": (privacy.get_absolute_url(), 200),
        "contact-sent": (reverse("contact:sent"), 200),
        "corrections": (reverse("blog:corrections"), 200),
    }
