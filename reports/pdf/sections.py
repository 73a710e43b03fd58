"""The figures of the PDF report, each a list of flowables built from the already-suppressed
report (the same numbers as the page): radar and dimensions, heatmap, trend, gaps, choices and
actions. The cover, summary and appendix are in summary.py."""

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Paragraph,
)

from municipalities.models import localized

from ..anonymity import PROTECTS_SMALLER, TOO_FEW
from ..selectors import Report
from .drawing import radar_drawing
from .layout import LANDSCAPE_WIDTH, PORTRAIT_WIDTH, fmt, percent, table, text
from .summary import subject

HIDDEN = "skjult"
# Why a figure is hidden (reports.anonymity), as a mark explained under the heatmap.
MARKS = {TOO_FEW: "¹", PROTECTS_SMALLER: "²"}


def _hidden(reason) -> str:
    return _(HIDDEN) + MARKS.get(reason, "")


def radar_and_dimensions(report: Report, spec, style) -> list:
    name = subject(report)
    radar = radar_drawing(
        [d.label for d in spec.dimensions],
        [
            (name, [s.mean for s in report.dimensions]),
            (_("Landet"), [s.mean for s in report.national]),
            (_("Samme størrelsesgruppe"), [s.mean for s in report.peer]),
        ],
        size=130 * mm,
    )
    radar.hAlign = "CENTER"  # the axis labels need the room on both sides
    flow = [
        CondPageBreak(160 * mm),
        Paragraph(text(_("Radar: oss, landet og kommuner av samme størrelse")), style["h1"]),
        radar,
    ]
    rows = [
        [
            s.name,
            fmt(s.mean),
            str(s.n) if not s.suppressed else _hidden(s.reason),
            f"{fmt(s.ci95[0])}–{fmt(s.ci95[1])}" if s.ci95 else "–",
            str(s.level or "–"),
            fmt(nat.mean),
            fmt(peer.mean),
        ]
        for s, nat, peer in zip(report.dimensions, report.national, report.peer, strict=True)
    ]
    widths = [70 * mm, 15 * mm, 13 * mm, 26 * mm, 12 * mm, 17 * mm, 23 * mm]
    assert sum(widths) <= PORTRAIT_WIDTH
    flow += [
        Paragraph(text(_("Snitt per dimensjon (1–5)")), style["h2"]),
        table(
            [
                _("Dimensjon"),
                _("Snitt"),
                "n",
                _("KI 95 %"),
                _("Nivå"),
                _("Landet"),
                _("Samme størrelse"),
            ],
            rows,
            widths,
            style,
        ),
    ]
    for title, stats in (
        (_("Styrker"), report.strengths),
        (_("Forbedringsområder"), report.improvements),
    ):
        listed = (
            ", ".join(
                f"{s.name} ({'+' if s.difference > 0 else ''}{fmt(s.difference)})" for s in stats
            )
            or "–"
        )
        flow.append(Paragraph(f"<b>{text(title)}:</b> {text(listed)}", style["body"]))
    return flow


def _heat_colour(value):
    """Red below the scale's middle, blue above it, white at 3 (colour-blind safe)."""
    if value is None:
        return colors.HexColor("#eeeeee")
    t = max(-1.0, min(1.0, (value - 3) / 1.5))
    low, high = colors.HexColor("#d55e00"), colors.HexColor("#0072b2")
    end = high if t > 0 else low
    return colors.linearlyInterpolatedColor(colors.white, end, 0, 1, abs(t) * 0.6)


