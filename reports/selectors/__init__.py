"""Reads for reports: everything comes from the published snapshot (reports.models), with the
anonymity rules applied here so every output gets the same, already-suppressed numbers."""

from .benchmark import benchmark, benchmark_for_viewer, benchmark_viewer
from .home import home_overview
from .published_comparison import benchmarks_for
from .reliability import reliability_for_published_rounds
from .report import municipality_report
from .report_data import Report
from .stats import Group, Overall, Stat, quartiles
from .trend import municipality_trend, national_trend

__all__ = [
    "Group",
    "Overall",
    "Report",
    "Stat",
    "benchmark",
    "benchmark_for_viewer",
    "benchmark_viewer",
    "benchmarks_for",
    "home_overview",
    "municipality_report",
    "municipality_trend",
    "national_trend",
    "quartiles",
    "reliability_for_published_rounds",
]
