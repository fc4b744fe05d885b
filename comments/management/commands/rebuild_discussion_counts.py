from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from comments.counts import counts_rebuild


class Command(BaseCommand):
    help = (
        "Recount what readers see of every article's discussion (comments.counts): after a bulk "
        "load that went around comments.services, or to check the kept counts."
    )

    def handle(self, *args, **options):
        wrong = counts_rebuild()
        self.stdout.write(
            _("Discussion counts rebuilt; rows corrected: %(count)d.") % {"count": wrong}
        )
