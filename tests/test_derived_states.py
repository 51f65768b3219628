"""The states each event involves (dg:convenorState / participantState / virtualState) stay
right whatever changes a party's state or an event's parties: a later statement, a
withdrawn one, an analyst's correction, a merge or a split. After each step the graph holds
exactly what the two flat tables (event_parties, party_states) give, each event's own query
(event_states) agrees, and `rebuild` (and a whole ingest of the same statements) changes
nothing. Real Oxigraph stores in tmp_path; the statements are written for these tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from defgraph import curation, maintain
from defgraph.maintain import _all_event_states, _rows, _state_quads
from defgraph.pipeline import KnowledgeGraph
from defgraph.vocab import CONSOLIDATED_GRAPH, DGID_NS, dg

C = ox.NamedNode(CONSOLIDATED_GRAPH)
SOURCE_FILE = dg("sourceFile")
STATE_PROPS = {dg("convenorState"), dg("participantState"), dg("virtualState")}


def statement(day: str, publisher: str, title: str, body: str, url: str | None) -> str:
    link = f"Original article link: {url}\n" if url else ""
    return f" date {day} {publisher}\n{title}\n{body}\n{link}"


# A person the statements disagree on (Denmark in the first, Sweden in the next two), as in
# tests/test_consolidate.py, with other wording.
HOLM = {
    "a.txt": statement("2025-04-02", "Ministry of Defence of Denmark", "Talks in Copenhagen",
                       "The Danish defence minister met Defence Minister Karin Holm in "
                       "Copenhagen today to discuss naval cooperation.",
                       "https://example.dk/news/holm"),
    "b.txt": statement("2025-04-20", "Ministry of Defence of Sweden", "Swedish minister in Riga",
                       "Karin Holm, Sweden's defence minister, met the Latvian defence minister "
                       "in Riga today.", "https://example.se/news/riga"),
    "c.txt": statement("2025-05-05", "Ministry of Defence of Sweden", "Call with Iceland",
                       "Karin Holm, the Swedish defence minister, spoke by phone with the "
                       "Icelandic foreign minister today.", "https://example.se/news/iceland"),
}
# b.txt again at the same address, now naming someone else: what it said of her is withdrawn
HOLM_B_WITHDRAWN = statement("2025-04-20", "Ministry of Defence of Sweden",
                             "Swedish minister in Riga",
                             "Erik Sand, Sweden's defence minister, met the Latvian defence "
                             "minister in Riga today.", "https://example.se/news/riga")

# A head of an alliance meets a minister (the person acts for the organisation), and a call
# between two other states (the only statement naming Belgium).
RUTTE = statement("2025-04-09", "Ministry of Defence of Denmark", "Minister meets the "
                  "alliance's head", "The Danish defence minister met NATO Secretary General "
                  "Mark Rutte in Copenhagen today.", "https://example.dk/news/alliance")
CALL = statement("2025-04-03", "Ministry of Defence of Belgium", "Call with the Netherlands",
                 "The Belgian defence minister spoke by phone with the Dutch defence minister "
                 "today.", "https://example.be/news/call")
CALL_ELSEWHERE = CALL.replace("Belgian", "Luxembourg").replace("of Belgium", "of Luxembourg")


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out


def consolidated(kg: KnowledgeGraph) -> set[ox.Quad]:
    """The consolidated graph less the files' paths (stores of one test read other folders)."""
    return {q for q in kg.store.graph_quads(C) if q.predicate != SOURCE_FILE}


def held(kg: KnowledgeGraph) -> set[tuple[str, str, str]]:
    """The derived states the graph holds: (event, property, state)."""
    return {(e.value, p.value, c.value) for e, p, c in _rows(kg.store, "derived_states")}


def states_of(kg: KnowledgeGraph, event: str) -> dict[str, str]:
    """One event's derived states as held: ISO code -> role (local name of the property)."""
    return {c.rsplit("/", 1)[1]: p.rsplit("#", 1)[1] for e, p, c in held(kg) if e == event}


