"""The one rule for a website a person gives us (a commenter's, an imported one, a link)."""

WEB_SCHEMES = ("http://", "https://")


def is_web_address(url: str) -> bool:
    """Whether `url` is an http(s) address: anything else (javascript:, mailto:, a path)
    is never linked. No stripping: the database constraint sees the value as stored."""
    return url.lower().startswith(WEB_SCHEMES)
