import pytest

from tests.factories import make_user


@pytest.fixture
def moderator():
    """A member of the Moderators group, not logged in."""
    return make_user(groups=["Moderators"])


@pytest.fixture
def moderator_client(client, moderator):
    """`client`, logged in as a moderator."""
    client.force_login(moderator)
    return client


@pytest.fixture
def staff_client(client, django_user_model):
    """`client`, logged in as a superuser."""
    client.force_login(django_user_model.objects.create_superuser("capo", password="pw"))
    return client


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    """`with capture():` runs the block's on_commit callbacks (mail, cache bumps) as it ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mail_at_once(settings):
    """Straight to the outbox: for tests about who is written to, not the mail queue."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
