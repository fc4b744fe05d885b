"""Who is asking: the client's IP address, honest about proxies."""

import ipaddress

from django.conf import settings


def valid_ip(value: str | None) -> str | None:
    """`value` as a normalised IPv4 or IPv6 address, or None when it is not one.

    Headers can carry anything ("unknown", a port, markup): nothing else may reach the database
    (PostgreSQL's inet column refuses it, SQLite would store it raw) or a rate-limit key.
    """
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # A zone ("fe80::1%eth0") names an interface of the sender's machine: no database type has it.
    return None if getattr(address, "scope_id", None) else str(address)


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the address the outermost one saw.

    Only the entries our own proxies appended to X-Forwarded-For are trusted; anything further
    left was written by the client and could be forged. With fewer entries than proxies the
    request did not come through all of them, so the header is not ours: REMOTE_ADDR it is. An
    entry that is not an IP address makes the address unknown (None).
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies:
            return valid_ip(hops[-proxies])
    return valid_ip(request.META.get("REMOTE_ADDR"))


def network_of(value: str | None) -> str | None:
    """The network an address belongs to, as one household or office usually holds it: the /24
    of an IPv4 address, the /64 of an IPv6 one (an IPv4-mapped IPv6 address counts as IPv4).
    None when `value` is not an address. For telling different readers apart: one person
    easily has many addresses of one network, rarely addresses of many."""
    ip = valid_ip(value)
    if ip is None:
        return None
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
