"""What the fuzz tests share: Hypothesis settings, hostile inputs, the browser they post with,
and the one property every answer must have.

The examples are the same on every run (derandomized, so CI is repeatable); FUZZ_RANDOM=1 draws
new ones, FUZZ_EXAMPLES=N multiplies their number. Every answer checked goes into REQUESTS, which
the security tests' summary prints (tests/security/conftest.py).
"""

import collections
import json
import operator
import os

from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from tests.security.helpers import assert_clear_refusal
from tests.security.xss_vectors import FIELD_ABUSE, VECTORS

SCALE = int(os.environ.get("FUZZ_EXAMPLES", "1"))
FUZZ = settings(
    deadline=None,
    database=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
REQUESTS: collections.Counter = collections.Counter()  # answers checked, by status class


def examples(count: int) -> settings:
    return settings(FUZZ, max_examples=count * SCALE)


def browser(**defaults) -> Client:
    """A client as a real server sees one: CSRF checked, and a failure is an answer (a 500 the
    test reads), not an exception raised into the test."""
    return Client(enforce_csrf_checks=True, raise_request_exception=False, **defaults)


# Inputs.

UNICODE = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
CONTROL = st.text(st.characters(categories=("Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=40)
HUGE = st.builds(
    operator.mul,
    st.sampled_from(["a", "è", "\x00", "<", "&", "€", "\U0001d518", " ", "\u202e", "\r\n"]),
    st.integers(2_000, 120_000),
)
HOSTILE = st.sampled_from([vector for _, vector in VECTORS] + FIELD_ABUSE)
ANY_TEXT = st.one_of(UNICODE, CONTROL, HUGE, HOSTILE, st.just(""))
SHORT_TEXT = st.one_of(UNICODE, CONTROL, HOSTILE, st.just(""))
NUMBERISH = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["0", "-1", "1e9", "0x10", "1.5", " 7", "٣", "NaN", "None", "[]", "1;2"]),
)
EVIL_URLS = st.sampled_from(
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "/%2F%2Fevil.example",
        "https:///evil.example",
        "\t//evil.example",
        "/.evil.example",
    ]
)
# The whole corpus, each string once: what every field of every form is fed in turn.
CORPUS = list(dict.fromkeys([vector for _, vector in VECTORS] + FIELD_ABUSE))


def mostly(valid, strategy, *, odds: int = 3):
    """`valid` about `odds` times in `odds + 1`, else anything from `strategy`: most examples
    get past the first check and reach the code behind it."""
    return st.integers(0, odds).flatmap(lambda n: strategy if n == odds else st.just(valid))


def on_this_site(location: str) -> bool:
    return url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})


def assert_handled(response):
    """No 5xx; a redirect stays here; anything refused is a 4xx page with a message."""
    status = response.status_code
    REQUESTS[f"{status // 100}xx"] += 1
    if currently_in_test_context():
        event(f"HTTP {status}")  # pytest --hypothesis-show-statistics shows the spread
    assert status < 500, (status, getattr(response, "exc_info", None))
    if 300 <= status < 400:
        assert on_this_site(response["Location"]), response["Location"]
    elif status >= 400 and response.get("Content-Type", "").startswith("application/json"):
        payload = json.loads(response.content)  # what the upload script shows, file by file
        said = payload.get("errors") or [r["errors"] for r in payload.get("results", ())]
        assert said and all(said), response.content
    elif status == 403 and b"CSRF" in response.content:
        pass  # Django's own CSRF failure page: it says so, in its <h1> (no 403_csrf.html yet)
    elif status >= 400:
        assert_clear_refusal(response)
