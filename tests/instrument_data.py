"""The instrument's data file (assessment/instrument/innovasjonsradar.yaml) as the instrument tests
read it, and how they read the method page. The quality checks read the file directly, so they test
what the editors wrote, not what the database happens to accept."""

import html
import re

import yaml

from assessment.instrument_files import (
    DEFAULT_INSTRUMENT,
)

DATA = yaml.safe_load(DEFAULT_INSTRUMENT.read_text(encoding="utf-8"))
DIMENSIONS = DATA["dimensions"]
ITEMS = [item for dimension in DIMENSIONS for item in dimension["items"]]
LANGUAGES = ("nb", "nn", "en")


# --- The method page as a reader sees it ---------------------------------------------------


def _page_text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)
