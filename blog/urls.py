from django.urls import path, register_converter

from blog import correction_views, feeds, views


class TwoDigitConverter:
    regex = "[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


register_converter(TwoDigitConverter, "dd")
register_converter(YearConverter, "yyyy")

app_name = "blog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("<yyyy:year>/", views.YearArchiveView.as_view(), name="archive-year"),
    path("<yyyy:year>/<dd:month>/", views.MonthArchiveView.as_view(), name="archive-month"),
    path("<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/", views.article_detail, name="article"),
    path("<yyyy:year>/<dd:month>/<slug:slug>/", views.article_detail, name="article-short"),
    path("categoria/<slug:slug>/", views.CategoryView.as_view(), name="category"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("autore/<slug:slug>/", views.AuthorView.as_view(), name="author"),
    # Feeds: RSS 2.0 at .../feed/, Atom at .../feed/atom/.
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("categoria/<slug:slug>/feed/", feeds.CategoryFeed(), name="category-feed"),
    path("categoria/<slug:slug>/feed/atom/", feeds.CategoryAtomFeed(), name="category-feed-atom"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag-feed"),
    path("tag/<slug:slug>/feed/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
    path("autore/<slug:slug>/feed/", feeds.AuthorFeed(), name="author-feed"),
    path("autore/<slug:slug>/feed/atom/", feeds.AuthorAtomFeed(), name="author-feed-atom"),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/feed/",
        feeds.ArticleCommentsFeed(),
        name="article-comments-feed",
    ),
    path(
        "<yyyy:year>/<dd:month>/<dd:day>/<slug:slug>/feed/atom/",
        feeds.ArticleCommentsAtomFeed(),
        name="article-comments-feed-atom",
    ),
    path("cerca/", views.SearchView.as_view(), name="search"),
    path("anteprima/<int:pk>/", views.article_preview, name="article-preview"),
    path("rettifiche/", correction_views.CorrectionListView.as_view(), name="corrections"),
]
