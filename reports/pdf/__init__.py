"""The report as a PDF a kommunestyre can read, drawn on the server with ReportLab (offline):
cover, a plain-language summary in the kommune's målform, radar and dimension table, heatmap on a
landscape page, trend, leader–staff gap, barriers and promoters, suggested actions, and method and
anonymity in an appendix. Numbers are rounded exactly as on the web page."""

import io

from django.utils import translation
from django.utils.translation import gettext as _

from ..content import meeting_kit
from ..selectors import Report
from . import plans as plan_sections
from . import sections, summary
from .layout import ReportDocument, styles, text

__all__ = ["report_pdf", "text"]


def report_pdf(report: Report, spec, *, language: str = "nb", plans: dict | None = None) -> bytes:
    """The whole report in `language` (the kommune's målform: "nb" or "nn"); `plans` is
    `selectors.action_plans.document_plans` (this round's plan and the follow-up)."""
    with translation.override(language):
        return _build(report, spec, plans or {})


def _build(report: Report, spec, plans: dict) -> bytes:
    style = styles()
    buffer = io.BytesIO()
    subject = summary.subject(report)
    doc = ReportDocument(
        buffer,
        title=_("Innovasjonsradar – %s") % subject,
        footer=f"Innovasjonsradar · {subject} · {report.round.name}",
    )
    story = summary.cover(report, style)
    if report.suppressed:
        story += summary.not_enough(report, style)
    else:
        story += summary.summary(report, style)
        story += plan_sections.followup(plans.get("followup"), style)
        story += sections.radar_and_dimensions(report, spec, style)
        story += sections.heatmap(report, spec, style)
        story += sections.trend(report, spec, style)
        story += sections.gaps(report, style)
        story += sections.choices(report, style)
        story += plan_sections.plan(plans.get("plan"), style)
        story += sections.actions(report, spec, meeting_kit.ks_tools(), style)
    story += summary.appendix(report, style)
    doc.build(story)
    return buffer.getvalue()
