"""The shape of the kommune (or unit subtree) report (reports.selectors.report): every page,
chart, export, PDF, DOCX and API renders these fields, so a field that is not there is a type
error, not a blank cell. A hidden report (too few answers, or a unit that would give the kommune
away) has its header and the benchmarks, and empty sections."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from .change import Changes
from .comparison import Difference
from .stats import Group, Overall, Stat


@dataclass(frozen=True)
class ReportRound:
    slug: str
    name: str
    closed: bool


@dataclass(frozen=True)
class ReportMunicipality:
    number: str
    name: str
    size_class: str
    size_class_label: str | Promise  # lazy: in the reader's language


@dataclass(frozen=True)
class ReportUnit:
    """The unit subtree a unit leader's report covers."""

    id: int
    name: str


@dataclass(frozen=True)
class Beside:
    """What a unit's report shows beside the subtree: the kommune and the unit's sector."""

    kommune: list[Stat]
    sector: Group | None


@dataclass(frozen=True)
class HiddenSummary:
    """How many groups and dimension means the report hides."""

    staff_groups: int = 0
    sectors: int = 0
    units: int = 0
    dimensions: int = 0


@dataclass
class Report:
    """Everything the report shows, already suppressed (domain.md §6)."""

    round: ReportRound
    municipality: ReportMunicipality
    unit: ReportUnit | None  # None: the whole kommune
    min_size: int
    respondents: int | None  # None when hidden
    suppressed: bool
    below_min: bool  # hidden because fewer than the minimum answered
    protected: bool  # hidden because the unit is nearly the whole kommune (or its sector)
    reason: str | None  # reports.anonymity: why the report is hidden
    response_rate: float | None  # the whole kommune's, in percent
    national: list[Stat]
    peer: list[Stat]
    # The sections: empty in a hidden report.
    overall: Overall = field(default_factory=Overall)
    dimensions: list[Stat] = field(default_factory=list)
    staff_groups: list[Group] = field(default_factory=list)
    sectors: list[Group] = field(default_factory=list)
    units: list[Group] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)  # comparison.common_item_gaps
    traits: list[Stat] = field(default_factory=list)
    outcomes: dict[str, Any] | None = None  # outcomes.outcome_section (instrument 2027.1)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # per dimension code
    choices: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # barriers, promoters
    trend: list[dict[str, Any]] = field(default_factory=list)  # one entry per round
    changes: Changes = field(default_factory=Changes)
    beside: Beside | None = None  # a unit's report only
    strengths: list[Difference] = field(default_factory=list)
    improvements: list[Difference] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    comparison_label: str = ""
    hidden_summary: HiddenSummary = field(default_factory=HiddenSummary)
