"""The one rule for a website a person gives us (a commenter's, an imported one, a link)."""


def is_web_address(url: str) -> bool:
    """Whether `url` is an http(s) address: anything else (javascript:, mailto:, a path)
    is never linked."""
    return url.strip().lower().startswith(("http://", "https://"))
