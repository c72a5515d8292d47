"""Checkers for the chapters' exercises.

Each checker takes the cluster and/or the learner's answer, prints a one-line verdict and
returns a :class:`CheckResult` (``.ok``, ``.message``). Checkers read the cluster through
the API server without adding to its trace, and never change it.
"""

from __future__ import annotations

from dataclasses import dataclass

PASS = "✅"
FAIL = "❌"


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one checker: ``ok`` and a message saying why."""

    exercise: str
    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        return f"{PASS if self.ok else FAIL} exercise {self.exercise}: {'correct' if self.ok else 'not yet'} — {self.message}"


def verdict(exercise: str, ok: bool, message: str) -> CheckResult:
    """Build the result and print it."""
    r = CheckResult(exercise, bool(ok), message)
    print(r)
    return r


def normalise(name: object) -> str:
    """Lower-case, trimmed, with spaces and underscores as dashes: ``"Kube Scheduler"`` -> ``kube-scheduler``."""
    return str(name).strip().lower().replace("_", "-").replace(" ", "-")


__all__ = ["CheckResult", "verdict", "normalise", "PASS", "FAIL"]
