from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import privacy
from comments.management.commands._privacy import email_argument
from core.privacy import is_empty, personal_data_erase, personal_data_export


class Command(BaseCommand):
    help = (
        "Anonymize every comment of an email address, matched ignoring case (like WordPress's "
        "Erase Personal Data): name, email, website, IP address and user agent are cleared, the "
        "text stays and every thread keeps its shape."
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
        if is_empty(personal_data_export(email=email)):
            self.stdout.write(_("Nothing is stored for %(email)s.") % {"email": email})
            return
        if not yes and not self.confirmed(email):
            self.stdout.write(_("Erasure cancelled: nothing was changed."))
            return
        count = personal_data_erase(email=email)
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(count)d comment of %(email)s anonymized.",
                    "%(count)d comments of %(email)s anonymized.",
                    count,
                )
                % {"count": count, "email": email}
            )
        )

    def confirmed(self, email: str) -> bool:
        count = privacy.comments_of(email).count()
        question = ngettext(
            "%(count)d comment of %(email)s will be anonymized: name, email, website, IP address "
            "and user agent are cleared, the text stays. This cannot be undone.",
            "%(count)d comments of %(email)s will be anonymized: name, email, website, IP address "
            "and user agent are cleared, the text stays. This cannot be undone.",
            count,
        ) % {"count": count, "email": email}
        prompt = _("Type 'yes' to continue, or 'no' to cancel: ")
        try:
            answer = input(f"{question}\n{prompt}")
        except EOFError:
            raise CommandError(
                _("No answer to the confirmation: use --yes to erase without asking.")
            ) from None
        except KeyboardInterrupt:
            return False
        return answer.strip().lower() == "yes"
