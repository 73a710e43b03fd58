"""Start-up work for a long-lived server process (config.wsgi, and the benchmarks, which measure
what the server does)."""

import gc


def load_and_freeze() -> None:
    """Import every view through the URLconf, then move everything loaded so far (Django, the
    apps, plotly, pandas, scipy: objects that live as long as the process) out of the garbage
    collector's reach. Full collections then stop walking those objects on every request:
    measured on the benchmark page, collection fell from about a fifth of a request to a
    twentieth (README, «Ytelse»)."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    gc.collect()
    gc.freeze()
