"""The discussion rules in force: the saved DiscussionSettings row, or the defaults from Django
settings (comments.conf) until someone saves it, kept in the shared cache.

Above both conf and models: conf holds the defaults and knows no model, the model reads its
defaults from conf, and this reads the row.
"""

from django.core.cache import cache

from comments import conf
from comments.models import DiscussionSettings

CONCRETE_FIELDS = DiscussionSettings._meta.concrete_fields


def current() -> DiscussionSettings:
    """The discussion settings in force (saving them forgets the cached copy:
    conf.forget_discussion)."""
    rules = cache.get(conf.DISCUSSION_CACHE_KEY)
    if rules is None or not _complete(rules):
        rules = (
            DiscussionSettings.objects.filter(pk=DiscussionSettings.SINGLETON_PK).first()
            or DiscussionSettings.from_django_settings()
        )
        cache.set(conf.DISCUSSION_CACHE_KEY, rules, timeout=None)
    return rules


def _complete(rules) -> bool:
    """Whether a cached copy has every field of the model as this code knows it: a copy kept
    by a process running the code before a new field (a deploy, another worker) would fetch
    the missing field from a row that may not exist (the defaults are never saved)."""
    return all(field.attname in rules.__dict__ for field in CONCRETE_FIELDS)


def max_depth() -> int:
    """How many levels a thread may have (roots are level 1), 1 to 10."""
    return conf.clamp_depth(current().max_depth)