def events(kg: KnowledgeGraph) -> list[str]:
    return sorted(r["e"] for r in kg.query(
        "SELECT DISTINCT ?e WHERE { ?e dg:report ?r ; a ?c . ?c rdfs:subClassOf dg:Event }"))


def assert_in_step(kg: KnowledgeGraph) -> None:
    """The graph holds what the two flat tables give, and each event's own query agrees."""
    tables = {(q.subject.value, q.predicate.value, q.object.value)
              for q in _state_quads(_all_event_states(kg.store))}
    assert held(kg) == tables
    one_by_one: set[tuple[str, str, str]] = set()
    for e in events(kg):
        one_by_one |= {(q.subject.value, q.predicate.value, q.object.value)
                       for q in _state_quads(
                           _rows(kg.store, "event_states", event=ox.NamedNode(e)))}
    assert one_by_one == tables
    # no derived state left on a node that is no event (a merged-away or withdrawn one)
    assert {e for e, _, _ in held(kg)} <= set(events(kg))
    assert_canned_queries_agree(kg, tables)


def assert_canned_queries_agree(kg: KnowledgeGraph, tables: set[tuple[str, str, str]]) -> None:
    """The canned questions about states give what the tables give."""
    roles = {str(dg(p).value): r for p, r in (("convenorState", "convenor"),
                                              ("participantState", "participant"),
                                              ("virtualState", "virtual"))}
    assert {(str(r["event"]), str(r["country"]), r["role"]) for r in kg.query("events_by_country")} \
        == {(e, c, roles[p]) for e, p, c in tables}
    counts: dict[str, set[str]] = {}
    for e, _, c in tables:
        counts.setdefault(c, set()).add(e)
    activity = {str(r["country"]): int(r["events"] or 0) for r in kg.query("countries_activity")}
    assert {c: n for c, n in activity.items() if n} == {c: len(es) for c, es in counts.items()}
    planned = {str(r["e"]) for r in kg.query("SELECT ?e WHERE { ?e dg:planned true }")}
    dates = {str(r["e"]): str(r["d"]) for r in kg.query("SELECT ?e ?d WHERE { ?e dg:date ?d }")}
    pairs: dict[tuple[str, str], tuple[int, str | None, str | None]] = {}
    for e in {e for e, _, _ in tables} - planned:
        states = {c for x, _, c in tables if x == e}
        for a in states:
            for b in states - {a}:
                n, first, last = pairs.get((a, b), (0, None, None))
                day = dates.get(e)
                if day is not None:
                    first = min(first or day, day)
                    last = max(last or day, day)
                pairs[(a, b)] = (n + 1, first, last)
    # the materialised pairs (dg:StatePair) give what the events give now
    met = kg.query("countries_who_met_whom")
    assert {(str(r["country"]), str(r["partner"])):
            (int(r["shared_events"]), r["first_date"] and str(r["first_date"]),
             r["last_date"] and str(r["last_date"])) for r in met} == pairs
    assert len(met) == len(pairs)  # one row per pair


def assert_rebuild_changes_nothing(kg: KnowledgeGraph) -> None:
    before = consolidated(kg)
    kg.rebuild()
    after = consolidated(kg)
    assert {q for q in before if q.predicate in STATE_PROPS} == \
        {q for q in after if q.predicate in STATE_PROPS}
    assert before == after


def event_of(kg: KnowledgeGraph, url: str) -> str:
    """The one consolidated event reported by the statement at this address."""
    st = sorted(curation.statements_at(kg.store, url))
    assert len(st) == 1, st
    found = {r["e"] for r in kg.query(
        f"SELECT DISTINCT ?e WHERE {{ ?e dg:reportedIn <{st[0]}> ; dg:report ?r }}")}
    assert len(found) == 1, found
    return str(found.pop())


def correct(kg: KnowledgeGraph, operation: str, target: str, **kw: str) -> curation.Correction:
    c = curation.make(kg.store, operation, target, reason="a test of the derived states", by="t",
                      **kw)
    return curation.add(kg.store, c)


