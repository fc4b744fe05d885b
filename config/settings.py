"""Settings for the whole site, read from the environment (see .env.example).

With no environment at all this is the zero-set-up demo: SQLite, local-memory cache, console
email, DEBUG on. Production sets DJANGO_ENV=production and must give SECRET_KEY and ALLOWED_HOSTS.
"""

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from config.env import env_bool, env_int, env_list, env_str, load_dotenv
from core.dev_server import site_url_from_command_line
from media import conf as media_conf

BASE_DIR = Path(__file__).resolve().parent.parent
if not env_bool("IGNORE_DOTENV", default=False):
    load_dotenv(BASE_DIR / ".env")

PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "mptt",
    "django_prose_editor",
    "axes",
    "django_tasks_db",
    "core",
    "media",
    "blog",
    "pages",
    "comments",
    "newsletter",
    "contact",
    "readership",
    "fediverse",
    "wordpress",
    "ninja",  # django-ninja: its static files serve the API docs (api/urls.py)
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost of what touches the body: an anonymous reader's page gzipped (core.compression).
    "core.page_cache.PublicPagesGZipMiddleware",
    # In production, absolute links are built on SITE_URL, not on the Host a client sent.
    "config.security.SiteUrlMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "api.cors.CorsMiddleware",  # only under /api/, off unless API_CORS_ALLOWED_ORIGINS
    "config.security.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body or the query: a 400 page for what no view could read.
    "config.security.UnreadableRequestMiddleware",
    # The readership beacon is answered here, before what it does not need (readership.beacon).
    "readership.beacon.BeaconMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check: a PUT at a page is a 405, not a CSRF failure.
    "config.security.ReadOnlyAddressesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # A kept page for an anonymous reader, answered here (core.page_cache): every header above
    # is added to it, nothing below runs (no session, user, messages, URL resolution or view).
    "core.page_cache.KeptPagesMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.security.MethodNotAllowedPageMiddleware",
    # Turns a login refused for too many failures into the lock-out page (django-axes).
    "axes.middleware.AxesMiddleware",
    # Innermost: turns a 404 at an old WordPress address into a redirect (wordpress.middleware).
    "wordpress.middleware.OldPermalinkMiddleware",
]

# Source maps are only fetched by developer tools: compressing them (megabytes, brotli at its
# best level) would make every collectstatic take a minute for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf",
    "flv", "woff", "woff2", "3gp", "3gpp", "asf", "avi", "m4v", "mov", "mp4", "mpeg", "mpg",
    "webm", "wmv", "map",
)  # fmt: skip

if PRODUCTION:
    # Static files straight from the app server: compressed, hash-named, cached for a year.
    # (In development runserver serves them from the app folders.)
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
# readership's covering index (INCLUDE) is PostgreSQL's; SQLite builds it on its key columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
                # After Django's csrf processor: in a page kept for every reader, a hole.
                "core.page_cache.csrf_placeholder",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock at BEGIN instead of failing half-way through a tree update.
    # A writer waits at most 5 s for the lock, then the reader gets a 503 that keeps the form.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 5}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not shared-cache memory: that mode answers concurrent writers with
    # "table is locked" at once instead of queueing them the way a real SQLite file does.
    # One file per test process, so parallel runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"rivista-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default; with REDIS_URL every app server shares one cache (comment trees,
# discussion settings, rate limits, used form tokens), which several processes need to agree.
# Production has several workers and runs commands beside them: it will not start without one.
REDIS_URL = env_str("REDIS_URL")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production: every worker and management command must share "
        "one cache (moderation, discussion settings, rate limits), e.g. redis://127.0.0.1:6379/0."
    )
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel tests (pytest-xdist workers gw0, gw1, ...): each worker its own Redis database,
    # counted on from the one REDIS_URL names, since every test empties the cache (FLUSHDB)
    # and must not empty another worker's. Servers the tests start are given this URL.
    _redis = urlsplit(REDIS_URL)
    _redis_db = int(_redis.path.strip("/") or 0) + int(os.environ["PYTEST_XDIST_WORKER"][2:])
    REDIS_URL = _redis._replace(path=f"/{_redis_db}").geturl()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "rivista"),
        }
    }
