import pytest
from django.test import Client

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
OTHER_BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
ADDRESS = "203.0.113.77"


@pytest.fixture
def reader():
    """A browser as a real server sees it: CSRF enforced, errors answered, not raised."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False)


def beacon(client, *, user_agent=BROWSER, address=ADDRESS, headers=None, method="post", **fields):
    send = client.post if method == "post" else client.get
    return send(
        "/r/v", fields, HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address, headers=headers or {}
    )


@pytest.fixture(autouse=True)
def _no_secret_left_from_another_test():
    """Each test empties the cache; this process's copy of the day's secret goes with it."""
    from readership.counting import forget_salt_copy, forget_writer

    forget_salt_copy()
    forget_writer()
