"""Settings for the benchmarks: the production settings (config.settings, DJANGO_DEBUG=0) with
only STATIC_ROOT moved to /tmp, so `collectstatic` for the manifest storage writes nothing into
the work tree. Cookies stay Secure; the load client sends them itself over loopback HTTP."""

import os

from config.settings import *  # noqa: F403

STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/innovasjonsradar-bench/static")
