"""The fediverse app's settings and their defaults; config/settings.py overrides, it does not
restate them."""

from django.conf import settings

DEFAULTS = {
    # Off: WebFinger, actors, inboxes and NodeInfo answer 404, nothing is delivered.
    "FEDIVERSE_ENABLED": True,
    # The magazine's handle: @redazione@<host>.
    "FEDIVERSE_MAGAZINE_USERNAME": "redazione",
    # The host in handles; empty: SITE_URL's host.
    "FEDIVERSE_DOMAIN": "",
    # RSA key size of our actors' keys (made once per actor and stored).
    "FEDIVERSE_KEY_BITS": 2048,
    # Items per page of an outbox or followers collection.
    "FEDIVERSE_PAGE_SIZE": 20,
    # A signed request's Date may be this far from our clock, either way (Mastodon: 1 hour
    # of skew; we are stricter).
    "FEDIVERSE_SIGNATURE_WINDOW": 300,
    # The largest activity an inbox reads, in bytes (Mastodon's own limit is 1 MB).
    "FEDIVERSE_MAX_ACTIVITY_BYTES": 256 * 1024,
    # Activities one remote server may post to our inboxes per window, counted once their
    # signature is verified (a keyId naming a server proves nothing before).
    "FEDIVERSE_INBOX_RATE_LIMIT": 300,
    "FEDIVERSE_INBOX_RATE_WINDOW": 300,
    # Activities one client address may post per window, counted before any key is fetched.
    # Generous: one host's addresses often send for many servers (masto.host, fly.io).
    "FEDIVERSE_INBOX_ADDRESS_RATE_LIMIT": 1200,
    "FEDIVERSE_INBOX_ADDRESS_RATE_WINDOW": 300,
    # A remote actor's document (its key) is fetched again after this long.
    "FEDIVERSE_ACTOR_CACHE_SECONDS": 24 * 3600,
    # Remote fetches: timeout in seconds, largest document, redirects followed.
    "FEDIVERSE_FETCH_TIMEOUT": 10,
    "FEDIVERSE_FETCH_MAX_BYTES": 1024 * 1024,
    "FEDIVERSE_FETCH_MAX_REDIRECTS": 3,
    # How long the signature scheme a server took (RFC 9421 or draft-cavage) is remembered;
    # then it is asked again, RFC 9421 first (a server may have learnt it meanwhile).
    "FEDIVERSE_SIGNATURE_SCHEME_SECONDS": 30 * 24 * 3600,
    # Plain http to remote servers: only for development against a local peer.
    "FEDIVERSE_ALLOW_HTTP": False,
    # Origins ("https://localhost:8443": scheme, host and port, exactly) that may be requested
    # although they are not public addresses: only for the end-to-end test against a peer on
    # this machine (tests/fediverse_peer). Production ignores it. It waives nothing else:
    # the scheme, the certificate and any redirect away from the origin are checked as usual.
    "FEDIVERSE_TRUSTED_TEST_ORIGINS": (),
    # Deliveries: attempts before giving up, first retry delay (doubled each time) and its cap.
    "FEDIVERSE_DELIVERY_MAX_ATTEMPTS": 10,
    "FEDIVERSE_DELIVERY_RETRY_DELAY": 60,
    "FEDIVERSE_DELIVERY_RETRY_MAX_DELAY": 6 * 3600,
    # A delivery claimed this long ago by a worker that never finished it is tried again.
    "FEDIVERSE_DELIVERY_CLAIM_TIMEOUT": 600,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
