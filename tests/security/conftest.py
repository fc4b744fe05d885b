"""Fixtures and the run's summary for the security tests."""

import pytest
from django.template.base import PartialTemplate, Template

from tests.security.fuzzing import REQUESTS


@pytest.fixture
def unobserved_templates(monkeypatch):
    """Templates rendered as in production, without the test runner's signal that copies every
    context for response.context: the fuzz tests read only the answers, thousands of them."""

    def render(self, context):
        return self.nodelist.render(context)

    monkeypatch.setattr(Template, "_render", render)
    monkeypatch.setattr(PartialTemplate, "_render", render)


def pytest_terminal_summary(terminalreporter):
    """How many answers the fuzz tests checked, by status class (`-rA` or not, always)."""
    if REQUESTS:
        counts = ", ".join(f"{key} {count}" for key, count in sorted(REQUESTS.items()))
        total = sum(REQUESTS.values())
        terminalreporter.write_line(f"fuzzing: {total} answers checked ({counts})")
