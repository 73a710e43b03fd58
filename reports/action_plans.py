"""Writes for action plans and staff pages (issue 14: from results to action). Keyword-only
functions; each runs in one transaction, refuses bad input with a Norwegian ValidationError
(changing nothing) and appends a PlanEvent, so the plan's history is complete."""

import base64
import hashlib
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.selectors import get_instrument_spec
from assessment.tokens import hash_token, open_link_keys

from .models import (
    Action,
    ActionPlan,
    ActionStatus,
    PlanEvent,
    PlanEventKind,
    PlanSignature,
    StaffPage,
)
from .selectors.plan_page import ks_tools

MAX_FOCUS = 3
ACTION_FIELDS = ("dimension", "what", "why", "owner", "due_on", "status", "ks_tool")


def _log(plan, user, kind, **details) -> None:
    PlanEvent.objects.create(
        plan=plan,
        at=timezone.now(),
        user=user,
        username=user.get_username() if user is not None else "",
        kind=kind,
        details=details,
    )


def _require_published(round_) -> None:
    if not round_.is_published:
        raise ValidationError(_("Tiltaksplanen lages når resultatene for runden er publisert."))


@transaction.atomic
def save_focus(*, round_, municipality, unit=None, focus: list[str], user) -> ActionPlan:
    """Choose the plan's 1–3 focus dimensions, creating the plan the first time."""
    _require_published(round_)
    if unit is not None and unit.municipality_id != municipality.pk:
        raise ValidationError(_("Enheten hører ikke til kommunen."))
    spec = get_instrument_spec(round_.instrument)
    codes = [d.code for d in spec.dimensions]
    focus = list(dict.fromkeys(focus))
    if not 1 <= len(focus) <= MAX_FOCUS:
        raise ValidationError(_("Velg ett, to eller tre innsatsområder."))
    unknown = [code for code in focus if code not in codes]
    if unknown:
        raise ValidationError(_("Ukjent dimensjon: %s.") % ", ".join(unknown))
    focus.sort(key=codes.index)
    plans = ActionPlan.objects.select_for_update().filter(round=round_, municipality=municipality)
    plan = (plans.filter(unit=unit) if unit else plans.filter(unit__isnull=True)).first()
    if plan is None:
        try:
            with transaction.atomic():
                plan = ActionPlan.objects.create(
                    round=round_, municipality=municipality, unit=unit, focus=focus
                )
        except IntegrityError:
            raise ValidationError(
                _("Planen ble nettopp laget av noen andre. Last siden på nytt.")
            ) from None
        _log(plan, user, PlanEventKind.CREATED)
    else:
        if plan.focus == focus:
            return plan
        orphaned = set(
            plan.actions.exclude(dimension__in=focus).values_list("dimension", flat=True)
        )
        if orphaned:
            names = [spec.dimension(code).label for code in codes if code in orphaned]
            raise ValidationError(
                _(
                    "Innsatsområdet %(names)s har tiltak. Flytt tiltakene til et annet "
                    "innsatsområde før du tar det bort."
                )
                % {"names": ", ".join(names)}
            )
        plan.focus = focus
        plan.save(update_fields=["focus", "updated_at"])
    _log(
        plan,
        user,
        PlanEventKind.FOCUS,
        focus=focus,
        focus_names=[spec.dimension(code).label for code in focus],
    )
    return plan


@transaction.atomic
def record_discussion(*, plan: ActionPlan, forum: str, on, user) -> ActionPlan:
    """Record that the plan was discussed with the tillitsvalgte (forum such as AMU or IDF)."""
    forum = (forum or "").strip()
    if not forum:
        raise ValidationError(_("Skriv hvor planen ble drøftet, for eksempel AMU eller IDF."))
    if len(forum) > 100:
        raise ValidationError(_("Navnet på møtet kan ha høyst 100 tegn."))
    if on is None:
        raise ValidationError(_("Skriv datoen for drøftingen."))
    if on > timezone.localdate():
        raise ValidationError(_("Datoen for drøftingen kan ikke være fram i tid."))
    plan.discussed_forum, plan.discussed_on = forum, on
    plan.save(update_fields=["discussed_forum", "discussed_on", "updated_at"])
    _log(plan, user, PlanEventKind.DISCUSSED, forum=forum, date=on.strftime("%d.%m.%Y"))
    return plan


