"""The results meeting kit's texts (meeting_kit.yaml): discussion questions per dimension drawn
from the seeds, the BLT exercise and the KS tools in plain words."""

from functools import cache
from pathlib import Path

import yaml

PATH = Path(__file__).with_name("meeting_kit.yaml")


@cache
def _content() -> dict:
    with PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def ks_tools() -> dict:
    """{tool as named in the instrument: {"name": {nb, nn, en}, "explanation": {…}, "sources"}}"""
    return _content()["ks_tools"]


def blt() -> dict:
    return _content()["blt"]


def questions(dimension_code: str) -> list[dict]:
    """The discussion questions for a dimension ({"text": {nb, nn, en}, "source": …})."""
    return _content()["questions"].get(dimension_code, [])