# -- statements ------------------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_a_winner_flip_and_its_withdrawal(tmp_path: Path, workers: int) -> None:
    """Her state flips when the second Swedish statement arrives, and flips back when one of
    them is withdrawn (the same address, other text): the Copenhagen talks follow both ways,
    though their own report never changed."""
    a, b, c = write(tmp_path / "in", HOLM)
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(a, b, workers=workers)  # fresh: one Danish, one Swedish: a tie
    talks = event_of(kg, "https://example.dk/news/holm")
    assert_in_step(kg)
    tie = states_of(kg, talks)
    kg.ingest(c, workers=workers)  # incremental: two Swedish of three
    assert states_of(kg, talks) == {"DNK": "participantState", "SWE": "participantState"}
    assert_in_step(kg)
    whole = KnowledgeGraph(tmp_path / "whole")
    whole.ingest(*write(tmp_path / "whole-in", HOLM), workers=workers)
    assert consolidated(kg) == consolidated(whole)
    later = KnowledgeGraph(tmp_path / "two-at-once")  # the flip by two statements in one run
    later.ingest(a)
    later.ingest(b, c, workers=workers)
    assert_in_step(later)
    assert consolidated(later) == consolidated(whole)
    # b withdrawn: one Danish, one Swedish again
    b.write_text(HOLM_B_WITHDRAWN, encoding="utf-8")
    report = kg.ingest(b, workers=workers)
    assert report.stored == 1
    assert states_of(kg, talks) == tie
    assert_in_step(kg)
    again = KnowledgeGraph(tmp_path / "whole-again")
    again.ingest(*write(tmp_path / "again-in", {**HOLM, "b.txt": HOLM_B_WITHDRAWN}),
                 workers=workers)
    assert consolidated(kg) == consolidated(again)
    assert_rebuild_changes_nothing(kg)


def test_a_file_without_address_edited_and_read_again(tmp_path: Path) -> None:
    """A statement with no URL is its file: edited, its old graph is withdrawn and what it
    said of her state with it."""
    files = {name: text.split("Original article link")[0] for name, text in HOLM.items()}
    a, b, c = write(tmp_path / "in", files)
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(a)
    kg.ingest(b, c)
    talks = next(e for e in events(kg) if "DNK" in states_of(kg, e))
    assert set(states_of(kg, talks)) == {"DNK", "SWE"}
    c.write_text(files["c.txt"].replace("Karin Holm", "Erik Sand"), encoding="utf-8")
    report = kg.ingest(c)
    assert report.stored == 1 and report.withdrawn == 1
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    whole = KnowledgeGraph(tmp_path / "whole")
    whole.ingest(*write(tmp_path / "whole-in", {
        **files, "c.txt": files["c.txt"].replace("Karin Holm", "Erik Sand")}))
    assert consolidated(kg) == consolidated(whole)


# -- corrections -----------------------------------------------------------------------------


def test_a_corrected_state_of_a_person_and_its_undo(tmp_path: Path) -> None:
    """set represents: every event of hers follows at once; undo: back; an unset leaves her
    events with the other side only."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*write(tmp_path / "in", HOLM))
    talks = event_of(kg, "https://example.dk/news/holm")
    call = event_of(kg, "https://example.se/news/iceland")
    before = held(kg)
    c = correct(kg, "set", "Karin Holm", prop="represents", value="Latvia")
    assert "LVA" in states_of(kg, talks) and "LVA" in states_of(kg, call)
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    curation.undo(kg.store, c.id)
    assert held(kg) == before
    assert_in_step(kg)
    correct(kg, "unset", "Karin Holm", prop="represents")
    assert set(states_of(kg, talks)) == {"DNK"}  # Sweden was there through her only
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)


def test_a_rejected_state_leaves_the_events_of_those_acting_for_it(tmp_path: Path) -> None:
    """Rejecting a state removes it from every event, whether it took part itself or through
    her; undone, it returns."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*write(tmp_path / "in", HOLM))
    before = held(kg)
    c = correct(kg, "reject", DGID_NS + "country/SWE")
    assert not any(s.endswith("/SWE") for _, _, s in held(kg))
    assert_in_step(kg)
    derived = held(kg)
    kg.rebuild()
    assert held(kg) == derived
    curation.undo(kg.store, c.id)
    assert held(kg) == before
    assert_in_step(kg)
    kg.rebuild()
    assert held(kg) == before


