"""A paginator that stops counting: long lists (search results, admin lists) say "more than"."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts the rows only up to COUNT_CAP: past it the list says "more than" (on a
    ModelAdmin, `paginator = CappedCountPaginator` and templates/admin/pagination.html) and its
    pages stop there. Counting a million comments exactly costs more than showing a page; a
    filter or a search narrows the list to an exact count again.
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
