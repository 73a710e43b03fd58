"""Report pages and exports. Every view scopes to the user's kommune or unit subtree first."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from assessment.selectors import get_instrument_spec, get_round
from municipalities.selectors import (
    get_municipality_for_user,
    get_report_scope_for_user,
    list_counties,
)

from . import exports, pages, pdf
from .selectors import benchmark_viewer, home_overview
from .selectors import municipality_report as build_report


def home(request):
    context = home_overview(request.user) if request.user.is_authenticated else {}
    return render(request, "home.html", context)


def _scoped_report(request, slug, number):
    municipality = get_municipality_for_user(request.user, number)
    scope = get_report_scope_for_user(request.user, municipality)
    round_ = get_round(slug)
    if not round_.participations.filter(municipality=municipality).exists():
        raise Http404
    return round_, scope, build_report(round_, scope)


@login_required
def municipality_report(request, slug, number):
    round_, scope, report = _scoped_report(request, slug, number)
    spec = get_instrument_spec(round_.instrument)
    context = pages.report_context(report, spec)
    context.update({"round": round_, "scope": scope})
    return render(request, "reports/municipality_report.html", context)


@login_required
def dimension_page(request, slug, number, code):
    round_, scope, report = _scoped_report(request, slug, number)
    spec = get_instrument_spec(round_.instrument)
    try:
        dimension = spec.dimension(code)
    except KeyError:
        raise Http404 from None
    context = pages.dimension_context(report, spec, dimension)
    context.update({"round": round_, "scope": scope})
    return render(request, "reports/dimension.html", context)


@login_required
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
def export_csv(request, slug, number):
    round_, scope, report = _scoped_report(request, slug, number)
    response = HttpResponse(exports.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="innovasjonsradar-{number}-{slug}.csv"'
    return response


@login_required
def export_pdf(request, slug, number):
    round_, scope, report = _scoped_report(request, slug, number)
    spec = get_instrument_spec(round_.instrument)
    response = HttpResponse(pdf.report_pdf(report, spec), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="innovasjonsradar-{number}-{slug}.pdf"'
    return response


@login_required
def benchmark(request, slug):
    round_ = get_round(slug)
    is_national, own = benchmark_viewer(request.user, round_)
    context = pages.benchmark_context(
        round_,
        viewer_is_national=is_national,
        own_municipality_id=own,
        filters=request.GET,
        counties=list_counties(),
    )
    return render(request, "reports/benchmark.html", context)