else:
    # One entry per comment thread is cached: the default 300 entries would evict the hot keys
    # (comment versions, discussion settings) on any busy article.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCMEM_CACHE_MAX_ENTRIES", 50_000)},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute force: after AXES_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is locked out for the cool-off (each failure meanwhile restarts it). Keyed on the pair, so
# a stranger guessing an editor's password cannot lock the editor out everywhere. The address is
# the one the rate limits see (core.client_address, honest about TRUSTED_PROXY_COUNT).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Rome")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = env_str("MEDIA_URL", "media/")
# Not BASE_DIR / "media": that folder is the media app.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "uploads")))
STORAGES = {
    # Any Django storage for uploads (e.g. an S3 backend) by its dotted path.
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    # Hash-named, pre-compressed static files once collected (production); plain in development
    # and tests, which never run collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: the console in development, SMTP in production; any backend from the environment.
_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
# "default" queues every message (core.mail_queue): a background task sends it through
# "outgoing", the real backend, after commit, with retries. Newsletter issues go out through
# "outgoing" directly, in batches, from the worker.
MAILERS = {
    "default": {
        "BACKEND": "core.mail_queue.QueuedEmailBackend",
        "OPTIONS": {"mailer": "outgoing"},
    },
    "outgoing": {"BACKEND": _email_backend},
}
if _email_backend.endswith("smtp.EmailBackend"):
    MAILERS["outgoing"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=True),
        "use_ssl": env_bool("EMAIL_USE_SSL", default=False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "redazione@localhost")

# Background work: Django's Tasks framework, queue kept in the database (django-tasks-db), run
# by `manage.py worker` (one or more processes; see the README). TASKS_BACKEND may name another
# backend, e.g. django.tasks.backends.immediate.ImmediateBackend to run tasks in the request.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
SITE_NAME = env_str("SITE_NAME", "Rivista")

# Images (IMAGE_*: upload limits, rendition widths, the free space kept) and embeds
# (MEDIA_EMBED_PROVIDERS: providers added to, or set to None removed from, the allowlist): the
# defaults are in media/conf.py.
# The article editor's media buttons (library image, gallery, embed), loaded as an ES module by
# django-prose-editor. The tags listed here only matter to its own nh3 sanitizer, which we do
# not use: every body goes through core.sanitizer, which allows exactly these.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("media/editor/media-library.js")],
        "extensions": {
            "MediaImage": html_tags(
                ["figure", "img", "figcaption", "cite"],
                {"figure": ["data-align"], "img": ["data-media-id", "src", "alt"]},
            ),
            "MediaGallery": html_tags(["figure", "figcaption"], {"figure": ["data-gallery"]}),
            "MediaEmbed": html_tags(["figure", "a"], {"figure": ["data-embed"], "a": ["href"]}),
        },
    }
]
# Uploads bigger than this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# How many reverse proxies (nginx, a load balancer) stand in front of the app and append to
# X-Forwarded-For; 0 means REMOTE_ADDR is the client. Rate limits key on the result.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)


# The public address: emails have no request, so their links are built on it (core.mail). In
# production every absolute link on a page (canonical, OpenGraph, JSON-LD, feeds, sitemap) is
# built on it too, never on the Host header a client sent (config.security.SiteUrlMiddleware).
# In development, unless set, the address runserver serves (core.dev_server: `make run
# PORT=8101` writes email links to port 8101).
SITE_URL = (
    env_str("SITE_URL")
    or (None if PRODUCTION else site_url_from_command_line(sys.argv))
    or "http://127.0.0.1:8000"
)
_site = urlsplit(SITE_URL)
LINKS_FROM_SITE_URL = env_bool("LINKS_FROM_SITE_URL", default=PRODUCTION)
if PRODUCTION and (
    _site.scheme not in ("http", "https")
    or not _site.hostname
    or _site.hostname in ("localhost", "127.0.0.1", "::1", "0.0.0.0")  # noqa: S104
    or _site.hostname.endswith((".localhost", ".local"))
):
    raise ImproperlyConfigured(
        f"SITE_URL is {SITE_URL!r}: in production set it to the site's public address, e.g. "
        "https://rivista.example (links in pages, feeds and emails are built on it)."
    )

