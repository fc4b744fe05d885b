"""Old WordPress addresses as lookup keys, the same way for the import and for a request.

A key is the decoded path with a trailing slash, plus one of WordPress's query-string permalinks
when there is one: "/2019/05/20/perché/", "/archives/123/", "/?p=123", "/?cat=4".
"""

import re
from urllib.parse import parse_qsl, unquote, urlsplit

# WordPress's "plain" permalinks and shortlinks: post, page, category, tag, author by query string.
QUERY_PARAMS = ("p", "page_id", "cat", "tag", "author")
# Pages below a post or an archive that lead to it: comment pages, feeds, AMP, embeds, pages.
_SUFFIX = re.compile(r"(?:comment-page-\d+|feed(?:/(?:atom|rss2?|rdf))?|amp|embed|page/\d+)/$")
MAX_LENGTH = 500


def storable(key: str) -> bool:
    """Whether a key can be stored and looked up: not too long, and no NUL (a request for
    /x%00y/ decodes to one, and PostgreSQL refuses it in any query)."""
    return bool(key) and len(key) <= MAX_LENGTH and "\x00" not in key


def normalized(path: str) -> str:
    path = path or "/"
    return path if path.endswith("/") else path + "/"


def key_for_url(url: str) -> str:
    """The key of an address found in the export ("" when there is none)."""
    parts = urlsplit(url.strip())
    if not (parts.path or parts.query):
        return ""
    path = normalized(unquote(parts.path))
    for name, value in parse_qsl(parts.query):
        if name in QUERY_PARAMS and value:
            return f"{path}?{name}={value}"
    return path


def query_keys(path: str, params) -> list[str]:
    path = normalized(path)
    return [f"{path}?{name}={params[name]}" for name in QUERY_PARAMS if params.get(name)]


def request_keys(path: str, params) -> list[str]:
    """Keys that may match a request for `path` with query `params` (a QueryDict)."""
    path = normalized(path)
    keys = [*query_keys(path, params), path]
    shorter = _SUFFIX.sub("", path)
    if shorter != path:
        keys.append(shorter)
    return [key for key in keys if storable(key)]
