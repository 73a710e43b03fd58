"""The report as files: XLSX, CSV, the PDF for the kommunestyre and a saksframlegg draft. Each
scopes to the user's kommune or unit subtree first (reports.views._report_for)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from assessment.selectors import get_instrument_spec
from municipalities.selectors import get_municipality_for_user

from . import docx, exports, pdf
from .selectors.action_plans import document_plans
from .views import _report_for, _scoped_report, results_export


@login_required
@require_safe
@results_export
def export_xlsx(request, slug, number):
    round_, scope, report = _scoped_report(request, slug, number)
    response = HttpResponse(
        exports.report_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="innovasjonsradar-{number}-{slug}.xlsx"'
    )
    return response


@login_required
@require_safe
@results_export
def export_csv(request, slug, number):
    round_, scope, report = _scoped_report(request, slug, number)
    response = HttpResponse(exports.report_csv_zip(report), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="innovasjonsradar-{number}-{slug}-csv.zip"'
    )
    return response


@login_required
@require_safe
@results_export
def export_pdf(request, slug, number):
    """The PDF for the kommunestyre, in the kommune's målform whatever the reader's language."""
    content = _document(request, slug, number, pdf.report_pdf)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="innovasjonsradar-{number}-{slug}.pdf"'
    return response


@login_required
@require_safe
@results_export
def export_docx(request, slug, number):
    """A saksframlegg draft for the kommune's case system, in the kommune's målform."""
    content = _document(request, slug, number, docx.saksframlegg_docx)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="saksframlegg-{number}-{slug}.docx"'
    return response


def _document(request, slug, number, build) -> bytes:
    """A document built from the scoped report and its plans, in the kommune's målform."""
    municipality = get_municipality_for_user(request.user, number)
    language = municipality.default_language
    with translation.override(language):
        round_, scope, report = _report_for(request, slug, municipality)
        spec = get_instrument_spec(round_.instrument)
        plans = document_plans(request.user, round_, scope, spec)
        return build(report, spec, language=language, plans=plans)
