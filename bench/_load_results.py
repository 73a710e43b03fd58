"""The results of bench/load_and_faults.py: throughput and latency per phase, errors per 5 s, and
the integrity check (every thanked respondent's answers stored exactly once, nothing half
written)."""

from collections import Counter

from bench._load_client import Stats


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def decode_fingerprint(values: list[int]) -> int:
    number = 0
    for value in reversed(values):
        number = number * 5 + (value - 1)
    return number


def summarize(stats: Stats, phase: str, seconds: float) -> dict:
    records = [r for r in stats.records if r[0] == phase]
    latencies = [r[2] for r in records]
    errors = [r for r in records if not r[3]]
    sends = [r[2] for r in records if r[4] == "send" and r[3]]
    thanked = sum(1 for p in stats.thanked.values() if p == phase)
    return {
        "phase": phase,
        "seconds": round(seconds, 1),
        "requests": len(records),
        "req_per_s": len(records) / seconds,
        "thanked": thanked,
        "per_min": thanked / seconds * 60,
        "p50_ms": 1000 * (percentile(latencies, 50) or 0),
        "p95_ms": 1000 * (percentile(latencies, 95) or 0),
        "p99_ms": 1000 * (percentile(latencies, 99) or 0),
        "send_p50_ms": 1000 * (percentile(sends, 50) or 0),
        "send_p95_ms": 1000 * (percentile(sends, 95) or 0),
        "errors": len(errors),
        "error_pct": 100 * len(errors) / max(len(records), 1),
        "error_kinds": dict(Counter(str(r[5]) for r in errors).most_common(6)),
    }


def timeline(stats: Stats, phase: str, bucket: float = 5.0) -> list[dict]:
    rows = {}
    for _p, t, _lat, ok, _step, _status in (r for r in stats.records if r[0] == phase):
        key = int(t // bucket)
        entry = rows.setdefault(key, {"t": key * bucket, "requests": 0, "errors": 0})
        entry["requests"] += 1
        entry["errors"] += 0 if ok else 1
    return [rows[k] for k in sorted(rows)]


def verify(round_id, stats: Stats, plans: dict, spec, fingerprint_items) -> dict:
    """Every thanked respondent stored exactly once; nothing half-written."""
    from django.db import connection

    item_code = {item.id: item.code for item in spec.items.values()}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id, a.item_id, a.value FROM assessment_response r "
            "JOIN assessment_answer a ON a.response_id = r.id WHERE r.round_id = %s",
            [round_id],
        )
        answers: dict[int, dict] = {}
        for rid, item_id, value in cursor.fetchall():
            answers.setdefault(rid, {})[item_code[item_id]] = value
        cursor.execute(
            "SELECT r.id, "
            " NOT EXISTS (SELECT 1 FROM assessment_answer a WHERE a.response_id = r.id),"
            " NOT EXISTS (SELECT 1 FROM assessment_responsescore s WHERE s.response_id = r.id)"
            " FROM assessment_response r WHERE r.round_id = %s",
            [round_id],
        )
        responses = cursor.fetchall()
    found = Counter()
    mismatched = 0
    for rid, _no_answers, _no_scores in responses:
        stored = answers.get(rid, {})
        if not all(code in stored and stored[code] for code in fingerprint_items):
            continue
        number = decode_fingerprint([stored[code] for code in fingerprint_items])
        found[number] += 1
        plan = plans.get(number)
        sent = {c: (None if v == "x" else int(v)) for c, v in plan.answers.items()} if plan else {}
        if stored != sent:
            mismatched += 1
    thanked = set(stats.thanked)
    return {
        "responses_stored": len(responses),
        "thanked": len(thanked),
        "thanked_stored_once": sum(1 for n in thanked if found[n] == 1),
        "thanked_missing": sum(1 for n in thanked if found[n] == 0),
        "duplicates": sum(1 for n, c in found.items() if c > 1),
        "stored_not_thanked": sum(1 for n in found if n not in thanked),
        "already_answered_pages": len(stats.already_answered),
        "without_answers": sum(1 for r in responses if r[1]),
        "without_scores": sum(1 for r in responses if r[2]),
        "answers_differ_from_sent": mismatched,
        "without_fingerprint": len(responses) - sum(found.values()),
    }