def test_a_rejected_state_is_mentioned_by_no_statement_after_the_incremental_path(
        tmp_path: Path) -> None:
    """A rejected state leaves the statements' own descriptions (dg:mentions) at once, as a
    rebuild would: the correction reaches the statements that point at it."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*write(tmp_path / "in", HOLM))
    correct(kg, "reject", DGID_NS + "country/SWE")
    assert_rebuild_changes_nothing(kg)


def test_merged_and_split_events_carry_the_states_of_their_parties(tmp_path: Path) -> None:
    """Two events merged are one with both sides' states; the merged-away node keeps none;
    split again, each has its own."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*write(tmp_path / "in", HOLM))
    riga = event_of(kg, "https://example.se/news/riga")
    call = event_of(kg, "https://example.se/news/iceland")
    apart = held(kg)
    correct(kg, "merge", riga, other=call)
    merged = event_of(kg, "https://example.se/news/riga")
    assert set(states_of(kg, merged)) >= {"SWE", "LVA", "ISL"}
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    correct(kg, "split", merged, statement="https://example.se/news/iceland")
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    assert {(p, s) for _, p, s in held(kg)} == {(p, s) for _, p, s in apart}


def test_an_organisation_given_a_state_reaches_the_events_of_its_people(tmp_path: Path) -> None:
    """Two hops: the person acts for the alliance, the alliance is given a state by an
    analyst; her event involves that state, and loses it when the correction is undone."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*write(tmp_path / "in", {"rutte.txt": RUTTE, "call.txt": CALL}))
    talks = event_of(kg, "https://example.dk/news/alliance")
    assert set(states_of(kg, talks)) == {"DNK"}
    c = correct(kg, "set", DGID_NS + "org/nato", prop="country", value="BEL")
    assert set(states_of(kg, talks)) == {"DNK", "BEL"}
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    curation.export_corrections(kg.store, tmp_path / "corrections.ttl")
    other = KnowledgeGraph(tmp_path / "other")  # the correction first, then the statements
    curation.import_corrections(other.store, tmp_path / "corrections.ttl")
    other.ingest(*write(tmp_path / "other-in", {"rutte.txt": RUTTE, "call.txt": CALL}))
    assert consolidated(other) == consolidated(kg)
    curation.undo(kg.store, c.id)
    assert set(states_of(kg, talks)) == {"DNK"}
    assert_in_step(kg)


def test_a_state_that_stops_being_one_leaves_events_two_hops_away(tmp_path: Path) -> None:
    """The alliance's state (a correction) is named by one statement only; withdrawn, the
    node is a state no more (no statement types it), so the events of the alliance's people
    no longer involve it: the incremental path must reach them through the organisation."""
    kg = KnowledgeGraph(tmp_path / "store")
    rutte, call = write(tmp_path / "in", {"rutte.txt": RUTTE, "call.txt": CALL})
    kg.ingest(rutte, call)
    talks = event_of(kg, "https://example.dk/news/alliance")
    correct(kg, "set", DGID_NS + "org/nato", prop="country", value="BEL")
    assert set(states_of(kg, talks)) == {"DNK", "BEL"}
    call.write_text(CALL_ELSEWHERE, encoding="utf-8")
    kg.ingest(call)
    assert kg.query(f"ASK {{ <{DGID_NS}country/BEL> a dg:Country }}") == [{"boolean": False}]
    assert set(states_of(kg, talks)) == {"DNK"}
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)


def test_an_event_whose_node_changes_keeps_no_states_on_its_old_one(tmp_path: Path) -> None:
    """A report published earlier arrives later: the event's node becomes that report's, and
    its states move with it (none left on the old node)."""
    later = statement("2025-06-11", "Ministry of Defence of Poland", "Talks in Warsaw",
                      "The Polish defence minister met the Czech defence minister in Warsaw "
                      "on 10 June 2025 to discuss ammunition production.",
                      "https://example.pl/news/warsaw")
    earlier = statement("2025-06-05", "Ministry of Defence of Czechia", "Minister to attend "
                        "talks in Warsaw", "The Czech defence minister will meet the Polish defence "
                        "minister in Warsaw on 10 June 2025.", "https://example.cz/news/warsaw")
    first, second = write(tmp_path / "in", {"later.txt": later, "earlier.txt": earlier})
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(first)
    old = event_of(kg, "https://example.pl/news/warsaw")
    kg.ingest(second)
    new = event_of(kg, "https://example.pl/news/warsaw")
    assert new == event_of(kg, "https://example.cz/news/warsaw")  # one event
    assert set(states_of(kg, new)) == {"POL", "CZE"}
    assert new != old  # the earlier report founds the event
    assert states_of(kg, old) == {}
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    # the earlier report withdrawn (its address now tells of other talks): the event is the
    # later report's again, its states with it; the other talks are an event of their own
    second.write_text(earlier.replace("Warsaw", "Prague").replace("the Polish", "the Slovak"),
                      encoding="utf-8")
    kg.ingest(second)
    assert event_of(kg, "https://example.pl/news/warsaw") == old
    assert set(states_of(kg, old)) == {"POL", "CZE"}
    assert set(states_of(kg, event_of(kg, "https://example.cz/news/warsaw"))) == {"CZE", "SVK"}
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)


# -- a remote store --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Virtuoso of this module's own (tests/test_remote.py starts it the same way)."""
    from test_remote import _start_virtuoso

    server = _start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.mark.server
