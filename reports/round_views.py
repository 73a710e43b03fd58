"""Pages of a round beyond one kommune's report: the national comparison, the psychometrics,
closing a round, «Om metoden», and the coordinator's dashboard while a round runs."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from assessment.selectors import (
    get_instrument_spec,
    get_round,
    item_sources,
    latest_published_version,
    readable_sources,
    reference_list,
    version_changes,
)
from municipalities.selectors import fact_sheet_table, list_counties, require_national

from . import pages
from .benchmark_table import fact_sheet_rows_html
from .publication import ensure_published, publish_round
from .selectors import benchmark_viewer, reliability_for_published_rounds
from .selectors.psychometrics import (
    psychometrics_for_published_rounds,
    psychometrics_overdue,
    round_psychometrics,
)
from .views import _pending


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
        query_string=request.GET.urlencode(),
    )
    if is_national:
        sheets = fact_sheet_table(round_, context["table_rows"])
        sheets["rows_html"] = fact_sheet_rows_html(sheets["rows"], len(sheets["columns"]))
        context["fact_sheets"] = sheets
    return render(request, "reports/benchmark.html", context)


@login_required
@require_safe
def psychometrics(request, slug):
    """KS only: every psychometric figure stored for a published round."""
    require_national(request.user)
    round_ = get_round(slug)
    if not ensure_published(round_):
        return _pending(request, round_)
    # None until the task queued at publication has computed the figures.
    data = round_psychometrics(round_)
    overdue = data is None and psychometrics_overdue(round_)
    return render(
        request,
        "reports/psychometrics.html",
        {"round": round_, "data": data, "overdue": overdue},
    )


@login_required
@require_http_methods(["GET", "POST"])
def close_round(request, slug):
    """KS (or a superuser) closes a round early and publishes it, after a confirmation."""
    require_national(request.user)
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
