"""Reads for the assessment app, by concern.

- `instrument`: the instrument spec (an in-memory snapshot of a version) and version look-ups
- `instrument_export`: the JSON export and the method page's sources, references and changes
- `questionnaire`: the respondent's pages and the answers a response needs to count
- `invitations`: personal links, codes and open links
- `rounds`: rounds, participations, response counts and headcounts

The names are re-exported here, so `from assessment.selectors import X` and `selectors.X` keep
working.
"""

from .instrument import (
    DimensionSpec,
    InstrumentSpec,
    ItemSpec,
    OptionSpec,
    OutcomeQuestionSpec,
    OutcomeSpec,
    _published_spec,
    get_instrument_spec,
    get_version,
    latest_published_version,
)
from .instrument_export import (
    export_instrument,
    item_sources,
    missing_options,
    readable_sources,
    reference_list,
    version_changes,
)
from .invitations import (
    find_invitation,
    find_open_link,
    invitation_summary,
    open_link_url,
    open_links,
)
from .questionnaire import (
    AnswerRequirement,
    Page,
    answer_requirement,
    draft_progress,
    questionnaire_pages,
)
from .rounds import (
    get_participation_for_user,
    get_round,
    headcount_grid,
    list_rounds,
    overlapping_rounds,
    response_count,
    rounds_for_municipality,
)

__all__ = [
    "AnswerRequirement",
    "DimensionSpec",
    "InstrumentSpec",
    "ItemSpec",
    "OptionSpec",
    "OutcomeQuestionSpec",
    "OutcomeSpec",
    "Page",
    "_published_spec",  # the cache of published specs; tests clear it
    "answer_requirement",
    "draft_progress",
    "export_instrument",
    "find_invitation",
    "find_open_link",
    "get_instrument_spec",
    "get_participation_for_user",
    "get_round",
    "get_version",
    "headcount_grid",
    "invitation_summary",
    "item_sources",
    "latest_published_version",
    "list_rounds",
    "missing_options",
    "open_link_url",
    "open_links",
    "overlapping_rounds",
    "questionnaire_pages",
    "readable_sources",
    "reference_list",
    "response_count",
    "rounds_for_municipality",
    "version_changes",
]
