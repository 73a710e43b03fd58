"""Statistics on published cells: a group's mean, n, SD and interval from summed cells, and the
shapes (Stat, Overall, Group) every output renders."""

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

from assessment.models import ScoreKind
from assessment.traits import TRAITS
from municipalities.models import localized
from municipalities.national_lists import SECTORS, STAFF_GROUPS

from ..anonymity import PROTECTS_SMALLER, TOO_FEW
from ..scoring import confidence_interval, round_mean, to_index, to_level


@dataclass
class Stat:
    """One score of one group (domain.md §5). Hidden stats keep their entry with null numbers."""

    code: str
    name: str
    mean: float | None = None
    n: int | None = 0  # None in the anonymous rows a coordinator sees
    sd: float | None = None
    ci95: tuple | None = None
    index: float | None = None
    level: int | None = None
    suppressed: bool = False
    reason: str | None = None  # why it is hidden: reports.anonymity.TOO_FEW / PROTECTS_SMALLER

    def as_api(self) -> dict:
        data = asdict(self)
        data["ci95"] = list(self.ci95) if self.ci95 else None
        if self.suppressed:
            data.update(mean=None, n=None, sd=None, ci95=None, index=None, level=None)
        return data


def make_stat(code, name, row, min_size, hide=False, why=None) -> Stat:
    """A shown or hidden score. Hidden: below the minimum (too few), or `hide` with enough
    behind it (it protects a smaller group); `why` overrides the reason (a hidden group's
    cells say what the group says)."""
    n = row["n"] if row else 0
    if why is not None:
        return Stat(code=code, name=name, suppressed=True, reason=why)
    if row is None or n < min_size:
        return Stat(code=code, name=name, suppressed=True, reason=TOO_FEW)
    if hide:
        return Stat(code=code, name=name, suppressed=True, reason=PROTECTS_SMALLER)
    mean, sd = row["mean"], row["sd"]
    return Stat(
        code=code,
        name=name,
        mean=round_mean(mean),
        n=n,
        sd=None if sd is None else round(sd, 3),
        ci95=confidence_interval(mean, sd, n),
        index=to_index(mean),
        level=to_level(mean),
    )


def stat_to_json(stat: Stat) -> list:
    """A Stat as stored in a publication (reports.comparison_snapshot), without its name (the
    reader names it in their language)."""
    low, high = stat.ci95 if stat.ci95 else (None, None)
    return [
        stat.mean,
        stat.n,
        stat.sd,
        low,
        high,
        stat.index,
        stat.level,
        stat.suppressed,
        stat.reason,
    ]


def stat_from_json(code: str, name: str, data: list) -> Stat:
    mean, n, sd, low, high, index, level, suppressed, reason = data
    return Stat(
        code=code,
        name=name,
        mean=mean,
        n=n,
        sd=sd,
        ci95=None if low is None else (low, high),
        index=index,
        level=level,
        suppressed=suppressed,
        reason=reason,
    )


@dataclass
class Overall:
    mean: float | None = None
    index: float | None = None
    level: int | None = None

    @classmethod
    def of(cls, stats: list[Stat]) -> "Overall":
        """Only when every dimension has a shown score (so no hidden score can be derived)."""
        if not stats or any(s.suppressed or s.mean is None for s in stats):
            return cls()
        mean = sum(s.mean for s in stats if s.mean is not None) / len(stats)
        return cls(mean=round_mean(mean), index=to_index(mean), level=to_level(mean))


@dataclass
class Group:
    key: object
    label: str
    respondents: int | None
    suppressed: bool
    dimensions: list[Stat] = field(default_factory=list)
    overall: Overall = field(default_factory=Overall)
    below_min: bool = False
    reason: str | None = None  # why it is hidden (reports.anonymity)


def sample_sd(mean: float | None, sum_sq: float | None, n: int) -> float | None:
    """Sample standard deviation from the sums (portable: SQLite has no STDDEV)."""
    if mean is None or sum_sq is None or n < 2:
        return None
    variance = (sum_sq - n * mean * mean) / (n - 1)
    return math.sqrt(max(variance, 0.0))


def score_row(n: int, total: float, sum_sq: float) -> dict:
    mean = total / n if n else None
    return {"n": n, "mean": mean, "sd": sample_sd(mean, sum_sq, n)}


def sum_cells(cells: Iterable[dict], key: Callable[[dict], object]) -> dict:
    """Add up already-aggregated score cells ({"n", "total", "sum_sq", ...}) by `key`, giving
    {key: {"n", "mean", "sd"}}. The cells come from one GROUP BY in the database."""
    sums: dict = {}
    for cell in cells:
        acc = sums.setdefault(key(cell), [0, 0.0, 0.0])
        acc[0] += cell["n"]
        acc[1] += cell["total"]
        acc[2] += cell["sum_sq"]
    return {k: score_row(*acc) for k, acc in sums.items()}


def count_cells(cells: Iterable[dict], key: Callable[[dict], object]) -> dict:
    counts: dict = {}
    for cell in cells:
        k = key(cell)
        counts[k] = counts.get(k, 0) + cell["n"]
    return counts


def scales(spec, kind=ScoreKind.DIMENSION) -> list[tuple[str, str]]:
    if kind == ScoreKind.DIMENSION:
        return [(d.code, d.label) for d in spec.dimensions]
    if kind == ScoreKind.OUTCOME:
        from .outcomes import outcome_scales

        return outcome_scales(spec)
    return [(code, localized(TRAITS[code])) for code in spec.traits]


def staff_group_labels() -> dict:
    """The fixed national staff groups in order, named in the active language (from code: they
    never change, so no query)."""
    return {
        code: localized({"nb": nb, "nn": nn, "en": en}) for code, _o, nb, nn, en in STAFF_GROUPS
    }


def sector_labels() -> dict:
    return {code: localized({"nb": nb, "nn": nn, "en": en}) for code, nb, nn, en in SECTORS}


def quartiles(values: list[float]) -> dict | None:
    if not values:
        return None
    ordered = sorted(values)

    def q(p):
        pos = (len(ordered) - 1) * p
        low, high = math.floor(pos), math.ceil(pos)
        return round(ordered[low] + (ordered[high] - ordered[low]) * (pos - low), 3)

    return {"min": ordered[0], "q1": q(0.25), "median": q(0.5), "q3": q(0.75), "max": ordered[-1]}
