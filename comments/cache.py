"""Cache keys for the rendered comment tree.

Each article has a version number in the cache; every change that alters what readers see bumps
it, and the rendered tree is stored under the current version, so stale fragments are simply
never asked for again.
"""

from django.core.cache import cache
from django.utils import translation

from comments import conf


def _version_key(article_id: int) -> str:
    return f"comments:v:{article_id}"


def article_version(article_id: int) -> int:
    key = _version_key(article_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def bump_article_version(article_id: int) -> None:
    key = _version_key(article_id)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def tree_key(article_id: int, version: int) -> str:
    # The rendered tree also depends on the language and on the maximum depth (reply links).
    depth = conf.max_depth()
    return f"comments:tree:{article_id}:{version}:{translation.get_language()}:d{depth}"


def get_tree(article_id: int):
    version = article_version(article_id)
    return cache.get(tree_key(article_id, version)), version


def set_tree(article_id: int, version: int, value) -> None:
    cache.set(tree_key(article_id, version), value, conf.get("COMMENTS_TREE_CACHE_SECONDS"))
