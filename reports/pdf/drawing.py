"""Charts drawn as ReportLab vector graphics (no browser, no raster images)."""

import math

from reportlab.graphics.shapes import Drawing, Line, Polygon, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from ..charts import OKABE_ITO


def radar_drawing(
    axes: list[str], series: list[tuple[str, list]], size: float = 150 * mm
) -> Drawing:
    """A radar chart with a fixed 1–5 scale; hidden values leave gaps."""
    drawing = Drawing(size, size + 18 * mm)
    cx, cy, radius = size / 2, size / 2 + 14 * mm, size * 0.33
    n = len(axes)

    def point(i, value):
        angle = math.pi / 2 - 2 * math.pi * i / n
        r = radius * (value - 1) / 4
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for level in (1, 2, 3, 4, 5):
        ring = [c for i in range(n) for c in point(i, level)]
        drawing.add(
            Polygon(ring, strokeColor=colors.HexColor("#cccccc"), fillColor=None, strokeWidth=0.5)
        )
        x, y = point(0, level)
        drawing.add(
            String(x + 2, y + 1, str(level), fontSize=6, fillColor=colors.HexColor("#555555"))
        )
    for i, label in enumerate(axes):
        x, y = point(i, 5)
        drawing.add(Line(cx, cy, x, y, strokeColor=colors.HexColor("#cccccc"), strokeWidth=0.5))
        lx, ly = point(i, 5.9)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        lines = wrap_words(label, 22)
        for row, line in enumerate(lines):
            offset = (len(lines) - 1) * 4 - row * 8
            drawing.add(String(lx, ly - 3 + offset, line, fontSize=7, textAnchor=anchor))
    for index, (name, values) in enumerate(series):
        colour = colors.HexColor(OKABE_ITO[index % len(OKABE_ITO)])
        segment: list = []
        for i in range(n + 1):
            value = values[i % n]
            if value is None:
                if len(segment) >= 4:
                    drawing.add(PolyLine(segment, strokeColor=colour, strokeWidth=1.6))
                segment = []
                continue
            segment.extend(point(i % n, value))
        if len(segment) >= 4:
            drawing.add(
                PolyLine(
                    segment,
                    strokeColor=colour,
                    strokeWidth=1.6,
                    strokeDashArray=None if index == 0 else [3, 2],
                )
            )
        drawing.add(
            Line(
                10 * mm + index * 55 * mm,
                6 * mm,
                16 * mm + index * 55 * mm,
                6 * mm,
                strokeColor=colour,
                strokeWidth=2,
            )
        )
        drawing.add(String(18 * mm + index * 55 * mm, 5 * mm, name, fontSize=7))
    return drawing


def wrap_words(label: str, width: int) -> list[str]:
    """The label on as few lines of at most `width` characters as its words allow (a word is
    never cut)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
