"""Benchmark scripts (not tests). See bench/RESULTS.md and the docstring of each script."""
