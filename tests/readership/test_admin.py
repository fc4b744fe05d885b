import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from readership.fold import fold
from tests.factories import make_article, make_category, make_user
from tests.readership.conftest import OTHER_BROWSER, beacon

pytestmark = pytest.mark.django_db
DASHBOARD = "admin:readership_dailycount_changelist"


@pytest.fixture
def counted(reader):
    article = make_article(title="Il più letto", category=make_category(name="Cronaca"))
    beacon(reader, k="article", i=article.pk, r="news.example.org")
    beacon(reader, k="article", i=article.pk, user_agent=OTHER_BROWSER)
    beacon(reader, k="search", i=0, q="mare")
    fold()
    return article


def test_dashboard_shows_the_days_figures_plot_and_tables(admin_client, counted):
    response = admin_client.get(reverse(DASHBOARD))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and "<polyline" in html
    assert "Il più letto" in html
    assert "news.example.org" in html and "mare" in html
    assert counted.author.display_name in html and counted.category.name in html
    assert "<script" not in html.split('id="content-main"')[1]


def test_dashboard_exports_csv(admin_client, counted):
    response = admin_client.get(reverse(DASHBOARD), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    today = timezone.localdate().isoformat()
    assert [today, "3", "2"] in rows


def test_a_bad_date_range_falls_back_to_the_last_30_days(admin_client, counted):
    response = admin_client.get(reverse(DASHBOARD), {"start": "nonsense", "end": "2026-99-99"})
    assert response.status_code == 200
    assert len(response.context["days"]) == 30


def test_the_range_is_at_most_two_years(admin_client):
    response = admin_client.get(reverse(DASHBOARD), {"start": "1990-01-01"})
    assert len(response.context["days"]) == 2 * 366


def test_staff_without_permission_cannot_see_the_figures(client):
    client.force_login(make_user(is_staff=True))
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 403


def test_the_article_admin_page_shows_its_own_figures_and_sparkline(admin_client, counted):
    response = admin_client.get(reverse("admin:blog_article_change", args=[counted.pk]))
    html = response.content.decode()
    assert '<svg class="readership' not in html
    panel = html.split('class="readership-sparkline"')[1].split("</fieldset>")[0]
    assert "2 " in panel
    image = admin_client.get(reverse("admin:readership_article_sparkline", args=[counted.pk]))
    assert image["Content-Type"] == "image/svg+xml"
    assert image.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert b"<polyline" in image.content


def test_editors_see_the_dashboard(editor_client, counted):
    assert editor_client.get(reverse(DASHBOARD)).status_code == 200


def test_the_article_figures_need_the_readership_permission(client, counted):
    author = make_user(is_staff=True, groups=["Editors"])
    author.groups.get(name="Editors").permissions.remove(
        Permission.objects.get(codename="view_dailycount")
    )
    client.force_login(author)
    response = client.get(reverse("admin:blog_article_change", args=[counted.pk]))
    assert response.status_code == 200
    assert "readership-sparkline" not in response.content.decode()
    image = client.get(reverse("admin:readership_article_sparkline", args=[counted.pk]))
    assert image.status_code == 403
