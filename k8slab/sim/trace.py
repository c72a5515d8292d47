"""The trace: who called whom, when. Every API call and every watch delivery is a record."""

from __future__ import annotations

from dataclasses import dataclass, astuple, fields
from typing import Iterator


@dataclass(frozen=True)
class TraceRecord:
    """One interaction: at ``time``, ``source`` did ``verb`` on ``target`` for kind/name."""

    time: float
    source: str
    target: str
    verb: str
    kind: str
    name: str
    namespace: str = ""
    detail: str = ""

    def __str__(self) -> str:
        if self.kind == "key":  # an etcd key: print it as it is
            obj = self.name
        else:
            obj = f"{self.kind}/{self.name}" if self.name else self.kind
        if self.namespace:
            obj = f"{self.namespace}/{obj}"
        d = f" ({self.detail})" if self.detail else ""
        return f"{self.time:9.3f}s  {self.source} -> {self.target}: {self.verb} {obj}{d}"


class Trace:
    """An append-only list of :class:`TraceRecord`, with filters and a DataFrame view.

    ``limit`` bounds memory for large simulations (oldest records are dropped);
    ``enabled = False`` turns recording off (benchmarks).
    """

    COLUMNS = [f.name for f in fields(TraceRecord)]

    def __init__(self, limit: int | None = 200_000):
        self.records: list[TraceRecord] = []
        self.limit = limit
        self.enabled = True
        self.dropped = 0

    def add(self, rec: TraceRecord) -> None:
        if not self.enabled:
            return
        self.records.append(rec)
        if self.limit is not None and len(self.records) > self.limit:
            cut = len(self.records) - self.limit
            del self.records[:cut]
            self.dropped += cut

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[TraceRecord]:
        return iter(self.records)

    def __getitem__(self, i):
        return self.records[i]

    def since(self, time: float) -> list[TraceRecord]:
        return [r for r in self.records if r.time >= time]

    def filter(self, **match: str) -> list[TraceRecord]:
        """Records whose fields equal every given value, e.g. ``filter(verb="create")``."""
        return [r for r in self.records if all(getattr(r, k) == v for k, v in match.items())]

    def to_frame(self, records: list[TraceRecord] | None = None):
        """The records as a pandas DataFrame (one row each)."""
        import pandas as pd

        recs = self.records if records is None else records
        return pd.DataFrame([astuple(r) for r in recs], columns=self.COLUMNS)

    def mark(self) -> int:
        """A position to slice from later: ``trace[m:]``."""
        return len(self.records)
