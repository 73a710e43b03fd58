"""The coordinator's page for a round (participation, invitations, open links and codes), and the
invitation form on it, which shows the page again with the addresses to correct."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessment import mail
from assessment.forms import EmailInviteForm, OpenLinkForm, PrintedCodesForm
from assessment.selectors import (
    get_participation_for_user,
    invitation_summary,
    open_link_url,
    open_links,
)

from .selectors.participation import participation_rates
from .selectors.staff_page import staff_page_panel


def _coordinated_participation(request, number, slug):
    return get_participation_for_user(request.user, slug=slug, number=number, coordinate=True)


@login_required
@require_safe
def dashboard(request, number, slug):
    """The coordinator's page for a round: participation (the only live figures, suppressed
    like the report), invitations, open links and codes."""
    participation = _coordinated_participation(request, number, slug)
    return render_dashboard(request, participation)


def render_dashboard(request, participation, *, email_form=None):
    """The dashboard, also as the answer to an invitation form with addresses to correct."""
    round_ = participation.round
    reminder_dates = mail.coming_reminder_dates(participation)
    if email_form is None:
        email_form = EmailInviteForm(
            initial=EmailInviteForm.initial_reminders(
                reminder_dates or mail.default_reminder_dates(participation)
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
            "reminder_dates": reminder_dates,
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


@login_required
@require_POST
def invite_email(request, number, slug):
    """Queue the valid addresses; show the invalid ones back in the box to be corrected."""
    participation = _coordinated_participation(request, number, slug)
    form = EmailInviteForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_dashboard(request, participation, email_form=form)
    try:
        result = mail.invite_and_schedule(
            participation=participation,
            emails=form.cleaned_data["addresses"],
            reminder_dates=form.reminder_dates(),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return render_dashboard(request, participation, email_form=form)
    messages.success(request, _("%d invitasjoner er lagt i kø for sending.") % result.queued)
    # Always shown, so the message is the same whether or not a known address has answered.
    messages.info(
        request,
        _(
            "Adresser som er invitert før i denne runden, får ingen ny invitasjon. "
            "Bruk påminnelse for dem som ikke har svart."
        ),
    )
    if not result.invalid:
        return redirect("reports:dashboard", number=number, slug=slug)
    # The invalid addresses stay in the box (and only they), so they can be corrected and sent.
    corrected = request.POST.copy()
    corrected["emails"] = "\n".join(result.invalid)
    retry_form = EmailInviteForm(corrected)
    retry_form.is_valid()
    retry_form.add_error(
        "emails",
        _("Disse adressene er ikke gyldige og ble ikke sendt: %s. Rett dem og send igjen.")
        % ", ".join(f"«{a}»" for a in result.invalid),
    )
    return render_dashboard(request, participation, email_form=retry_form)
