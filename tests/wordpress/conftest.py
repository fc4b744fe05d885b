import io
from pathlib import Path

import pytest
from django.core.management import call_command

from comments.models import Comment
from wordpress.models import WordPressObject

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _one_rendition_width(one_rendition_width):
    """Each cover is encoded once per rendition width: one keeps the tests quick."""


def run_import(path: Path, *options: str) -> str:
    """Run the command as an editor would; stdout (the summary) back, stderr in .progress."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *options, stdout=out, stderr=err)
    run_import.progress = err.getvalue()
    return out.getvalue()


def by_wp_id() -> dict[int, Comment]:
    """The imported comments by their WordPress id."""
    return {
        int(m.wp_id): m.comment
        for m in WordPressObject.objects.filter(kind="comment").select_related("comment")
    }


def wp_ids(comments) -> list[int]:
    """The WordPress ids of imported `comments`, in their order."""
    reverse = {c.pk: wp_id for wp_id, c in by_wp_id().items()}
    return [reverse[c.pk] for c in comments]


# The admin's imports and exports (tests/wordpress/test_admin_*.py).


@pytest.fixture
def moving_root(settings, tmp_path) -> Path:
    """The private folder of the admin's jobs, outside MEDIA_ROOT as in production."""
    settings.MOVING_ROOT = tmp_path / "moving"
    return settings.MOVING_ROOT


def mover(*codenames: str):
    """A staff member holding the given wordpress permissions (run_import, run_export) only."""
    from django.contrib.auth.models import Permission

    from tests.factories import make_user

    user = make_user()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wordpress", codename__in=codenames)
    )
    return user


def staff_browser(user, token: str = "a" * 32):
    """A client as a browser is one for a real server: CSRF checked, errors answered (a 500
    is seen as one) rather than raised; returns it and the token its forms carry."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    client.cookies["csrftoken"] = token
    return client, token
