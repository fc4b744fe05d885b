from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comments import conf, services


class Command(BaseCommand):
    help = (
        "Clear the IP address and user agent of comments older than N days (default: the "
        "COMMENTS_IP_RETENTION_DAYS setting). Run it daily, from cron or a scheduler."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            metavar="N",
            help="Keep IP addresses for N days (default: COMMENTS_IP_RETENTION_DAYS).",
        )

    def handle(self, *args, days: int | None, **options):
        if days is None:
            days = conf.get("COMMENTS_IP_RETENTION_DAYS")
        if days < 0:
            raise CommandError(_("The number of days cannot be negative."))
        count = services.comment_ips_clear(older_than_days=days)
        period = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        self.stdout.write(
            ngettext(
                "IP address and user agent cleared on %(count)d comment older than %(period)s.",
                "IP address and user agent cleared on %(count)d comments older than %(period)s.",
                count,
            )
            % {"count": count, "period": period}
        )
