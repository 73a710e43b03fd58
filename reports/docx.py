"""A saksframlegg draft as DOCX for the kommune's case system: the recommendation, the summary in
plain language, key figures and the suggested follow-up, in the kommune's målform. Built from the
same already-suppressed report as the page and the PDF (python-docx)."""

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Pt

from municipalities.models import localized

from .pdf.layout import fmt, percent
from .pdf.plans import followup_line
from .pdf.summary import summary_sentences
from .selectors import Report


def saksframlegg_docx(
    report: Report, spec, *, language: str = "nb", plans: dict | None = None
) -> bytes:
    """`plans` is `selectors.action_plans.document_plans`: the plan replaces the suggested
    follow-up, and the previous plan's follow-up joins the saksopplysninger."""
    with translation.override(language):
        return _build(report, spec, plans or {})


def _build(report: Report, spec, plans: dict) -> bytes:
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    subject = report.unit.name if report.unit else report.municipality.name
    round_name = report.round.name
    document.core_properties.title = _("Innovasjonsradar – %s") % subject
    document.add_heading(
        _("Saksframlegg: Innovasjonsradar %(round)s for %(name)s")
        % {"round": round_name, "name": subject},
        level=1,
    )
    document.add_paragraph(_("Utkast laget %s") % timezone.localdate().strftime("%d.%m.%Y"))

    document.add_heading(_("Forslag til vedtak"), level=2)
    document.add_paragraph(
        _("Kommunestyret tar resultatene fra Innovasjonsradar %(round)s til orientering.")
        % {"round": round_name}
    )

    document.add_heading(_("Saksopplysninger"), level=2)
    if report.suppressed:
        document.add_paragraph(
            _("For få svar til å vise resultater. Det trengs minst %(n)d svar.")
            % {"n": report.min_size}
        )
    else:
        for sentence in summary_sentences(report):
            document.add_paragraph(sentence, style="List Bullet")
        document.add_heading(_("Nøkkeltall"), level=2)
        _key_figures(document, report)
        followup = plans.get("followup")
        if followup:
            document.add_heading(_("Oppfølging av forrige tiltaksplan"), level=2)
            for entry in followup["entries"]:
                document.add_paragraph(followup_line(entry), style="List Bullet")
        document.add_heading(_("Oppfølging"), level=2)
        if plans.get("plan"):
            _plan(document, plans["plan"])
        for stat in [] if plans.get("plan") else report.improvements:
            dimension = spec.dimension(stat.code)
            for action in dimension.actions[:2]:
                document.add_paragraph(
                    f"{dimension.label}: {localized(action['text'])}", style="List Bullet"
                )

    document.add_heading(_("Om undersøkelsen"), level=2)
    document.add_paragraph(
        _(
            "Svarene er anonyme. Ingen gruppe med færre enn %(n)d svar vises, og flere grupper "
            "skjules der det trengs for at ingen liten gruppe kan regnes ut. Resultatene er "
            "publisert én gang, da runden stengte, og endrer seg ikke."
        )
        % {"n": report.min_size}
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _key_figures(document, report: Report) -> None:
    overall = report.overall
    facts = document.add_table(rows=0, cols=2)
    facts.style = "Table Grid"
    for label, value in (
        (_("Respondenter"), str(report.respondents)),
        (_("Svarprosent"), percent(report.response_rate)),
        (_("Samlet modenhet (1–5)"), fmt(overall.mean)),
        (_("Modenhetsnivå (1–5)"), str(overall.level or "–")),
    ):
        row = facts.add_row().cells
        row[0].text, row[1].text = label, value
    document.add_paragraph()
    scores = document.add_table(rows=1, cols=4)
    scores.style = "Table Grid"
    for cell, title in zip(
        scores.rows[0].cells,
        (_("Dimensjon"), _("Snitt"), _("Landet"), _("Samme størrelse")),
        strict=True,
    ):
        cell.text = title
    for stat, national, peer in zip(report.dimensions, report.national, report.peer, strict=True):
        row = scores.add_row().cells
        row[0].text = stat.name
        row[1].text = fmt(stat.mean) if not stat.suppressed else _("skjult")
        row[2].text = fmt(national.mean)
        row[3].text = fmt(peer.mean)


def _plan(document, data: dict) -> None:
    current = data["plan"]
    if current.discussed_forum:
        document.add_paragraph(
            _("Drøftet med de tillitsvalgte i %(forum)s %(date)s.")
            % {
                "forum": current.discussed_forum,
                "date": current.discussed_on.strftime("%d.%m.%Y") if current.discussed_on else "–",
            }
        )
    for focus in data["focus"]:
        document.add_paragraph(focus["name"], style="List Bullet")
        for action in focus["actions"]:
            document.add_paragraph(
                f"{action.what} ({action.owner}, {action.due_on:%d.%m.%Y}, "
                f"{action.get_status_display()})",
                style="List Bullet 2",
            )
