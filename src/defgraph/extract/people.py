"""People and states across statements: what one statement says about a person (their state,
their office) applied where another statement names the same person without saying it.

Pure functions over plain records, so that the consolidation step (which merges the facts of
many statements) can call them without this module knowing about stores or graphs:

    inferences = infer_states(records)          # states and offices, time-aware
    holders = infer_post_holders(posts, records)  # unnamed posts a later statement names

Rules, in short: a state or office is taken from the statements that say it, nearest in time
first; a source further away than `max_gap_days` is not used; sources that disagree lower the
confidence rather than being outvoted silently; an office is not carried across a date at
which another person is named in the same office of the same state (a successor); each
inference names the statement it came from and has method "inferred-across-statements".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..model import Extraction

__all__ = ["METHOD", "Inference", "PersonRecord", "PostHolder", "PostRecord", "default_confidence",
           "infer_post_holders", "infer_states", "records_from_extraction"]

METHOD = "inferred-across-statements"


@dataclass(frozen=True)
class PersonRecord:
    """One person as one statement reports them."""

    person_key: str
    name: str
    office: str | None
    state: str | None  # ISO3, None when the statement does not tell
    date: dt.date | None  # the statement's date
    statement: str  # the statement's key (its IRI or id)
    confidence: float = 0.85  # how sure that statement's extraction is of this person's facts


@dataclass(frozen=True)
class Inference:
    """A fact about a person in `statement`, learned from `source_statement`."""

    person_key: str
    statement: str
    field: Literal["state", "office"]
    value: str
    source_statement: str
    source_date: dt.date | None
    confidence: float
    method: str = METHOD


@dataclass(frozen=True)
class PostRecord:
    """An office named with its state but no holder ("the French Minister for the Armed Forces")."""

    post_key: str
    office: str
    state: str
    date: dt.date | None
    statement: str


@dataclass(frozen=True)
class PostHolder:
    post_key: str
    statement: str
    person_key: str
    source_statement: str
    confidence: float
    method: str = METHOD


def _gap(a: dt.date | None, b: dt.date | None) -> int | None:
    return None if a is None or b is None else abs((a - b).days)


def _norm_office(office: str) -> str:
    return " ".join(office.lower().split())


def _successor_between(person_key: str, office: str, state: str | None, a: dt.date | None,
                       b: dt.date | None, holders: dict[tuple[str, str | None], list[PersonRecord]]) -> bool:
    """Someone else is named in the same office of the same state between the two dates."""
    if a is None or b is None:
        return False
    lo, hi = min(a, b), max(a, b)
    return any(r.person_key != person_key and r.date is not None and lo < r.date < hi
               for r in holders.get((_norm_office(office), state), ()))


def infer_states(records: Iterable[PersonRecord], *, max_gap_days: int = 730,
                 min_source_confidence: float = 0.75, base_confidence: float = 0.7) -> list[Inference]:
    """States and offices of persons in the statements that do not say them, learned from the
    statements that do (see the module's docstring for the rules)."""
    records = list(records)
    by_person: dict[str, list[PersonRecord]] = defaultdict(list)
    holders: dict[tuple[str, str | None], list[PersonRecord]] = defaultdict(list)
    for r in records:
        by_person[r.person_key].append(r)
        if r.office and r.confidence >= min_source_confidence:
            holders[(_norm_office(r.office), r.state)].append(r)
    out: list[Inference] = []
    for key, recs in sorted(by_person.items()):
        state_sources = [r for r in recs if r.state and r.confidence >= min_source_confidence]
        office_sources = [r for r in recs if r.office and r.confidence >= min_source_confidence]
        for target in recs:
            if target.state is None and state_sources:
                inf = _infer_field(target, state_sources, "state", max_gap_days, base_confidence, holders)
                if inf:
                    out.append(inf)
            if target.office is None and office_sources:
                inf = _infer_field(target, office_sources, "office", max_gap_days, base_confidence, holders)
                if inf:
                    out.append(inf)
    return out


def _infer_field(target: PersonRecord, sources: list[PersonRecord], field: Literal["state", "office"],
                 max_gap_days: int, base: float,
                 holders: dict[tuple[str, str | None], list[PersonRecord]]) -> Inference | None:
    usable = []
    for s in sources:
        if s.statement == target.statement:
            continue
        gap = _gap(s.date, target.date)
        if gap is not None and gap > max_gap_days:
            continue
        if field == "office" and s.office and _successor_between(
                target.person_key, s.office, s.state, s.date, target.date, holders):
            continue  # a successor was named in between: the office had passed on
        usable.append((gap if gap is not None else max_gap_days, s))
    if not usable:
        return None
    usable.sort(key=lambda x: (x[0], x[1].statement))

    def value_of(r: PersonRecord) -> str:
        return (r.state or "") if field == "state" else _norm_office(r.office or "")

    # Each source votes, nearer in time weighing more. A state is the weighted majority's (a
    # person does not change state; a stray cue is more likely an error); an office is the
    # nearest source's (offices change). A split vote lowers confidence; no majority, no guess.
    weights: dict[str, float] = defaultdict(float)
    for gap, s in usable:
        weights[value_of(s)] += 1.0 / (1.0 + gap / 365)
    total = sum(weights.values())
    if field == "state":
        winner = max(sorted(weights), key=lambda v: weights[v])
        gap, best = next((g, s) for g, s in usable if value_of(s) == winner)
    else:
        gap, best = usable[0]
        winner = value_of(best)
    share = weights[winner] / total
    if share < 0.5:
        return None
    value = best.state if field == "state" else best.office
    assert value is not None
    confidence = min(base, best.confidence) * share * (1.0 if gap <= 365 else 0.85)
    return Inference(target.person_key, target.statement, field, value, best.statement, best.date,
                     round(confidence, 3))


def infer_post_holders(posts: Iterable[PostRecord], records: Iterable[PersonRecord], *,
                       max_gap_days: int = 365, base_confidence: float = 0.6) -> list[PostHolder]:
    """Unnamed posts that another statement names: the person named in the same office of the
    same state nearest in time, when no one else holds it in between and exactly one does."""
    holders: dict[tuple[str, str | None], list[PersonRecord]] = defaultdict(list)
    for r in records:
        if r.office and r.state:
            holders[(_norm_office(r.office), r.state)].append(r)
    out: list[PostHolder] = []
    for post in posts:
        cands = []
        for r in holders.get((_norm_office(post.office), post.state), ()):
            gap = _gap(r.date, post.date)
            if gap is None or gap > max_gap_days:
                continue
            cands.append((gap, r))
        if not cands:
            continue
        cands.sort(key=lambda x: (x[0], x[1].statement))
        gap, best = cands[0]
        if len({r.person_key for _, r in cands}) > 1 and _successor_between(
                best.person_key, post.office, post.state, best.date, post.date, holders):
            continue
        people = {r.person_key for g, r in cands if g <= gap + 30}
        if len(people) != 1:
            continue  # two holders near that date: a change of office, do not guess
        out.append(PostHolder(post.post_key, post.statement, best.person_key, best.statement,
                              round(base_confidence * (1.0 if gap <= 180 else 0.85), 3)))
    return out


def records_from_extraction(ex: Extraction, statement_key: str) -> tuple[list[PersonRecord], list[PostRecord]]:
    """The person and post records of one statement's extraction (for `infer_states` and
    `infer_post_holders`); the statement's date is its issue date."""
    day = ex.statement.issued
    persons = [PersonRecord(p.key, p.name, p.role_title, p.country, day, statement_key, p.confidence)
               for p in ex.persons.values()]
    posts = [PostRecord(p.key, p.role_title, p.country, day, statement_key)
             for p in ex.posts.values() if p.country]
    return persons, posts


def default_confidence() -> float:
    """The confidence of an inference with an undisputed, recent source (rules/windows.yaml)."""
    from ..rules import rules

    return rules().confidence("inferred_across_statements")
