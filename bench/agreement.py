"""Agreement checks: the numbers a page or the API shows must equal those of hand-written SQL
over the raw answers (bench/floors.py). Used by bench/national_scale.py."""

from decimal import ROUND_HALF_UP, Decimal

from tests.helpers import table_rows


def close(a, b, decimals: int) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 0.5 * 10**-decimals + 1e-9


def fmt2(value: float) -> str:
    """What `floatformat:2` shows for a mean the app rounded to 3 decimals (nb: comma)."""
    shown = Decimal(repr(round(value, 3))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return str(shown).replace(".", ",")


# --- Checking that the outputs and the floors agree -----------------------------------------


class Checks:
    def __init__(self):
        self.failures: list[str] = []
        self.passed = 0

    def expect(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)


def check_benchmark(checks, rows, municipalities, api_json, page_html, selector_data):
    stats, counts, national = {}, {}, {}
    for m_id, code, mean, n, sd in rows:
        if code is None:
            counts[m_id] = n
        elif m_id is None:
            national[code] = (mean, n, sd)
        else:
            stats[(m_id, code)] = (mean, n, sd)
    codes = [d["code"] for d in selector_data["dimensions"]]
    by_number = {m.number: m for m in municipalities}
    # API: every kommune × dimension (3-decimal means and sds, exact n) and the national row.
    for item in api_json["municipalities"]:
        m = by_number[item["number"]]
        checks.expect(item["respondents"] == counts.get(m.pk), f"API n {m.number}")
        for d in item["dimensions"]:
            mean, n, sd = stats[(m.pk, d["code"])]
            checks.expect(
                close(d["mean"], mean, 3) and d["n"] == n and close(d["sd"], sd, 3),
                f"API {m.number} {d['code']}: {d['mean']}/{d['n']}/{d['sd']} vs {mean}/{n}/{sd}",
            )
    checks.expect(len(api_json["municipalities"]) == len(counts), "API kommune count")
    for d in api_json["national"]:
        mean, n, sd = national[d["code"]]
        checks.expect(close(d["mean"], mean, 3) and d["n"] == n, f"API national {d['code']}")
    # Page: the table (sorted by name, as the page sorts for KS; the selector's rows come in
    # kommune-number order and both sorts are stable, so two kommuner of one name keep their
    # order), n and 2-decimal means, and the national row.
    table = table_rows(page_html, "benchmark-table")[1:]  # without the header row
    ordered = sorted(selector_data["municipalities"], key=lambda r: r["name"])
    checks.expect(len(table) == len(ordered) + 1, f"page rows {len(table)}")
    for cells, row in zip(table, ordered, strict=False):
        m_id = row["id"]
        checks.expect(cells[0].startswith(row["name"]), f"page name {row['number']}")
        checks.expect(cells[3] == str(counts[m_id]), f"page n {row['number']}")
        for code, cell in zip(codes, cells[4:], strict=True):
            shown = cell.split()[0]
            checks.expect(shown == fmt2(stats[(m_id, code)][0]), f"page {row['number']} {code}")
    last = table[-1]
    checks.expect(last[3] == str(sum(counts.values())), "page national n")
    for code, cell in zip(codes, last[4:], strict=True):
        checks.expect(cell.split()[0] == fmt2(national[code][0]), f"page national {code}")


def _side_means(report, sides) -> dict:
    """(side, item id) -> mean answer (1-5) of the kommune's respondents in that side's groups."""
    from django.db.models import Avg

    from assessment.models import Answer

    means = {}
    for side, groups in sides.items():
        for row in (
            Answer.objects.filter(
                response__round__slug=report.round.slug,
                response__municipality__number=report.municipality.number,
                response__staff_group_id__in=groups,
                value__isnull=False,
            )
            .values("item_id")
            .annotate(mean=Avg("value"))
        ):
            means[(side, row["item_id"])] = row["mean"]
    return means


def check_report(checks, rows, report, api_json, page_html, spec):
    from assessment.traits import LEADER_GROUPS
    from reports.selectors.comparison import STAFF_SIDE

    got: dict = {}
    for part, k1, k2, code, mean, n, sd in rows:
        got[(part, k1, k2, code)] = (mean, n, sd)
    dims = [d.code for d in spec.dimensions]

    def floor(part, code, key=None, kind="1"):
        if part in ("national", "peer"):
            return got.get((part, None, None, code))
        return got.get((part, key, kind, code))

    checks.expect(report.respondents == got[("count", None, None, None)][1], "report n")
    for api_part, part in (("national", "national"), ("peer_group", "peer")):
        for d in api_json["benchmarks"][api_part]:
            mean, n, sd = floor(part, d["code"])
            checks.expect(
                close(d["mean"], mean, 3) and d["n"] == n and close(d["sd"], sd, 3),
                f"API {part} {d['code']}",
            )
    for d in api_json["dimensions"]:
        mean, n, sd = floor("kommune", d["code"])
        checks.expect(
            close(d["mean"], mean, 3) and d["n"] == n and close(d["sd"], sd, 3),
            f"API kommune {d['code']}",
        )
    for api_key, part in (("by_staff_group", "staff_group"), ("by_sector", "sector")):
        for group in api_json[api_key]:
            key = group["staff_group"] if part == "staff_group" else group["sector"]
            n_floor = got[(f"count_{part}", key, None, None)][1]
            if group["suppressed"]:
                continue
            checks.expect(group["respondents"] == n_floor, f"API {part} {key} n")
            for d in group["dimensions"]:
                if d["suppressed"]:
                    continue
                mean, n, _sd = floor(part, d["code"], key)
                checks.expect(close(d["mean"], mean, 3) and d["n"] == n, f"API {part} {key}")
    for t in report.traits:
        if not t.suppressed:
            mean, n, _sd = floor("kommune", t.code, kind="2")
            checks.expect(close(t.mean, mean, 3) and t.n == n, f"trait {t.code}")
    for unit in report.units:
        if unit.suppressed:
            continue
        for s in unit.dimensions:
            if not s.suppressed:
                mean, n, _sd = floor("unit", s.code, str(unit.key))
                checks.expect(close(s.mean, mean, 3) and s.n == n, f"unit {unit.key} {s.code}")
    # Leader-staff gaps (issue 13): on the statements every compared group was given, the mean
    # of per-statement means per side, recomputed here from the raw answers with the ORM.
    shown = {g.key for g in report.staff_groups if not g.suppressed}
    sides = {
        "leaders": [g for g in LEADER_GROUPS if g in shown],
        "staff": [g for g in STAFF_SIDE if g in shown],
    }
    means = _side_means(report, sides)
    compared = set(sides["leaders"] + sides["staff"])
    for gap in report.gaps:
        if gap["leaders"] is None:
            continue
        dimension = next(d for d in spec.dimensions if d.code == gap["code"])
        common = [i for i in dimension.items if compared <= i.audience]
        for side in sides:
            per_item = [
                6 - means[(side, i.id)] if i.reverse else means[(side, i.id)] for i in common
            ]
            checks.expect(
                close(gap[side], sum(per_item) / len(per_item), 3), f"gap {gap['code']} {side}"
            )
    # Statement distributions and choices.
    for dimension in spec.dimensions:
        for item_spec, item in zip(dimension.items, report.items[dimension.code], strict=True):
            if item["suppressed"]:
                continue
            counts = [
                (got.get(("item", str(item_spec.id), str(v), None)) or (0, 0))[1]
                for v in (1, 2, 3, 4, 5)
            ]
            dont_know = (got.get(("item", str(item_spec.id), None, None)) or (0, 0))[1]
            checks.expect(
                item["counts"] == counts and item["dont_know"] == dont_know, f"item {item['code']}"
            )
    option_ids = {o.code: o.id for o in spec.barriers + spec.promoters}
    for kind in ("barriers", "promoters"):
        for entry in report.choices[kind]:
            oid = str(option_ids[entry["code"]])
            total = sum(
                n for (p, k1, _k2, _c), (_m, n, _s) in got.items() if p == "choice" and k1 == oid
            )
            checks.expect(entry["count"] == total, f"choice {entry['code']}")
    # Page: the dimension table (2-decimal means, n, national, peer).
    table = table_rows(page_html, "dimension-table")[1:]
    checks.expect(len(table) == len(dims), "report page rows")
    for code, cells in zip(dims, table, strict=False):
        mean, n, _sd = floor("kommune", code)
        checks.expect(cells[1] == fmt2(mean) and cells[2] == str(n), f"report page {code}")
        checks.expect(cells[5] == fmt2(floor("national", code)[0]), f"report page national {code}")
        checks.expect(cells[6] == fmt2(floor("peer", code)[0]), f"report page peer {code}")
