"""Report pages and exports. Every view scopes to the user's kommune or unit subtree first."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from assessment.forms import EmailInviteForm, OpenLinkForm, PrintedCodesForm
from assessment.selectors import (
    get_instrument_spec,
    get_participation_for_user,
    get_round,
    invitation_summary,
    item_sources,
    latest_published_version,
    open_link_url,
    open_links,
    readable_sources,
    reference_list,
    version_changes,
)
from municipalities.selectors import (
    ReportScope,
    fact_sheet_table,
    get_access_for_user,
    get_led_unit_for_user,
    get_municipality_for_user,
    get_report_scope_for_user,
    list_counties,
)

from . import docx, exports, pages, pdf
from .forms import ExploreForm, MeetingKitForm
from .meeting_kit import meeting_kit_context
from .publication import ensure_published, publish_round
from .selectors import benchmark_viewer, home_overview, reliability_for_published_rounds
from .selectors import municipality_report as build_report
from .selectors.action_plans import document_plans, report_followup
from .selectors.beside_radar import beside_radar, report_participation
from .selectors.participation import participation_rates
from .selectors.psychometrics import psychometrics_for_published_rounds, round_psychometrics
from .selectors.staff_page import staff_page_panel
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
    round_ = get_round(slug)
    # The participation with its fact sheet and the round's outcome association, in the one
    # query that checks the kommune takes part (reports.selectors.beside_radar reads them).
    participation = report_participation(round_, municipality)
    if participation is None:
        raise Http404
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


@login_required
@require_safe
def benchmark(request, slug):
    round_ = get_round(slug)
    is_national, own = benchmark_viewer(request.user, round_)
    if not ensure_published(round_):
        return _pending(request, round_)
    context = pages.benchmark_context(
        round_,
        viewer_is_national=is_national,
        own_municipality_id=own,
        filters=request.GET,
        counties=list_counties(),
    )
    if is_national:
        context["fact_sheets"] = fact_sheet_table(round_, context["table_rows"])
    return render(request, "reports/benchmark.html", context)


@login_required
@require_safe
def psychometrics(request, slug):
    """KS only: every psychometric figure stored for a published round."""
    if not get_access_for_user(request.user).is_national:
        raise Http404
    round_ = get_round(slug)
    if not ensure_published(round_):
        return _pending(request, round_)
    data = round_psychometrics(round_)
    if data is None:
        raise Http404
    return render(request, "reports/psychometrics.html", {"round": round_, "data": data})


@login_required
@require_http_methods(["GET", "POST"])
def close_round(request, slug):
    """KS (or a superuser) closes a round early and publishes it, after a confirmation."""
    if not get_access_for_user(request.user).is_national:
        raise Http404
    round_ = get_round(slug)
    if round_.is_published:
        messages.info(request, _("Runden er allerede stengt og publisert."))
        return redirect("assessment:round_list")
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Kryss av for at du vil stenge runden nå."))
        else:
            publication = publish_round(round_=round_)
            messages.success(
                request,
                ngettext(
                    "Runden «%(name)s» er stengt og publisert: %(n)s svar, %(k)s kommune.",
                    "Runden «%(name)s» er stengt og publisert: %(n)s svar, %(k)s kommuner.",
                    publication.municipalities,
                )
                % {
                    "name": round_.name,
                    "n": publication.respondents,
                    "k": publication.municipalities,
                },
            )
            return redirect("assessment:round_list")
    return render(request, "reports/close_round.html", {"round": round_})


@require_safe
def method(request):
    """«Om metoden»: the whole instrument with sources, the scoring and anonymity rules, and the
    reliability of the published rounds."""
    version = latest_published_version()
    spec = get_instrument_spec(version) if version else None
    sources = item_sources(version) if version else {}
    return render(
        request,
        "assessment/method.html",
        {
            "version": version,
            "spec": spec,
            "sources": readable_sources(version, sources),
            "references": reference_list(version),
            "changes": version_changes(version),
            "min_group_size": settings.MIN_GROUP_SIZE,
            "reliability": reliability_for_published_rounds() if version else [],
            "psychometrics": psychometrics_for_published_rounds() if version else [],
        },
    )


@login_required
@require_safe
def dashboard(request, number, slug):
    """The coordinator's page for a round: participation (the only live figures, suppressed
    like the report), invitations, open links and codes."""
    participation = get_participation_for_user(
        request.user, slug=slug, number=number, coordinate=True
    )
    return render_dashboard(request, participation)


def render_dashboard(request, participation, *, email_form=None):
    """The dashboard, also as the answer to an invitation form with addresses to correct."""
    from assessment import mail

    round_ = participation.round
    if email_form is None:
        email_form = EmailInviteForm(
            initial=EmailInviteForm.initial_reminders(
                mail.coming_reminder_dates(participation)
                or mail.default_reminder_dates(participation)
            )
        )
    return render(
        request,
        "reports/dashboard.html",
        {
            "participation": participation,
            "municipality": participation.municipality,
            "round": round_,
            "rates": participation_rates(participation),
            "invitations": invitation_summary(participation),
            "batches": mail.batch_summaries(participation),
            "reminder_dates": mail.coming_reminder_dates(participation),
            "links": [
                {"link": link, "url": open_link_url(request, link)}
                for link in open_links(participation)
            ],
            "days_left": max((round_.closes_on - timezone.localdate()).days, 0),
            "round_days": (round_.closes_on - round_.opens_on).days + 1,
            "email_form": email_form,
            "codes_form": PrintedCodesForm(),
            "link_form": OpenLinkForm(municipality=participation.municipality),
            **staff_page_panel(request, round_, participation.municipality),
        },
    )
