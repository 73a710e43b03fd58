"""The frame of the PDF report: the cover, the summary in plain sentences (also the DOCX's), the
appendix on method and anonymity, and the page for a report too small to show."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    PageBreak,
    Paragraph,
    Spacer,
)

from ..selectors import Report
from .layout import fmt, percent, table, text


def subject(report: Report) -> str:
    return report.unit.name if report.unit else report.municipality.name


def cover(report: Report, style) -> list:
    overall = report.overall
    facts = [
        [_("Samlet modenhet (1–5)"), fmt(overall.mean)],
        [_("Indeks (0–100)"), fmt(overall.index, 0)],
        [_("Modenhetsnivå (1–5)"), str(overall.level or "–")],
        [_("Respondenter"), str(report.respondents or "–")],
        [_("Svarprosent"), percent(report.response_rate)],
    ]
    return [
        Spacer(1, 40 * mm),
        Paragraph(text(_("Innovasjonsradar")), style["title"]),
        Paragraph(text(subject(report)), style["subtitle"]),
        Paragraph(text(report.round.name), style["subtitle"]),
        Spacer(1, 8 * mm),
        Paragraph(
            text(_("Rapport om hvordan vi jobber med nye og bedre løsninger.")), style["body"]
        ),
        Paragraph(text(_("Laget %s") % timezone.localdate().strftime("%d.%m.%Y")), style["body"]),
        Spacer(1, 10 * mm),
        table([_("Hovedtall"), ""], facts, [70 * mm, 40 * mm], style),
        Spacer(1, 10 * mm),
        Paragraph(
            text(
                _(
                    "Svarene er anonyme. Ingen gruppe med færre enn %(n)d svar vises, og "
                    "flere grupper skjules der det trengs for at ingen liten gruppe kan regnes ut."
                )
                % {"n": report.min_size}
            ),
            style["small"],
        ),
        PageBreak(),
    ]


def _names(stats) -> str:
    return _(" og ").join(s.name for s in stats)


def summary_sentences(report: Report) -> list[str]:
    """The report in a few plain sentences, for readers who stop after page 2."""
    sentences = []
    n = report.respondents or 0  # a shown report has its count
    if report.response_rate is not None:
        sentences.append(
            _("%(n)d personer svarte på undersøkelsen, %(rate)s av dem som ble spurt.")
            % {"n": n, "rate": percent(report.response_rate)}
        )
    else:
        sentences.append(
            ngettext(
                "%(n)d person svarte på undersøkelsen.",
                "%(n)d personer svarte på undersøkelsen.",
                n,
            )
            % {"n": n}
        )
    overall = report.overall
    if overall.mean is not None:
        sentences.append(
            _("Samlet ligger vi på %(mean)s på en skala fra 1 til 5. Det er nivå %(level)s av 5.")
            % {"mean": fmt(overall.mean), "level": overall.level}
        )
    if report.strengths:
        sentences.append(
            _("Vi står sterkest på %(names)s.") % {"names": _names(report.strengths[:2])}
        )
    if report.improvements:
        sentences.append(
            _("Mest å hente har vi på %(names)s.") % {"names": _names(report.improvements[:2])}
        )
    gaps = [g for g in report.gaps if g.get("gap") is not None]
    if gaps:
        widest = max(gaps, key=lambda g: abs(g["gap"]))
        sentences.append(
            _(
                "Lederne og de ansatte ser mest ulikt på %(name)s: lederne svarer i snitt "
                "%(leaders)s, medarbeiderne og de tillitsvalgte %(staff)s."
            )
            % {
                "name": widest["name"],
                "leaders": fmt(widest["leaders"]),
                "staff": fmt(widest["staff"]),
            }
        )
    for kind, phrase in (
        ("barriers", _("Det som oftest hemmer nye løsninger, er «%(label)s» (%(p)s valgte det).")),
        ("promoters", _("Det som oftest hjelper, er «%(label)s» (%(p)s valgte det).")),
    ):
        entries = report.choices.get(kind) or []
        if entries and entries[0]["percent"] is not None:
            sentences.append(
                phrase % {"label": entries[0]["label"], "p": percent(entries[0]["percent"])}
            )
    trend = report.trend
    if len(trend) >= 2:
        before, now = trend[-2], trend[-1]
        changes = [
            (code, now["dimensions"][code] - before["dimensions"][code])
            for code in now["dimensions"]
            if now["dimensions"][code] is not None and before["dimensions"].get(code) is not None
        ]
        if changes:
            code, change = max(changes, key=lambda c: abs(c[1]))
            name = next(s.name for s in report.dimensions if s.code == code)
            sentences.append(
                _("Siden %(round)s har %(name)s endret seg mest (%(change)s).")
                % {"round": before["round"], "name": name, "change": fmt(change)}
            )
    return sentences


def summary(report: Report, style) -> list:
    flow = [Paragraph(text(_("Sammendrag")), style["h1"])]
    flow += [
        Paragraph(text(sentence), style["bullet"], bulletText="•")
        for sentence in summary_sentences(report)
    ]
    flow.append(Spacer(1, 4 * mm))
    flow.append(
        Paragraph(
            text(
                _(
                    "Tallene viser hvordan de ansatte opplever arbeidet med nye og bedre løsninger. "
                    "De sier ikke hvorfor, og de er ikke en rangering. Bruk dem som grunnlag for "
                    "samtaler i enhetene og med de tillitsvalgte."
                )
            ),
            style["body"],
        )
    )
    return flow


def appendix(report: Report, style) -> list:
    hidden = report.hidden_summary
    return [
        CondPageBreak(70 * mm),
        Paragraph(text(_("Vedlegg: metode og anonymitet")), style["h1"]),
        Paragraph(
            text(
                _(
                    "Skala 1–5 (helt uenig – helt enig). Snittet for en dimensjon er snittet av "
                    "respondentenes dimensjonsskårer; en respondent får skår når minst halvparten "
                    "av påstandene er besvart. «Vet ikke» teller ikke i snittet. KI 95 % er "
                    "konfidensintervallet (t-fordeling): med nye svar fra de samme folkene ville "
                    "snittet trolig ligget der."
                )
            ),
            style["body"],
        ),
        Spacer(1, 2 * mm),
        Paragraph(
            text(
                _(
                    "Ingen gruppe med færre enn %(n)d svar vises. Flere grupper skjules når det "
                    "trengs for at en liten gruppe ikke skal kunne regnes ut ved å trekke tall fra "
                    "hverandre. Resultatene er publisert én gang, da runden stengte, og endrer seg "
                    "ikke. Skjult i denne rapporten: %(sg)d ansattgrupper, %(se)d sektorer og "
                    "%(u)d enheter."
                )
                % {
                    "n": report.min_size,
                    "sg": hidden.staff_groups,
                    "se": hidden.sectors,
                    "u": hidden.units,
                }
            ),
            style["body"],
        ),
    ]


def not_enough(report: Report, style) -> list:
    message = (
        _(
            "Resultatene for enheten vises ikke: enheten er nesten hele kommunen, og kommunens tall "
            "minus enhetens ville vist svarene til færre enn %(n)d personer."
        )
        if report.protected
        else _("For få svar til å vise resultater. Det trengs minst %(n)d svar.")
    )
    return [Paragraph(text(message % {"n": report.min_size}), style["body"])]
