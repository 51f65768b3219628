"""Score the pipeline against hand-made gold facts, per category, on a development part and a
held-out test part.

Each statement named in a gold file is ingested alone into a fresh in-memory store; the facts
are read back from its graph with the SPARQL queries in data/evaluate/*.rq (so the whole
pipeline, mapping included, is what is measured) and compared with the gold.

Categories and their weights in the overall score:

    events              0.30  type, date and participating states (Jaccard >= 0.5) of each event
    persons             0.20  persons found, by name
    pledges             0.15  money pledges: amount, currency and donor
    participant states  0.10  the states that take part in the statement (not those mentioned)
    attributes          0.25  details of matched facts: event place, exact participants, planned,
                              end date; person office; pledge recipient

plus a person's state accuracy (matched persons whose state is right) and event recall.
The development part (data/expected.json) is the one the rules are tuned on; the test part
(data/test/expected.json) is only scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .extract.lexicon import find_organisations
from .ingest import read_file
from .pipeline import KnowledgeGraph
from .stores import Rows
from .vocab import CORRECTIONS_GRAPH, node, slug

CATEGORIES = ("events", "persons", "pledges", "states", "attributes")
WEIGHTS = {"events": 0.30, "persons": 0.20, "pledges": 0.15, "states": 0.10, "attributes": 0.25}
LABELS = {"events": "events", "persons": "persons", "pledges": "money pledges",
          "states": "participant states", "attributes": "attributes"}
QUERIES = Path(__file__).resolve().parent / "data" / "evaluate"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def check(self, ok: bool, got: bool = True) -> None:
        """One attribute compared: right (tp), wrong (fp and fn) or not given (fn)."""
        if ok:
            self.tp += 1
        elif got:
            self.fp += 1
            self.fn += 1
        else:
            self.fn += 1


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    details: dict[str, Score] = field(default_factory=dict)  # finer attributes (role, recipient...)
    errors: list[dict[str, Any]] = field(default_factory=list)
    statements: int = 0
    state_right: int = 0  # matched persons whose state is the gold one
    state_total: int = 0

    def detail(self, name: str) -> Score:
        return self.details.setdefault(name, Score())

    def attribute(self, name: str, ok: bool, got: bool = True) -> None:
        self.scores["attributes"].check(ok, got)
        self.detail(name).check(ok, got)

    @property
    def overall(self) -> float:
        """The weighted mean of the categories' F1."""
        return sum(WEIGHTS[c] * self.scores[c].f1 for c in CATEGORIES)

    @property
    def person_state_accuracy(self) -> float:
        return self.state_right / self.state_total if self.state_total else 1.0

    @property
    def event_recall(self) -> float:
        return self.scores["events"].recall

    def figures(self) -> dict[str, float]:
        """The figures held by the tests: each category's F1, overall, state accuracy, event recall."""
        out = {c: round(self.scores[c].f1, 3) for c in CATEGORIES}
        out["overall"] = round(self.overall, 3)
        out["person_state_accuracy"] = round(self.person_state_accuracy, 3)
        out["event_recall"] = round(self.event_recall, 3)
        return out

    def as_dict(self) -> dict[str, Any]:
        def d(s: Score) -> dict[str, Any]:
            return {"precision": round(s.precision, 3), "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3), "tp": s.tp, "fp": s.fp, "fn": s.fn}
        return {"statements": self.statements,
                "categories": {k: d(v) for k, v in self.scores.items()},
                "weights": WEIGHTS,
                "overall": round(self.overall, 3),
                "person_state_accuracy": round(self.person_state_accuracy, 3),
                "person_state_counts": {"right": self.state_right, "total": self.state_total},
                "event_recall": round(self.event_recall, 3),
                "details": {k: d(v) for k, v in sorted(self.details.items())}}


class EvaluationError(Exception):
    pass


@cache
def _query(name: str) -> str:
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def _org_key(name: str) -> str:
    name = name.removeprefix("org:")
    found = find_organisations(name)
    return found[0].key if found else slug(name)


def _norm_name(name: str) -> str:
    return slug(name)


def _same_person(a: str, b: str) -> bool:
    """Slugs of one name written fuller or shorter: 'lloyd-j-austin' ~ 'lloyd-j-austin-iii'; or
    the same words in another order: the gold keeps the name as the text writes it ("IWAMA
    Kiminori", surname first in capitals), the graph stores it in the usual order ("Kiminori
    Iwama", extract.persons._surname_in_capitals) so that it is one person across sources."""
    return (a.startswith(b + "-") or b.startswith(a + "-") or a.endswith("-" + b) or b.endswith("-" + a)
            or ("-" in a and sorted(a.split("-")) == sorted(b.split("-"))))


def _facts(kg: KnowledgeGraph) -> dict[str, Any]:
    """The facts of one statement's graph, in the gold file's terms."""
    def rows(name: str) -> list[dict[str, Any]]:
        r = kg.store.query(_query(name))
        assert isinstance(r, Rows)
        return r.dicts()

    events: dict[str, dict[str, Any]] = {}
    for r in rows("events"):
        e = events.setdefault(str(r["e"]), {"type": r["type"], "date": r.get("date"), "end_date": r.get("end"),
                                             "planned": r.get("planned"), "places": set(),
                                             "countries": set(), "orgs": set()})
        if r.get("pl"):
            e["places"].add(r["pl"])
    for r in rows("event_states"):
        if str(r["e"]) in events:
            events[str(r["e"])]["countries"].add(r["iso"])
    persons = {(_norm_name(r["name"]), r.get("iso"), r.get("role")) for r in rows("persons")}
    pledges = [{"amount": r.get("amount"), "currency": r.get("cur"), "donor": r.get("donor"),
                "recipient": r.get("rec")} for r in rows("pledges")]
    countries = {r["iso"] for r in rows("states")}
    return {"events": list(events.values()), "persons": persons, "pledges": pledges,
            "countries": countries}


def _match_events(gold: list[dict[str, Any]], got: list[dict[str, Any]], ev: Evaluation,
                  err: dict[str, Any]) -> None:
    used: set[int] = set()
    tp = 0
    for g in gold:
        g_date = date.fromisoformat(g["date"]) if g.get("date") else None
        g_c = {p for p in g.get("participants", []) if not p.startswith("org:")}
        best, best_j = None, -1.0
        for i, e in enumerate(got):
            if i in used or e["type"] != g["type"] or e["date"] != g_date:
                continue
            union = g_c | e["countries"]
            j = len(g_c & e["countries"]) / len(union) if union else 1.0
            if j >= 0.5 and j > best_j:
                best, best_j = i, j
        if best is None:
            err.setdefault("missed_events", []).append(
                {"type": g["type"], "date": g.get("date"), "participants": sorted(g_c)})
            if g.get("place"):
                ev.attribute("event place", False, got=False)
            continue
        used.add(best)
        tp += 1
        e = got[best]
        exact = e["countries"] == g_c
        ev.attribute("event participants exact", exact)
        if not exact:
            err.setdefault("event_participants", []).append(
                {"type": g["type"], "date": g.get("date"), "gold": sorted(g_c), "got": sorted(e["countries"])})
        if g.get("place") or e["places"]:
            same = bool(g.get("place")) and slug(g.get("place") or "") in {slug(p) for p in e["places"]}
            if g.get("place"):
                ev.attribute("event place", same, got=bool(e["places"]))
            else:
                ev.scores["attributes"].add(0, 1, 0)
                ev.detail("event place").add(0, 1, 0)
            if not same:
                err.setdefault("places", []).append({"gold": g.get("place"), "got": sorted(e["places"])})
        if "planned" in g and g["planned"] is not None:
            ok = bool(e["planned"]) == bool(g["planned"])
            ev.attribute("event planned", ok)
            if not ok:
                err.setdefault("event_planned", []).append({"type": g["type"], "date": g.get("date"),
                                                             "gold": g["planned"], "got": bool(e["planned"])})
        if g.get("end_date"):
            same_end = e["end_date"] == date.fromisoformat(g["end_date"])
            ev.attribute("event end date", same_end, got=e["end_date"] is not None)
            if not same_end:
                err.setdefault("event_end_date", []).append(
                    {"type": g["type"], "date": g.get("date"), "gold": g["end_date"],
                     "got": str(e["end_date"]) if e["end_date"] is not None else None})
    fp = len(got) - len(used)
    for i, e in enumerate(got):
        if i not in used:
            err.setdefault("extra_events", []).append(
                {"type": e["type"], "date": str(e["date"]), "countries": sorted(e["countries"])})
    ev.scores["events"].add(tp, fp, len(gold) - tp)


def _match_persons(gold: list[dict[str, Any]], got: set[tuple[str, str | None, str | None]],
                   ev: Evaluation, err: dict[str, Any]) -> None:
    # sorted: the same figures on every run (set order varies with the hash seed)
    got_by_name = {n: (c, r) for n, c, r in sorted(got, key=lambda x: (x[0], x[1] or "", x[2] or ""))}
    tp = 0
    matched: set[str] = set()
    for g in gold:
        name = _norm_name(g["name"])
        hit = got_by_name.get(name)
        if hit is None:
            # a gold name given in full matches a graph name that ends the same ("Teodoro Jr")
            hit_name = next((n for n in got_by_name if n not in matched and _same_person(n, name)), None)
            if hit_name:
                hit, name = got_by_name[hit_name], hit_name
        if hit is None or name in matched:
            err.setdefault("missed_persons", []).append(g["name"])
            continue
        matched.add(name)
        tp += 1
        if "country" in g:
            ev.state_total += 1
            if hit[0] == g.get("country"):
                ev.state_right += 1
            else:
                err.setdefault("person_state", []).append({"name": g["name"], "gold": g.get("country"),
                                                           "got": hit[0]})
        if g.get("role"):
            ok = bool(hit[1]) and slug(hit[1] or "") in slug(g["role"])
            ev.attribute("person office", ok, got=bool(hit[1]))
            if not ok:
                err.setdefault("person_office", []).append({"name": g["name"], "gold": g["role"], "got": hit[1]})
    extra = [n for n in got_by_name if n not in matched]
    if extra:
        err["extra_persons"] = extra
    ev.scores["persons"].add(tp, len(got) - tp, len(gold) - tp)


def _match_pledges(gold: list[dict[str, Any]], got: list[dict[str, Any]], ev: Evaluation,
                   err: dict[str, Any]) -> None:
    gold = [g for g in gold if g.get("amount")]  # money pledges; in-kind ones are not scored here
    got = [p for p in got if p["amount"] is not None]
    used: set[int] = set()
    tp = 0
    for g in gold:
        amount = Decimal(str(g["amount"]))
        best = None
        for i, p in enumerate(got):
            if i in used or p["amount"] != amount or p["currency"] != g.get("currency"):
                continue
            if (p["donor"] or "").upper() == (g.get("donor") or "").upper().removeprefix("ORG:") or \
                    p["donor"] == _org_key(g.get("donor") or ""):
                best = i
                break
        if best is None:
            err.setdefault("missed_pledges", []).append(g)
            continue
        used.add(best)
        tp += 1
        ok = (got[best]["recipient"] or "") in (g.get("recipient") or "", _org_key(g.get("recipient") or ""))
        ev.attribute("pledge recipient", ok, got=bool(got[best]["recipient"]))
        if not ok:
            err.setdefault("pledge_recipient", []).append({"gold": g.get("recipient"), "got": got[best]["recipient"]})
    for i, p in enumerate(got):
        if i not in used:
            err.setdefault("extra_pledges", []).append({k: str(v) for k, v in p.items()})
    ev.scores["pledges"].add(tp, len(got) - tp, len(gold) - tp)


def evaluate(gold_file: str | Path, *, only: Iterable[str] | None = None,
             corrections: str | Path | None = None) -> Evaluation:
    """Build each gold statement's graph alone and score it against the gold facts.

    ``corrections``: a file of analysts' corrections (``defgraph correct export``) put in
    each statement's store before it is ingested, so the score is that of the curated
    graph; the difference from the score without them is the value of curation.
    """
    curated: list[Any] = []
    if corrections is not None:
        from .curation import CurationError
        from .curation import read_file as read_corrections

        try:
            curated = [ox.Quad(t.subject, t.predicate, t.object, node(CORRECTIONS_GRAPH))
                       for t in read_corrections(corrections)]
        except CurationError as exc:
            raise EvaluationError(str(exc)) from exc
    gold_path = Path(gold_file)
    try:
        doc = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationError(f"{gold_path}: cannot read the gold file: {exc}") from exc
    entries = doc["statements"] if isinstance(doc, dict) else doc
    ev = Evaluation()
    cache: dict[str, list[Any]] = {}
    wanted = set(only or ())
    for entry in entries:
        if wanted and entry["file"] not in wanted:
            continue
        path = gold_path.parent / entry["file"]
        if entry["file"] not in cache:
            try:
                cache[entry["file"]] = read_file(path)
            except Exception as exc:
                raise EvaluationError(f"{path}: cannot read the statement: {exc}") from exc
        statements = cache[entry["file"]]
        st = next((s for s in statements if (s.title or "").strip() == entry["title"].strip()), None)
        if st is None:
            st = next((s for s in statements if entry["title"].strip() in s.text), None)
        if st is None:
            raise EvaluationError(f"{entry['file']}: no statement titled {entry['title']!r}")
        kg = KnowledgeGraph(":memory:")
        if curated:
            kg.store.replace_graph(CORRECTIONS_GRAPH, curated)
        kg.add_statement(st)
        facts = _facts(kg)
        err: dict[str, Any] = {}
        _match_events(entry.get("events", []), facts["events"], ev, err)
        _match_persons(entry.get("persons", []), facts["persons"], ev, err)
        _match_pledges(entry.get("pledges", []), facts["pledges"], ev, err)
        gold_c = set(entry.get("countries", []))
        got_c = facts["countries"]
        ev.scores["states"].add(len(gold_c & got_c), len(got_c - gold_c), len(gold_c - got_c))
        if gold_c != got_c:
            err["participant_states"] = {"missing": sorted(gold_c - got_c), "extra": sorted(got_c - gold_c)}
        if err:
            ev.errors.append({"file": entry["file"], "title": entry["title"], **err})
        ev.statements += 1
    return ev


def default_parts(root: str | Path | None = None) -> dict[str, Path]:
    """The development and test gold files of a checkout (or of the bundled sample data):
    data/expected.json and, when present, data/test/expected.json."""
    from .resources import sample_data_dir

    base = Path(root) if root is not None else sample_data_dir()
    parts = {"dev": base / "expected.json"}
    if (base / "test" / "expected.json").is_file():
        parts["test"] = base / "test" / "expected.json"
    return parts


def evaluate_parts(parts: dict[str, str | Path], *,
                   corrections: str | Path | None = None) -> dict[str, Evaluation]:
    """Each part scored on its own (a part's statements are never mixed with another's),
    with analysts' corrections applied when given (see evaluate)."""
    return {name: evaluate(path, corrections=corrections) for name, path in parts.items()}


def floors(results: dict[str, Evaluation], margin: float = 0.02) -> dict[str, Any]:
    """What the tests hold: each figure of each part at its current value minus `margin`."""
    return {"about": "Regression floors of `defgraph evaluate`: each figure at its score when written "
                     f"minus {margin}. Regenerate with: defgraph evaluate --write-floors "
                     "tests/evaluation_floors.json",
            "margin": margin,
            "parts": {name: {k: round(max(0.0, v - margin), 3) for k, v in ev.figures().items()}
                      for name, ev in results.items()}}
