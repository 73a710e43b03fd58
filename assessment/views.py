"""Pages for KS (rounds), kommune coordinators (links, codes, response rates) and the public
method page. Views only parse input and call services/selectors."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from municipalities.selectors import (
    get_municipality_for_coordinator,
    require_national,
)

from . import mail, selectors, services
from .forms import (
    InvitationTextForm,
    OpenLinkForm,
    PrintedCodesForm,
    RoundForm,
)
from .letters import letters_pdf
from .models import OpenLink


@login_required
@require_safe
def round_list(request):
    require_national(request.user)
    return render(request, "assessment/round_list.html", {"rounds": selectors.list_rounds()})


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    require_national(request.user)
    version = selectors.latest_published_version()
    form = RoundForm(
        request.POST or None,
        initial={
            "instrument": version,
            "min_group_size": settings.MIN_GROUP_SIZE,
            "opens_on": timezone.localdate(),
        },
    )
    overlaps = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        overlaps = selectors.overlapping_rounds(
            opens_on=data["opens_on"], closes_on=data["closes_on"], instrument=data["instrument"]
        )
    if request.method == "POST" and form.is_valid() and form.require_overlap_confirmation(overlaps):
        data = form.cleaned_data
        try:
            round_ = services.create_round(
                slug=data["slug"],
                name=data["name"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                instrument=data["instrument"],
                min_group_size=data["min_group_size"],
                include_folkevalgte=data["include_folkevalgte"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Runden «%s» er opprettet.") % round_.name)
            return redirect("assessment:round_list")
    return render(request, "assessment/round_form.html", {"form": form, "overlaps": overlaps})


@login_required
@require_safe
def municipality_rounds(request, number):
    municipality = get_municipality_for_coordinator(request.user, number)
    context = {"municipality": municipality, **selectors.rounds_for_municipality(municipality)}
    return render(request, "assessment/municipality_rounds.html", context)


@login_required
@require_POST
def join(request, number, slug):
    municipality = get_municipality_for_coordinator(request.user, number)
    round_ = selectors.get_round(slug)
    try:
        participation = services.join_round(round=round_, municipality=municipality)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment:municipality_rounds", number=number)
    messages.success(request, _("Kommunen er med i «%s».") % round_.name)
    if participation.headcounts.exists():
        messages.info(
            request,
            _(
                "Antall ansatte er kopiert fra forrige runde. Sjekk og rett dem under "
                "«Antall ansatte»."
            ),
        )
    return redirect("reports:dashboard", number=number, slug=slug)


def _participation(request, number, slug):
    return selectors.get_participation_for_user(
        request.user, slug=slug, number=number, coordinate=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_text(request, number, slug):
    """Edit the invitation e-mail's opening words for this round, with a preview."""
    participation = _participation(request, number, slug)
    form = InvitationTextForm(
        request.POST or None, initial={"intro": mail.current_intro(participation)}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        intro = form.cleaned_data["intro"]
        if "save" in request.POST:
            try:
                mail.set_invitation_text(participation=participation, intro=intro)
            except ValidationError as exc:
                form.add_error("intro", exc)
            else:
                messages.success(request, _("Invitasjonsteksten er lagret."))
                return redirect("reports:dashboard", number=number, slug=slug)
        else:
            subject, body = mail.render_invitation(
                participation=participation,
                url=mail.invitation_url("EKSEMPEL"),
                reminder=False,
                intro=intro.replace("\r\n", "\n").strip(),
            )
            preview = {"subject": subject, "body": body}
    return render(
        request,
        "assessment/invitation_text.html",
        {
            "participation": participation,
            "municipality": participation.municipality,
            "round": participation.round,
            "form": form,
            "preview": preview,
        },
    )


@login_required
@require_POST
def retry_batch(request, number, slug, batch_id):
    participation = _participation(request, number, slug)
    batch = mail.get_batch(participation, batch_id)
    if batch is None:
        raise Http404
    try:
        count = mail.retry_failed(batch=batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%d e-poster er lagt i kø for et nytt forsøk.") % count)
    return redirect("reports:dashboard", number=number, slug=slug)


@login_required
@require_POST
def printed_codes(request, number, slug):
    participation = _participation(request, number, slug)
    form = PrintedCodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg mellom 1 og 500 koder."))
        return redirect("reports:dashboard", number=number, slug=slug)
    try:
        codes = services.create_printed_codes(
            participation=participation, count=form.cleaned_data["count"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:dashboard", number=number, slug=slug)
    pdf = letters_pdf(
        participation=participation,
        codes=codes,
        base_url=request.build_absolute_uri(reverse("assessment:personal_link", args=["X"]))[:-2],
        code_url=request.build_absolute_uri(reverse("assessment:enter_code")),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="koder-{participation.municipality.number}-{slug}.pdf"'
    )
    return response


@login_required
@require_POST
def remind(request, number, slug):
    participation = _participation(request, number, slug)
    try:
        sent = services.send_reminders(participation=participation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Påminnelse lagt i kø til %d som ikke har svart.") % sent)
    return redirect("reports:dashboard", number=number, slug=slug)


@login_required
@require_POST
def open_link_create(request, number, slug):
    participation = _participation(request, number, slug)
    form = OpenLinkForm(request.POST, municipality=participation.municipality)
    if form.is_valid():
        try:
            link = services.create_open_link(
                participation=participation, unit=form.cleaned_data["unit"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("assessment:poster", number=number, slug=slug, link_id=link.pk)
    else:
        messages.error(request, _("Velg en enhet fra lista."))
    return redirect("reports:dashboard", number=number, slug=slug)


def _link(participation, link_id) -> OpenLink:
    link = OpenLink.objects.filter(participation=participation, pk=link_id).first()
    if link is None:
        raise Http404
    return link


@login_required
@require_safe
def poster(request, number, slug, link_id):
    participation = _participation(request, number, slug)
    link = _link(participation, link_id)
    url = selectors.open_link_url(request, link)
    qr_svg = (
        segno.make(url, error="m").svg_inline(scale=8, title=_("QR-kode til undersøkelsen"))
        if url
        else None
    )
    return render(
        request,
        "assessment/poster.html",
        {"participation": participation, "link": link, "url": url, "qr_svg": qr_svg},
    )


@login_required
@require_POST
def open_link_deactivate(request, number, slug, link_id):
    participation = _participation(request, number, slug)
    services.deactivate_open_link(link=_link(participation, link_id))
    messages.success(request, _("Lenken er stengt og kan ikke brukes lenger."))
    return redirect("reports:dashboard", number=number, slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def headcounts(request, number, slug):
    participation = _participation(request, number, slug)
    grid = selectors.headcount_grid(participation)
    if request.method == "POST":
        counts, errors = {}, []
        for row in grid["rows"]:
            for cell in row["cells"]:
                raw = request.POST.get(cell["name"], "").strip()
                if raw == "":
                    continue
                if not raw.isdecimal() or int(raw) > 100000:
                    errors.append(_("«%s» er ikke et gyldig antall.") % raw)
                    continue
                counts[(row["unit_id"], cell["staff_group"])] = int(raw)
        if not errors:
            try:
                total = services.set_headcounts(participation=participation, counts=counts)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(request, _("Antall ansatte er lagret (%d i alt).") % total)
                return redirect("reports:dashboard", number=number, slug=slug)
        for error in errors:
            messages.error(request, error)
        grid = selectors.headcount_grid(participation, submitted=request.POST)
    return render(
        request,
        "assessment/headcounts.html",
        {"participation": participation, "municipality": participation.municipality, "grid": grid},
    )


@login_required
@require_POST
def naming(request, number, slug):
    participation = _participation(request, number, slug)
    if request.POST.get("named") not in ("0", "1"):
        messages.error(request, _("Velg om kommunen skal vises med navn eller ikke."))
        return redirect("reports:dashboard", number=number, slug=slug)
    services.set_named_in_comparisons(
        participation=participation, named=request.POST["named"] == "1"
    )
    messages.success(request, _("Valget om navn i sammenligninger er lagret."))
    return redirect("reports:dashboard", number=number, slug=slug)
