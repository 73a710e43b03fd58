"""Report pages. Every view scopes to the user's kommune or unit subtree first; the exports are
in reports.export_views, the pages of a whole round in reports.round_views."""

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment.selectors import (
    get_instrument_spec,
    get_round,
)
from municipalities.selectors import (
    ReportScope,
    get_access_for_user,
    get_led_unit_for_user,
    get_municipality_for_user,
    get_report_scope_for_user,
)

from . import pages
from .forms import ExploreForm, MeetingKitForm
from .meeting_kit import meeting_kit_context
from .publication import ensure_published
from .selectors import home_overview
from .selectors import municipality_report as build_report
from .selectors.action_plans import report_followup
from .selectors.beside_radar import (
    beside_radar,
    report_participation,
    report_participation_by_slug,
)
from .selectors.unit_participation import unit_participation


class ResultsNotPublished(Exception):
    def __init__(self, round_, scope=None):
        super().__init__(round_.slug)
        self.round = round_
        self.scope = scope


def _pending(request, round_, scope=None):
    """What every results page shows while the round is open: when results come, and (for the
    people who run the survey) where to follow participation."""
    can_follow = scope is not None and get_access_for_user(request.user).can_coordinate(
        scope.municipality.pk
    )
    return render(
        request,
        "reports/results_pending.html",
        {"round": round_, "scope": scope, "can_follow": can_follow},
    )


@require_safe
def home(request):
    context = home_overview(request.user) if request.user.is_authenticated else {}
    return render(request, "home.html", context)


def _scoped_report(request, slug, number):
    return _report_for(request, slug, get_municipality_for_user(request.user, number))


def _report_for(request, slug, municipality):
    round_, scope, _participation, report = _report_and_participation(request, slug, municipality)
    return round_, scope, report


def _report_and_participation(request, slug, municipality):
    scope = get_report_scope_for_user(request.user, municipality)
    # The round, the participation with its fact sheet and the round's outcome association, in
    # the one query that checks the kommune takes part (reports.selectors.beside_radar).
    participation = report_participation_by_slug(slug, municipality)
    if participation is None:  # an unknown round, or a kommune that does not take part
        raise Http404
    round_ = participation.round
    was_published = round_.is_published
    if not ensure_published(round_):
        raise ResultsNotPublished(round_, scope)
    if not was_published:  # published just now: read what the publication stored
        participation = report_participation(round_, municipality)
    return round_, scope, participation, build_report(round_, scope)


def shows_when_results_come(status: int = 200):
    """While a round is open, a results page shows when its results come instead; an export
    (status 404: no file yet) shows the same page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ResultsNotPublished as pending:
                response = _pending(request, pending.round, pending.scope)
                response.status_code = status
                return response

        return wrapped

    return decorator


results_view = shows_when_results_come()
results_export = shows_when_results_come(status=404)


@login_required
@require_safe
@results_view
def municipality_report(request, slug, number):
    round_, scope, participation, report = _report_and_participation(
        request, slug, get_municipality_for_user(request.user, number)
    )
    spec = get_instrument_spec(round_.instrument)
    context = pages.report_context(report, spec)
    context.update({"round": round_, "scope": scope, **beside_radar(participation, spec)})
    context.update(report_followup(request.user, round_, scope, spec))
    return render(request, "reports/municipality_report.html", context)


@login_required
@require_safe
def unit_report(request, slug, number, unit_id):
    """A unit leader's own page: the subtree beside the kommune and the sector, its trend and
    change; while the round is open, the subtree's participation."""
    municipality = get_municipality_for_user(request.user, number)
    unit = get_led_unit_for_user(request.user, municipality, unit_id)
    round_ = get_round(slug)
    participation = round_.participations.filter(municipality=municipality).first()
    if participation is None:
        raise Http404
    scope = ReportScope(municipality=municipality, unit=unit)
    if not ensure_published(round_):
        return render(
            request,
            "reports/results_pending.html",
            {
                "round": round_,
                "scope": scope,
                "unit": unit,
                "unit_rates": unit_participation(participation, unit),
            },
        )
    report = build_report(round_, scope)
    context = pages.report_context(report, get_instrument_spec(round_.instrument))
    context.update({"round": round_, "scope": scope})
    return render(request, "reports/municipality_report.html", context)


def _dimension_or_404(spec, code):
    try:
        return spec.dimension(code)
    except KeyError:
        raise Http404 from None


@login_required
@require_safe
@results_view
def dimension_page(request, slug, number, code):
    round_, scope, report = _scoped_report(request, slug, number)
    spec = get_instrument_spec(round_.instrument)
    dimension = _dimension_or_404(spec, code)
    context = pages.dimension_context(report, spec, dimension)
    context.update({"round": round_, "scope": scope})
    return render(request, "reports/dimension.html", context)


@login_required
@require_safe
@results_view
def meeting_kit(request, slug, number, code):
    """A printable page for a staff meeting on one dimension (optionally for one unit)."""
    round_, scope, report = _scoped_report(request, slug, number)
    spec = get_instrument_spec(round_.instrument)
    dimension = _dimension_or_404(spec, code)
    form = MeetingKitForm(request.GET, units=report.units)
    unit_id = form.cleaned_data["enhet"] if form.is_valid() else None
    context = meeting_kit_context(report, spec, dimension, unit_id)
    context.update({"round": round_, "scope": scope, "form": form})
    return render(request, "reports/meeting_kit.html", context)


@login_required
@require_safe
@results_view
def explore(request, slug, number):
    """The heatmap to explore, chosen with a plain GET form (reports.forms.ExploreForm)."""
    round_, scope, report = _scoped_report(request, slug, number)
    spec = get_instrument_spec(round_.instrument)
    form = ExploreForm(request.GET or None, whole=scope.is_whole)
    rows_kind, against = form.choice("rader"), form.choice("mot")
    context = {
        "round": round_,
        "scope": scope,
        "report": report,
        "spec": spec,
        "form": form,
        "rows_kind": rows_kind,
        "comparison_key": against,
    }
    if not report.suppressed:
        context.update(
            pages.explore_context(report, round_, scope, spec, rows_kind=rows_kind, against=against)
        )
    return render(request, "reports/explore.html", context)
