import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from comments.management.commands._privacy import email_argument
from core.privacy import is_empty, personal_data_export


class Command(BaseCommand):
    help = (
        "Export as JSON everything stored about an email address, matched ignoring case "
        "(like WordPress's Export Personal Data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The address, in any letter case.")
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the JSON (UTF-8) to FILE instead of the standard output.",
        )

    def handle(self, *args, email: str, output: str | None, **options):
        email = email_argument(email)
        export = personal_data_export(email=email)
        if is_empty(export):
            raise CommandError(_("Nothing is stored for %(email)s.") % {"email": email})
        text = json.dumps(export, ensure_ascii=False, indent=2)
        if output is None:
            self.stdout.write(text)
            return
        try:
            Path(output).write_text(text + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Could not write %(file)s: %(error)s") % {"file": output, "error": error.strerror}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Personal data of %(email)s written to %(file)s.")
                % {"email": email, "file": output}
            )
        )