def _clean_action(plan: ActionPlan, data: dict) -> dict:
    spec = get_instrument_spec(plan.round.instrument)

    cleaned = {key: data[key] for key in ACTION_FIELDS if key in data}
    for key in ("what", "why", "owner", "ks_tool"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    if "dimension" in cleaned and cleaned["dimension"] not in plan.focus:
        raise ValidationError(_("Tiltaket må høre til ett av planens innsatsområder."))
    for key, message in (
        ("what", _("Skriv hva tiltaket er.")),
        ("why", _("Skriv hvilket funn tiltaket svarer på.")),
        ("owner", _("Skriv hvem som er ansvarlig.")),
    ):
        if key in cleaned and not cleaned[key]:
            raise ValidationError(message)
    if "due_on" in cleaned and cleaned["due_on"] is None:
        raise ValidationError(_("Skriv en frist."))
    if "status" in cleaned and cleaned["status"] not in ActionStatus.values:
        raise ValidationError(_("Ukjent status."))
    if cleaned.get("ks_tool") and cleaned["ks_tool"] not in ks_tools(spec):
        raise ValidationError(_("Ukjent KS-verktøy."))
    return cleaned


@transaction.atomic
def add_action(*, plan: ActionPlan, user, **data) -> Action:
    cleaned = _clean_action(plan, data)
    missing = [key for key in ("dimension", "what", "why", "owner", "due_on") if key not in cleaned]
    if missing:
        raise ValidationError(_("Fyll ut alle feltene for tiltaket."))
    action = Action.objects.create(plan=plan, **cleaned)
    plan.save(update_fields=["updated_at"])
    _log(plan, user, PlanEventKind.ACTION_ADDED, action=action.pk, what=action.what)
    return action


@transaction.atomic
def update_action(*, action: Action, user, **data) -> Action:
    """Change an action (its status, most often); the history keeps old and new values."""
    action = Action.objects.select_for_update().select_related("plan__round").get(pk=action.pk)
    cleaned = _clean_action(action.plan, data)
    changes = {}
    for key, value in cleaned.items():
        old = getattr(action, key)
        if old != value:
            changes[key] = [
                old.isoformat() if hasattr(old, "isoformat") else old,
                value.isoformat() if hasattr(value, "isoformat") else value,
            ]
            setattr(action, key, value)
    if not changes:
        return action
    action.save()
    action.plan.save(update_fields=["updated_at"])
    _log(
        action.plan,
        user,
        PlanEventKind.ACTION_CHANGED,
        action=action.pk,
        what=action.what,
        changes=changes,
    )
    return action


@transaction.atomic
def sign_plan(*, plan: ActionPlan, user) -> PlanSignature:
    """A tillitsvalgt co-signs the plan (the caller checks the role)."""
    if not plan.focus or not plan.actions.exists():
        raise ValidationError(
            _("Planen må ha innsatsområder og minst ett tiltak før den signeres.")
        )
    if PlanSignature.objects.filter(plan=plan, user=user).exists():
        raise ValidationError(_("Du har allerede signert planen."))
    signature = PlanSignature.objects.create(plan=plan, user=user, signed_at=timezone.now())
    _log(plan, user, PlanEventKind.SIGNED)
    return signature


# --- Staff pages -------------------------------------------------------------------------------


def staff_page_token(salt: str, key: str | None = None) -> str:
    """Derived from the salt with the open-link key (like an open link), so the coordinator can
    see the link again; only its hash and the salt are stored."""
    key = key or open_link_keys()[0]
    digest = hmac.new(key.encode(), f"staff-page:{salt}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode().rstrip("=")


@transaction.atomic
def publish_staff_page(*, round_, municipality) -> StaffPage:
    """Publish the kommune's page for its staff (a new unguessable link), or return the live
    one."""
    _require_published(round_)
    if not round_.participations.filter(municipality=municipality).exists():
        raise ValidationError(_("Kommunen deltok ikke i runden."))
    live = (
        StaffPage.objects.select_for_update()
        .filter(round=round_, municipality=municipality, revoked_at__isnull=True)
        .first()
    )
    if live is not None:
        return live
    salt = secrets.token_hex(16)
    return StaffPage.objects.create(
        round=round_,
        municipality=municipality,
        salt=salt,
        token_hash=hash_token(staff_page_token(salt)),
        published_at=timezone.now(),
    )


@transaction.atomic
def revoke_staff_page(*, round_, municipality) -> int:
    """Take the page down: its link stops working at once. Publishing again makes a new link."""
    return StaffPage.objects.filter(
        round=round_, municipality=municipality, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
