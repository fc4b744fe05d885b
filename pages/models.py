"""Pages ("Chi siamo", "Privacy"...) with a hierarchy, and the header and footer menus.

A page lives at its full path of slugs (/chi-siamo/redazione/), matched last of all URLs;
Page.clean() refuses a path that any other route of the site already answers (article, archive,
feed, app), so a page never hides one.

The tables keep the names they had when these models lived in blog (Meta.db_table): the move
to this app changed no row (pages.migrations.0001 and blog.migrations.0011).
"""

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.sanitizer import clean_article_html
from pages import layouts

PAGE_VIEW_NAME = "pages:page"
MAX_DEPTH = 4


class PageQuerySet(models.QuerySet):
    def published(self):
        """The one visibility rule for pages: published (pages are not scheduled)."""
        return self.filter(status=Page.Status.PUBLISHED)


class Page(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, help_text=_("The last part of the address."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent page"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("A page under another one gets a nested address: /parent/page/."),
    )
    path = models.CharField(_("address"), max_length=600, unique=True, editable=False)
    body = models.TextField(_("body"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    is_privacy_policy = models.BooleanField(
        _("privacy policy page"),
        default=False,
        help_text=_(
            "The page every form that collects personal data links to. Only one page can be it."
        ),
    )
    template = models.CharField(
        _("layout"),
        max_length=100,
        blank=True,
        help_text=_("A special layout, such as the contact form under the text."),
    )
    seo_title = models.CharField(_("SEO title"), max_length=70, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=160, blank=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        db_table = "blog_page"
        ordering = ["path"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [
            models.UniqueConstraint(
                fields=["is_privacy_policy"],
                condition=models.Q(is_privacy_policy=True),
                name="one_privacy_policy_page",
                violation_error_message=_("Another page is already the privacy policy page."),
            ),
        ]
        indexes = [models.Index(fields=["status", "path"], name="page_visible_idx")]

    def __str__(self):
        return self.title

    def build_path(self) -> str:
        return f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug

    def clean(self):
        super().clean()
        if self.template and not layouts.is_registered(self.template):
            raise ValidationError({"template": _("This layout is not available.")})
        if not self.slug:
            return
        self._check_parent()
        path = self.build_path()
        problem = path_conflict(path)
        if problem:
            raise ValidationError({"slug": problem})
        same = Page.objects.filter(path=path).exclude(pk=self.pk)
        if same.exists():
            raise ValidationError({"slug": _("Another page already has this address.")})

    def _check_parent(self):
        ancestor, depth = self.parent, 1
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A page cannot be placed under itself.")})
            ancestor, depth = ancestor.parent, depth + 1
        if depth > MAX_DEPTH:
            raise ValidationError(
                {"parent": _("Pages nest at most %(n)d levels deep.") % {"n": MAX_DEPTH}}
            )

    def save(self, *args, **kwargs):
        self.body = clean_article_html(self.body)
        old_path = self.path
        self.path = self.build_path()
        if kwargs.get("update_fields") is not None and old_path != self.path:
            kwargs["update_fields"] = {*kwargs["update_fields"], "path"}
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()  # their addresses follow

    def get_absolute_url(self):
        return reverse(PAGE_VIEW_NAME, kwargs={"path": self.path})

    def template_names(self) -> list[str]:
        return layouts.template_names(self.template)

    def get_preview_url(self):
        return reverse("pages:preview", kwargs={"pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def ancestors(self) -> list["Page"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


def _literal_prefix(route: str) -> str:
    first = route.lstrip("^").split("/", 1)[0]
    return "" if re.search(r"[<(\[\\?*+$]", first) else first


@cache
def reserved_prefixes() -> frozenset[str]:
    """The first segment of every literal route of the site (admin, categoria, feed, cerca...)."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            prefix = _literal_prefix(str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                if prefix:
                    found.add(prefix)
                else:
                    walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and prefix:
                found.add(prefix)

    walk(get_resolver().url_patterns)
    from django.conf import settings

    for url in (settings.STATIC_URL, settings.MEDIA_URL):
        if url and url.startswith("/"):
            found.add(url.strip("/").split("/", 1)[0])
    found.discard("")
    return frozenset(found)


def path_conflict(path: str) -> str | None:
    """Why a page cannot live at /path/, or None when the address is free."""
    first = path.split("/", 1)[0]
    if re.fullmatch(r"[0-9]{4}", first):
        return str(_("Addresses starting with a year belong to the article archive."))
    if first in reserved_prefixes():
        return str(
            _("The address /%(prefix)s/ belongs to another part of the site.") % {"prefix": first}
        )
    try:
        match = resolve(f"/{path}/")
    except Resolver404:
        return None
    if match.view_name != PAGE_VIEW_NAME:
        return str(_("This address is already used by another part of the site."))
    return None


class Menu(models.Model):
    """The header or the footer navigation."""

    class Location(models.TextChoices):
        HEADER = "header", _("Header")
        FOOTER = "footer", _("Footer")

    location = models.CharField(_("location"), max_length=10, choices=Location.choices, unique=True)

    class Meta:
        db_table = "blog_menu"
        ordering = ["location"]
        verbose_name = _("menu")
        verbose_name_plural = _("menus")

    def __str__(self):
        return self.get_location_display()


class MenuItem(models.Model):
    """One link of a menu: a page, category, tag, author or an external address."""

    menu = models.ForeignKey(
        Menu, verbose_name=_("menu"), on_delete=models.CASCADE, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Header only: shows this link in the submenu of another one."),
    )
    label = models.CharField(
        _("label"), max_length=80, blank=True, help_text=_("Empty: the linked item's name.")
    )
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.CASCADE, null=True, blank=True
    )
    category = models.ForeignKey(
        "blog.Category",
        verbose_name=_("category"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    tag = models.ForeignKey(
        "blog.Tag", verbose_name=_("tag"), on_delete=models.CASCADE, null=True, blank=True
    )
    author = models.ForeignKey(
        "blog.Author", verbose_name=_("author"), on_delete=models.CASCADE, null=True, blank=True
    )
    url = models.URLField(_("external address"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    TARGETS = ("page", "category", "tag", "author", "url")

    class Meta:
        db_table = "blog_menuitem"
        ordering = ["order", "pk"]
        verbose_name = _("menu link")
        verbose_name_plural = _("menu links")

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        chosen = [name for name in self.TARGETS if getattr(self, name)]
        if len(chosen) != 1:
            raise ValidationError(
                _("Choose exactly one of: a page, a category, a tag, an author, an address.")
            )
        if self.parent_id is not None:
            if self.parent.parent_id is not None:
                raise ValidationError({"parent": _("Submenus are one level deep.")})
            if self.menu_id and self.parent.menu_id != self.menu_id:
                raise ValidationError({"parent": _("The parent link is in another menu.")})
            if self.menu_id and self.menu.location != Menu.Location.HEADER:
                raise ValidationError({"parent": _("Only the header menu has submenus.")})
        if self.page_id and not self.label and not self.page.title:
            raise ValidationError({"label": _("Write a label.")})

    @property
    def target(self):
        for name in self.TARGETS[:-1]:
            obj = getattr(self, name)
            if obj is not None:
                return obj
        return None

    @property
    def text(self) -> str:
        return self.label or str(self.target or self.url)

    @property
    def href(self) -> str | None:
        """The address, or None when the target is not public (a draft page)."""
        if self.url:
            return self.url
        target = self.target
        if target is None or (isinstance(target, Page) and not target.is_public):
            return None
        return target.get_absolute_url()

    @property
    def is_external(self) -> bool:
        return bool(self.url)


class SiteNavigation(models.Model):
    """The menus and the privacy link as the public pages show them, in one row.

    Rebuilt whenever a page, menu, link or linked item changes (pages.navigation), so a page
    reads it in one query, or in none when it rides on a query the page makes anyway (the
    article page's). One row, pk 1.
    """

    data = models.JSONField(_("data"), default=dict)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "blog_sitenavigation"
        verbose_name = _("site navigation")
        verbose_name_plural = _("site navigation")

    def __str__(self):
        return str(self._meta.verbose_name)
