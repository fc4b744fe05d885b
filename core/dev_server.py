"""The address the development server serves, as a browser on this machine opens it.

Emails are written without a request, so their links are built on settings.SITE_URL. In
development, unless SITE_URL is set, that is the address `runserver` (or
`runserver_with_worker`, which `make run` uses) was told to serve: `make run PORT=8101` then
writes links to port 8101, not to the default 8000.
"""

import re

DEFAULT_ADDRPORT = "127.0.0.1:8000"

# runserver's own forms: "8101", "127.0.0.1:8101", "0:8101", "localhost:8101", "[::1]:8101".
_ADDRPORT = re.compile(r"^(?:(?P<address>\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(?P<port>\d+)$")
# Listening on every interface: this machine reaches it on the loopback address.
_ANY_ADDRESS = {"0": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}  # noqa: S104
_SERVING_COMMANDS = frozenset({"runserver", "runserver_with_worker"})


def served_site_url(addrport: str) -> str | None:
    """`http://address:port` for runserver's `addrport` argument; None if it is not one."""
    match = _ADDRPORT.match(addrport)
    if match is None:
        return None
    address = match["address"] or "127.0.0.1"
    return f"http://{_ANY_ADDRESS.get(address, address)}:{match['port']}"


def site_url_from_command_line(argv: list[str]) -> str | None:
    """The site's address when this process is `manage.py runserver [options] [addrport]`
    (or runserver_with_worker); None for any other command."""
    if len(argv) < 2 or argv[1] not in _SERVING_COMMANDS:
        return None
    positional = [arg for arg in argv[2:] if not arg.startswith("-")]
    return served_site_url(positional[0] if positional else DEFAULT_ADDRPORT)
