from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from comments.management.commands._privacy import email_argument
from core.privacy import Tally, found, personal_data_counts, personal_data_erase_each


def tally_lines(tallies: list[Tally]) -> str:
    """One line per kind of data, with its count: what the person is told about."""
    return "\n".join(f"  - {tally.label}: {tally.count}" for tally in tallies)


class Command(BaseCommand):
    help = (
        "Erase everything stored about an email address, matched ignoring case (like "
        "WordPress's Erase Personal Data): comments are anonymized (name, email, website, IP "
        "address and user agent are cleared, the text stays and every thread keeps its shape); "
        "the newsletter subscription, contact messages, followed discussions and the copies of "
        "the emails sent to the address are deleted. Each kind is listed with its count, before "
        "and after."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address, in any letter case.")
        parser.add_argument(
            "--yes",
            "--no-input",
            "--noinput",
            action="store_true",
            dest="yes",
            help="Erase without asking for confirmation.",
        )

    def handle(self, *args, email: str, yes: bool, **options):
        email = email_argument(email)
        stored = found(personal_data_counts(email=email))
        if not stored:
            self.stdout.write(_("Nothing is stored for %(email)s.") % {"email": email})
            return
        if not yes and not self.confirmed(email, stored):
            self.stdout.write(_("Erasure cancelled: nothing was changed."))
            return
        erased = personal_data_erase_each(email=email)
        heading = _("Personal data of %(email)s erased:") % {"email": email}
        self.stdout.write(self.style.SUCCESS(f"{heading}\n{tally_lines(found(erased))}"))

    def confirmed(self, email: str, stored: list[Tally]) -> bool:
        heading = _("This erases the personal data of %(email)s:") % {"email": email}
        warning = _("This cannot be undone.")
        prompt = _("Type 'yes' to continue, or 'no' to cancel: ")
        try:
            answer = input(f"{heading}\n{tally_lines(stored)}\n{warning}\n{prompt}")
        except EOFError:
            raise CommandError(
                _("No answer to the confirmation: use --yes to erase without asking.")
            ) from None
        except KeyboardInterrupt:
            return False
        return answer.strip().lower() == "yes"