# App settings: the defaults live in each app's conf module (core/conf.py, media/conf.py,
# blog/conf.py, comments/conf.py, newsletter/conf.py, contact/conf.py; core/page_cache.py for
# PAGE_CACHE_*); the environment overrides only what it names. Emails: attempts before a send
# is recorded as failed and the first retry delay (doubled each time, at most an hour).
for _name in (
    "EMAIL_MAX_ATTEMPTS",
    "EMAIL_RETRY_DELAY",
    "IMAGE_MAX_UPLOAD_BYTES",
    "IMAGE_MAX_PIXELS",
    "IMAGE_MIN_FREE_BYTES",
    "COMMENTS_RATE_LIMIT",
    "NEWSLETTER_CONFIRM_DAYS",
    "NEWSLETTER_RATE_LIMIT",
    "NEWSLETTER_RATE_WINDOW",
    "NEWSLETTER_MAILS_PER_ADDRESS",
    "NEWSLETTER_BATCH_SIZE",
    "NEWSLETTER_PARALLEL_BATCHES",
    "NEWSLETTER_CLAIM_TIMEOUT",
    "NEWSLETTER_SMTP_CONNECTIONS",
    "PAGE_CACHE_SECONDS",
    "BLOG_ARTICLES_PER_PAGE",
    "BLOG_MAX_LISTING_PAGES",
):
    if _name in os.environ:
        globals()[_name] = env_int(_name, 0)
# Other sites whose pages may read the JSON API from a browser (api.cors; none by default).
if "API_CORS_ALLOWED_ORIGINS" in os.environ:
    API_CORS_ALLOWED_ORIGINS = env_list("API_CORS_ALLOWED_ORIGINS")
if "PAGE_CACHE_ENABLED" in os.environ:  # core/page_cache.py: on unless this says otherwise
    PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", default=True)
# The private folder of the admin's imports and exports (wordpress/conf.py): the web processes
# and the workers must share it; never inside MEDIA_ROOT or STATIC_ROOT.
if os.environ.get("MOVING_ROOT"):
    MOVING_ROOT = Path(env_str("MOVING_ROOT", ""))

LOGIN_URL = "admin:login"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of ours uses, switched off for us and anything we might embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), browsing-topics=()"
)

# Content-Security-Policy (django.middleware.csp): scripts and styles come from this origin, or
# carry the request's nonce; nothing else inline, no plugins, no <base>, no framing, forms post
# only here. Public pages need no nonce at all (no inline script or style; JSON-LD is data, not
# script). The admin puts the nonce on every tag it writes, form media included (Django 6.1), and
# the article editor's own stylesheet is provided with the nonce (blog.admin.ArticleBodyWidget).
# So styles need no 'unsafe-inline' either: the admin's one <style> (change lists) has the nonce
# and its scripts style through the CSSOM, which the policy allows. A nonce changes with every
# response: never write one inside a {% cache %} fragment. Uploads may live on another host (a
# storage backend with an absolute MEDIA_URL).
# (Set in a settings override, MEDIA_EMBED_PROVIDERS must be followed by this frame-src too.)
_media = urlsplit(MEDIA_URL)
_media_origin = [f"{_media.scheme}://{_media.netloc}"] if _media.netloc else []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *_media_origin],
    "object-src": [CSP.NONE],
    # Embedded players, and only those of the allowlisted providers (media.conf): a frame is
    # created only after the reader clicks its placeholder.
    "frame-src": media_conf.frame_origins(globals().get("MEDIA_EMBED_PROVIDERS")),
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own "django" logger has a console handler of its own when DEBUG is on: with the
    # root's, every line under it (each worker task, django.tasks) was written twice.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}
