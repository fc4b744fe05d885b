import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand

from blog import demo


class Command(BaseCommand):
    help = "Fill the database with Italian demo content. Safe to run again: nothing is duplicated."

    # Apps whose `<app>.demo.load(stdout=...)` runs after the blog's, in this order: the pages'
    # menus link the blog's categories, comments need the articles to exist.
    followers = ("pages", "comments")

    def handle(self, *args, **options):
        counts = demo.load(stdout=self.stdout)
        for app_label in self.followers:
            if not apps.is_installed(app_label):
                continue
            module_name = f"{app_label}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            if callable(getattr(module, "load", None)):
                counts |= module.load(stdout=self.stdout)
        new = ", ".join(f"{number} {kind}" for kind, number in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo content ready. New this run: {new}."))
