"""Subscribers as CSV, safe to open in a spreadsheet."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone

COLUMNS = ("email", "status", "created", "confirmed_at", "language")
# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text, with a leading quote if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value).isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def rows(queryset):
    yield COLUMNS
    for subscriber in queryset.only(*COLUMNS).iterator(chunk_size=2000):
        yield [safe_cell(getattr(subscriber, column)) for column in COLUMNS]


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return StreamingHttpResponse(
        (writer.writerow(row) for row in rows(queryset)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="subscribers-{stamp}.csv"'},
    )
