"""Reliability figures for the method page, as stored at publication."""

from assessment.selectors import get_instrument_spec

from ..models import Publication


def reliability_for_published_rounds(limit: int = 3) -> list[dict]:
    # Reliability is computed with the psychometrics, right after publication.
    publications = (
        Publication.objects.filter(psychometrics__isnull=False)
        .select_related("round__instrument")
        .order_by("-round__closes_on")[:limit]
    )
    result = []
    for publication in publications:
        spec = get_instrument_spec(publication.round.instrument)
        alphas = publication.reliability
        result.append(
            {
                "round": publication.round,
                "dimensions": [
                    {
                        "name": d.label,
                        **alphas.get(d.code, {"alpha": None, "n": 0, "items": len(d.items)}),
                    }
                    for d in spec.dimensions
                ],
            }
        )
    return result
