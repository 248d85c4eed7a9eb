"""Small inline SVG charts, drawn in Python: no chart library, no CDN, readable without JavaScript.

Every chart carries a <title> and <desc>, and the pages print the same numbers in a table beside
it, so the figures never depend on seeing the colours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

# Colour-blind-safe (Okabe-Ito) colours, one per status, dark enough for white gaps to show.
STATUS_COLOURS = {
    "awarded": "#009E73",
    "not-yet": "#E69F00",
    "pending": "#56B4E9",
    "disagreement": "#CC79A7",
    "revoked": "#D55E00",
}
FONT = "font-family=\"system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif\""


def _legend(items: Sequence[tuple[str, str]], y: int) -> str:
    out, x = [], 0
    for label, colour in items:
        out.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" rx="2" fill="{colour}"/>'
            f'<text x="{x + 17}" y="{y + 10}" font-size="12" {FONT} fill="currentColor">{escape(label)}</text>'
        )
        x += 26 + 7 * len(label)
    return "".join(out)


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]], statuses: Sequence[str], title: str
) -> Markup:
    """Horizontal bars, one per row label, stacked by status."""
    label_w, bar_w, row_h = 230, 420, 26
    total_max = max((sum(c.get(s, 0) for s in statuses) for _, c in rows), default=0) or 1
    height = 40 + row_h * len(rows) + 30
    parts = [(
        f'<svg class="mc-chart" viewBox="0 0 {label_w + bar_w + 60} {height}" role="img" '
        f'aria-labelledby="chart-comp-t chart-comp-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-comp-t">{escape(title)}</title>'
        f'<desc id="chart-comp-d">Bar length is the number of submissions; segments show their status. '
        f'The table below gives the same numbers.</desc>'
    )]
    for i, (label, counts) in enumerate(rows):
        y = 10 + i * row_h
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" {FONT} '
            f'fill="currentColor">{escape(short)}<title>{escape(label)}</title></text>'
        )
        x = float(label_w)
        for status in statuses:
            n = counts.get(status, 0)
            if not n:
                continue
            w = bar_w * n / total_max
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w - 1, 1):.1f}" height="{row_h - 8}" '
                f'fill="{STATUS_COLOURS.get(status, "#777")}"><title>{escape(label)}: {n} {status}</title></rect>'
            )
            x += w
        total = sum(counts.get(s, 0) for s in statuses)
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12" {FONT} fill="currentColor">{total}</text>')
    parts.append(_legend([(s, STATUS_COLOURS[s]) for s in statuses], height - 22))
    parts.append("</svg>")
    return Markup("".join(parts))


def monthly_columns(months: Sequence[str], series: Sequence[tuple[str, Mapping[str, int], str]], title: str) -> Markup:
    """Grouped columns per month, one colour per series (e.g. submitted, awarded)."""
    if not months:
        return Markup('<p class="mc-muted">No submissions yet.</p>')
    left, plot_h, top = 36, 180, 10
    group_w = max(14, min(48, 640 // max(len(months), 1)))
    width = left + group_w * len(months) + 20
    peak = max((s.get(m, 0) for _, s, _ in series for m in months), default=0) or 1
    step = max(1, -(-peak // 4))
    ticks = list(range(0, peak + step, step))
    scale_max = ticks[-1] or 1
    parts = [(
        f'<svg class="mc-chart" viewBox="0 0 {width} {top + plot_h + 60}" role="img" '
        f'aria-labelledby="chart-month-t chart-month-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-month-t">{escape(title)}</title>'
        f'<desc id="chart-month-d">Columns per month; the table below gives the same numbers.</desc>'
    )]
    for t in ticks:
        y = top + plot_h - plot_h * t / scale_max
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="currentColor" stroke-opacity=".15"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" {FONT} fill="currentColor">{t}</text>'
        )
    bar_w = (group_w - 4) / max(len(series), 1)
    label_every = max(1, len(months) // 12)
    for i, month in enumerate(months):
        gx = left + i * group_w + 2
        for j, (name, counts, colour) in enumerate(series):
            n = counts.get(month, 0)
            h = plot_h * n / scale_max
            parts.append(
                f'<rect x="{gx + j * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{month}: {n} {escape(name)}</title></rect>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{gx + group_w / 2 - 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="10" '
                f'{FONT} fill="currentColor">{month}</text>'
            )
    parts.append(_legend([(name, colour) for name, _, colour in series], top + plot_h + 34))
    parts.append("</svg>")
    return Markup("".join(parts))
