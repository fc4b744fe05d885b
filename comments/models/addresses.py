"""The addresses commenters used, and whether each proved itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommenterAddress(models.Model):
    """An email address used to comment, and whether it has proved itself.

    "Approve returning commenters" trusts an address only once a link sent to it was followed
    (comments.verification): a typed address proves nothing, anyone can type a regular's.
    """

    email = models.EmailField(_("email"), max_length=254, unique=True, help_text=_("Lower case."))
    asked_at = models.DateTimeField(_("confirmation last sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("commenter address")
        verbose_name_plural = _("commenter addresses")

    def __str__(self):
        return self.email
