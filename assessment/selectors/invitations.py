"""Personal links, printed codes and open links: look-ups by token, and the dashboard's summary."""

from django.db.models import Count, Q
from django.urls import reverse

from ..models import (
    Invitation,
    OpenLink,
)
from ..tokens import hash_token, recover_open_link_token


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("participation__round", "participation__municipality")
        .filter(token_hash=hash_token(token))
        .first()
    )


def find_open_link(token: str) -> OpenLink | None:
    return (
        OpenLink.objects.select_related(
            "participation__round", "participation__municipality", "unit__sector"
        )
        .filter(token_hash=hash_token(token), active=True)
        .first()
    )


def invitation_summary(participation) -> dict:
    rows = (
        Invitation.objects.filter(participation=participation)
        .values("kind")
        .annotate(issued=Count("id"), used=Count("id", filter=Q(used=True)))
    )
    summary = {row["kind"]: row for row in rows}
    pending_email = (
        Invitation.objects.filter(participation=participation, kind="email", used=False)
        .exclude(email="")
        .count()
    )
    return {
        "email": summary.get("email", {"issued": 0, "used": 0}),
        "printed": summary.get("printed", {"issued": 0, "used": 0}),
        "pending_email": pending_email,
    }


def open_link_url(request, link: OpenLink) -> str | None:
    """The link's address, or None when no configured key reproduces it (see README)."""
    token = recover_open_link_token(salt=link.salt, token_hash=link.token_hash)
    if token is None:
        return None
    return request.build_absolute_uri(reverse("assessment:open_link", args=[token]))


def open_links(participation) -> list[OpenLink]:
    return list(
        OpenLink.objects.filter(participation=participation, active=True).select_related("unit")
    )
