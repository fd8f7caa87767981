"""Reliability drills for Amber: `python -m drills` (or `make drill`).

Each drill starts its own loopback parts (local calendars, a litecoind regtest chain), runs
against throwaway data folders, stops by itself within its time budget and returns one
:class:`~drills.report.DrillResult` per line of the table.
"""
