"""The kommune's page for its staff («Dere sa – vi gjør»), opened without login through an
unguessable link.

Anyone with the link sees it, so it shows only what anyone may see of the kommune: its figures
as they stand in the national comparison (reports.selectors.benchmark), not as the coordinator
sees them. A kommune's own report shows a dimension from the minimum up, but the comparison may
hide it to protect a small kommune (complementary suppression); published on an open page, that
figure would let a reader of the national figure subtract their way to the small kommune."""

import hmac

import segno
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.selectors import get_instrument_spec
from assessment.tokens import hash_token, open_link_keys

from ..action_plans import staff_page_token
from ..models import Action, ActionPlan, StaffPage
from .comparison import strengths_and_improvements
from .plan_page import status_counts
from .published_comparison import benchmarks_for, kommune_history
from .stats import Overall, make_stat, stat_from_json


def find_staff_page(token: str) -> StaffPage | None:
    return (
        StaffPage.objects.select_related("round__instrument", "municipality")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )


def live_staff_page(round_, municipality) -> StaffPage | None:
    return StaffPage.objects.filter(
        round=round_, municipality=municipality, revoked_at__isnull=True
    ).first()


def staff_page_url(request, page: StaffPage) -> str | None:
    for key in open_link_keys():
        token = staff_page_token(page.salt, key)
        if hmac.compare_digest(hash_token(token), page.token_hash):
            return request.build_absolute_uri(reverse("reports:staff_page", args=[token]))
    return None


def staff_page_panel(request, round_, municipality) -> dict:
    """What the coordinator's dashboard shows about the staff page: link and QR to print."""
    page = live_staff_page(round_, municipality)
    url = staff_page_url(request, page) if page else None
    return {
        "staff_page": page,
        "staff_page_url": url,
        "staff_page_qr": segno.make(url, error="m").svg_inline(
            scale=5, title=_("QR-kode til resultatsiden for ansatte")
        )
        if url
        else None,
    }


def staff_page_content(page: StaffPage) -> dict:
    round_, municipality = page.round, page.municipality
    spec = get_instrument_spec(round_.instrument)
    history = kommune_history(round_, municipality)
    published = history.published
    row = (published.comparison if published else None) or {"hidden": True}
    hidden = row["hidden"]
    # What the comparison shows of the kommune (suppressed across kommuner), with this page's
    # own reasons.
    shown = set()
    if not hidden:
        shown = {
            d.code
            for d, stored in zip(spec.dimensions, row["dimensions"], strict=True)
            if not stat_from_json(d.code, d.label, stored).suppressed
        }
    stats = [
        make_stat(
            d.code,
            d.label,
            history.history_rows.get((round_.pk, d.code)),
            round_.effective_min_group_size,
            hide=d.code not in shown,
        )
        for d in spec.dimensions
    ]
    # Chosen as in the report (the difference from the nation, only where its interval excludes
    # 0), over the figures this page shows; the page shows the kommune's means only.
    found = strengths_and_improvements(
        stats, *benchmarks_for(round_, municipality, spec, history=history)
    )
    plan = (
        ActionPlan.objects.filter(round=round_, municipality=municipality, unit__isnull=True)
        .prefetch_related(Prefetch("actions", queryset=Action.objects.order_by("due_on", "pk")))
        .first()
    )
    by_code = {s.code: s for s in stats}
    focus = []
    if plan is not None:
        actions = list(plan.actions.all())
        for code in plan.focus:
            dimension_actions = [a for a in actions if a.dimension == code]
            focus.append(
                {
                    "name": by_code[code].name if code in by_code else code,
                    "stat": by_code.get(code),
                    "actions": dimension_actions,
                    "summary": status_counts(dimension_actions),
                }
            )
    return {
        "round": round_,
        "municipality": municipality,
        "min_size": round_.effective_min_group_size,
        "suppressed": hidden,
        "respondents": None if hidden or published is None else published.respondents,
        "dimensions": stats,
        "overall": Overall() if hidden else Overall.of(stats),
        "hidden_count": sum(1 for s in stats if s.suppressed),
        "strengths": found["strengths"],
        "improvements": found["improvements"],
        "comparison_label": found["comparison_label"],
        "plan": plan,
        "focus": focus,
        "signed": plan is not None and plan.signatures.exists(),
    }
