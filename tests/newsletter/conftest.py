import pytest

from newsletter.models import Issue, IssueArticle, Subscriber
from tests.factories import make_article


def make_subscriber(email, *, status=Subscriber.Status.CONFIRMED, language="it"):
    return Subscriber.objects.create(email=email, status=status, language=language)


def make_issue(*, articles=(), subject="Il meglio della settimana", **fields):
    issue = Issue.objects.create(
        subject=subject,
        slug=fields.pop("slug", f"numero-{Issue.objects.count() + 1}"),
        preheader=fields.pop("preheader", "Cinque letture per il fine settimana"),
        intro=fields.pop("intro", "<p>Buongiorno, ecco il numero.</p>"),
        **fields,
    )
    for position, article in enumerate(articles):
        IssueArticle.objects.create(issue=issue, article=article, position=position)
    return issue


@pytest.fixture
def issue(db):
    return make_issue(articles=[make_article(title="Primo pezzo"), make_article(title="Secondo")])


@pytest.fixture
def smtp_outgoing(settings, smtp_server):
    """Mail, newsletter included, goes out through the in-process SMTP server."""
    settings.MAILERS = {**settings.MAILERS, "outgoing": smtp_server.mailer()}
    return smtp_server
