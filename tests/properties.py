"""How many examples a Hypothesis property tries (the profiles are in tests/conftest.py)."""

import os

from hypothesis import settings


def examples(ci: int) -> int:
    """`ci` examples in the deterministic CI profile; under `make fuzz` (HYPOTHESIS_PROFILE=fuzz)
    the fuzz profile's count, since a test's own max_examples would otherwise win over it."""
    if os.environ.get("HYPOTHESIS_PROFILE", "ci") == "fuzz":
        return max(ci, settings.default.max_examples)
    return ci
