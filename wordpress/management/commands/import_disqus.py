from pathlib import Path

from django.core.management.base import CommandError

from wordpress.moving import ImportCommand
from wordpress.services import DisqusError, MapError, disqus_import


class Command(ImportCommand):
    help = (
        "Import the comments of a Disqus export (its XML file, from Disqus's admin > Export) as "
        "threaded comments: each thread is matched to an article by its link (the address here "
        "or an old WordPress address), its identifier, or the --map file. All or nothing; run "
        "it again with a later export to bring in what is new."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The XML file exported by Disqus.")
        parser.add_argument(
            "--map",
            type=Path,
            metavar="CSV",
            dest="map_path",
            help="Threads the links cannot place: one row each, the thread (its link, its "
            "identifier or its dsq:id) and the article here (its address or its slug).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything and print the summary, then save nothing.",
        )

    def handle(self, *args, export: Path, map_path: Path | None, dry_run: bool, **options):
        for path in filter(None, (export, map_path)):
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        try:
            report = disqus_import(
                path=export, map_path=map_path, dry_run=dry_run, progress=self.show_progress
            )
        except (DisqusError, MapError) as exc:
            raise CommandError(str(exc)) from None
        self.show_summary(report)
