"""Keeping the consolidated graph in step with the statement graphs.

The ingest engine tells a :class:`Maintainer` which statement graphs it wrote
(``added``) and which it replaced or removed (``removed``, with their old quads);
``apply`` then recomputes the parts of the consolidated graph they touch:

* the statements' own descriptions and evidence spans;
* every entity they name, from what *all* statements say of it now: counted by the
  store, or, when statements were only added and agree with its one-value properties,
  grown from its node as stored (consolidate.grown_entity_triples: the same triples);
* every event (pledge) whose reports agree, directly or through others, with a
  report added or removed: the connected group of matching reports is found in
  the store, grouped again (consolidate.cluster_events) and written anew, and the
  pledges that point at an event or pledge whose IRI changed follow it;
* the states each event involves (dg:convenorState, dg:participantState,
  dg:virtualState: derived from its parties and what the graph says of them), for
  the events recomputed and those whose parties' states changed
  (:func:`refresh_event_states`);
* the pairs of states that met (dg:StatePair: shared held events, first and last
  date), recounted for the states of the events whose derived states were recomputed
  (:func:`refresh_state_pairs`).

Into a fresh store, the whole consolidated graph is computed at once from the
statements of the run. :func:`rebuild` recomputes it from every statement graph;
both paths give the same graph (tested).

Every SPARQL query sent here is a file in ``queries/internal/``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import chain
from typing import Any

import pyoxigraph as ox

from . import resources
from .background import Background
from .consolidate import (
    MAX_SPAN_DAYS,
    Builder,
    Contribution,
    EntityCounts,
    Report,
    Term,
    Triple,
    as_quads,
    contribution,
    counted_entity_triples,
    date_value,
    events_and_pledges,
    grown_entity_triples,
)
from .overlay import Correction, from_triples, resolver
from .overlay import apply as apply_corrections
from .vocab import (
    CONSOLIDATED_GRAPH,
    CORRECTIONS_GRAPH,
    LABEL,
    MAINTENANCE_GRAPH,
    RDF_TYPE,
    XSD,
    dg,
    is_statement_graph,
    node,
)
from .vocab import (
    entity as instance_iri,
)

_XSD_DATE = node(XSD + "date")


def corrections(store: Any) -> list[Correction]:
    """The analysts' corrections in the store (its corrections graph), oldest first."""
    if not store.has_graph(CORRECTIONS_GRAPH):
        return []
    return from_triples(store.graph_quads(CORRECTIONS_GRAPH))


@cache
def internal_query(name: str) -> str:
    """The text of queries/internal/NAME.rq."""
    return (resources.queries_dir() / "internal" / f"{name}.rq").read_text(encoding="utf-8")


# queries that name the statements' graphs (GRAPH ?g) run over the whole dataset
_OVER_ALL = {"statement_texts", "statements_of_file", "reports_on_days",
             "reports_running_from_day", "pledge_reports_of_donor", "graph_of_report"}


def _rows(store: Any, name: str, **bindings: ox.NamedNode | ox.Literal) -> list[list[Any]]:
    from .stores import Rows

    result = store.query(internal_query(name), bindings, union=name in _OVER_ALL)
    assert isinstance(result, Rows)
    return result.rows


def _entity_counts(store: Any, entity: ox.NamedNode) -> EntityCounts | None:
    """What the statements say of one entity, counted by the store (None: no statement
    describes it any more): a state named in tens of thousands of statements is not read
    quad by quad."""
    counts = EntityCounts()
    found = False
    for _, p, o, n, named in _rows(store, "entity_statement_counts", entity=entity):
        if isinstance(named, ox.Literal):
            counts.named = int(named.value)
        elif isinstance(p, ox.NamedNode) and o is not None and isinstance(n, ox.Literal):
            counts.counts[p.value][o] = int(n.value)
            counts.preds[p.value] = p
            found = True
    return counts if found else None


_MAINTENANCE = node(MAINTENANCE_GRAPH)
_PENDING = ox.Quad(_MAINTENANCE, LABEL, ox.Literal(
    "a run is writing statements or the consolidated graph; found at the start of the "
    "next run, the consolidated graph is rebuilt whole"), _MAINTENANCE)


def mark_pending(store: Any) -> None:
    """Say in the store that the consolidated graph may be out of step with the statements
    until the run ends (written before a run's first write, in its own transaction)."""
    store.change([], [_PENDING])


def clear_pending(store: Any) -> None:
    """The run ended with the consolidated graph in step: the mark goes."""
    store.remove_graph(_MAINTENANCE)


def was_cut_short(store: Any) -> bool:
    """Whether the last run that wrote to this store stopped before it ended (the mark of
    mark_pending is still there)."""
    return bool(store.has_graph(_MAINTENANCE))


def statement_graphs(store: Any) -> list[str]:
    """Every statement graph in the store (by IRI, sorted)."""
    return sorted(g.value for g in store.named_graphs() if is_statement_graph(g.value))


def stored_graphs_of_file(store: Any, source_file: str) -> list[str]:
    """Statement graphs read from this file that have no URL of their own."""
    rows = _rows(store, "statements_of_file", file=ox.Literal(source_file))
    return [r[1].value for r in rows if isinstance(r[1], ox.NamedNode)]


