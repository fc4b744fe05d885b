from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, dates

from blog import article_page, author_page, conditional, conf, search
from blog.article_page import render_article
from blog.models import Article, Author, Category, Correction, Tag
from blog.permissions import can_edit_article


class CappedListingPaginator(Paginator):
    """Pages up to BLOG_MAX_LISTING_PAGES: a deep OFFSET costs in proportion to its depth, and
    nothing past the cap is a page (404); the month archives reach every older article."""

    @cached_property
    def count(self) -> int:
        most = conf.get("BLOG_MAX_LISTING_PAGES") * self.per_page
        return self.object_list.values("pk").order_by()[:most].count()


class PublishedArticlesMixin:
    """Owns the queryset and pagination of every public listing."""

    context_object_name = "articles"
    paginator_class = CappedListingPaginator

    @method_decorator(conditional.conditional_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        # Read per request, not at import, so the setting can change (tests, env) without reload.
        return conf.get("BLOG_ARTICLES_PER_PAGE")

    def get_queryset(self):
        return (
            Article.objects.published().for_listing().prefetch_related("tags").filter(**self.filter)
        )

    @property
    def filter(self) -> dict:
        return {}


class HomeView(PublishedArticlesMixin, ListView):
    template_name = "blog/home.html"


class _ObjectArchiveView(PublishedArticlesMixin, ListView):
    """A listing belonging to one object (category, tag, author) found by slug."""

    model_of_page = None
    field = ""

    def object_queryset(self):
        return self.model_of_page._default_manager.all()

    def get(self, request, *args, **kwargs):
        self.object = get_object_or_404(self.object_queryset(), slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    @property
    def filter(self):
        return {self.field: self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


class CategoryView(_ObjectArchiveView):
    model_of_page = Category
    field = "category"
    template_name = "blog/category_detail.html"


class TagView(_ObjectArchiveView):
    model_of_page = Tag
    field = "tags"
    template_name = "blog/tag_detail.html"


class AuthorView(_ObjectArchiveView):
    model_of_page = Author
    field = "author"
    template_name = "blog/author_detail.html"

    def object_queryset(self):
        # What other apps show of the author (blog.author_page) comes with the author's row.
        return Author.objects.annotate(**author_page.annotations())


class _DateArchiveMixin(PublishedArticlesMixin):
    """Django's date archives over the published articles; an empty period is a 404."""

    date_field = "publish_at"
    allow_future = False
    allow_empty = False
    template_name = "blog/article_archive.html"


class YearArchiveView(_DateArchiveMixin, dates.YearArchiveView):
    make_object_list = True


class MonthArchiveView(_DateArchiveMixin, dates.MonthArchiveView):
    month_format = "%m"


class SearchView(PublishedArticlesMixin, ListView):
    """/cerca/?q=...: the published articles matching the words, best first (blog.search)."""

    template_name = "blog/article_search.html"
    paginator_class = search.CappedPaginator

    def get(self, request, *args, **kwargs):
        self.query, self.query_shortened = search.clean_query(request.GET.get("q"))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not self.query:
            return Article.objects.none()
        return search.search_articles(super().get_queryset(), self.query)

    def get_paginate_by(self, queryset):
        return super().get_paginate_by(queryset) if self.query else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query,
            query_shortened=self.query_shortened,
            max_query_length=search.MAX_QUERY_LENGTH,
            **kwargs,
        )
        search.add_headlines(context["articles"], self.query)
        for article in context["articles"]:
            article.search_snippet = search.snippet(article, self.query)
        context.update(search.other_results(self.query))
        return context


def article_detail(request, year, month, slug, day=None):
    """Read top to bottom: the policy decides from the request which layer answers (see
    blog.conditional), the kept page answers before any query, else the article is read (the
    site state comes with it) and the policy answers with it."""
    policy = conditional.PagePolicy.of(request, article_page.page_params())
    kept = policy.kept_page(request)
    if kept is not None:
        return kept
    article = get_object_or_404(
        conditional.with_site_state(Article.objects.published())
        .select_related("author", "category")
        .annotate(
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
            **article_page.annotations(),
        ),
        slug=slug,
    )
    canonical = article.get_absolute_url()
    if request.path != canonical:
        # /YYYY/MM/slug/, or a date that moved: one permanent address per article.
        return redirect(canonical, permanent=True)
    return policy.answer(request, _article_page(request, article))


def _article_page(request, article) -> conditional.Page:
    """The article page as the policy reads it; the menus and promo came with the article."""
    request.site_navigation = article.site_navigation
    request.active_promo_pk = article.site_promo_pk
    return conditional.Page(
        render=lambda personal: render_article(request, article, personal=personal),
        site_state=conditional.state_of(article),
        page_parts=(article.updated.timestamp(), *article_page.etag_parts(article)),
        change_times=(article.updated.timestamp(), *article_page.last_changed(article)),
        depends_on=article_page.cache_versions(article),
        fresh_until=article_page.fresh_until(article),
        # The view decides, before rendering, whether the page is this visitor's alone.
        is_personal=lambda: article_page.is_personal(request, article, {}),
    )


@never_cache
@staff_member_required
def article_preview(request, pk):
    """Editors see drafts and scheduled articles exactly as readers will; never cached."""
    article = get_object_or_404(Article.objects.select_related("author", "category"), pk=pk)
    if not can_edit_article(request.user, article, for_viewing=True):
        raise Http404(_("No such article."))
    response = render_article(request, article, preview=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
