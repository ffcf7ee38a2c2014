"""Charts drawn with ReportLab graphics, made to read in greyscale: each district has its own shade and,
on line charts, its own dash pattern and marker; every bar carries its figure and every chart a legend."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

# Shades far enough apart to tell apart when printed in black and white.
SHADES = (
    colors.Color(0.10, 0.10, 0.10),
    colors.Color(0.45, 0.45, 0.45),
    colors.Color(0.72, 0.72, 0.72),
    colors.Color(1.0, 1.0, 1.0),
    colors.Color(0.28, 0.28, 0.28),
    colors.Color(0.88, 0.88, 0.88),
)
DASHES = (None, (6, 3), (2, 2), (8, 2, 2, 2), (1, 3), (4, 4))
MARKERS = ("FilledSquare", "FilledCircle", "FilledTriangle", "FilledDiamond", "Cross", "StarFive")


def district_bars(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: float,
    height: float,
    title: str,
) -> Drawing:
    """Grouped bars: one group per measure, one bar per district, percentages 0-100."""
    d = Drawing(width, height)
    d.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 45
    chart.width, chart.height = width - 190, height - 75
    chart.data = [[v if v is not None else 0 for v in values] for _, values in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.barSpacing = 1
    chart.groupSpacing = 8
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[f"{v:.0f}" if v is not None else "n/a" for v in values] for _, values in series]
    chart.barLabels.fontSize = 5.5
    chart.barLabels.nudge = 6
    for i in range(len(series)):
        chart.bars[i].fillColor = SHADES[i % len(SHADES)]
        chart.bars[i].strokeColor = colors.black
        chart.bars[i].strokeWidth = 0.5
    d.add(chart)
    d.add(_legend([name for name, _ in series], width - 140, height - 30, lines=False))
    d.add(String(40, 5, "Per cent within time; n/a: nothing fell due", fontSize=6.5))
    return d


def trend_lines(
    months: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    width: float,
    height: float,
    title: str,
) -> Drawing:
    d = Drawing(width, height)
    d.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=10))
    # A line needs two months with a figure; a district with fewer is named beside the chart, not drawn.
    drawn = [(name, values) for name, values in series if sum(v is not None for v in values) >= 2]
    left_out = [name for name, values in series if sum(v is not None for v in values) < 2]
    if left_out:
        d.add(String(width - 140, 20, "Too few months to draw: " + ", ".join(left_out), fontSize=6.5))
    series = drawn
    if not series:
        d.add(String(40, height / 2, "No district has figures for two or more months.", fontSize=9))
        return d
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 40
    chart.width, chart.height = width - 190, height - 70
    chart.data = [[v if v is not None else None for v in values] for _, values in series]
    chart.categoryAxis.categoryNames = [m[2:] for m in months]  # YY-MM keeps twelve labels readable
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 0
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d%%"
    for i in range(len(series)):
        line = chart.lines[i]
        line.strokeColor = colors.black if i % 2 == 0 else colors.Color(0.4, 0.4, 0.4)
        line.strokeWidth = 1.2
        dash = DASHES[i % len(DASHES)]
        if dash:
            line.strokeDashArray = dash
        marker = makeMarker(MARKERS[i % len(MARKERS)])
        marker.size = 5
        marker.fillColor = SHADES[i % len(SHADES)]
        marker.strokeColor = colors.black
        line.symbol = marker
    d.add(chart)
    d.add(_legend([name for name, _ in series], width - 140, height - 30, lines=True))
    d.add(String(40, 8, "Month (YY-MM, UTC)", fontSize=7))
    return d


def _legend(names: Sequence[str], x: float, y: float, *, lines: bool) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontSize = 8
    legend.alignment = "right"
    legend.dx, legend.dy = 10, 8
    legend.deltay = 12
    legend.columnMaximum = 10
    legend.colorNamePairs = [(SHADES[i % len(SHADES)], name) for i, name in enumerate(names)]
    legend.strokeColor = colors.black
    legend.strokeWidth = 0.5
    if lines:
        legend.colorNamePairs = [
            (SHADES[i % len(SHADES)], f"{name} ({MARKERS[i % len(MARKERS)].replace('Filled', '').lower()})")
            for i, name in enumerate(names)
        ]
    return legend
