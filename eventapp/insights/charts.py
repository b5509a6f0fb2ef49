"""Server-rendered SVG charts: pure functions returning Markup.

Accessible by construction: `role="img"` labelled by the chart's <title> and
<desc> (the one-sentence text summary), every bar carries its label and its
number as text (never colour alone), stacked segments also differ by pattern,
every colour has at least 3:1 contrast against white, and a fixed viewBox with
width 100% so the chart scales down on a phone. No JavaScript. Each chart is
shown next to its data table (templates/insights/_tables.html).
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH = 640
LABEL_WIDTH = 190
VALUE_WIDTH = 110
BAR_HEIGHT = 22
ROW_GAP = 10
PAD = 8
LABEL_CHARS = 26  # what fits in LABEL_WIDTH at the chart's font size
LINE_CHARS = 86  # what fits across the whole chart

# Contrast against white (WCAG relative luminance): all >= 4.5:1, so the
# colours hold as large areas and as text.
COLOURS = ("#0b5a7a", "#7a2e8e", "#8a5a00", "#4a5560", "#1e6b35", "#a4161a")
# Patterns so that segments differ without colour: solid, stripes, dots, cross-hatch…
PATTERNS = ("solid", "stripes", "dots", "cross", "solid", "stripes")

_ids = itertools.count(1)


def percent(part: int, whole: int) -> str:
    """'63%' (rounded), '–' when there is nothing to divide."""
    return f"{round(100 * part / whole)}%" if whole else "–"


def _open(chart_id: str, title: str, desc: str, height: int, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _empty(chart_id: str, title: str, css: str) -> Markup:
    message = _("No data yet.")
    parts = _open(chart_id, title, message, 40, css)
    parts.append(f'<text class="chart-empty" x="{PAD}" y="25">{escape(message)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _fit(label: str, limit: int) -> str:
    """Cut a long label to fit its space (the data table has it in full)."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _chart_id(chart_id: str | None) -> str:
    return chart_id or f"chart-{next(_ids)}"


def bar_chart(
    title: str, rows: Sequence[tuple[str, int]], *, desc: str, chart_id: str | None = None,
    colour: str = COLOURS[0],
) -> Markup:
    """Horizontal bars, one per (label, count) row, each labelled with its
    count and its share of the total. A zero total renders "No data yet."."""
    chart_id = _chart_id(chart_id)
    total = sum(count for _label, count in rows)
    if not rows or total == 0:
        return _empty(chart_id, title, "chart-bars")
    biggest = max(count for _label, count in rows)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PAD
    height = PAD * 2 + len(rows) * (BAR_HEIGHT + ROW_GAP) - ROW_GAP
    parts = _open(chart_id, title, desc, height, "chart-bars")
    for n, (label, count) in enumerate(rows):
        y = PAD + n * (BAR_HEIGHT + ROW_GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        length = round(span * count / biggest, 1) if biggest else 0
        parts.append(f'<g class="bar-row"><text x="{LABEL_WIDTH - PAD}" y="{middle}" '
                     f'text-anchor="end">{escape(_fit(label, LABEL_CHARS))}</text>')
        parts.append(f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{length}" '
                     f'height="{BAR_HEIGHT}" fill="{colour}"/>')
        parts.append(f'<text class="bar-value" x="{LABEL_WIDTH + length + PAD}" y="{middle}">'
                     f'{count} ({percent(count, total)})</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _pattern(chart_id: str, n: int, colour: str, kind: str) -> str:
    pid = f"{chart_id}-p{n}"
    if kind == "solid":
        return ""
    shapes = {
        "stripes": '<path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
        "cross": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.5"/>',
    }[kind]
    return (f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{shapes}</pattern>')


def stacked_chart(
    title: str, rows: Sequence[tuple[str, Sequence[int]]], segments: Sequence[str], *, desc: str,
    chart_id: str | None = None,
) -> Markup:
    """One 100% bar per row (label, counts per segment), segments told apart by
    colour and pattern, with a legend and, under each bar, its numbers and
    percentages as text. Rows with nothing show "none"; a zero total renders
    "No data yet."."""
    chart_id = _chart_id(chart_id)
    if not rows or sum(sum(counts) for _label, counts in rows) == 0:
        return _empty(chart_id, title, "chart-stacked")
    span = WIDTH - 2 * PAD
    legend_height = 26
    # Each row: its label on a line, the bar, then its numbers on a line.
    row_height = 18 + BAR_HEIGHT + 18 + ROW_GAP
    height = PAD + legend_height + len(rows) * row_height
    parts = _open(chart_id, title, desc, height, "chart-stacked")
    fills = []
    parts.append("<defs>")
    for n, _segment in enumerate(segments):
        colour, kind = COLOURS[n % len(COLOURS)], PATTERNS[n % len(PATTERNS)]
        parts.append(_pattern(chart_id, n, colour, kind))
        fills.append(colour if kind == "solid" else f"url(#{chart_id}-p{n})")
    parts.append("</defs>")
    # Legend: swatch (colour and pattern) + name.
    x = PAD
    parts.append('<g class="legend">')
    for n, segment in enumerate(segments):
        parts.append(f'<rect x="{x}" y="{PAD}" width="14" height="14" fill="{fills[n]}" stroke="#1b1f24" '
                     f'stroke-width="0.5"/><text x="{x + 18}" y="{PAD + 12}">{escape(segment)}</text>')
        x += 18 + 8 * len(str(segment)) + 16
    parts.append("</g>")
    for r, (label, counts) in enumerate(rows):
        top = PAD + legend_height + r * row_height
        y = top + 18
        total = sum(counts)
        parts.append(f'<g class="bar-row"><text class="bar-label" x="{PAD}" y="{top + 13}">'
                     f'{escape(_fit(label, LINE_CHARS))}</text>')
        if total == 0:
            parts.append(f'<rect class="bar-none" x="{PAD}" y="{y}" width="{span}" '
                         f'height="{BAR_HEIGHT}" fill="none" stroke="#4a5560" stroke-dasharray="4 3"/>')
        start = float(PAD)
        for n, count in enumerate(counts):
            if not count:
                continue
            length = round(span * count / total, 1)
            parts.append(f'<rect class="segment" x="{round(start, 1)}" y="{y}" width="{length}" '
                         f'height="{BAR_HEIGHT}" fill="{fills[n]}" stroke="#fff" stroke-width="1"/>')
            start += length
        numbers = ", ".join(
            f"{segment} {count} ({percent(count, total)})"
            for segment, count in zip(segments, counts, strict=True) if count
        ) if total else _("none")
        parts.append(f'<text class="bar-value" x="{PAD}" y="{y + BAR_HEIGHT + 14}">'
                     f'{escape(numbers)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))


__all__ = ["bar_chart", "stacked_chart", "percent", "COLOURS"]
