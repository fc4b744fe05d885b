"""Authors, categories and tags: found by their WordPress login or slug, made once.

An author, category or tag that already exists here with the same slug is used as it is (a site
prepared by hand before the import keeps its own names). Categories get their parents once all
of them have been read, and their old addresses spell the parents out (/category/parent/child/).
"""

from dataclasses import dataclass
from urllib.parse import unquote

from django.utils.text import slugify

from blog.models import Author, Category, Tag
from wordpress.models import WordPressObject
from wordpress.site import DELETED_HERE, Site, digest, our_slug, unique_slug
from wordpress.text import plain
from wordpress.wxr import WxrAuthor, WxrTerm

Kind = WordPressObject.Kind


def nicename(login: str) -> str:
    """The slug WordPress derives from a login (user_nicename), used in its author URLs."""
    return slugify(login.replace(".", "-").replace("@", "-"))


@dataclass
class _Term:
    model: type
    kind: str
    report_kind: str
    cache: dict
    slug_length: int
    name_length: int


class Vocabulary:
    def __init__(self, site: Site):
        self.site = site
        self.report = site.report
        self.authors: dict[str, int] = {}
        self.categories: dict[str, int | None] = {}
        self.tags: dict[str, int | None] = {}
        self.category_parents: dict[str, str] = {}
        self.category_ids: dict[int, str] = {}
        self.tag_ids: dict[int, str] = {}  # WordPress term id -> slug (menus name terms by id)
        self.changed_categories: set[int] = set()
        self.terms_done = False
        self.terms = {
            "category": _Term(Category, Kind.CATEGORY, "categories", self.categories, 120, 100),
            "post_tag": _Term(Tag, Kind.TAG, "tags", self.tags, 120, 100),
        }

    # Authors.

    def author(self, record: WxrAuthor) -> int | None:
        login = record.login.strip()
        if not login:
            self.report.skip("authors", "no login in the export")
            return None
        full_name = f"{record.first_name} {record.last_name}".strip()
        display_name = (plain(record.display_name) or full_name or login)[:120]
        pk = self._author(login, display_name)
        if record.wp_id:
            self.site.redirect(f"{self.site.base_path}?author={record.wp_id}", author_id=pk)
        return pk

    def _author(self, login: str, display_name: str) -> int:
        fingerprint = digest(display_name)
        mapping = self.site.mapping(Kind.AUTHOR, login)
        author = mapping.author if mapping is not None else None
        if author is None:
            # An author deleted here is made again: every article needs one.
            slug = nicename(login) or our_slug(display_name) or "autore"
            author = Author.objects.filter(slug=slug).first()
            if author is not None:
                self.report.note("authors", "already here with the same slug: used as it is", slug)
                self.report.count("authors", "unchanged")
            else:
                author = Author.objects.create(
                    display_name=display_name, slug=unique_slug(Author, slug, 140)
                )
                self.report.count("authors", "created")
            if mapping is None:
                self.site.remember(Kind.AUTHOR, login, fingerprint, author=author)
            else:
                mapping.author, mapping.digest = author, fingerprint
                mapping.save()
        elif mapping.digest != fingerprint:
            author.display_name = display_name
            author.save()
            mapping.digest = fingerprint
            mapping.save(update_fields=["digest", "updated"])
            self.report.count("authors", "updated")
        else:
            self.report.count("authors", "unchanged")
        self.authors[login] = author.pk
        self.site.redirect(f"{self.site.base_path}author/{nicename(login)}/", author_id=author.pk)
        return author.pk

    def author_for_login(self, login: str) -> int:
        login = login.strip() or "wordpress"
        if login not in self.authors:
            self._author(login, login)  # WXR 1.0 and filtered exports list no authors
        return self.authors[login]

    # Categories and tags.

    def term(self, record: WxrTerm) -> None:
        term = self.terms[record.taxonomy]
        wp_slug = record.slug.strip() or slugify(record.name)
        if not wp_slug:
            self.report.skip(term.report_kind, "no slug or name in the export")
            return
        if record.taxonomy == "category":
            self.category_parents[wp_slug] = record.parent_slug.strip()
            if record.term_id:
                self.category_ids[record.term_id] = wp_slug
        elif record.term_id:
            self.tag_ids[record.term_id] = wp_slug
        pk = self.term_pk(record.taxonomy, wp_slug, record.name, record.description)
        if pk is not None and record.taxonomy == "category" and record.term_id:
            self.site.redirect(f"{self.site.base_path}?cat={record.term_id}", category_id=pk)
        elif pk is not None and record.taxonomy == "post_tag":
            self.site.redirect(f"{self.site.base_path}?tag={wp_slug}", tag_id=pk)

    def term_pk(self, taxonomy: str, wp_slug: str, name: str, description: str = "") -> int | None:
        term = self.terms[taxonomy]
        if wp_slug in term.cache:
            return term.cache[wp_slug]
        name = (plain(name) or unquote(wp_slug))[: term.name_length]
        description = plain(description)
        fingerprint = digest(name, description)
        mapping = self.site.mapping(term.kind, wp_slug)
        if mapping is not None and mapping.target is None:
            self.report.skip(term.report_kind, DELETED_HERE, wp_slug)
            term.cache[wp_slug] = None
            return None
        if mapping is None:
            slug = our_slug(wp_slug, name) or term.kind
            obj = term.model.objects.filter(slug=slug).first()
            if obj is not None:
                self.report.note(term.report_kind, "already here with the same slug: used", slug)
                self.report.count(term.report_kind, "unchanged")
            else:
                extra = {"description": description} if term.model is Category else {}
                obj = term.model.objects.create(
                    name=name, slug=unique_slug(term.model, slug, term.slug_length), **extra
                )
                self.report.count(term.report_kind, "created")
                if term.model is Category:
                    self.changed_categories.add(obj.pk)
            self.site.remember(term.kind, wp_slug, fingerprint, **{term.kind: obj})
        else:
            obj = mapping.target
            if mapping.digest != fingerprint:
                obj.name = name
                if term.model is Category:
                    obj.description = description
                    self.changed_categories.add(obj.pk)
                obj.save()
                mapping.digest = fingerprint
                mapping.save(update_fields=["digest", "updated"])
                self.report.count(term.report_kind, "updated")
            else:
                self.report.count(term.report_kind, "unchanged")
        term.cache[wp_slug] = obj.pk
        base = self.site.base_path
        if taxonomy == "post_tag":
            self.site.redirect(f"{base}tag/{unquote(wp_slug)}/", tag_id=obj.pk)
        elif self.terms_done:  # met on a post only: its parents are unknown
            self.site.redirect(f"{base}category/{unquote(wp_slug)}/", category_id=obj.pk)
        return obj.pk

    def finish_terms(self) -> None:
        """Once every category is known: parents (for those created or changed now) and the
        old category addresses, which spell out the parents (/category/parent/child/)."""
        if self.terms_done:
            return
        self.terms_done = True
        for wp_slug in self.category_parents:
            pk = self.categories.get(wp_slug)
            if pk is None:
                continue
            chain = self._category_chain(wp_slug)
            if pk in self.changed_categories:
                parent_pk = self.categories.get(chain[-2]) if len(chain) > 1 else None
                Category.objects.filter(pk=pk).update(parent_id=parent_pk)
            base, old_path = self.site.base_path, "/".join(unquote(slug) for slug in chain)
            self.site.redirect(f"{base}category/{old_path}/", category_id=pk)
            if len(chain) > 1:
                self.site.redirect(f"{base}category/{unquote(wp_slug)}/", category_id=pk)

    def _category_chain(self, wp_slug: str) -> list[str]:
        """The slugs from the top category down to this one; a cycle of parents is cut."""
        chain = [wp_slug]
        parent = self.category_parents.get(wp_slug, "")
        while parent and parent in self.category_parents and parent not in chain:
            chain.append(parent)
            parent = self.category_parents[parent]
        if parent and parent in chain:
            self.report.warn("categories whose parents form a cycle: cut", wp_slug)
        return chain[::-1]
