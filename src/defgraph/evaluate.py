"""Score the pipeline against hand-made gold facts: precision, recall and F1 per category.

Each statement named in the gold file is ingested alone into a fresh in-memory
store; the facts are read back from its graph with SPARQL (so the whole
pipeline, mapping included, is what is measured) and compared with the gold.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .extract.lexicon import find_organisations
from .ingest import read_file
from .pipeline import KnowledgeGraph
from .store import Rows
from .vocab import slug

CATEGORIES = ("events", "places", "persons", "pledges", "countries")


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


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {c: Score() for c in CATEGORIES})
    details: dict[str, Score] = field(default_factory=dict)  # finer attributes (role, recipient...)
    errors: list[dict[str, Any]] = field(default_factory=list)
    statements: int = 0

    def detail(self, name: str) -> Score:
        return self.details.setdefault(name, Score())

    @property
    def overall(self) -> Score:
        total = Score()
        for s in self.scores.values():
            total.add(s.tp, s.fp, s.fn)
        return total

    def as_dict(self) -> dict[str, Any]:
        def d(s: Score) -> dict[str, Any]:
            return {"precision": round(s.precision, 3), "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3), "tp": s.tp, "fp": s.fp, "fn": s.fn}
        return {"statements": self.statements,
                "categories": {k: d(v) for k, v in self.scores.items()},
                "details": {k: d(v) for k, v in sorted(self.details.items())},
                "overall": d(self.overall)}


class EvaluationError(Exception):
    pass


def _org_key(name: str) -> str:
    name = name.removeprefix("org:")
    found = find_organisations(name)
    return found[0].key if found else slug(name)


def _norm_name(name: str) -> str:
    return slug(name)


def _same_person(a: str, b: str) -> bool:
    """Slugs of one name written fuller or shorter: 'lloyd-j-austin' ~ 'lloyd-j-austin-iii'."""
    return a.startswith(b + "-") or b.startswith(a + "-") or a.endswith("-" + b) or b.endswith("-" + a)


def _facts(kg: KnowledgeGraph) -> dict[str, Any]:
    """The facts of one statement's graph, in the gold file's terms."""
    def rows(sparql: str) -> list[dict[str, Any]]:
        r = kg.store.query(sparql)
        assert isinstance(r, Rows)
        return r.dicts()

    events: dict[str, dict[str, Any]] = {}
    for r in rows("""SELECT ?e ?type ?date ?place ?pl WHERE {
        ?e a ?t . ?t rdfs:subClassOf dg:Event . BIND(STRAFTER(STR(?t), '#') AS ?type)
        OPTIONAL { ?e dg:date ?date } OPTIONAL { ?e dg:location ?p . ?p rdfs:label ?pl }
        OPTIONAL { ?e dg:location/dg:country/dg:iso3 ?place } }"""):
        e = events.setdefault(str(r["e"]), {"type": r["type"], "date": r.get("date"),
                                             "places": set(), "countries": set(), "orgs": set()})
        if r.get("pl"):
            e["places"].add(r["pl"])
    for r in rows("""SELECT ?e ?iso WHERE { ?e dg:participant|dg:convenedBy ?c . ?c dg:iso3 ?iso }"""):
        if str(r["e"]) in events:
            events[str(r["e"])]["countries"].add(r["iso"])
    persons = {(_norm_name(r["name"]), r.get("iso"), r.get("role"))
               for r in rows("""SELECT ?name ?iso ?role WHERE { ?p a dg:Person ; rdfs:label ?name .
                   OPTIONAL { ?p dg:represents/dg:iso3 ?iso } OPTIONAL { ?p dg:roleTitle ?role } }""")}
    pledges = [{"amount": r.get("amount"), "currency": r.get("cur"), "donor": r.get("donor"),
                "recipient": r.get("rec")}
               for r in rows("""SELECT ?p ?amount ?cur ?donor ?rec WHERE { ?p a dg:Pledge .
                   OPTIONAL { ?p dg:amount ?amount } OPTIONAL { ?p dg:currency ?cur }
                   OPTIONAL { ?p dg:pledgedBy ?d . OPTIONAL { ?d dg:iso3 ?di } BIND(COALESCE(?di, STRAFTER(STR(?d), '/org/')) AS ?donor) }
                   OPTIONAL { ?p dg:beneficiary ?r . OPTIONAL { ?r dg:iso3 ?ri } BIND(COALESCE(?ri, STRAFTER(STR(?r), '/org/')) AS ?rec) } }""")]
    countries = {r["iso"] for r in rows("""SELECT DISTINCT ?iso WHERE {
        { ?x dg:participant|dg:convenedBy|dg:pledgedBy|dg:beneficiary ?c }
        UNION { ?x a dg:Person ; dg:represents ?c } ?c dg:iso3 ?iso }""")}
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
            continue
        used.add(best)
        tp += 1
        e = got[best]
        ev.detail("event participants exact").add(int(e["countries"] == g_c), int(e["countries"] != g_c), 0)
        if g.get("place") or e["places"]:
            same = bool(g.get("place")) and slug(g.get("place") or "") in {slug(p) for p in e["places"]}
            ev.scores["places"].add(int(same), int(bool(e["places"]) and not same),
                                    int(bool(g.get("place")) and not same))
            if not same:
                err.setdefault("places", []).append({"gold": g.get("place"), "got": sorted(e["places"])})
    fp = len(got) - len(used)
    for i, e in enumerate(got):
        if i not in used:
            err.setdefault("extra_events", []).append(
                {"type": e["type"], "date": str(e["date"]), "countries": sorted(e["countries"])})
            if e["places"]:
                ev.scores["places"].add(0, 1, 0)
    for g in gold:
        if g.get("place") and not any(x.get("gold") == g["place"] for x in err.get("places", [])):
            pass
    missed = len(gold) - tp
    # places of missed gold events are missed places too
    for g in err.get("missed_events", []):
        pass
    ev.scores["events"].add(tp, fp, missed)
    missed_places = sum(1 for g in gold if g.get("place")) - sum(
        1 for g in gold if g.get("place")) if False else 0
    ev.scores["places"].add(0, 0, missed_places)


def _match_persons(gold: list[dict[str, Any]], got: set[tuple[str, str | None, str | None]],
                   ev: Evaluation, err: dict[str, Any]) -> None:
    got_by_name = {n: (c, r) for n, c, r in got}
    tp = 0
    matched: set[str] = set()
    for g in gold:
        name = _norm_name(g["name"])
        hit = got_by_name.get(name)
        if hit is None:
            # a gold name given in full matches a graph name that ends the same ("Teodoro Jr")
            hit_name = next((n for n in got_by_name if _same_person(n, name)), None)
            if hit_name:
                hit, name = got_by_name[hit_name], hit_name
        if hit is None:
            err.setdefault("missed_persons", []).append(g["name"])
            continue
        matched.add(name)
        if hit[0] == g.get("country"):
            tp += 1
        else:
            err.setdefault("person_country", []).append({"name": g["name"], "gold": g.get("country"), "got": hit[0]})
        if g.get("role"):
            ok = bool(hit[1]) and slug(hit[1] or "") in slug(g["role"])
            ev.detail("person role").add(int(ok), int(not ok and bool(hit[1])), int(not hit[1]))
    extra = [n for n in got_by_name if n not in matched]
    if extra:
        err["extra_persons"] = extra
    ev.scores["persons"].add(tp, len(got) - tp, len(gold) - tp)


def _match_pledges(gold: list[dict[str, Any]], got: list[dict[str, Any]], ev: Evaluation,
                   err: dict[str, Any]) -> None:
    used: set[int] = set()
    tp = 0
    for g in gold:
        amount = Decimal(g["amount"]) if g.get("amount") else None
        best = None
        for i, p in enumerate(got):
            if i in used:
                continue
            if p["amount"] == amount and (amount is None or p["currency"] == g.get("currency")) \
                    and (p["donor"] or "").upper() == (g.get("donor") or "").upper().removeprefix("ORG:") or \
                    (p["amount"] == amount and amount is not None and p["currency"] == g.get("currency")
                     and p["donor"] == _org_key(g.get("donor") or "")):
                best = i
                break
        if best is None:
            err.setdefault("missed_pledges", []).append(g)
            continue
        used.add(best)
        tp += 1
        ok = (got[best]["recipient"] or "") in (g.get("recipient") or "", _org_key(g.get("recipient") or ""))
        ev.detail("pledge recipient").add(int(ok), int(not ok), 0)
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
        from .vocab import CORRECTIONS_GRAPH, node

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
            cache[entry["file"]] = read_file(path)
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
        gold_places = [g for g in entry.get("events", []) if g.get("place")]
        for g in gold_places:
            if not any(slug(g["place"]) in {slug(p) for p in e["places"]} for e in facts["events"]):
                if not any(x.get("gold") == g["place"] for x in err.get("places", [])):
                    ev.scores["places"].add(0, 0, 1)
                    err.setdefault("places", []).append({"gold": g["place"], "got": None})
        _match_persons(entry.get("persons", []), facts["persons"], ev, err)
        _match_pledges(entry.get("pledges", []), facts["pledges"], ev, err)
        gold_c = set(entry.get("countries", []))
        got_c = facts["countries"]
        ev.scores["countries"].add(len(gold_c & got_c), len(got_c - gold_c), len(gold_c - got_c))
        if gold_c != got_c:
            err["countries"] = {"missing": sorted(gold_c - got_c), "extra": sorted(got_c - gold_c)}
        if err:
            ev.errors.append({"file": entry["file"], "title": entry["title"], **err})
        ev.statements += 1
    return ev
