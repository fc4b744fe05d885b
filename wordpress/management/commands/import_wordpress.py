from pathlib import Path

from django.core.management.base import CommandError

from wordpress.menus import LOCATIONS
from wordpress.moving import ImportCommand
from wordpress.services import MediaDirRefused, WxrError, wordpress_import


class Command(ImportCommand):
    help = (
        "Import a WordPress site from its export file (WXR 1.0 to 1.2, from Tools > Export): "
        "authors, categories, tags, posts with their comments and featured images, and "
        "redirects from the old addresses. All or nothing; run it again with a later export to "
        "bring in what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="The WXR file exported by WordPress.")
        parser.add_argument(
            "--media-dir",
            type=Path,
            metavar="DIR",
            help="A copy of wp-content/uploads (or of wp-content, or of the site), where the "
            "featured images and the images in posts are looked up by their path below uploads/. "
            "Never inside MEDIA_ROOT or STATIC_ROOT: the originals there would be public.",
        )
        parser.add_argument(
            "--keep-remote-images",
            action="store_true",
            help="Keep images from other sites as images (by default they become links, so that "
            "no page makes a request to another site).",
        )
        parser.add_argument(
            "--menu-location",
            action="append",
            default=[],
            metavar="PLACE=MENU",
            help="Show a WordPress menu (by its slug) in a place here: header=main-menu or "
            "footer=links. The export does not say which menu the theme showed where; without "
            "this, a menu is placed by its name (Primary, Main, Footer...).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything and print the summary, then save nothing.",
        )

    def handle(
        self,
        *args,
        export: Path,
        media_dir: Path | None,
        dry_run: bool,
        keep_remote_images: bool,
        menu_location: list[str],
        **options,
    ):
        if not export.is_file():
            raise CommandError(f"No such file: {export}")
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"No such folder: {media_dir}")
        menu_locations = self.menu_locations(menu_location)
        try:
            report = wordpress_import(
                path=export,
                media_dir=media_dir,
                dry_run=dry_run,
                keep_remote_images=keep_remote_images,
                menu_locations=menu_locations,
                progress=self.show_progress,
            )
        except (WxrError, MediaDirRefused) as exc:
            raise CommandError(str(exc)) from None
        self.show_summary(report)

    @staticmethod
    def menu_locations(options: list[str]) -> dict[str, str]:
        places = {}
        for option in options:
            place, _, slug = option.partition("=")
            if place not in LOCATIONS or not slug.strip():
                raise CommandError(
                    f"--menu-location {option}: write PLACE=MENU, PLACE being "
                    f"{' or '.join(LOCATIONS)} and MENU the WordPress menu's slug."
                )
            places[place] = slug.strip()
        return places
