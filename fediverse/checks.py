from django.core.checks import Tags, Warning, register

from fediverse import conf


@register(Tags.security, deploy=True)
def no_trusted_test_origins(app_configs, **kwargs):
    """FEDIVERSE_TRUSTED_TEST_ORIGINS is for the federation test only: production ignores it."""
    if conf.get("FEDIVERSE_TRUSTED_TEST_ORIGINS"):
        return [
            Warning(
                "FEDIVERSE_TRUSTED_TEST_ORIGINS is set: it is for tests only, and production "
                "ignores it (those servers' private addresses stay refused).",
                hint="Remove FEDIVERSE_TRUSTED_TEST_ORIGINS from the settings.",
                id="fediverse.W001",
            )
        ]
    return []
