"""A discussion under the flagship demo article, written for this project.

Seventeen approved comments up to three levels deep (one reader left no name, some use emoji)
and a few held for moderation. Safe to run again: a comment whose text is already on the article
is not posted twice.
"""

from datetime import timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from blog.demo import FLAGSHIP_SLUG
from blog.models import Article
from comments.models import Comment
from comments.services import comment_post, comment_set_status

A, P = Comment.Status.APPROVED, Comment.Status.PENDING

# (key, parent key, name, email, website, status, text)
DISCUSSION = [
    ("c1", None, "Lucia Marchetti", "lucia.marchetti@example.it", "", A,
     "Articolo lucidissimo. Lavoro in una piccola testata di provincia e la parte sulla "
     "fiducia dei lettori è esattamente quello che discutiamo ogni lunedì in riunione."),
    ("c2", "c1", "Paolo Sartori", "paolo.sartori@example.it", "", A,
     "Anche da noi! La difficoltà è che la fiducia si costruisce in anni e si perde con un "
     "titolo sbagliato."),
    ("c3", "c2", "Lucia Marchetti", "lucia.marchetti@example.it", "", A,
     "Verissimo. Per questo abbiamo iniziato a pubblicare le correzioni in fondo a ogni pezzo, "
     "con data e ora. All'inizio sembrava una sconfitta, oggi i lettori ci ringraziano."),
    ("c4", "c2", "", "", "", A,
     "Un titolo sbagliato si dimentica, una rettifica nascosta no."),
    ("c5", None, "Francesca Riva", "f.riva@example.com", "https://francescariva.example", A,
     "Mi sarebbe piaciuto un paragrafo in più sulle newsletter: per molti di noi sono diventate "
     "il vero canale diretto con chi legge. 📬"),
    ("c6", "c5", "Giulia Ferraresi", "giulia@rivista.example", "", A,
     "Ottimo spunto, Francesca: ci stiamo lavorando per il prossimo numero."),
    ("c7", "c6", "Francesca Riva", "f.riva@example.com", "https://francescariva.example", A,
     "Allora resto in attesa! 😊"),
    ("c8", None, "Tommaso Gallo", "tommaso.gallo@example.net", "", A,
     "Qualche dato a sostegno della tesi? Dire che i lettori pagano per la qualità è bello, ma "
     "vorrei vedere i numeri degli abbonamenti digitali in Italia."),
    ("c9", "c8", "Elena Costa", "elena.costa@example.org", "", A,
     "I rapporti annuali sull'editoria li pubblicano le associazioni di categoria: la crescita "
     "c'è, lenta ma costante."),
    ("c10", "c9", "Tommaso Gallo", "tommaso.gallo@example.net", "", A,
     "Grazie Elena, li cerco. Lenta ma costante mi sembra già una buona notizia."),
    ("c11", "c8", "Roberto Fontana", "r.fontana@example.it", "", A,
     "Più che i numeri conterei le disdette: chi resta dopo il primo anno è il lettore vero."),
    ("c12", None, "Sara Moretti", "sara.moretti@example.it", "", A,
     "Lo condivido con la mia classe di quinta: parliamo proprio di fonti e verifica delle "
     "notizie. 👏👏"),
    ("c13", "c12", "Giulia Ferraresi", "giulia@rivista.example", "", A,
     "Che bello, grazie Sara! Se servono materiali per la lezione scrivici pure."),
    ("c14", None, "Andrea De Luca", "andrea.deluca@example.com", "", A,
     "Sull'intelligenza artificiale sono più pessimista: temo che i contenuti generati in "
     "serie abbassino il livello medio di tutto il web."),
    ("c15", "c14", "Marta Bianchi", "marta.bianchi@example.it", "", A,
     "Forse è proprio lì che il giornalismo fatto bene torna a distinguersi. 🤞"),
    ("c16", "c15", "Andrea De Luca", "andrea.deluca@example.com", "", A,
     "Me lo auguro. Intanto continuo a leggervi. ☕"),
    ("c17", None, "Giorgio Ferri", "giorgio.ferri@example.it", "", A,
     "Complimenti per la chiarezza, uno dei pochi articoli sul tema che si legge fino in fondo."),
    ("p1", "c17", "Valentina Greco", "vale.greco@example.it", "", P,
     "Concordo, e aggiungo che la grafica della rivista aiuta molto la lettura."),
    ("p2", None, "Offerte Lampo", "offerte@example.biz", "https://offerte.example", P,
     "Scopri le migliori offerte del giorno sul nostro sito!!!"),
    ("p3", "c5", "Nicola Esposito", "nicola.esposito@example.it", "", P,
     "Le newsletter sono il futuro, le leggo tutte al mattino col caffè."),
]  # fmt: skip


def load(stdout: TextIO | None = None) -> dict[str, int]:
    article = Article.objects.filter(slug=FLAGSHIP_SLUG).first()
    if article is None:
        return {"comments": 0}
    existing = {c.body: c for c in Comment.objects.filter(article=article)}
    posted: dict[str, Comment] = {}
    created = 0
    started = timezone.now() - timedelta(days=2)
    with transaction.atomic():
        for minute, (key, parent_key, name, email, website, status, text) in enumerate(DISCUSSION):
            comment = existing.get(text)
            if comment is None:
                parent = posted.get(parent_key)
                comment = comment_post(
                    article=article,
                    parent_id=parent.pk if parent else None,
                    body=text,
                    author_name=name,
                    author_email=email,
                    author_url=website,
                    ip_address="127.0.0.1",
                )
                if status != Comment.Status.PENDING:
                    comment_set_status(comment=comment, status=status)
                # Spread the conversation over two days, in the order it was written.
                Comment.objects.filter(pk=comment.pk).update(
                    created=started + timedelta(minutes=97 * minute)
                )
                created += 1
            posted[key] = comment
    if stdout is not None:
        stdout.write(f"Discussion under «{article.title}»: {created} new comments.")
    return {"comments": created}
