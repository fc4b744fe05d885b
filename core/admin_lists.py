"""What makes a long admin change list cheap, for any app's ModelAdmin."""

from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _


class QuickSelectionMixin:
    """The selection checkbox of each row written directly, the same markup as Django's.

    Django renders it through the form widget templates: about 0.4 ms a row, 40 ms of a
    100-row list (bench-scale's admin lists). tests/core/test_admin_lists.py proves the
    markup identical.
    """

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )


class CappedCountPaginator(Paginator):
    """Counts the rows of a change list only up to COUNT_CAP (`paginator = ...` on a
    ModelAdmin): past it the list says "more than" (templates/admin/pagination.html) and its
    pages stop there. Counting a million comments exactly costs more than showing a page;
    a filter or a search narrows the list to an exact count again.
    """

    COUNT_CAP = 10_000

    @cached_property
    def _found(self) -> int:
        return self.object_list.values("pk").order_by()[: self.COUNT_CAP + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._found > self.COUNT_CAP