def test_the_same_states_on_virtuoso(virtuoso: str, tmp_path: Path) -> None:
    """Each step on Virtuoso (a whole ingest, an incremental one, a withdrawal, a correction of
    a person and of an organisation, a rebuild) leaves the derived states of the embedded
    store: the one-event query and the two tables agree there too."""
    from defgraph.stores.remote import RemoteStore

    remote = KnowledgeGraph(RemoteStore(virtuoso))
    local = KnowledgeGraph(tmp_path / "store")
    files = {**HOLM, "rutte.txt": RUTTE, "call.txt": CALL}
    paths = write(tmp_path / "in", files)
    by_name = {p.name: p for p in paths}

    def both(step: Callable[[KnowledgeGraph], object]) -> None:
        for kg in (remote, local):
            step(kg)
        assert held(remote) == held(local)
        assert_in_step(remote)

    both(lambda kg: kg.ingest(by_name["a.txt"], by_name["b.txt"], by_name["rutte.txt"],
                              by_name["call.txt"]))
    both(lambda kg: kg.ingest(by_name["c.txt"]))
    by_name["b.txt"].write_text(HOLM_B_WITHDRAWN, encoding="utf-8")
    both(lambda kg: kg.ingest(by_name["b.txt"]))
    both(lambda kg: correct(kg, "set", "Karin Holm", prop="represents", value="Latvia"))
    both(lambda kg: correct(kg, "set", DGID_NS + "org/nato", prop="country", value="BEL"))
    talks = event_of(remote, "https://example.dk/news/alliance")
    assert set(states_of(remote, talks)) == {"DNK", "BEL"}
    by_name["call.txt"].write_text(CALL_ELSEWHERE, encoding="utf-8")
    both(lambda kg: kg.ingest(by_name["call.txt"]))  # Belgium is no state any more
    assert set(states_of(remote, talks)) == {"DNK"}
    riga, call = (event_of(local, "https://example.se/news/riga"),
                  event_of(local, "https://example.se/news/iceland"))
    both(lambda kg: correct(kg, "merge", riga, other=call))
    merged = event_of(local, "https://example.se/news/riga")
    both(lambda kg: correct(kg, "split", merged, statement="https://example.se/news/iceland"))
    rejected = {kg: correct(kg, "reject", DGID_NS + "country/LVA") for kg in (remote, local)}
    assert held(remote) == held(local)
    assert_in_step(remote)
    both(lambda kg: curation.undo(kg.store, rejected[kg].id))
    before = held(remote)
    both(lambda kg: kg.rebuild())
    assert held(remote) == before


