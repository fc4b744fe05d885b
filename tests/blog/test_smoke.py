import pytest

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_article_page_renders(client):
    article = make_article(lead="Un paragrafo di apertura.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Un paragrafo di apertura." in response.text
