"""Differential test of the incremental path: after every step of a seeded random run of
ingests, changes, withdrawals, re-ingests and runs cut short, into a store on disk, the
consolidated graph the incremental path wrote equals the one `rebuild` computes from the
statement graphs, quad for quad (issue #8: incremental maintenance must equal a rebuild).

The statements are our own: short ones written from a few templates over four states,
three cities, two persons and a few days of May 2025, so that they share events, persons,
places and pledges and disagree on them (a person's state, a meeting's day or city, a
party); files of the bundled sample corpus; and statements of bench/generate.py. A step is
one of:

* ingest new files (one or several at once), sometimes a digest whose items have no URL;
* change a statement in place: the same URL (or the same file, with no URL) with other
  text: another day, city, partner or person, a party fewer, another kind of event, or
  nothing diplomatic at all (its facts vanish);
* drop items of a digest (a file read again that no longer gives them: they are
  withdrawn), or withdraw a statement outright as the engine does;
* the same URL in two files of one run;
* ingest again files that did not change (nothing moves);
* (every fourth seed) an analyst's correction: a person made to speak for another state,
  an event rejected, two merged, a report split out, or one of these undone;
* a run cut short (the process dies) before it consolidates, half-way through replacing
  the consolidated graph's subjects, or before the events' states and the pairs follow;
  the graph is compared after the next step, which must have mended it.

After the last step the files left are ingested into a fresh store at once (the whole
build; by two workers for every third seed), and for every second seed into another store
a few at a time in another order, and those graphs must be the same too (for a run without
corrections, which a fresh store lacks).

CI runs four seeds of 16 steps (about 15 s). ``DEFGRAPH_DIFFERENTIAL_SEEDS=1-40`` runs more
(``N``, ``A,B`` or ``A-B``); ``DEFGRAPH_DIFFERENTIAL_STEPS`` sets the steps per seed.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from bench_util import generator

from defgraph import maintain
from defgraph.maintain import Maintainer, rebuild
from defgraph.pipeline import KnowledgeGraph
from defgraph.stores import OxigraphStore
from defgraph.vocab import CONSOLIDATED_GRAPH

C = ox.NamedNode(CONSOLIDATED_GRAPH)
REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "statements"

STATES = [("Estonia", "Estonian"), ("Latvia", "Latvian"), ("Lithuania", "Lithuanian"),
          ("Finland", "Finnish")]
CITIES = ["Tallinn", "Riga", "Helsinki"]
PERSONS = ["Anna Berglund", "Jonas Petraitis"]
KINDS = ["meeting", "meeting3", "person_meeting", "person_of", "call", "exercise_range",
         "exercise_day", "visit", "planned_visit", "pledge", "nothing"]


@dataclass
class Note:
    """One hand-written statement: a template and its parameters."""

    kind: str
    a: int
    b: int
    c: int
    city: str
    day: int
    person: str
    amount: int
    url: str | None
    span: int = 6  # an exercise's days after its first (more than MAX_SPAN_DAYS: capped)

    def text(self) -> str:
        (a, a_adj), (b, b_adj), (c, _) = STATES[self.a], STATES[self.b], STATES[self.c]
        d, p, city = self.day, self.person, self.city
        issued = d
        k = self.kind
        if k == "meeting":
            title, body = f"{a} and {b} hold talks", (
                f"The defence ministers of {a} and {b} met in {city} on {d} May 2025 to "
                "discuss air defence.")
            issued = d + 1
        elif k == "meeting3":
            title, body = "Regional defence talks", (
                f"The defence ministers of {a}, {b} and {c} met in {city} on {d} May 2025 "
                "to discuss air defence.")
            issued = d + 1
        elif k == "person_meeting":
            title, body = f"{a_adj} minister in {city}", (
                f"{p}, the {a_adj} defence minister, met the {b_adj} defence minister in "
                f"{city} today.")
        elif k == "person_of":
            title, body = f"Talks in {city}", (
                f"Defence Minister {p} of {a} met the {b_adj} defence minister in {city} on "
                f"{d} May 2025.")
            issued = d + 1
        elif k == "call":
            title, body = f"Call with {b}", (
                f"{p}, the {a_adj} defence minister, spoke by phone with the {b_adj} defence "
                "minister today.")
        elif k == "exercise_range":
            title, body = f"Exercise with {b} begins", (
                f"{a} and {b} start a joint exercise that runs from {d} to {d + self.span} May 2025 "
                f"near {city}.")
            issued = d - 1
        elif k == "exercise_day":  # a day of an exercise, up to past the cap on its days
            title, body = f"{a_adj} troops in joint exercise", (
                f"{a_adj} and {b_adj} troops held a joint exercise near {city} today.")
            issued = d + self.span - 2
        elif k == "visit":
            title, body = f"{a_adj} minister visits {city}", (
                f"{a}'s defence minister arrived in {city} today on a working visit and was "
                f"welcomed by {b}'s defence minister.")
        elif k == "planned_visit":
            title, body = f"{a_adj} minister to travel to {city}", (
                f"{a}'s defence minister will travel to {city} on {d} May 2025 for talks with "
                f"{b}'s defence minister.")
            issued = d - 1
        elif k == "pledge":
            title, body = "New support package for Ukraine", (
                f"The United Kingdom will provide Ukraine with a package worth "
                f"£{self.amount} million, including £{self.amount // 2} million for air "
                "defence missiles.")
        else:
            title, body = f"Cadets of {a} win an award", (
                f"A group of cadets from {city} was recognised for volunteer work.")
        link = f"Original article link: {self.url}\n" if self.url else ""
        return f" date 2025-05-{issued:02d} Ministry of Defence of {a}\n{title}\n{body}\n{link}"

    def item(self) -> str:
        """The note as a digest item: headline with its stamp, then the summary."""
        lines = self.text().split("\n")
        issued = int(lines[0].split()[1][-2:])
        return f"{lines[1]}{issued:02d}/05/2025 10:00:00\n{lines[2]}\n"


def random_note(rng: random.Random, url: str | None) -> Note:
    a, b, c = rng.sample(range(len(STATES)), 3)
    return Note(rng.choice(KINDS), a, b, c, rng.choice(CITIES), rng.randint(5, 8),
                rng.choice(PERSONS), rng.choice([100, 200, 300]), url, rng.choice([2, 6, 18]))


def changed_note(rng: random.Random, note: Note) -> Note:
    """The same statement (URL or file) told otherwise."""
    how = rng.choice(["day", "city", "party", "person", "kind", "nothing"])
    if how == "day":
        return replace(note, day=min(9, max(4, note.day + rng.choice([-2, -1, 1, 2]))))
    if how == "city":
        return replace(note, city=rng.choice([c for c in CITIES if c != note.city]))
    if how == "party":  # one party fewer (a meeting of three) or another partner
        if note.kind == "meeting3":
            return replace(note, kind="meeting")
        return replace(note, b=rng.choice([i for i in range(len(STATES))
                                           if i not in (note.a, note.b)]))
    if how == "person":
        return replace(note, person=rng.choice([p for p in PERSONS if p != note.person]))
    if how == "kind":
        return replace(note, kind=rng.choice([k for k in KINDS if k != note.kind]))
    return replace(note, kind="nothing")


def digest_text(main: Note, items: list[Note]) -> str:
    lines = [main.text()]
    if items:
        lines.append("Latest News from\nMinistry of Defence\n")
        lines += [n.item() for n in items]
    return "\n".join(lines)


def changed_document(rng: random.Random, text: str) -> str:
    """A file of the sample corpus or of the generator told otherwise: its date moved, its
    body cut short, or its body replaced by nothing diplomatic (the same URL)."""
    lines = text.split("\n")
    how = rng.choice(["date", "cut", "nothing"])
    head = next((i for i, line in enumerate(lines) if line.strip()), 0)
    link = [line for line in lines if line.startswith("Original article link")]
    if how == "date" and lines[head].lstrip().startswith("date 2"):
        parts = lines[head].split()
        day = int(parts[1][-2:])
        parts[1] = parts[1][:-2] + f"{(day % 27) + 1:02d}"
        lines[head] = " " + " ".join(parts)
        return "\n".join(lines)
    if how == "cut" and len(lines) > head + 4:
        return "\n".join(lines[: head + 4] + link) + "\n"
    return "\n".join(lines[: head + 2] + ["Cadets win an award for volunteer work."] + link) + "\n"


@dataclass
class World:
    """The files of a run and how each is made (for changes)."""

    folder: Path
    rng: random.Random
    notes: dict[str, Note] = field(default_factory=dict)  # file -> its one statement
    digests: dict[str, tuple[Note, list[Note]]] = field(default_factory=dict)
    documents: list[tuple[str, str]] = field(default_factory=list)  # not yet ingested
    written: set[str] = field(default_factory=set)
    serial: int = 0

    def write(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        self.written.add(name)
        return path

    def new_note(self) -> Path:
        self.serial += 1
        name = f"note-{self.serial:03d}.txt"
        url = f"https://example.org/news/{self.serial}" if self.rng.random() < 0.6 else None
        return self.set_note(name, random_note(self.rng, url))

    def taken(self, name: str = "") -> set[str]:
        """The texts of the statements without a URL of every other file."""
        return {n.text() for k, n in self.notes.items() if k != name and n.url is None} | \
            {i.item() for _, items in self.digests.values() for i in items}

    def set_note(self, name: str, note: Note) -> Path:
        """Write a note's file. A statement without a URL is known by its text, so two files
        that give the same text give one statement, from whichever was read last (by
        design): each note without a URL is kept unlike every other file's."""
        others = self.taken(name)
        while note.url is None and (note.text() in others or note.item() in others):
            note = random_note(self.rng, None)
        self.notes[name] = note
        return self.write(name, note.text())

    def new_digest(self) -> Path:
        self.serial += 1
        name = f"digest-{self.serial:03d}.txt"
        main = random_note(self.rng, f"https://example.org/news/{self.serial}")
        others, count = self.taken(), self.rng.randint(2, 3)
        items: list[Note] = []
        while len(items) < count:  # each unlike every other statement without a URL
            item = random_note(self.rng, None)
            if item.item() not in others and item.text() not in others:
                items.append(item)
                others.add(item.item())
        self.digests[name] = (main, items)
        return self.write(name, digest_text(main, items))


