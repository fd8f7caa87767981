"""Amber's benchmarks: each compares an Amber figure with a reference tool in the same run."""
