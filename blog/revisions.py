"""Saved versions of articles and pages: what a snapshot holds, how it is restored, the diff.

A snapshot is the editable fields as JSON (foreign keys by id, tags as a sorted list of ids,
dates as ISO text). Restoring writes the content fields back; status and publication date are
left alone, since those change only through the publishing services.
"""

import difflib
import re
from dataclasses import dataclass

from django.db import models
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core.sanitizer import strip_all_tags

# Fields kept in every snapshot, per model (app_label.model_name). Another app whose saves are
# kept as revisions adds its model with register_snapshot_fields() from its AppConfig.ready()
# (pages adds pages.page).
SNAPSHOT_FIELDS = {
    "blog.article": (
        "title",
        "slug",
        "lead",
        "body",
        "status",
        "publish_at",
        "category",
        "tags",
        "cover_alt",
        "cover_caption",
        "comments_enabled",
        "seo_title",
        "seo_description",
    ),
}
NOT_RESTORED = frozenset({"status", "publish_at"})
HTML_FIELDS = frozenset({"body"})
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|pre|figcaption|div)>|<br\s*/?>", re.IGNORECASE)
_TOKENS = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")


def register_snapshot_fields(label: str, fields: tuple[str, ...]) -> None:
    SNAPSHOT_FIELDS[label] = fields


def fields_of(obj: models.Model) -> tuple[str, ...]:
    return SNAPSHOT_FIELDS[obj._meta.label_lower]


def snapshot(obj: models.Model) -> dict:
    data = {}
    for name in fields_of(obj):
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(obj.pk for obj in getattr(obj, name).all())
        elif field.is_relation:
            data[name] = getattr(obj, field.attname)
        else:
            value = getattr(obj, name)
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def apply(obj: models.Model, data: dict) -> list:
    """Write a snapshot's content fields onto obj (unsaved); returns the m2m to set after save."""
    later = []
    for name in fields_of(obj):
        if name in NOT_RESTORED or name not in data:
            continue
        field = obj._meta.get_field(name)
        if field.many_to_many:
            existing = field.related_model._default_manager.filter(pk__in=data[name])
            later.append((name, list(existing)))
        elif field.is_relation:
            related_pk = data[name]
            exists = related_pk is not None and (
                field.related_model._default_manager.filter(pk=related_pk).exists()
            )
            setattr(obj, field.attname, related_pk if exists else None)
        elif isinstance(field, models.DateTimeField):
            setattr(obj, name, parse_datetime(data[name]) if data[name] else None)
        else:
            setattr(obj, name, data[name])
    return later


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    html: SafeString


def as_text(value, *, html: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    if html:
        text = strip_all_tags(_BLOCK_END.sub(lambda m: m.group(0) + "\n", text))
        text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    return text


def inline_diff(old: str, new: str) -> SafeString:
    """Word by word: removed words in <del>, added ones in <ins>, everything escaped."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above.


def diff(model: type[models.Model], old: dict, new: dict, *, describe=None) -> list[FieldDiff]:
    """Each snapshot field of the model, old against new; `describe(name, value)` may turn ids
    into names for display."""
    rows = []
    for name in SNAPSHOT_FIELDS[model._meta.label_lower]:
        field = model._meta.get_field(name)
        before, after = old.get(name), new.get(name)
        if describe is not None:
            before, after = describe(field, before), describe(field, after)
        is_html = name in HTML_FIELDS
        old_text, new_text = as_text(before, html=is_html), as_text(after, html=is_html)
        rows.append(
            FieldDiff(
                name=name,
                label=str(field.verbose_name),
                changed=old_text != new_text,
                html=inline_diff(old_text, new_text),
            )
        )
    return rows


def describe_value(field, value):
    """Ids to names for display: a category's name, a list of tag names, a status label,
    yes or no in the reader's language for a checkbox."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if value in (None, "", []):
        return value
    if field.many_to_many:
        names = field.related_model._default_manager.filter(pk__in=value)
        return sorted(str(obj) for obj in names)
    if field.is_relation:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return value