def heatmap(report: Report, spec, style) -> list:
    """Staff groups, sectors and units × dimensions on a landscape page, names not codes."""
    sections = [
        (_("Ansattgrupper"), report.staff_groups),
        (_("Sektorer"), report.sectors),
        (_("Enheter"), report.units),
    ]
    if not any(groups for _t, groups in sections):
        return []
    label_width, n_width = 42 * mm, 10 * mm
    dim_width = (LANDSCAPE_WIDTH - label_width - n_width) / len(spec.dimensions)
    widths = [label_width, n_width] + [dim_width] * len(spec.dimensions)
    header = [_("Gruppe"), "n"] + [d.label for d in spec.dimensions]
    flow = [
        NextPageTemplate("landscape"),
        PageBreak(),
        Paragraph(text(_("Varmekart: grupper og dimensjoner")), style["h1"]),
        Paragraph(
            text(
                _(
                    "Snitt 1–5. Blått er over midten av skalaen (3), rødt under. «skjult¹»: for "
                    "få svar (færre enn %(n)d). «skjult²»: skjult for å verne en mindre gruppe. "
                    "«skjult» uten merke: årsaken vises ikke, fordi den sammen med totalen ville "
                    "vist hvor mange som har svart."
                )
                % {"n": report.min_size}
            ),
            style["small"],
        ),
    ]
    for title, groups in sections:
        if not groups:
            continue
        rows, shading = [], []
        for r, group in enumerate(groups, start=1):
            rows.append(
                [
                    group.label,
                    str(group.respondents) if not group.suppressed else _hidden(group.reason),
                    *[
                        fmt(s.mean) if not s.suppressed else _hidden(s.reason)
                        for s in group.dimensions
                    ],
                ]
            )
            for c, s in enumerate(group.dimensions, start=2):
                shading.append(("BACKGROUND", (c, r), (c, r), _heat_colour(s.mean)))
        flow += [
            CondPageBreak(35 * mm),
            Paragraph(text(title), style["h2"]),
            table(header, rows, widths, style, shading, head="heat_head"),
        ]
    flow += [NextPageTemplate("portrait"), PageBreak()]
    return flow


def trend(report: Report, spec, style) -> list:
    series = report.trend[-5:]
    if len(series) < 2:
        return []
    width = (PORTRAIT_WIDTH - 62 * mm) / len(series)
    rows = [
        [d.label, *[fmt(entry["dimensions"].get(d.code)) for entry in series]]
        for d in spec.dimensions
    ]
    return [
        CondPageBreak(60 * mm),
        Paragraph(text(_("Utvikling over tid")), style["h1"]),
        Paragraph(
            text(
                _(
                    "Snitt per dimensjon i hver publiserte runde. «–» betyr at påstandene endret "
                    "seg mellom versjonene, eller at det var for få svar."
                )
            ),
            style["small"],
        ),
        table(
            [_("Dimensjon"), *[e["round"] for e in series]],
            rows,
            [62 * mm] + [width] * len(series),
            style,
        ),
    ]


def gaps(report: Report, style) -> list:
    if not report.gaps:
        return []
    rows = [[g["name"], fmt(g["leaders"]), fmt(g["staff"]), fmt(g["gap"])] for g in report.gaps]
    return [
        CondPageBreak(50 * mm),
        Paragraph(text(_("Ledere sammenlignet med medarbeidere og tillitsvalgte")), style["h1"]),
        table(
            [_("Dimensjon"), _("Ledere"), _("Medarbeidere og tillitsvalgte"), _("Forskjell")],
            rows,
            [74 * mm, 28 * mm, 44 * mm, 28 * mm],
            style,
        ),
    ]


def choices(report: Report, style) -> list:
    flow = [CondPageBreak(60 * mm), Paragraph(text(_("Hva hemmer og hva fremmer")), style["h1"])]
    for kind, title in (("barriers", _("Hemmer")), ("promoters", _("Fremmer"))):
        entries = (report.choices.get(kind) or [])[:8]
        if entries:
            flow.append(
                KeepTogether(
                    [
                        Paragraph(text(title), style["h2"]),
                        table(
                            [_("Alternativ"), _("Andel som valgte det")],
                            [[e["label"], percent(e["percent"])] for e in entries],
                            [130 * mm, 44 * mm],
                            style,
                        ),
                    ]
                )
            )
    return flow


def actions(report: Report, spec, tools: dict, style) -> list:
    """Suggested actions for the improvement areas, with the KS tools explained."""
    weak = {s.code for s in report.improvements}
    flow = [CondPageBreak(50 * mm), Paragraph(text(_("Forslag til tiltak")), style["h1"])]
    for dimension in spec.dimensions:
        if dimension.code not in weak:
            continue
        flow.append(Paragraph(text(dimension.label), style["h2"]))
        for action in dimension.actions:
            line = text(localized(action["text"]))
            tool = action.get("ks_tool")
            if tool:
                explained = tools.get(tool)
                line += f" <i>({text(localized(explained['name']) if explained else tool)})</i>"
            flow.append(Paragraph(line, style["bullet"], bulletText="•"))
    used = sorted(
        {
            a["ks_tool"]
            for d in spec.dimensions
            if d.code in weak
            for a in d.actions
            if a.get("ks_tool")
        }
    )
    for tool in used:
        if tool in tools:
            flow.append(
                Paragraph(
                    f"<b>{text(localized(tools[tool]['name']))}:</b> {text(localized(tools[tool]['explanation']))}",
                    style["small"],
                )
            )
    return flow
