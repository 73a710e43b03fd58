"""Result caching. Every write of responses bumps the round's generation, so cached results of a
round are never stale: a closed round's report is computed once, an import invalidates it."""

from django.core.cache import cache

TIMEOUT = 60 * 60 * 24


def _generation_key(round_id: int) -> str:
    return f"round-gen:{round_id}"


def round_generation(round_id: int) -> int:
    generation = cache.get(_generation_key(round_id))
    if generation is None:
        generation = 1
        cache.add(_generation_key(round_id), generation, timeout=None)
    return generation


def _bump(round_id: int) -> None:
    try:
        cache.incr(_generation_key(round_id))
    except ValueError:
        cache.set(_generation_key(round_id), 2, timeout=None)


def invalidate_round(round_id: int) -> None:
    """New answers in a round change its results, and the trend of every later round (a
    kommune report shows the earlier rounds' means), so those are invalidated as well."""
    from django.db.models import Subquery

    from assessment.models import Round

    opens_on = Round.objects.filter(pk=round_id).values("opens_on")[:1]
    later = set(Round.objects.filter(opens_on__gte=Subquery(opens_on)).values_list("pk", flat=True))
    for pk in later | {round_id}:
        _bump(pk)


def cached(round_id: int, name: str, compute):
    """Return the cached result of `compute()` for this round's current generation."""
    key = f"round:{round_id}:{round_generation(round_id)}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value
