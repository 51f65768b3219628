"""Golden examples: for each rule family, texts written for the project and the facts the rules
must draw from them (tests/golden/<family>/*.yaml). See tests/golden/README.md for the format."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from defgraph.extract import extract
from defgraph.model import ActorRef, Extraction, Statement
from defgraph.rules import load_rules, reset_rules

GOLDEN = Path(__file__).resolve().parent / "golden"
FILES = sorted(GOLDEN.glob("*/*.yaml"))


def _statement(raw: dict[str, Any]) -> Statement:
    issued = raw.get("issued")
    if issued is not None and not isinstance(issued, dt.date):
        issued = dt.date.fromisoformat(str(issued))
    return Statement(text=raw["text"], title=raw.get("title") or raw["text"].split("\n")[0],
                     issued=issued, publisher=raw.get("publisher"), source_url=raw.get("url"))


def _states(refs: list[ActorRef]) -> set[str]:
    return {r.key for r in refs if r.kind == "country"}


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _check_event(ex: Extraction, want: dict[str, Any]) -> str | None:
    """None when an extracted event matches the expectation, else what was found."""
    for e in ex.events:
        if e.type != want["type"]:
            continue
        if "date" in want and e.date != _day(want["date"]):
            continue
        states = _states(e.participants) | _states(e.convenors)
        if "participants" in want and states != set(want["participants"]):
            continue
        if not set(want.get("participants_include", [])) <= states:
            continue
        if set(want.get("participants_exclude", [])) & states:
            continue
        if "planned" in want and e.planned != want["planned"]:
            continue
        if "end_date" in want and e.end_date != _day(want["end_date"]):
            continue
        if "convenors" in want and _states(e.convenors) != set(want["convenors"]):
            continue
        if "place" in want and want["place"] is None and e.place is not None:
            continue  # `place: null`: the event has no place
        if "place" in want and want["place"] is not None and (
                e.place is None or ex.places[e.place].name != want["place"]):
            continue
        if "organisations_include" in want and not set(want["organisations_include"]) <= {
                r.key for r in e.participants if r.kind == "organisation"}:
            continue
        if "kind" in want and f":{want['kind'].lower()}:" not in e.method:
            continue
        return None
    return "; ".join(f"{e.type} {e.date} planned={e.planned} {sorted(_states(e.participants))} {e.method}"
                     for e in ex.events) or "no events"


def _run(path: Path) -> list[str]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc.get("note"), f"{path.name}: every golden example says what it shows (note)"
    ex = extract(_statement(doc["statement"]))
    want = doc.get("expect") or {}
    problems: list[str] = []
    for ev in want.get("events", []):
        found = _check_event(ex, ev)
        if found is not None:
            problems.append(f"event {ev} not found; got: {found}")
    if "event_count" in want and len(ex.events) != want["event_count"]:
        problems.append(f"{len(ex.events)} events, expected {want['event_count']}")
    all_states = set().union(*[_states(e.participants) | _states(e.convenors) for e in ex.events]) \
        if ex.events else set()
    for iso3 in want.get("never_participants", []):
        if iso3 in all_states:
            problems.append(f"{iso3} is a participant but is only mentioned")
    by_name = {p.name: p for p in ex.persons.values()}
    for p in want.get("persons", []):
        got = by_name.get(p["name"])
        if got is None:
            problems.append(f"person {p['name']!r} not found; got {sorted(by_name)}")
            continue
        if "country" in p and got.country != p["country"]:
            problems.append(f"{p['name']}: state {got.country}, expected {p['country']}")
        if "role" in p and got.role_title != p["role"]:
            problems.append(f"{p['name']}: office {got.role_title!r}, expected {p['role']!r}")
    for bad in want.get("not_persons", []):
        hits = [n for n in by_name if n == bad or bad in n.split()]
        if hits:
            problems.append(f"{bad!r} taken as (part of) a person: {hits}")
    if "persons_exactly" in want and set(by_name) != set(want["persons_exactly"]):
        problems.append(f"persons {sorted(by_name)}, expected exactly {sorted(want['persons_exactly'])}")
    if "persons_in_graph" in want:
        # the persons the statement's facts hold: those named and the known holders of the offices
        # it names without a holder (a holder the text names is one person, not two)
        keys = set(ex.persons) | {p.holder.key for p in ex.posts.values() if p.holder is not None}
        if len(keys) != want["persons_in_graph"]:
            problems.append(f"persons in the graph {sorted(keys)}, expected {want['persons_in_graph']}")
    for pl in want.get("pledges", []):
        ok = any((pl.get("amount") is None or p.amount == Decimal(str(pl["amount"])))
                 and p.currency == pl.get("currency", p.currency)
                 and (p.donor.key if p.donor else None) == pl.get("donor", p.donor.key if p.donor else None)
                 and (p.recipient.key if p.recipient else None) == pl.get(
                     "recipient", p.recipient.key if p.recipient else None)
                 for p in ex.pledges)
        if not ok:
            problems.append(f"pledge {pl} not found; got {[(str(p.amount), p.currency, p.donor, p.recipient) for p in ex.pledges]}")
    if "pledge_count" in want and len(ex.pledges) != want["pledge_count"]:
        problems.append(f"{len(ex.pledges)} pledges, expected {want['pledge_count']}: "
                        f"{[(str(p.amount), p.currency) for p in ex.pledges]}")
    for org in want.get("organisations", []):
        if org not in ex.organisations:
            problems.append(f"organisation {org} not found; got {sorted(ex.organisations)}")
    return problems


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_golden_example(path: Path) -> None:
    assert _run(path) == []


def test_every_rule_family_has_golden_examples() -> None:
    families = {p.parent.name for p in FILES}
    assert {"events", "offices", "names", "organisations", "groups", "venues", "dates", "pledges"} <= families


def test_golden_files_are_well_formed() -> None:
    keys = {"events", "event_count", "never_participants", "persons", "not_persons", "persons_exactly",
            "persons_in_graph", "pledges", "pledge_count", "organisations"}
    for path in FILES:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(doc) <= {"note", "statement", "expect"}, path
        assert set(doc.get("expect") or {}) <= keys, path


def test_builtin_rules_load() -> None:
    reset_rules()
    r = load_rules()
    assert {t.cls for t in r.event_types} >= {"Meeting", "Visit", "Call", "AgreementSigning"}
