"""Plots drawn on the server as SVG: no script, no style attribute (the CSP stays strict)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

COLOURS = {"views": "#417690", "visitors": "#c77c02"}


def _points(values: list[int], width: int, height: int, top: int) -> str:
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{index * step:.1f},{height - (value / top) * height:.1f}"
        for index, value in enumerate(values)
    )


def line_plot(series: dict[str, list[int]], *, label: str, width=720, height=180) -> SafeString:
    """One polyline per series over a shared scale, with the maximum marked on the axis."""
    top = max((max(values, default=0) for values in series.values()), default=0) or 1
    lines = format_html_join(
        "",
        '<polyline class="plot-line plot-{}" fill="none" stroke-width="2" points="{}"/>',
        ((name, _points(values, width, height, top)) for name, values in series.items()),
    )
    return format_html(
        '<svg class="readership-plot" viewBox="-40 -10 {} {}" width="100%" role="img" '
        'aria-label="{}"><text x="-8" y="4" text-anchor="end" font-size="11">{}</text>'
        '<text x="-8" y="{}" text-anchor="end" font-size="11">0</text>'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-width="1"/>{}</svg>',
        width + 50,
        height + 30,
        label,
        top,
        height,
        height,
        width,
        height,
        lines,
    )


def sparkline(values: list[int], *, label: str, width=120, height=24) -> SafeString:
    top = max(values, default=0) or 1
    return format_html(
        '<svg class="readership-sparkline" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        'points="{}"/></svg>',
        width,
        height,
        width,
        height,
        label,
        _points(values, width, height, top),
    )