RAMSTEIN = statement("2025-09-09", "Ministry of Defence of Germany", "Contact group meets",
                     "The German defence minister hosted the Ukraine Defense Contact Group at "
                     "Ramstein Air Base today. The Japanese defence minister was also there.",
                     "https://example.de/news/ramstein")


def test_roles_follow_corrections_of_the_parties(tmp_path: Path) -> None:
    """A state is virtual only while every party it has there joined remotely; a convenor
    outranks both. Corrections that add parties move its role; undone, it moves back."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*write(tmp_path / "in", {"ramstein.txt": RAMSTEIN}))
    meeting = event_of(kg, "https://example.de/news/ramstein")
    assert states_of(kg, meeting)["DEU"] == "convenorState"
    before = held(kg)
    post = DGID_NS + "post/jpn-defence-minister"
    assert kg.query(f"ASK {{ <{post}> dg:represents ?c }}") == [{"boolean": True}]
    steps = []
    steps.append(correct(kg, "set", meeting, prop="attendedVirtually", value=post))
    assert states_of(kg, meeting)["JPN"] == "virtualState"
    assert_in_step(kg)
    steps.append(correct(kg, "set", meeting, prop="participant", value="Japan"))
    assert states_of(kg, meeting)["JPN"] == "participantState"  # Japan itself was there
    assert_in_step(kg)
    steps.append(correct(kg, "set", meeting, prop="convenedBy", value=post))
    assert states_of(kg, meeting)["JPN"] == "convenorState"
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    # the corrections moved to a fresh store, then the statement: the same graph
    curation.export_corrections(kg.store, tmp_path / "corrections.ttl")
    other = KnowledgeGraph(tmp_path / "other")
    curation.import_corrections(other.store, tmp_path / "corrections.ttl")
    other.ingest(*write(tmp_path / "other-in", {"ramstein.txt": RAMSTEIN}))
    assert consolidated(other) == consolidated(kg)
    roles = ["participantState", "virtualState", None]
    for c, role in zip(reversed(steps), roles, strict=True):
        curation.undo(kg.store, c.id)
        assert states_of(kg, meeting).get("JPN") == role
        assert_in_step(kg)
    assert held(kg) == before
    assert_rebuild_changes_nothing(kg)


def test_one_address_twice_in_a_fresh_run(tmp_path: Path) -> None:
    """Two files with one address in one run: the later replaces the earlier, and the states
    are those of what stayed (a fresh store rebuilds at the run's end; one with statements
    takes the incremental path)."""
    folder = tmp_path / "in"
    files = write(folder, {**HOLM, "b2.txt": HOLM_B_WITHDRAWN})
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*files, workers=1)
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)
    later = KnowledgeGraph(tmp_path / "later")  # the same, into a store that has statements
    later.ingest(files[0])
    later.ingest(*files[1:], workers=2)
    assert_in_step(later)
    assert_rebuild_changes_nothing(later)


def test_a_rejected_state_leaves_a_value_a_correction_gave(tmp_path: Path) -> None:
    """A state rejected after another correction gave it to an organisation (a value only
    the consolidated graph holds) leaves that organisation too, as a rebuild would."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*write(tmp_path / "in", {"rutte.txt": RUTTE, "call.txt": CALL}))
    correct(kg, "set", DGID_NS + "org/nato", prop="country", value="BEL")
    rejected = correct(kg, "reject", DGID_NS + "country/BEL")
    assert_in_step(kg)  # the derived states hold: Belgium is no state any more
    nato = ox.NamedNode(DGID_NS + "org/nato")
    before = {q for q in kg.store.subject_quads(nato, C) if q.predicate == dg("country")}
    assert not before
    kg.rebuild()
    assert {q for q in kg.store.subject_quads(nato, C) if q.predicate == dg("country")} == before
    # the reject undone: the organisation has the state the first correction gave it again
    curation.undo(kg.store, rejected.id)
    assert {q.object for q in kg.store.subject_quads(nato, C) if q.predicate == dg("country")} \
        == {ox.NamedNode(DGID_NS + "country/BEL")}
    assert_in_step(kg)
    assert_rebuild_changes_nothing(kg)


