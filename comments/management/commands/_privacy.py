"""What the personal-data commands share: one way to read the email address argument."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_email
from django.utils.translation import gettext as _


def email_argument(value: str) -> str:
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(
            _("“%(email)s” is not a valid email address.") % {"email": value}
        ) from None
    return email
