from pathlib import Path

from django.core.management.base import CommandError

from wordpress.moving import ImportCommand
from wordpress.services import ExportRefused, site_export


class Command(ImportCommand):
    help = (
        "Export the whole site into OUTPUT_DIR: wordpress.xml (WXR 1.2, for WordPress's "
        "importer or import_wordpress), uploads/ (the media files, YYYY/MM/name) and site.json. "
        "The owner's copy: drafts and commenters' email addresses are in it."
    )

    def add_arguments(self, parser):
        parser.add_argument("output_dir", type=Path, help="A new (or empty) folder.")

    def handle(self, *args, output_dir: Path, **options):
        try:
            report = site_export(output_dir=output_dir, progress=self.show_progress)
        except ExportRefused as exc:
            raise CommandError(str(exc)) from None
        self.show_summary(report)
        self.stdout.write(
            f"Written: {output_dir / 'wordpress.xml'}, {output_dir / 'uploads'}/, "
            f"{output_dir / 'site.json'} (readable by you only: they hold email addresses)."
        )
