"""A large school for benchmarks (`flask --app eduflow bench-data`): campuses at a chain's real size.

Each campus holds, at scale 1.0, 30 salespeople, 100,000 leads with 1,000,000 follow-ups (one lead with
2,000), 5,000 students with parents, 200 classes with 20,000 lessons and 300,000 attendance marks with
the enrolments, payments and ledger rows the app itself writes. Rows go in with bulk Core inserts, in
the same shapes the services write (plain values into encrypted columns: the column type encrypts).
`sample()` reads back, from the database alone, the accounts and records a benchmark needs.
"""
from __future__ import annotations

import datetime as dt

from eduflow.benchdata.org import BENCH_PASSWORD
from eduflow.benchdata.sample import Sample, sample

__all__ = ["BENCH_PASSWORD", "Sample", "build", "sample"]


def build(campuses: int, scale: float = 1.0, seed: int = 7, *, now: dt.datetime | None = None,
          progress=lambda message: None) -> Sample:
    """Add `campuses` benchmark campuses to the database and commit; return the sample of the first one."""
    from eduflow.benchdata.load import load

    return sample(load(campuses, scale, seed, now=now, progress=progress))
