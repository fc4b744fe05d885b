"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings as django_settings

BASE_DIR = Path(__file__).resolve().parent.parent
SETUP = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup()"
PRINT_SETTINGS = (
    SETUP + "; from django.conf import settings as s; print(s.DEBUG, s.ALLOWED_HOSTS,"
    " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
)
# Settings only: nothing connects to it.
SOME_REDIS = "redis://127.0.0.1:6390/15"
GOOD_SECRET = "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
CONFIG_VARIABLES = (
    "DJANGO_ENV",
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DATABASE_URL",
    "EMAIL_BACKEND",
    "SITE_URL",
    "REDIS_URL",
)


def run_python(code, **env_overrides):
    # A clean slate: nothing the test run (or another test module) put in the environment.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in CONFIG_VARIABLES and not k.startswith(("DJANGO_", "PYTEST_"))
    }
    env["IGNORE_DOTENV"] = "1"  # a developer's .env must not change what is tested
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_python(SETUP, DJANGO_ENV="production", ALLOWED_HOSTS="rivista.example")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_an_empty_secret_key():
    result = run_python(
        SETUP, DJANGO_ENV="production", SECRET_KEY="", ALLOWED_HOSTS="rivista.example"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_python(SETUP, DJANGO_ENV="production", SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_refuses_blank_allowed_hosts():
    result = run_python(SETUP, DJANGO_ENV="production", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS=" , ")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_production_starts_when_configured_and_is_secure_by_default():
    result = run_python(
        PRINT_SETTINGS,
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="rivista.example, www.rivista.example",
        SITE_URL="https://rivista.example",
        REDIS_URL=SOME_REDIS,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "False ['rivista.example', 'www.rivista.example'] True True True"
    )


def test_development_starts_with_no_environment_at_all():
    result = run_python(PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ['127.0.0.1', 'localhost']")


def test_a_malformed_boolean_is_refused_with_its_name():
    result = run_python(SETUP, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        " execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="rivista.example",
        SITE_URL="https://rivista.example",
        REDIS_URL=SOME_REDIS,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_while_links_would_point_to_localhost():
    result = run_python(
        SETUP,
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="rivista.example",
        REDIS_URL=SOME_REDIS,
    )
    assert result.returncode != 0
    assert "SITE_URL is 'http://127.0.0.1:8000'" in result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    result = run_python(
        SETUP,
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="rivista.example",
        SITE_URL="https://rivista.example",
    )
    assert result.returncode != 0
    assert "REDIS_URL must be set in production" in result.stderr


def test_tests_run_with_debug_off_fast_hashing_and_a_local_memory_cache():
    assert django_settings.DEBUG is False
    assert django_settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
    expected = "RedisCache" if os.environ.get("REDIS_URL") else "LocMemCache"
    assert django_settings.CACHES["default"]["BACKEND"].endswith(expected)


def test_app_settings_come_from_their_conf_module_unless_the_environment_names_them():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; "
        "django.setup(); from blog import conf; from core import page_cache; "
        "print(conf.get('BLOG_ARTICLES_PER_PAGE'), conf.get('BLOG_MAX_LISTING_PAGES'), "
        "page_cache.setting('PAGE_CACHE_ENABLED'), page_cache.setting('PAGE_CACHE_SECONDS'))"
    )
    defaults = run_python(code)
    named = run_python(
        code, BLOG_ARTICLES_PER_PAGE="25", PAGE_CACHE_ENABLED="false", PAGE_CACHE_SECONDS="60"
    )

    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.split() == ["10", "100", "True", "600"]
    assert named.returncode == 0, named.stderr
    assert named.stdout.split() == ["25", "100", "False", "60"]