def test_a_store_from_before_the_derived_states_gets_them_all(tmp_path: Path) -> None:
    """A store consolidated by a version without derived states has none: the next
    incremental ingest derives them for every event, not only for the events it writes."""
    *holm, call = write(tmp_path / "in", {**HOLM, "call.txt": CALL})
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*holm)
    old = [q for q in kg.store.graph_quads(C) if q.predicate in STATE_PROPS]
    kg.store.change(old, [])  # what the previous version left: the graph without them
    kg.ingest(call)  # a statement about other states
    assert_in_step(kg)


def test_a_store_from_before_the_pairs_gets_them_all(tmp_path: Path) -> None:
    """A store consolidated by a version without the pairs of states (dg:StatePair) gets
    every pair at its next incremental ingest, not only the pairs of the states it touches."""
    *holm, call = write(tmp_path / "in", {**HOLM, "call.txt": CALL})
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(*holm)
    pairs = {q.subject for q in kg.store.graph_quads(C) if q.object == dg("StatePair")}
    assert pairs
    kg.store.change([q for q in kg.store.graph_quads(C) if q.subject in pairs], [])
    kg.ingest(call)  # a statement about other states
    assert pairs <= {q.subject for q in kg.store.graph_quads(C) if q.object == dg("StatePair")}
    assert_in_step(kg)


def test_the_command_line_correct_then_rebuild(tmp_path: Path) -> None:
    """`defgraph correct set` and `defgraph rebuild` as an analyst runs them: the canned
    question about a state answers from the derived states after each."""
    from click.testing import CliRunner

    from defgraph.cli import main

    store = str(tmp_path / "store")

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, [*args, "--store", store], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def events_with(iso: str) -> set[str]:
        out = run("query", "events_by_country", "--param", f"country={iso}", "--format", "csv")
        return {line.split(",")[5] for line in out.splitlines()[1:] if line}

    write(tmp_path / "in", HOLM)
    run("ingest", str(tmp_path / "in"))
    with KnowledgeGraph(store) as kg:
        talks = event_of(kg, "https://example.dk/news/holm")
    assert talks not in events_with("LVA")
    run("correct", "set", "Karin Holm", "represents", "Latvia", "--reason", "a test")
    assert talks in events_with("LVA")
    run("rebuild")
    assert talks in events_with("LVA")
    with KnowledgeGraph(store) as kg:
        assert_in_step(kg)


@pytest.mark.parametrize("one_by_one", [True, False])
def test_pairs_recounted_for_some_states_equal_the_whole_count(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_by_one: bool) -> None:
    """The pairs of states that met (dg:StatePair), as a whole build writes them for the
    sample corpus, come back the same when those of a few states are dropped and recounted,
    one state at a time or by one scan of every held event (the two paths of an ingest)."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest(Path(__file__).resolve().parents[1] / "data" / "statements")
    whole = consolidated(kg)
    pairs = {q for q in whole if q.predicate == dg("pairState")}
    assert len(pairs) >= 20  # the sample has many states that met
    some = sorted({q.object for q in pairs}, key=str)[:5]
    dropped = {q.subject for q in whole if q.predicate in (dg("pairState"), dg("pairPartner"))
               and q.object in some}
    kg.store.change([q for q in kg.store.graph_quads(C) if q.subject in dropped], [])
    assert consolidated(kg) != whole
    monkeypatch.setattr(maintain, "_PAIRS_ONE_BY_ONE", 100 if one_by_one else 0)
    maintain.refresh_state_pairs(kg.store, some)
    assert consolidated(kg) == whole
    assert maintain.refresh_state_pairs(kg.store, some) > 0  # and nothing more to write
    assert consolidated(kg) == whole
