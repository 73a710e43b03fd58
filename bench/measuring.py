"""Timing helpers shared by the benchmark scripts: counting queries and median wall times."""

import statistics
import time


class QueryCounter:
    """Counts statements sent to the database (execute_wrapper: no SQL kept, tiny overhead)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count_queries(fn) -> int:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        fn()
    return counter.count


def timed(fn, reps: int, before=None) -> float:
    """Median wall time of `reps` calls; `before` runs untimed before each one."""
    times = []
    for _ in range(reps):
        if before:
            before()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
