from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Emails link to SITE_URL: in production it must be the site's public address."""
    if any(host in settings.SITE_URL for host in LOCAL_HOSTS):
        return [
            Warning(
                f"SITE_URL is {settings.SITE_URL!r}: links in emails would point to this machine.",
                hint="Set SITE_URL to the public address, e.g. https://rivista.example",
                id="blog.W001",
            )
        ]
    return []
