import pytest
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.utils import translation

from blog.models import Tag
from core.admin_lists import QuickSelectionMixin

pytestmark = pytest.mark.django_db


class Quick(QuickSelectionMixin, admin.ModelAdmin):
    pass


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("name", ["Semplice", "Con <b>\"virgolette\"</b> & 'apici'"])
def test_the_quick_checkbox_is_the_markup_django_renders(language, name):
    tag = Tag.objects.create(name=name, slug=f"t-{len(name)}")
    site = AdminSite()
    with translation.override(language):
        quick = Quick(Tag, site).action_checkbox(tag)
        django_own = admin.ModelAdmin(Tag, site).action_checkbox(tag)

    assert quick == django_own


def test_a_long_list_counts_only_up_to_the_cap_and_says_more_than(client, monkeypatch):
    from django.urls import reverse

    from core.paginators import CappedCountPaginator
    from tests.factories import make_article, make_comment, make_user

    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 3)
    article = make_article()
    for _ in range(5):
        make_comment(article)
    client.force_login(make_user(is_superuser=True))
    changelist = reverse("admin:comments_comment_changelist")

    capped = client.get(changelist)
    exact = client.get(changelist, {"status__exact": "approved", "q": "nessuno"})

    assert "più di 3 commenti" in capped.text
    assert capped.context["cl"].result_count == 3
    assert "più di" not in exact.text
    assert exact.context["cl"].result_count == 0
