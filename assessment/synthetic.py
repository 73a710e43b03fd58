"""Realistic synthetic answers: kommune and staff-group effects, item noise, some «vet ikke»,
and group sizes shaped like a real kommune's staff (many medarbeidere, few toppledere)."""

import random

from .services import ResponseData

STAFF_GROUP_WEIGHTS = {
    "toppleder": 2,
    "mellomleder": 6,
    "forstelinjeleder": 8,
    "medarbeider": 70,
    "tillitsvalgt": 6,
    "stab": 8,
}
# Leaders see their kommune more favourably than medarbeidere and tillitsvalgte (001 L4253-4269).
STAFF_GROUP_EFFECT = {
    "toppleder": 0.45,
    "mellomleder": 0.3,
    "forstelinjeleder": 0.15,
    "medarbeider": -0.1,
    "tillitsvalgt": -0.3,
    "stab": 0.05,
    "folkevalgt": 0.2,
}
SECTOR_WEIGHTS = {
    "helse_omsorg": 38,
    "oppvekst": 32,
    "kultur": 4,
    "teknisk": 9,
    "nav_sosial": 6,
    "administrasjon": 9,
    "annet": 2,
}


def synthetic_rows(
    *,
    spec,
    municipality_id: int,
    count: int,
    rng: random.Random,
    units_by_sector: dict | None = None,
    level: float | None = None,
) -> list[ResponseData]:
    units_by_sector = units_by_sector or {}
    base = level if level is not None else rng.gauss(3.2, 0.35)
    dimension_effect = {d.code: rng.gauss(0, 0.35) for d in spec.dimensions}
    groups, group_weights = zip(*STAFF_GROUP_WEIGHTS.items(), strict=True)
    sectors, sector_weights = zip(*SECTOR_WEIGHTS.items(), strict=True)
    barriers = [o.code for o in spec.barriers]
    promoters = [o.code for o in spec.promoters]
    rows = []
    for _ in range(count):
        staff_group = rng.choices(groups, group_weights)[0]
        sector = rng.choices(sectors, sector_weights)[0]
        units = units_by_sector.get(sector, [])
        unit_id = rng.choice(units) if units and rng.random() < 0.85 else None
        person = rng.gauss(0, 0.45)
        answers = {}
        for item in spec.items_for(staff_group):
            if rng.random() < 0.06:
                answers[item.code] = None
                continue
            if rng.random() < 0.03:
                continue
            latent = (
                base
                + STAFF_GROUP_EFFECT[staff_group]
                + dimension_effect[item.dimension_code]
                + person
            )
            value = min(5, max(1, round(latent + rng.gauss(0, 0.7))))
            answers[item.code] = 6 - value if item.reverse else value
        rows.append(
            ResponseData(
                municipality_id=municipality_id,
                staff_group=staff_group,
                sector=sector,
                unit_id=unit_id,
                tenure=rng.choice(["under_2", "2_10", "2_10", "over_10", ""]),
                answers=answers,
                barriers=rng.sample(barriers, rng.randint(0, 3)),
                promoters=rng.sample(promoters, rng.randint(0, 3)),
            )
        )
    return rows