class Maintainer:
    """Collects what an ingest run changed; ``apply`` brings the consolidated graph up to date."""

    def __init__(self, store: Any, *, fresh: bool = False) -> None:
        self.store = store
        self.fresh = fresh
        self.new: dict[str, Contribution] = {}
        self.old: dict[str, Contribution] = {}
        self._graphs: dict[str, Contribution] = {}  # statement graphs read back, by IRI
        self._lookups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}  # _looked_up
        # units a correction added or undone touches (curation.py): reports, entities, and
        # the corrections whose curation nodes must be written anew
        self.touched_reports: set[tuple[str, str]] = set()
        self.touched_entities: set[str] = set()
        self.touched_corrections: set[str] = set()
        self.touched_statements: set[str] = set()  # whose own description is written anew
        # the last run that wrote to the store was cut short (its mark is still there): the
        # consolidated graph is rebuilt whole at apply, whatever this run changes
        self.stale = was_cut_short(store)
        self._marked = False  # this run's mark is written (mark_pending)
        self._corrections: list[Correction] = []
        # into a fresh store, statements are consolidated as they come (bounded memory):
        # the builder, the graphs it has, and the final triples not yet written
        self._builder: Builder | None = None
        self._built: set[str] = set()
        self._pending: list[Triple] = []
        self._rebuild = False  # a statement of this run replaced or withdrawn: rebuild at apply
        # the whole build's batches are written in a thread while the next is computed
        # (by a function of the store, not of this object: no reference cycle keeps the
        # store open once its user lets go of it)
        self._writes: Background[list[Triple]] = Background(
            _consolidated_writer(store), name="defgraph-consolidated-writer")

    def touch(self, reports: Iterable[tuple[str, str]], entities: Iterable[str],
              corrections: Iterable[str] = (), statements: Iterable[str] = ()) -> None:
        """Recompute these units (graph, report IRI), entities and statements' own
        descriptions (by graph) at the next apply()."""
        self.touched_reports.update(reports)
        self.touched_entities.update(entities)
        self.touched_corrections.update(corrections)
        self.touched_statements.update(statements)

    def begin(self) -> None:
        """Before the run's first write (a statement graph, a correction, the consolidated
        graph): mark the store as being written, until apply ends. A run cut short (killed,
        out of disk, a store that stopped answering) leaves the mark, and the next run that
        writes rebuilds the consolidated graph whole: whatever it had done of its writes and
        maintenance, the graph is then the statements' again (docs/consolidation.md)."""
        if not self._marked:
            mark_pending(self.store)
            self._marked = True

    def added(self, graph: str, quads: Iterable[ox.Quad] | Contribution, *,
              unconsolidated: bool = False) -> None:
        """A statement graph this run wrote (its quads, or their contribution already read).

        ``unconsolidated``: a graph stored before, by a run cut short before it consolidated
        it; what it says of entities is counted anew rather than added to their nodes, as
        a count made since may include it already."""
        if self.fresh:
            self._add_fresh(graph, quads)
            return
        c = self.new[graph] = _read(graph, quads)
        if unconsolidated:
            self.touched_entities.update(c.entities)

    def takes_spans(self) -> bool:
        """Whether the statements about to be written may put their evidence spans into the
        consolidated graph themselves, in the same write, and be ``added`` without them: into
        a fresh store without analysts' corrections, where the whole build writes each span
        unchanged (consolidate.Builder.add); the graph's stale content is gone first."""
        if not self.fresh or self._rebuild:
            return False
        return not self._start_build().corrections

    def _start_build(self) -> Builder:
        if self._builder is None:  # a consolidated graph without statements is stale
            self.store.remove_graph(CONSOLIDATED_GRAPH)
            self._builder = Builder(corrections(self.store))
        return self._builder

    def _add_fresh(self, graph: str, quads: Iterable[ox.Quad] | Contribution) -> None:
        if self._rebuild:
            return
        if graph in self._built:  # stored twice in one run: the store decides, at apply
            self._rebuild = True
            return
        builder = self._start_build()
        self._built.add(graph)
        self._pending += builder.add(_read(graph, quads))
        if len(self._pending) >= _WRITE_BATCH:
            self._writes.submit(self._pending)
            self._pending = []

    def is_consolidated(self, graph: str) -> bool:
        """Whether the consolidated graph has this statement (a run cut short may not have)."""
        if graph in self._built:  # consolidated by this run, written at apply
            return True
        return bool(_rows(self.store, "statement_is_consolidated", statement=node(graph)))

    def removed(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        if self.fresh:
            self._rebuild = True
            return
        quads = list(quads)
        if quads and graph not in self.old:
            self.old[graph] = contribution(graph, quads)
        if graph in self.new and not self.store.has_graph(graph):
            del self.new[graph]

    def apply(self) -> None:
        self._writes.wait()
        if self.fresh:
            self.begin()
            self._apply_fresh()
            self._end()
            return
        if self.stale:  # the last run was cut short: the whole graph, from every statement
            self.begin()
            rebuild(self.store)
            self.stale = False
            self._forget()
            self._end()
            return
        counted, named = (_rows(self.store, "counts_are_derived") or [[None, None]])[0]
        if counted is None and named is not None:
            # a graph from before the statement counts: every named entity is written anew
            # (also when this run changed nothing: an ingest of the same files migrates)
            self.touched_entities.update(r[0].value for r in _rows(self.store, "entities_to_count"))
        if not self.new and not self.old and not self.touched_reports \
                and not self.touched_entities and not self.touched_corrections \
                and not self.touched_statements:
            self._end()
            return
        self.begin()
        self._corrections = corrections(self.store)
        self._lookups.clear()  # the store changed since any earlier apply
        subjects, triples, moved = self._incremental()
        # what each event about to be written anew (or removed) gave the pairs of states
        # that met, to move them by the difference, even where its new node no longer
        # names those states
        before: dict[ox.NamedNode, _Share | None] = {
            subject: _share(self.store.subject_quads(subject, _CONSOLIDATED))
            for subject in subjects}
        self.store.replace_subjects(CONSOLIDATED_GRAPH, sorted(subjects, key=str),
                                    as_quads(triples))
        # derived states: of the events written anew, and of those whose parties moved
        events = {t[0] for t in triples if t[1] == _REPORT and isinstance(t[0], ox.NamedNode)}
        for entity in sorted(moved):
            events.update(r[1] for r in _rows(self.store, "events_of_party", entity=node(entity))
                          if isinstance(r[1], ox.NamedNode))
        derived, has_parties = (_rows(self.store, "states_are_derived") or [[None, None]])[0]
        if derived is None and has_parties is not None:
            refresh_event_states(self.store)  # a graph from before the derived states: all of them
            refresh_state_pairs(self.store)
        else:
            for event in events - before.keys():  # events whose parties moved: as they were
                before[event] = _share(self.store.subject_quads(event, _CONSOLIDATED))
            refresh_event_states(self.store, events)
            pair, derived = (_rows(self.store, "pairs_are_derived") or [[None, None]])[0]
            if pair is None and derived is not None:
                refresh_state_pairs(self.store)  # a graph from before the pairs: all of them
            else:
                after = {e: _share(self.store.subject_quads(e, _CONSOLIDATED))
                         for e in sorted(events | {e for e, v in before.items() if v}, key=str)}
                recount_pairs(self.store, {e: v for e, v in before.items() if v}, after)
        self._forget()
        self._end()

    def _forget(self) -> None:
        """What this run changed is in the consolidated graph: start afresh."""
        self.new.clear()
        self.old.clear()
        self._graphs.clear()
        self._lookups.clear()
        self.touched_reports.clear()
        self.touched_entities.clear()
        self.touched_corrections.clear()
        self.touched_statements.clear()

    def _end(self) -> None:
        """The consolidated graph is in step with the statements: this run's mark goes."""
        if self._marked:
            clear_pending(self.store)
            self._marked = False

    def _apply_fresh(self) -> None:
        """Nothing was consolidated before this run: write the rest of the whole graph."""
        builder, pending, built = self._builder, self._pending, self._built
        self._builder, self._pending, self._built = None, [], set()
        if self._rebuild:
            self._rebuild = False
            rebuild(self.store)
        elif builder is not None and built:
            try:
                _write_parts(chain([pending], builder.finish_in_parts()), self._writes.submit)
            finally:
                self._writes.wait()
            refresh_event_states(self.store)
            refresh_state_pairs(self.store)
            self.store.refresh_vocabulary()
        self.fresh = False  # what follows (another apply) is incremental

    # -- the incremental path ---------------------------------------------------------------
    def _graph(self, graph: str) -> Contribution | None:
        """A statement graph as it is in the store now (None once removed)."""
        if graph in self.new:
            return self.new[graph]
        if graph not in self._graphs:
            if not self.store.has_graph(graph):
                return None
            self._graphs[graph] = contribution(graph, self.store.graph_quads(graph))
        return self._graphs[graph]

    def _report(self, graph: str, iri: str) -> Report | None:
        c = self._graph(graph)
        if c is None:
            return None
        return next((r for r in c.reports if r.iri == iri), None)

    def _incremental(self) -> tuple[set[ox.NamedNode], list[Triple], set[str]]:
        """The subjects to write anew, their triples, and the entities whose state facts
        (type, country, what they represent) changed."""
        subjects: set[ox.NamedNode] = set()
        triples: list[Triple] = []
        changed = list(self.old.values()) + list(self.new.values())
        # the statements themselves, their evidence
        for c in changed:
            subjects.add(node(c.graph))
            subjects.update(t[0] for t in c.evidence)
        for c in self.new.values():
            triples += c.statement + c.evidence
        # statements whose description a correction reaches (a state it mentions rejected)
        for graph in sorted(self.touched_statements - {c.graph for c in changed}):
            if (told := self._graph(graph)) is not None:
                subjects.add(node(graph))
                triples += told.statement
        # entities: from what every statement says of them now. One that statements were
        # only added to (none that named it replaced or withdrawn, no correction to undo)
        # grows from its node as stored when the new statements agree with its one-value
        # properties (grown_entity_triples); else the store counts what every statement
        # says of it.
        entities = sorted({s for c in changed for s in c.entities} | self.touched_entities)
        recount = {s for c in self.old.values() for s in c.entities} | self.touched_entities
        held: dict[ox.NamedNode, set[tuple[Term, Term]]] = {}  # their state facts, as stored
        for subject in entities:
            stored = self.store.subject_quads(node(subject), _CONSOLIDATED)
            held[node(subject)] = {(q.predicate, q.object) for q in stored
                                   if q.predicate in _STATE_FACTS}
            subjects.add(node(subject))
            grown = None
            if subject not in recount and not self._corrections:
                grown = grown_entity_triples(
                    subject, [(q.subject, q.predicate, q.object) for q in stored],
                    [c.entities[subject] for c in self.new.values() if subject in c.entities])
            if grown is not None:
                triples += grown
            elif (counts := _entity_counts(self.store, node(subject))) is not None:
                triples += counted_entity_triples(subject, counts)
        # events and pledges
        seeds = [r for c in changed for r in c.reports]
        seeds += [r for g, iri in sorted(self.touched_reports)
                  if (r := self._report(g, iri)) is not None]
        events, pledges, old_nodes = self._groups(seeds)
        subjects |= old_nodes
        subjects.update(node(r.iri) for r in seeds)
        iri_of: dict[str, ox.NamedNode] = {}
        new_triples = events_and_pledges(events, pledges, iri_of, self._corrections)
        # links to events and pledges outside the groups: their consolidated IRIs as stored
        triples += [self._relink(t, iri_of) for t in new_triples]
        subjects.update(node(r.iri) for r in events + pledges)
        # analysts' corrections over every unit recomputed here (overlay.py)
        subjects.update(node(c) for c in self.touched_corrections)
        if self._corrections:
            triples, applied = apply_corrections(triples, self._corrections, resolver(iri_of))
            subjects.update(node(c) for c in applied)
        now: dict[ox.NamedNode, set[tuple[Term, Term]]] = {e: set() for e in held}
        for s, p, o in triples:
            if p in _STATE_FACTS and s in now:
                now[s].add((p, o))  # type: ignore[index]
        moved = {e.value for e in held if held[e] != now[e]}
        return subjects, triples, moved

    def _relink(self, t: Triple, iri_of: dict[str, ox.NamedNode]) -> Triple:
        s, p, o = t
        if p in (dg("announcedAt"), dg("partOf")) and isinstance(o, ox.NamedNode) \
                and o.value not in iri_of and _is_report(o.value):
            rows = _rows(self.store, "consolidated_of_report", report=o)
            if rows and isinstance(rows[0][1], ox.NamedNode):
                return (s, p, rows[0][1])
        return t

    def _groups(self, seeds: list[Report]) -> tuple[list[Report], list[Report], set[ox.NamedNode]]:
        """Every report connected to a seed by agreement, as the store holds them now, and the
        consolidated nodes (with their report nodes) they were part of.

        A group is grown from the seeds by three links: a report agrees with another
        (same_event / same_pledge); two reports were one node before; a pledge points at
        a node of the group (its link must follow the node's IRI).
        """
        from .consolidate import same_event, same_pledge
        from .overlay import constraints

        must = constraints(self._corrections)
        found: dict[tuple[str, str], Report] = {}
        old_nodes: set[ox.NamedNode] = set()
        visited: set[str] = set()  # report IRIs whose old node was looked up
        frontier: list[Report] = []
        todo: list[tuple[str | None, str]] = [(r.graph, r.iri) for r in seeds]
        while todo or frontier:
            while todo:
                graph, iri = todo.pop()
                if iri not in visited:
                    visited.add(iri)
                    for _, n, other in _rows(self.store, "consolidated_of_report", report=node(iri)):
                        if isinstance(n, ox.NamedNode) and n not in old_nodes:
                            old_nodes.add(n)
                            for _, rep in _rows(self.store, "referring_pledges", target=n):
                                if isinstance(rep, ox.NamedNode):
                                    todo.append((None, rep.value))
                        if isinstance(other, ox.NamedNode):
                            old_nodes.add(other)
                            todo.append((None, other.value))
                graphs = [graph] if graph is not None else self._graph_of(iri)
                for g in graphs:
                    r = self._report(g, iri)
                    if r is not None and (g, iri) not in found:
                        found[(g, iri)] = r
                        frontier.append(r)
                        # reports a merge correction joins to this one
                        todo += [(None, p) for p in sorted(must.partners(iri))]
            if frontier:
                r = frontier.pop()
                for cand in self._candidates(r):
                    if (cand.graph, cand.iri) in found:
                        continue
                    if same_pledge(r, cand) if r.kind == "Pledge" else same_event(r, cand):
                        todo.append((cand.graph, cand.iri))
        reports = sorted(found.values(), key=lambda r: r.order)
        return ([r for r in reports if r.kind != "Pledge"],
                [r for r in reports if r.kind == "Pledge"], old_nodes)

    def _graph_of(self, report: str) -> list[str]:
        return [g.value for _, g in _rows(self.store, "graph_of_report", report=node(report))
                if isinstance(g, ox.NamedNode)]

    def _candidates(self, r: Report) -> list[Report]:
        """Reports in the store that could agree with r (same type, days that can overlap)."""
        out: list[Report] = []
        if r.kind == "Pledge":
            # same_pledge needs the donor and the amount to be equal: look up both at once
            # (a large donor has thousands of reports, few of one amount)
            donor, amount = r.first("pledgedBy"), r.first("amount")
            if not isinstance(donor, ox.NamedNode) or not isinstance(amount, ox.Literal):
                return out
            pairs = self._looked_up(("donor", donor, amount), lambda: [
                (g, rep) for _, _, g, rep in
                _rows(self.store, "pledge_reports_of_donor", donor=donor, amount=amount)])
        else:
            if r.start is None or r.end is None:
                return out
            # the reports that can share a day with r: those starting on one of its days,
            # and those starting on one of the MAX_SPAN_DAYS before that run on into its
            # first (a report's days are capped at MAX_SPAN_DAYS), each with the parties it
            # names (and what those represent); only those sharing a party with r can agree
            named: dict[tuple[Any, Any], set[str]] = {}
            day = r.start - dt.timedelta(days=MAX_SPAN_DAYS)
            while day <= r.end:
                lit = ox.Literal(day.isoformat(), datatype=_XSD_DATE)
                rows = (self._on_day(r.kind, lit) if day >= r.start
                        else self._running_into(r.kind, lit, r.start))
                for g, rep, party in rows:
                    if isinstance(party, ox.NamedNode):
                        named.setdefault((g, rep), set()).add(party.value)
                day += dt.timedelta(days=1)
            pairs = [key for key, parties in named.items() if not parties.isdisjoint(r.parties)]
        for g, rep in pairs:
            if isinstance(g, ox.NamedNode) and isinstance(rep, ox.NamedNode) \
                    and (r.kind != "Pledge" or self._may_agree(r, g, rep)):
                cand = self._report(g.value, rep.value)
                if cand is not None:
                    out.append(cand)
        return out

    def _on_day(self, kind: str, day: ox.Literal,
                report: tuple[ox.NamedNode, ox.NamedNode] | None = None) -> list[tuple[Any, ...]]:
        """(graph, report, party) of the reports of this event type that start on ``day``,
        or of one of them (``report``: its graph and IRI): reports_on_days.rq."""
        bound = {} if report is None else {"g": report[0], "report": report[1]}
        return self._looked_up((kind, day, report), lambda: [
            (g, rep, party) for _, _, g, rep, party in
            _rows(self.store, "reports_on_days", event_class=dg(kind), day=day, **bound)])

    def _running_into(self, kind: str, day: ox.Literal, first: dt.date) -> list[tuple[Any, ...]]:
        """_on_day's rows for the reports starting on ``day``, before ``first``, that give an
        end date on or after it: the only ones of that day whose days can reach ``first``
        (a report without an end date lasts a day). Most reports give no end date, so the
        day's reports are listed without their parties first (reports_running_from_day.rq),
        and only those that reach ``first`` are asked theirs."""
        reaching = sorted({(g, rep) for _, _, g, rep, end in self._looked_up(
            ("ending", kind, day), lambda: [tuple(row) for row in _rows(
                self.store, "reports_running_from_day", event_class=dg(kind), day=day)])
            if (last := date_value(end)) is not None and last >= first}, key=str)
        return [row for g, rep in reaching
                if isinstance(g, ox.NamedNode) and isinstance(rep, ox.NamedNode)
                for row in self._on_day(kind, day, (g, rep))]

    def _looked_up(self, key: tuple[Any, ...], rows: Callable[[], list[tuple[Any, ...]]]
                   ) -> list[tuple[Any, ...]]:
        """The reports of a day (of a donor), asked of the store once per apply: the seeds of
        a run share their days, and the store does not change while groups are grown."""
        if key not in self._lookups:
            self._lookups[key] = rows()
        return self._lookups[key]

    def _may_agree(self, r: Report, graph: ox.NamedNode, report: ox.NamedNode) -> bool:
        """False only when the pledge report cannot agree with r (a pledge), read from its own
        triples rather than its whole statement graph: a donor may have several reports of one
        amount, most to another beneficiary or in another currency.

        A cheap test that only rules out: a report it passes is then read whole and tested
        by same_pledge as before.
        """
        if graph.value in self.new or graph.value in self._graphs:
            return True  # read already: the full test costs nothing more
        by_prop: dict[ox.NamedNode, set[Term]] = {}
        for q in self.store.subject_quads(report, graph):
            by_prop.setdefault(q.predicate, set()).add(q.object)  # type: ignore[arg-type]
        for prop in ("pledgedBy", "beneficiary", "currency"):
            mine, theirs = r.first(prop), by_prop.get(dg(prop), set())
            if (mine is None and theirs) or (mine is not None and mine not in theirs):
                return False
        amount = r.first("amount")
        if amount is None:
            return False
        try:
            mine_amount = Decimal(amount.value)
            return any(isinstance(o, ox.Literal) and Decimal(o.value) == mine_amount
                       for o in by_prop.get(dg("amount"), set()))
        except ArithmeticError:
            return True  # let same_pledge decide

def _read(graph: str, quads: Iterable[ox.Quad] | Contribution) -> Contribution:
    """A statement graph's contribution: as given, or read from its quads."""
    return quads if isinstance(quads, Contribution) else contribution(graph, quads)


def _consolidated_writer(store: Any) -> Callable[[list[Triple]], None]:
    def write(triples: list[Triple]) -> None:
        store.add_quads(as_quads(triples), bulk=True)
    return write


def _is_report(iri: str) -> bool:
    return "/report/" in iri


def published_triples(store: Any) -> Iterator[ox.Triple]:
    """What exports and validation show: the consolidated graph, with each statement's text
    and the analysts' corrections (who, when, why, what they replaced)."""
    # streamed (on the embedded store): a whole graph's set would be GBs at 100k statements
    for q in store.iter_graph_quads(CONSOLIDATED_GRAPH):
        yield ox.Triple(q.subject, q.predicate, q.object)
    if store.has_graph(CORRECTIONS_GRAPH):
        for q in store.graph_quads(CORRECTIONS_GRAPH):
            yield ox.Triple(q.subject, q.predicate, q.object)
    for s, text in store.iter_rows(internal_query("statement_texts"), union=True):  # _OVER_ALL
        if isinstance(s, ox.NamedNode) and isinstance(text, ox.Literal):
            yield ox.Triple(s, dg("text"), text)


_WRITE_BATCH = 200_000  # consolidated triples written at a time by a whole build


def _write_parts(parts: Iterable[list[Triple]], write: Callable[[list[Triple]], None]) -> int:
    """Hand triples to ``write`` in batches of whole parts; returns how many were written."""
    batch: list[Triple] = []
    count = 0
    for part in parts:
        batch += part
        if len(batch) >= _WRITE_BATCH:
            write(batch)
            count += len(batch)
            batch = []
    write(batch)
    return count + len(batch)


def rebuild(store: Any) -> int:
    """Recompute the consolidated graph from every statement graph; returns its triple count.

    On the embedded store (and a remote one with no consolidated graph yet) the graph is
    built one statement at a time and written in batches of whole units, each compared
    with what the graph holds for its subjects; memory stays that of one batch. A remote
    store with a consolidated graph is sent the difference of the whole graph.
    """
    from .stores import OxigraphStore

    mark_pending(store)  # a rebuild cut short is done again by the next run that writes
    builder = Builder(corrections(store))
    graphs = statement_graphs(store)
    if isinstance(store, OxigraphStore) or not store.has_graph(CONSOLIDATED_GRAPH):
        # batches of whole units (a statement's evidence, an entity, an event with its
        # reports): each compared with what the graph holds for its subjects, so a rebuild
        # that changes little writes little, and memory stays that of one batch
        seen: set[str] = set()

        def write(batch: list[Triple]) -> None:
            subjects = {t[0] for t in batch}
            seen.update(s.value for s in subjects)
            store.replace_subjects(CONSOLIDATED_GRAPH, sorted(subjects, key=str), as_quads(batch))

        # lazily chained: the builder's end starts once every statement has been added
        added = (builder.add(contribution(g, store.graph_quads(g))) for g in graphs)
        count = _write_parts(chain(added, builder.finish_in_parts()), write)
        # what the graph holds of subjects the statements no longer give
        if isinstance(store, OxigraphStore):
            held = store.raw.quads_for_pattern(None, None, None, node(CONSOLIDATED_GRAPH))
            vocabulary = resources.vocabulary_subjects()  # the store's copy, refreshed below
            store.change([q for q in held if not (isinstance(q.subject, ox.NamedNode)
                                                  and (q.subject.value in seen
                                                       or q.subject in vocabulary))], [])
        count += refresh_event_states(store) + refresh_state_pairs(store)
        store.refresh_vocabulary()
        clear_pending(store)
        store.flush()
        return count
    triples: list[Triple] = []
    for g in graphs:
        triples += builder.add(contribution(g, store.graph_quads(g)))
    new = set(as_quads(triples + builder.finish().triples))
    old = {q for q in store.graph_quads(CONSOLIDATED_GRAPH) if q.predicate not in _DERIVED
           and not (q.predicate == _TYPE and q.object == _STATE_PAIR)}
    store.change(old - new, new - old)  # usually a small difference: change only that
    count = len(new) + refresh_event_states(store) + refresh_state_pairs(store)
    store.refresh_vocabulary()
    clear_pending(store)
    store.flush()
    return count


_CONSOLIDATED = node(CONSOLIDATED_GRAPH)
_REPRESENTS_P = dg("represents")
_REPORT = dg("report")
# what an entity's node says that decides the states of the events it takes part in
_STATE_FACTS = frozenset({node(RDF_TYPE), dg("country"), dg("represents")})
# the derived states of an event, by the rank of the state's foremost role
_STATE_ROLES = {1: dg("convenorState"), 2: dg("participantState"), 3: dg("virtualState")}
_STATE_PROPERTIES = frozenset(_STATE_ROLES.values())
_STATE_PROPERTIES_ORDERED = tuple(_STATE_ROLES[r] for r in sorted(_STATE_ROLES))
_RANKS = {r: ox.Literal(str(r), datatype=node(XSD + "integer")) for r in (1, 2, 3)}
_COUNTRY_CLASS, _COUNTRY_P = dg("Country"), dg("country")
_CONVENED_BY, _PARTICIPANT = dg("convenedBy"), dg("participant")
_ATTENDED_VIRTUALLY, _PLANNED, _DATE = dg("attendedVirtually"), dg("planned"), dg("date")
_TRUE = ox.Literal("true", datatype=node(XSD + "boolean"))


def _state_quads(ranked: Iterable[Sequence[Any]]) -> set[ox.Quad]:
    """(event, state, rank) rows, a state possibly ranked several times for one event (once
    per party), as one quad per (event, state): the property of its foremost (lowest) rank."""
    best: dict[tuple[ox.NamedNode, ox.NamedNode], int] = {}
    for event, country, rank in ranked:
        if isinstance(event, ox.NamedNode) and isinstance(country, ox.NamedNode) \
                and isinstance(rank, ox.Literal):
            key = (event, country)
            best[key] = min(int(rank.value), best.get(key, 4))
    return {ox.Quad(e, _STATE_ROLES[r], c, _CONSOLIDATED) for (e, c), r in best.items()
            if r in _STATE_ROLES}


def _all_event_states(store: Any) -> Iterator[tuple[Any, Any, Any]]:
    """Every event's states with the rank of each party that gives them, as event_states
    gives them for one event: two flat tables joined here (on Virtuoso 7 a join of two
    DISTINCT subqueries loses rows, and one query per event would be slow)."""
    scan = _scanner(store)
    states: dict[Any, set[Any]] = {}
    for party, country in (_party_states(scan) if scan else _rows(store, "party_states")):
        states.setdefault(party, set()).add(country)
    for event, party, rank in (_event_parties(scan) if scan else _rows(store, "event_parties")):
        for country in states.get(party, ()):
            yield event, country, rank


# -- whole-graph reads of the embedded store --------------------------------------------------
# A whole build (the end of an ingest into a fresh store, a rebuild) reads every event's
# parties, every party's state and every derived state. On the embedded store these are
# read straight from its index, one predicate at a time, and joined here: what the
# queries of the same names give, without a query engine's cost per row (the EXISTS of
# event_parties made those reads most of an ingest's last seconds). The consolidated
# graph alone is read: the ontology's graph, the other half of the default graph, states
# none of these predicates of any node and types no node dg:Country.

Scan = Callable[..., Iterator[ox.Quad]]


def _scanner(store: Any) -> Scan | None:
    """The consolidated graph's quads for a (predicate, object) pattern, on an embedded
    store; None for a remote one (which is asked the queries)."""
    from .stores import OxigraphStore

    if not isinstance(store, OxigraphStore):
        return None
    raw = store.raw

    def scan(predicate: ox.NamedNode, obj: Term | None = None) -> Iterator[ox.Quad]:
        return raw.quads_for_pattern(None, predicate, obj, _CONSOLIDATED)
    return scan


def _party_states(scan: Scan) -> set[tuple[Any, Any]]:
    """queries/internal/party_states.rq, read from the index."""
    countries = {q.subject for q in scan(_TYPE, _COUNTRY_CLASS)}
    rows: set[tuple[Any, Any]] = {(c, c) for c in countries}
    country_of: dict[Any, set[Any]] = {}
    for q in scan(_COUNTRY_P):
        if q.object in countries:
            rows.add((q.subject, q.object))
            country_of.setdefault(q.subject, set()).add(q.object)
    for q in scan(_REPRESENTS_P):
        if q.object in countries:
            rows.add((q.subject, q.object))
        rows.update((q.subject, c) for c in country_of.get(q.object, ()))
    return rows


def _event_parties(scan: Scan) -> set[tuple[Any, Any, ox.Literal]]:
    """queries/internal/event_parties.rq, read from the index: each (event, party) once, by
    its foremost role (1 convenor, 3 only remotely, else 2)."""
    convened = {(q.subject, q.object) for q in scan(_CONVENED_BY)}
    remote = {(q.subject, q.object) for q in scan(_ATTENDED_VIRTUALLY)}
    taking_part = {(q.subject, q.object) for q in scan(_PARTICIPANT)}
    return {(e, party, _RANKS[1 if (e, party) in convened else 3 if (e, party) in remote else 2])
            for e, party in convened | remote | taking_part}


def _held_event_states(scan: Scan) -> Iterator[tuple[Any, Any, Any]]:
    """queries/internal/held_event_states.rq, read from the index."""
    planned = {q.subject for q in scan(_PLANNED, _TRUE)}
    dates: dict[Any, Any] = {}
    for q in scan(_DATE):
        dates.setdefault(q.subject, q.object)
    for role in _STATE_PROPERTIES_ORDERED:
        for q in scan(role):
            if q.subject not in planned:
                yield q.subject, q.object, dates.get(q.subject)


def _pair_rows(scan: Scan) -> list[tuple[Any, Any, Any]]:
    """queries/internal/state_pairs.rq, read from the index."""
    return [(q.subject, _TYPE, _STATE_PAIR) for q in scan(_TYPE, _STATE_PAIR)] + \
        _derived_rows(scan, _PAIR_PROPERTIES)


def _derived_rows(scan: Scan, properties: Iterable[ox.NamedNode]) -> list[tuple[Any, Any, Any]]:
    """Every (subject, property, value) of these properties in the consolidated graph."""
    return [(q.subject, q.predicate, q.object) for p in properties for q in scan(p)]


def refresh_event_states(store: Any, events: Iterable[ox.NamedNode] | None = None) -> int:
    """Bring the states events involve in step with their parties; returns how many such
    triples the graph now holds for these events.

    An event involves a state that takes part itself, or through a person or organisation
    acting for it; each (event, state) is stated once, by the state's foremost role:
    dg:convenorState, dg:participantState or dg:virtualState. They are derived from the
    consolidated graph (never from text) and materialised because the questions about
    states (who met whom, events by country) would otherwise join every event's parties
    with every party's state at each query. ``events`` None: every event (a whole build);
    else only these (an incremental ingest, a correction). Only the difference is written.
    """
    if events is None:
        new = _state_quads(_all_event_states(store))
        scan = _scanner(store)
        old = {ox.Quad(e, p, c, _CONSOLIDATED) for e, p, c in
               (_derived_rows(scan, _STATE_PROPERTIES_ORDERED) if scan
                else _rows(store, "derived_states"))}
    else:
        new, old = set(), set()
        for event in sorted(set(events), key=str):
            new |= _state_quads(_rows(store, "event_states", event=event))
            old |= {q for q in store.subject_quads(event, _CONSOLIDATED)
                    if q.predicate in _STATE_PROPERTIES}
    _write_difference(store, old, new)
    return len(new)


_BULK_ADDITIONS = 20_000  # more quads added than this at once go through the bulk loader


def _write_difference(store: Any, old: set[ox.Quad], new: set[ox.Quad]) -> None:
    """Bring the store from ``old`` to ``new``: only the difference is written.

    Many additions at once (a whole build writes every derived triple) go through the
    embedded store's bulk loader, a third of the transactional writer's cost per quad, as
    the whole build's other consolidated triples do; what it removes (nothing, into a
    fresh graph) is removed first, in one transaction.
    """
    from .stores import OxigraphStore

    if old == new:
        return
    gone, added = old - new, new - old
    if len(added) > _BULK_ADDITIONS and isinstance(store, OxigraphStore):
        if gone:
            store.change(sorted(gone, key=str), [])
        store.add_quads(added, bulk=True)
        return
    store.change(sorted(gone, key=str), sorted(added, key=str))


# the pairs of states that met: one node per ordered pair (each side lists its partners)
_TYPE = node(RDF_TYPE)
_STATE_PAIR = dg("StatePair")
_PAIR_STATE, _PAIR_PARTNER = dg("pairState"), dg("pairPartner")
_SHARED, _FIRST, _LAST = dg("sharedEvents"), dg("firstDate"), dg("lastDate")
_XSD_INTEGER = node(XSD + "integer")
_DERIVED = _STATE_PROPERTIES | {_PAIR_STATE, _PAIR_PARTNER, _SHARED, _FIRST, _LAST}
_PAIR_PROPERTIES = (_PAIR_STATE, _PAIR_PARTNER, _SHARED, _FIRST, _LAST)
_PAIRS_ONE_BY_ONE = 24  # more states touched than this: recount every pair in one scan


def _pair_iri(state: ox.NamedNode, partner: ox.NamedNode) -> ox.NamedNode:
    """dgid:pair/KEY--KEY from the two states' keys (their IRIs' last segments)."""
    def key(n: ox.NamedNode) -> str:
        return n.value.rstrip("/").rsplit("/", 1)[-1]
    return instance_iri("pair", f"{key(state)}--{key(partner)}")


def _pair_quads(events: dict[Any, tuple[set[ox.NamedNode], Any]],
                states: set[ox.NamedNode] | None) -> set[ox.Quad]:
    """The StatePair nodes of these held events (event -> (its states, its date)): one per
    ordered pair of distinct states, with the number of events both took part in and the
    first and last date; only pairs with a side in ``states`` unless it is None."""
    found: dict[tuple[ox.NamedNode, ox.NamedNode], list[Any]] = {}
    for members, date in events.values():
        for a in members:
            for b in members:
                if a == b or (states is not None and a not in states and b not in states):
                    continue
                stat = found.setdefault((a, b), [0, None, None])
                stat[0] += 1
                if isinstance(date, ox.Literal):
                    if stat[1] is None or date.value < stat[1].value:
                        stat[1] = date
                    if stat[2] is None or date.value > stat[2].value:
                        stat[2] = date
    quads: set[ox.Quad] = set()
    for (a, b), (count, first, last) in found.items():
        quads |= _one_pair(a, b, count, first, last)
    return quads


@dataclass(frozen=True)
class _Share:
    """What one held event gives the pairs of states that met: its states and its date."""

    states: frozenset[ox.NamedNode]
    date: ox.Literal | None


def _share(quads: Iterable[ox.Quad]) -> _Share | None:
    """An event's share of the pairs from its consolidated quads: None when it gives none
    (only planned, fewer than two states, or no event at all)."""
    states: set[ox.NamedNode] = set()
    date: ox.Literal | None = None
    for q in quads:
        if q.predicate in _STATE_PROPERTIES and isinstance(q.object, ox.NamedNode):
            states.add(q.object)
        elif q.predicate == _PLANNED and isinstance(q.object, ox.Literal) \
                and q.object.value == "true":
            return None
        elif q.predicate == _DATE and isinstance(q.object, ox.Literal):
            date = q.object
    return _Share(frozenset(states), date) if len(states) > 1 else None


def recount_pairs(store: Any, before: dict[ox.NamedNode, _Share],
                  after: dict[ox.NamedNode, _Share | None]) -> int:
    """Bring the pairs of states that met in step with the events that changed, from what
    each gave them before and gives now; returns how many pairs were written anew.

    Each pair stored is read and moved by the difference: its count by the events that
    joined or left it, its first and last date widened by the dates that joined. Only a
    pair that lost an event on its first or last date is counted again from its events
    (one state's held events), so an ingest of a few statements into a large graph reads
    a few pairs, not every event of the states they name.
    """
    counts: Counter[tuple[ox.NamedNode, ox.NamedNode]] = Counter()
    added: dict[tuple[ox.NamedNode, ox.NamedNode], list[ox.Literal]] = {}
    removed: dict[tuple[ox.NamedNode, ox.NamedNode], list[ox.Literal]] = {}
    for event in before.keys() | after.keys():
        old, new = before.get(event), after.get(event)
        if old == new:
            continue
        for share, sign, dates in ((old, -1, removed), (new, 1, added)):
            if share is None:
                continue
            for a in share.states:
                for b in share.states - {a}:
                    counts[(a, b)] += sign
                    if share.date is not None:
                        dates.setdefault((a, b), []).append(share.date)
    written = 0
    for a, b in sorted(counts.keys() | added.keys() | removed.keys(), key=str):
        pair = _pair_iri(a, b)
        stored = store.subject_quads(pair, _CONSOLIDATED)
        count, first, last = 0, None, None
        for q in stored:
            if q.predicate == _SHARED and isinstance(q.object, ox.Literal):
                count = int(q.object.value)
            elif q.predicate == _FIRST and isinstance(q.object, ox.Literal):
                first = q.object
            elif q.predicate == _LAST and isinstance(q.object, ox.Literal):
                last = q.object
        gone = Counter(d.value for d in removed.get((a, b), []))
        gone.subtract(Counter(d.value for d in added.get((a, b), [])))
        lost_an_end = any(n > 0 and day in {first and first.value, last and last.value}
                          for day, n in gone.items())
        if lost_an_end:  # its first or last date may have gone with the event: count it again
            quads = {q for q in _pair_quads(_held_events_of(store, a, b), {a}) if q.subject == pair}
        else:
            count += counts[(a, b)]
            for day in added.get((a, b), []):
                first = day if first is None or day.value < first.value else first
                last = day if last is None or day.value > last.value else last
            quads = _one_pair(a, b, count, first, last) if count > 0 else set()
        old_quads = set(stored)
        if old_quads != quads:
            store.change(sorted(old_quads - quads, key=str), sorted(quads - old_quads, key=str))
            written += 1
    return written


def _held_events_of(store: Any, state: ox.NamedNode, partner: ox.NamedNode
                    ) -> dict[Any, tuple[set[ox.NamedNode], Any]]:
    """The held events of ``state`` that ``partner`` took part in too: event -> (the two, date)."""
    events: dict[Any, tuple[set[ox.NamedNode], Any]] = {}
    for _, event, other, date in _rows(store, "partners_of_state", country=state):
        if other == partner:
            events[event] = ({state, partner}, date)
    return events


def _one_pair(a: ox.NamedNode, b: ox.NamedNode, count: int, first: ox.Literal | None,
              last: ox.Literal | None) -> set[ox.Quad]:
    """The quads of one StatePair node: its two sides, its count, its first and last date."""
    pair = _pair_iri(a, b)
    quads = {ox.Quad(pair, _TYPE, _STATE_PAIR, _CONSOLIDATED),
             ox.Quad(pair, _PAIR_STATE, a, _CONSOLIDATED),
             ox.Quad(pair, _PAIR_PARTNER, b, _CONSOLIDATED),
             ox.Quad(pair, _SHARED, ox.Literal(str(count), datatype=_XSD_INTEGER), _CONSOLIDATED)}
    if first is not None and last is not None:
        quads.add(ox.Quad(pair, _FIRST, first, _CONSOLIDATED))
        quads.add(ox.Quad(pair, _LAST, last, _CONSOLIDATED))
    return quads


def refresh_state_pairs(store: Any, states: Iterable[ox.NamedNode] | None = None) -> int:
    """Bring the pairs of states that met in step with the events' derived states; returns
    how many such triples the graph now holds for these states.

    A dg:StatePair node says that two states took part in the same held (not only planned)
    events: how many (dg:sharedEvents) and the first and last date. Each pair is stated from
    both sides (dg:pairState, dg:pairPartner), so a state's partners are one lookup. They are
    derived from dg:involvesState, never from text, and materialised because who met whom
    is the question every network view asks, and counting it from the events read every
    event at each query. ``states`` None: every pair (a whole build); else the pairs with
    a side in these states (those of the events an ingest or a correction recomputed). Only
    the difference is written.
    """
    wanted = None if states is None else set(states)
    events: dict[Any, tuple[set[ox.NamedNode], Any]] = {}
    if wanted is not None and not wanted:
        return 0
    if wanted is None or len(wanted) > _PAIRS_ONE_BY_ONE:
        scan = _scanner(store)
        for event, country, date in (_held_event_states(scan) if scan
                                     else _rows(store, "held_event_states")):
            if isinstance(country, ox.NamedNode):
                events.setdefault(event, (set(), date))[0].add(country)
        old_rows: list[Sequence[Any]] = list(_pair_rows(scan) if scan
                                             else _rows(store, "state_pairs"))
    else:
        old_rows = []
        for state in sorted(wanted, key=str):
            for _, event, partner, date in _rows(store, "partners_of_state", country=state):
                if isinstance(partner, ox.NamedNode):
                    events.setdefault(event, (set(), date))[0].add(partner)
            old_rows += [r[1:] for r in _rows(store, "pairs_of_state", country=state)]
    new = _pair_quads(events, wanted)
    old = {ox.Quad(p, prop, v, _CONSOLIDATED) for p, prop, v in old_rows}
    if wanted is not None:  # a whole scan read every pair: keep those of the states asked
        sides = {q.subject for q in old if q.predicate in (_PAIR_STATE, _PAIR_PARTNER)
                 and q.object in wanted}
        old = {q for q in old if q.subject in sides}
    _write_difference(store, old, new)
    return len(new)