def consolidated(kg: KnowledgeGraph) -> set[ox.Quad]:
    return set(kg.store.graph_quads(C))


def difference(incremental: set[ox.Quad], rebuilt: set[ox.Quad], limit: int = 25) -> str:
    only_inc = sorted(str(q) for q in incremental - rebuilt)
    only_reb = sorted(str(q) for q in rebuilt - incremental)
    return ("\nonly incremental:\n  " + "\n  ".join(only_inc[:limit])
            + "\nonly rebuilt:\n  " + "\n  ".join(only_reb[:limit]))


def withdraw(kg: KnowledgeGraph, graph: str) -> None:
    """Remove a statement graph as the engine withdraws one (bulk._Writer), then maintain."""
    m = Maintainer(kg.store)
    old = kg.store.graph_quads(graph)
    m.begin()
    kg.store.remove_graph(graph)
    m.removed(graph, old)
    m.apply()


class CutShort(BaseException):
    """The process dies here (a kill, a power cut): nothing after it runs."""


@contextmanager
def cut_short(where: str) -> Iterator[None]:
    """An ingest that dies: before it consolidates anything ("apply"), half-way through
    replacing the consolidated graph's subjects ("replace"), or after that, before the
    states of events and the pairs of states follow ("states")."""
    saved: list[tuple[object, str, object]] = []

    def patch(owner: object, name: str, new: object) -> None:
        saved.append((owner, name, getattr(owner, name)))
        setattr(owner, name, new)

    def die(*_: object, **__: object) -> None:
        raise CutShort

    if where == "apply":
        patch(maintain.Maintainer, "apply", die)
    elif where == "replace":
        def half(self: OxigraphStore, graph: str | ox.NamedNode,
                 subjects: Iterable[ox.NamedNode], quads: Iterable[ox.Quad]) -> None:
            g = ox.NamedNode(CONSOLIDATED_GRAPH) if isinstance(graph, str) else graph
            old = [q for s in subjects for q in self.raw.quads_for_pattern(s, None, None, g)]
            for q in old[: len(old) // 2]:
                self.raw.remove(q)
            raise CutShort
        patch(OxigraphStore, "replace_subjects", half)
    else:
        patch(maintain, "refresh_event_states", die)
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def run_sequence(seed: int, tmp: Path, steps: int) -> None:
    rng = random.Random(seed)
    folder = tmp / "files"
    folder.mkdir()
    world = World(folder, rng)
    docs = [(f"gen{seed}-{d.name}", d.text) for d in generator().generate_documents(8, seed=seed)]
    docs += [(p.name, p.read_text(encoding="utf-8"))
             for p in rng.sample(sorted(SAMPLE.glob("*.txt")), 5)]
    rng.shuffle(docs)
    world.documents = docs
    kg = KnowledgeGraph(tmp / "store")
    log: list[str] = []
    stale = False  # the last step was cut short: the graph is compared after the next
    try:
        # a first ingest into a fresh store (the whole build), then the incremental path
        first = [world.new_note() for _ in range(rng.randint(2, 5))]
        kg.ingest(*first, workers=1)
        log.append(f"fresh {[p.name for p in first]}")
        ops = ["add", "add_doc", "digest", "change_note", "change_doc", "drop_items",
               "withdraw", "again", "same_url", "cut_short", "correct"]
        weights = [5, 2, 1, 4, 2, 2, 2, 1, 1, 1, 2 if seed % 4 == 1 else 0]
        corrected = False  # analysts' corrections made: the whole build would lack them
        for step in range(steps + 1):
            op = rng.choices(ops, weights)[0] if step < steps \
                else "again"  # the last step is never cut short
            paths: list[Path] = []
            if op == "add":
                paths = [world.new_note() for _ in range(rng.choice([1, 1, 2, 3]))]
            elif op == "add_doc" and world.documents:
                name, text = world.documents.pop()
                paths = [world.write(name, text)]
            elif op == "digest":
                paths = [world.new_digest()]
            elif op == "change_note" and world.notes:
                name = rng.choice(sorted(world.notes))
                paths = [world.set_note(name, changed_note(rng, world.notes[name]))]
            elif op == "change_doc":
                done = sorted(n for n in world.written if not n.startswith(("note-", "digest-")))
                if done:
                    name = rng.choice(done)
                    text = (folder / name).read_text(encoding="utf-8")
                    paths = [world.write(name, changed_document(rng, text))]
            elif op == "drop_items" and world.digests:
                name = rng.choice(sorted(world.digests))
                main, items = world.digests[name]
                world.digests[name] = (main, items[:rng.randrange(len(items))] if items else [])
                paths = [world.write(name, digest_text(main, world.digests[name][1]))]
            elif op == "withdraw" and world.notes:
                # a statement withdrawn (its file gone): what the engine does for one
                name = rng.choice(sorted(world.notes))
                graph = graph_of(world.notes.pop(name))
                (folder / name).unlink()
                world.written.discard(name)
                if kg.store.has_graph(graph):
                    withdraw(kg, graph)
                log.append(f"{step}: withdraw {name}")
            elif op == "again" and world.written:
                paths = [folder / n for n in rng.sample(sorted(world.written),
                                                        min(3, len(world.written)))]
            elif op == "same_url" and world.notes:
                # the same URL in two files of one run: the later one in the input stays
                name = rng.choice(sorted(n for n in world.notes))
                note = world.notes[name]
                if note.url:
                    other = changed_note(rng, note)
                    paths = [world.write(f"copy-{name}", other.text()), folder / name]
                    world.notes[f"copy-{name}"] = other  # gives the same graph: ingested first
            elif op == "cut_short":
                where = rng.choice(["apply", "replace", "states"])
                paths = [world.new_note() for _ in range(rng.choice([1, 2]))]
                if world.notes and rng.random() < 0.5:
                    name = rng.choice(sorted(world.notes))
                    paths.append(world.set_note(name, changed_note(rng, world.notes[name])))
                with cut_short(where), suppress(CutShort):
                    kg.ingest(*paths, workers=1)
                kg.close()  # the process died: the next step opens the store again
                kg = KnowledgeGraph(tmp / "store")
                log.append(f"{step}: cut short ({where}) {[p.name for p in paths]}")
                stale = maintain.was_cut_short(kg.store) or stale
                continue
            elif op == "correct":
                done = correct(kg, rng)
                corrected = corrected or bool(done)
                if done:
                    log.append(f"{step}: correct {done}")
                    op = "withdraw"  # nothing to ingest
            if not paths and op != "withdraw":  # nothing to do for this op: ingest a file again
                op, paths = "again", ([folder / rng.choice(sorted(world.written))]
                                      if world.written else [world.new_note()])
            if paths:
                kg.ingest(*paths, workers=1)
                log.append(f"{step}: {op} {[p.name for p in paths]}")
            if op == "same_url" and paths:  # the folder keeps the one that stayed
                paths[0].unlink()
                world.written.discard(paths[0].name)
                del world.notes[paths[0].name]
            assert not maintain.was_cut_short(kg.store)
            incremental = consolidated(kg)
            rebuild(kg.store)
            rebuilt = consolidated(kg)
            assert incremental == rebuilt, (
                f"seed {seed}, after step {log[-1]!r}{' (after a run cut short)' * stale}:"
                + difference(incremental, rebuilt) + "\nsteps:\n  " + "\n  ".join(log))
            stale = False
        if corrected:
            return
        # the same files into a fresh store at once: the whole build
        whole = KnowledgeGraph(tmp / "whole")
        try:
            whole.ingest(folder, workers=2 if seed % 3 == 0 else 1)
            assert consolidated(kg) == consolidated(whole), (
                f"seed {seed}, the whole build:" + difference(consolidated(kg), consolidated(whole))
                + "\nsteps:\n  " + "\n  ".join(log))
        finally:
            whole.close()
        if seed % 2 == 0:  # and in another order, a few files at a time (incremental)
            files = sorted(folder.iterdir())
            rng.shuffle(files)
            again = KnowledgeGraph(tmp / "again")
            try:
                while files:
                    n = rng.randint(1, 4)
                    again.ingest(*files[:n], workers=1)
                    files = files[n:]
                assert consolidated(again) == consolidated(kg), (
                    f"seed {seed}, another order:" + difference(consolidated(again),
                                                                 consolidated(kg)))
            finally:
                again.close()
    finally:
        kg.close()


def correct(kg: KnowledgeGraph, rng: random.Random) -> str:
    """An analyst's correction (curation.py) or the undoing of one: a person made to speak
    for another state, an event rejected, two events merged, a report split out; "" when
    the graph has nothing to correct that way."""
    from defgraph import curation

    store = kg.store
    how = rng.choice(["represents", "reject", "merge", "split", "undo"])
    persons = [str(r["p"]) for r in kg.query("SELECT ?p WHERE { ?p a dg:Person }")]
    events = [(str(r["e"]), str(r["c"])) for r in kg.query(
        "SELECT ?e ?c WHERE { ?e dg:report ?r ; a ?c . ?c rdfs:subClassOf dg:Event }")]
    events = sorted(set(events))
    try:
        if how == "represents" and persons:
            person = rng.choice(sorted(persons))
            state = rng.choice(["EST", "LVA", "LTU", "FIN"])
            c = curation.make(store, "set", person, prop="represents",
                              value=f"dgid:country/{state}", reason="a test", by="test")
        elif how == "reject" and events:
            c = curation.make(store, "reject", rng.choice(events)[0], reason="a test", by="test")
        elif how == "merge" and len(events) > 1:
            (a, _), (b, _) = rng.sample(events, 2)
            c = curation.make(store, "merge", a, other=b, reason="a test", by="test")
        elif how == "split":
            several = [str(r["e"]) for r in kg.query(
                "SELECT ?e WHERE { ?e dg:report ?r } GROUP BY ?e HAVING (COUNT(?r) > 1)")]
            if not several:
                return ""
            event = rng.choice(sorted(several))
            statement = str(kg.query(f"SELECT ?s WHERE {{ <{event}> dg:reportedIn ?s }} "
                                     "ORDER BY ?s LIMIT 1")[0]["s"])
            c = curation.make(store, "split", event, statement=statement, reason="a test",
                              by="test")
        elif how == "undo":
            made = curation.listing(store)
            if not made:
                return ""
            undone = curation.undo(store, rng.choice(made).correction.id)
            return f"undo {undone.operation} {undone.target}"
        else:
            return ""
    except curation.CurationError:
        return ""
    curation.add(store, c)
    return f"{c.operation} {c.target} {c.prop or ''} {c.value or c.merged_with or ''}"


def graph_of(note: Note) -> str:
    """The graph of a note's statement (its URL's, or its text's when it has none)."""
    from defgraph.ingest import parse_text
    from defgraph.mapping import graph_iri

    return graph_iri(parse_text(note.text(), "x")[0]).value


def _seeds() -> list[int]:
    spec = os.environ.get("DEFGRAPH_DIFFERENTIAL_SEEDS", "")
    if not spec:
        return [1, 2, 3, 4]
    if "-" in spec:
        low, high = spec.split("-", 1)
        return list(range(int(low), int(high) + 1))
    return [int(x) for x in spec.split(",")]


@pytest.mark.parametrize("seed", _seeds())
def test_incremental_equals_rebuild_after_every_step(seed: int, tmp_path: Path) -> None:
    run_sequence(seed, tmp_path, int(os.environ.get("DEFGRAPH_DIFFERENTIAL_STEPS", "16")))


# -- the defects the differential run found, each as its smallest case -------------------------

CALL = (" date 2025-05-06 Ministry of Defence of Sweden\nCall\nAnna Berglund, the Swedish "
        "defence minister, met the Finnish defence minister in Helsinki today.\n"
        "Original article link: https://example.org/news/call\n")
LATER = (" date 2025-05-20 Ministry of Defence of Sweden\nCall\nAnna Berglund, the Swedish "
         "defence minister, spoke by phone with the Norwegian defence minister today.\n"
         "Original article link: https://example.org/news/later\n")
OTHER = (" date 2025-05-01 Ministry of Defence of Sweden\nCall\nThe Swedish defence minister "
         "spoke by phone with the Danish defence minister today.\n"
         "Original article link: https://example.org/news/other\n")


def _files(tmp_path: Path, **texts: str) -> dict[str, Path]:
    out = {}
    for name, text in texts.items():
        out[name] = tmp_path / f"{name}.txt"
        out[name].write_text(text, encoding="utf-8")
    return out


def _equals_rebuild(kg: KnowledgeGraph) -> None:
    incremental = consolidated(kg)
    rebuild(kg.store)
    assert incremental == consolidated(kg), difference(incremental, consolidated(kg))


@pytest.mark.parametrize("where", ["apply", "replace", "states"])
def test_a_changed_statement_cut_short_is_mended_by_the_next_ingest(tmp_path: Path,
                                                                    where: str) -> None:
    """A statement changed in place (same URL) by a run that died before its consolidated
    graph followed: the run after it found the statement's graph as the file gives it and
    consolidated, and changed nothing, so the old text's facts (Finland, Helsinki) stayed
    in the consolidated graph for good. Dying half-way through replacing the graph's
    subjects, or before the events' states and the pairs of states followed, left it as
    wrong. Now a run marks the store before its first write and clears the mark when the
    consolidated graph is in step; the next run that finds the mark rebuilds the graph."""
    files = _files(tmp_path, call=CALL)
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(files["call"])
    files["call"].write_text(CALL.replace("Finnish", "Norwegian").replace("Helsinki", "Oslo"),
                             encoding="utf-8")
    with cut_short(where), suppress(CutShort):
        kg.ingest(files["call"])
    kg.close()
    kg = KnowledgeGraph(tmp_path / "store")
    assert maintain.was_cut_short(kg.store)
    report = kg.ingest(files["call"])
    assert report.unchanged == 1 and not maintain.was_cut_short(kg.store)
    assert not kg.query("SELECT ?c WHERE { ?c dg:iso3 'FIN' }")
    _equals_rebuild(kg)
    kg.close()


def test_a_withdrawal_cut_short_is_mended_by_any_later_ingest(tmp_path: Path) -> None:
    """A statement withdrawn (its file read again without it) by a run that died before
    the consolidated graph followed: no later run would see it again, so its facts stayed;
    the next ingest of anything rebuilds the graph."""
    files = _files(tmp_path, other=OTHER)
    note = tmp_path / "note.txt"
    note.write_text(CALL.replace("Original article link: https://example.org/news/call\n", ""),
                    encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(note)
    note.write_text(OTHER.replace("Original article link: https://example.org/news/other\n",
                                  "").replace("Danish", "Polish"), encoding="utf-8")
    with cut_short("apply"), suppress(CutShort):
        kg.ingest(note)
    kg.close()
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(files["other"])  # another file: the store is mended all the same
    assert not kg.query("SELECT ?c WHERE { ?c dg:iso3 'FIN' }")
    _equals_rebuild(kg)
    kg.close()


def test_a_statement_stored_by_a_run_cut_short_is_counted_once(tmp_path: Path) -> None:
    """A statement stored by a run that died before consolidating it (a store written by a
    version that left no mark, so nothing rebuilds it), then another statement naming the
    same person (counted by the store, the first statement with it), then the first file
    again: its person grew from her node, and the first statement was counted twice
    (dg:statementCount 3 for two statements). A statement the consolidated graph lacks is
    now counted anew for its entities, not added to their nodes."""
    files = _files(tmp_path, other=OTHER, call=CALL, later=LATER)
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(files["other"])
    with cut_short("apply"), suppress(CutShort):
        kg.ingest(files["call"])
    kg.store.remove_graph(maintain.MAINTENANCE_GRAPH)  # as an earlier version left it
    kg.ingest(files["later"])
    report = kg.ingest(files["call"])
    assert report.unchanged == 1
    counts = kg.query("SELECT ?n WHERE { ?p rdfs:label 'Anna Berglund' ; dg:statementCount ?n }")
    assert [int(str(r["n"])) for r in counts] == [2]
    _equals_rebuild(kg)
    kg.close()


def test_a_digest_read_again_without_its_items_withdraws_them(tmp_path: Path) -> None:
    """A digest's items have no URL: read again with fewer items, the file's other
    statements go. With none left (every statement the file gives has a URL), the file was
    not looked up at all and the dropped items stayed in the store and the graph."""
    main = random_note(random.Random(1), "https://example.org/news/digest")
    items = [Note("call", 0, 1, 2, "Riga", 6, "Anna Berglund", 100, None),
             Note("meeting", 2, 3, 0, "Tallinn", 7, "Jonas Petraitis", 100, None)]
    digest = tmp_path / "digest.txt"
    digest.write_text(digest_text(main, items), encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    assert kg.ingest(digest).stored == 3
    digest.write_text(digest_text(main, items[:1]), encoding="utf-8")
    assert kg.ingest(digest).withdrawn == 1
    digest.write_text(digest_text(main, []), encoding="utf-8")
    report = kg.ingest(digest)
    assert report.withdrawn == 1 and report.unchanged == 1
    assert len(kg.query("SELECT ?s WHERE { ?s a dg:Statement }")) == 1
    _equals_rebuild(kg)
    kg.close()


def test_a_file_read_again_replaces_a_statement_its_last_run_did_not_consolidate(
        tmp_path: Path) -> None:
    """A file without a URL read by a run that died before consolidating, then changed and
    read again: its earlier statement is withdrawn. The engine looked for a file's
    statements in the consolidated graph, which the run cut short never wrote, so the
    earlier statement stayed beside the new one for good (and the rebuild after the run
    cut short consolidated both)."""
    files = _files(tmp_path, other=OTHER)
    note = tmp_path / "note.txt"
    no_link = "Original article link: https://example.org/news/call\n"
    note.write_text(CALL.replace(no_link, ""), encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(files["other"])
    with cut_short("apply"), suppress(CutShort):
        kg.ingest(note)
    kg.close()
    kg = KnowledgeGraph(tmp_path / "store")
    note.write_text(CALL.replace(no_link, "").replace("Finnish", "Polish")
                    .replace("Helsinki", "Warsaw"), encoding="utf-8")
    report = kg.ingest(note)
    assert report.stored == 1 and report.withdrawn == 1
    assert len(maintain.statement_graphs(kg.store)) == 2  # the other file's, and the note's as it is now
    assert not kg.query("SELECT ?c WHERE { ?c dg:iso3 'FIN' }")
    _equals_rebuild(kg)
    kg.close()


def test_a_correction_cut_short_is_applied_by_the_next_ingest(tmp_path: Path) -> None:
    """`defgraph correct` writes the correction, then the graph follows: dying in between
    left the correction recorded and never applied (the next ingest recomputed only what
    its own statements touched)."""
    from defgraph import curation

    files = _files(tmp_path, call=CALL, other=OTHER)
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(files["call"])
    c = curation.make(kg.store, "set", "dgid:person/anna-berglund", prop="represents",
                      value="dgid:country/NOR", reason="speaks for Norway here", by="test")
    with cut_short("apply"), suppress(CutShort):
        curation.add(kg.store, c)
    kg.close()
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(files["other"])  # names someone else
    assert kg.query("SELECT ?s WHERE { <https://w3id.org/defgraph/id/person/anna-berglund> "
                    "dg:represents ?s }") == \
        [{"s": "https://w3id.org/defgraph/id/country/NOR"}]
    _equals_rebuild(kg)
    kg.close()
