"""The one place fetching hands statements to the pipeline (re-point it here if that changes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Statement
from ..pipeline import KnowledgeGraph
from ..store import StoreUnavailable


@dataclass(frozen=True)
class Outcome:
    statement: Statement
    stored: bool  # a new or replaced named graph
    error: str | None = None  # why it was not stored


def ingest_statements(kg: KnowledgeGraph, statements: Iterable[Statement]) -> list[Outcome]:
    """Store each statement as ``ingest`` does (its own named graph, replaced whole when it
    changed); one outcome per statement. StoreUnavailable propagates: the run must stop."""
    outcomes: list[Outcome] = []
    for st in statements:
        try:
            changed, _ = kg.add_statement(st)
        except StoreUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - one statement breaking must not stop the rest
            outcomes.append(Outcome(st, False, f"could not be stored ({type(exc).__name__}: {exc})"))
            continue
        outcomes.append(Outcome(st, changed))
    kg.store.flush()
    return outcomes
