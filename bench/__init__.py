"""Benchmarks for Bookday. Run them with `make bench` (see docs/benchmarks.md)."""
