"""Embeds from an allowlist of providers, recognised from the address alone (no network)."""

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from core.web_address import is_web_address
from media import conf


@dataclass(frozen=True, slots=True)
class Embed:
    provider: str  # the key in the allowlist ("youtube")
    name: str  # for readers ("YouTube")
    url: str  # the address the editor pasted, where the no-JavaScript link goes
    player: str  # the iframe's address, loaded only after the reader's click
    shape: str

    def default_title(self) -> str:
        """A title read from the address when the editor gave none."""
        path = unquote(urlsplit(self.url).path).strip("/")
        last = path.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").strip()
        if self.provider in ("soundcloud", "spotify") and last and not last.isalnum():
            return last.capitalize()
        return self.name


def find_embed(url: str) -> Embed | None:
    """The embed for a pasted address, or None when no allowed provider knows it."""
    url = (url or "").strip()
    if not is_web_address(url) or len(url) > 500:
        return None
    # re keeps the compiled patterns in its own cache: the allowlist is small.
    for key, provider in conf.embed_providers(conf.get("MEDIA_EMBED_PROVIDERS")).items():
        for pattern in provider["patterns"]:
            match = re.match(pattern, url)
            if match:
                return Embed(
                    provider=key,
                    name=provider["name"],
                    url=url,
                    player=provider["player"].format(**match.groupdict()),
                    shape=provider.get("shape", "video"),
                )
    return None
