from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from comments import section_desks


class Command(BaseCommand):
    help = (
        "Tell each moderator with a section desk how many comments wait in other sections. "
        "The worker does it every day by itself (comments.tasks.send_desk_counts); this sends "
        "the counts now."
    )

    def handle(self, *args, **options):
        sent = section_desks.desk_counts_send()
        self.stdout.write(
            ngettext("%(count)d moderator told.", "%(count)d moderators told.", sent)
            % {"count": sent}
        )
