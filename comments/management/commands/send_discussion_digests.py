from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from comments import following


class Command(BaseCommand):
    help = (
        "Send the daily digest to everyone following a discussion with new approved comments. "
        "Run it once a day, from cron or a scheduler (or enqueue comments.tasks.send_digests)."
    )

    def handle(self, *args, **options):
        sent = following.digests_send()
        self.stdout.write(
            ngettext("%(count)d digest sent.", "%(count)d digests sent.", sent) % {"count": sent}
        )
