from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from assessment.selectors import get_participation_for_user

from . import selectors, services
from .forms import FactSheetForm, OrgUnitForm, RenameUnitForm
from .models import FactSheet


@login_required
@require_http_methods(["GET", "POST"])
def units(request, number):
    """The coordinator maintains the kommune's org units: sector → units (a tree)."""
    municipality = selectors.get_municipality_for_coordinator(request.user, number)
    form = OrgUnitForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.create_org_unit(
                municipality=municipality,
                sector=form.cleaned_data["sector"],
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Enheten «%s» er lagt til.") % unit.name)
            return redirect("municipalities:units", number=number)
    return render(
        request,
        "municipalities/units.html",
        {
            "municipality": municipality,
            "units": selectors.list_units(municipality),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, number, unit_id):
    municipality = selectors.get_municipality_for_coordinator(request.user, number)
    unit = selectors.get_unit_for_coordinator(request.user, municipality, unit_id)
    form = RenameUnitForm(request.POST or None, initial={"name": unit.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_org_unit(unit=unit, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, _("Enheten har fått nytt navn."))
            return redirect("municipalities:units", number=number)
    return render(
        request,
        "municipalities/unit_edit.html",
        {"municipality": municipality, "unit": unit, "form": form},
    )


class SignInPage(LoginView):
    """Password sign-in, with a button for the organisation's account when single sign-on is
    configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.OIDC_ENABLED
        context["sso_failed"] = self.request.GET.get("sso") == "feil"
        return context


@login_required
@require_safe
def after_sign_in(request):
    """Where single sign-on lands: a coordinator on their kommune, everyone else on the front
    page (which tells someone without a role what to do)."""
    municipality = selectors.landing_municipality(request.user)
    if municipality is not None:
        return redirect("assessment:municipality_rounds", number=municipality.number)
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def fact_sheet(request, number, slug):
    """The coordinator answers the kommune's fact sheet once per round (frozen at publication)."""
    participation = get_participation_for_user(
        request.user, slug=slug, number=number, coordinate=True
    )
    sheet = FactSheet.objects.filter(participation=participation).first()
    frozen = participation.round.published_at is not None
    form = FactSheetForm(request.POST or None, initial_sheet=sheet)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_fact_sheet(participation=participation, facts=form.facts())
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Faktaarket er lagret."))
                return redirect("municipalities:fact_sheet", number=number, slug=slug)
        else:
            messages.error(request, _("Faktaarket ble ikke lagret. Rett feilene under."))
    return render(
        request,
        "municipalities/fact_sheet.html",
        {
            "participation": participation,
            "municipality": participation.municipality,
            "round": participation.round,
            "form": form,
            "sheet": sheet,
            "frozen": frozen,
            "rows": selectors.fact_sheet_rows(sheet),
        },
    )
