import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, a private media folder and an empty cache for every test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "it"
    from django.core.cache import cache

    cache.clear()
