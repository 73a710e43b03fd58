"""Realistic synthetic answers: kommune and staff-group effects, item noise, some «vet ikke»,
and group sizes shaped like a real kommune's staff (many medarbeidere, few toppledere)."""

import math
import random

from .scoring import NOT_RELEVANT
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
                # From 2027.1 «ikke relevant» is its own answer; about a third of the missing.
                split = spec.split_missing and rng.random() < 0.35
                answers[item.code] = NOT_RELEVANT if split else None
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
                outcomes=synthetic_outcomes(
                    spec, staff_group, base + STAFF_GROUP_EFFECT[staff_group] + person, rng
                ),
                language=rng.choices(["nb", "nn", "en"], [80, 17, 3])[0],
            )
        )
    return rows


def synthetic_outcomes(spec, staff_group: str, latent: float, rng: random.Random) -> dict:
    """Outcome answers that go with the respondent's maturity: a unit that scores higher more
    often took something new into use, spread it and evaluated it."""
    if spec.outcomes is None or staff_group not in spec.outcomes.audience:
        return {}
    chance = 1 / (1 + math.exp(-1.6 * (latent - 3.0)))
    answers = {}
    if rng.random() < 0.08:
        answers["OUT1"] = ["adopted_dont_know"]
    else:
        answers["OUT1"] = ["adopted_yes" if rng.random() < 0.25 + 0.6 * chance else "adopted_no"]
    if answers["OUT1"] == ["adopted_yes"]:
        sources = ["source_staff", "source_users", "source_leaders", "source_other_municipalities"]
        answers["OUT2"] = rng.sample(sources, rng.randint(1, 2))
        answers["OUT3"] = [rng.choice(["spread_yes", "spread_no", "spread_dont_know"])]
        if rng.random() < chance:
            answers["OUT3"] = ["spread_yes"]
        benefits = ["benefit_users", "benefit_time_money", "benefit_work_environment"]
        answers["OUT4"] = (
            rng.sample(benefits, rng.randint(1, 2)) if rng.random() < 0.8 else ["benefit_none_yet"]
        )
        answers["OUT5"] = [
            rng.choices(
                [
                    "evaluated_systematic",
                    "evaluated_informal",
                    "evaluated_no",
                    "evaluated_dont_know",
                ],
                [chance, 1, 1 - chance, 0.3],
            )[0]
        ]
    answers["OUT6"] = ["suggested_yes" if rng.random() < 0.15 + 0.3 * chance else "suggested_no"]
    return answers
