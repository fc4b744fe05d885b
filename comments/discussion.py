"""The discussion rules in force: the saved DiscussionSettings row, or the defaults from Django
settings (comments.conf) until someone saves it, kept in the shared cache.

Above both conf and models: conf holds the defaults and knows no model, the model reads its
defaults from conf, and this reads the row.
"""

from asgiref.local import Local
from django.core.cache import cache

from comments import conf
from comments.models import DiscussionSettings

CONCRETE_FIELDS = DiscussionSettings._meta.concrete_fields

# Within one request the rules are read from the shared cache once: an article page asks for
# them a dozen times (paging, hours, forms, reply links), each a round trip to Redis. Outside
# a request (a task, a command) every call reads the cache, so a long-running worker never
# keeps old rules.
_request = Local()


def request_began(**kwargs) -> None:
    _request.active, _request.rules = True, None


def request_ended(**kwargs) -> None:
    _request.active, _request.rules = False, None


def forget() -> None:
    """Forget the rules everywhere: the shared copy, and this request's."""
    _request.rules = None
    conf.forget_discussion()


def current() -> DiscussionSettings:
    """The discussion settings in force (saving them forgets the cached copy: forget())."""
    in_request = getattr(_request, "active", False)
    if in_request and _request.rules is not None:
        return _request.rules
    rules = cache.get(conf.DISCUSSION_CACHE_KEY)
    if rules is None or not _complete(rules):
        rules = (
            DiscussionSettings.objects.filter(pk=DiscussionSettings.SINGLETON_PK).first()
            or DiscussionSettings.from_django_settings()
        )
        cache.set(conf.DISCUSSION_CACHE_KEY, rules, timeout=None)
    if in_request:
        _request.rules = rules
    return rules


def _complete(rules) -> bool:
    """Whether a cached copy has every field of the model as this code knows it: a copy kept
    by a process running the code before a new field (a deploy, another worker) would fetch
    the missing field from a row that may not exist (the defaults are never saved)."""
    return all(field.attname in rules.__dict__ for field in CONCRETE_FIELDS)


def max_depth() -> int:
    """How many levels a thread may have (roots are level 1), 1 to 10."""
    return conf.clamp_depth(current().max_depth)
