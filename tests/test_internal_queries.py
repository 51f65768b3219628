"""The engine's own SPARQL (queries/internal/*.rq): each file run on a real store, rows checked."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from test_consolidate import write_corpus

from defgraph import resources
from defgraph.maintain import internal_query
from defgraph.pipeline import KnowledgeGraph
from defgraph.stores import Rows
from defgraph.vocab import DGID_NS, XSD, dg

UNION = {"statement_texts", "statements_of_file", "reports_on_days", "reports_running_from_day",
         "pledge_reports_of_donor", "graph_of_report", "summary_triples"}


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    tmp = tmp_path_factory.mktemp("internal")
    kg = KnowledgeGraph(":memory:")
    kg.ingest(*write_corpus(tmp / "corpus"))
    return kg


def run(kg: KnowledgeGraph, name: str, **bindings: ox.NamedNode | ox.Literal) -> list[list[str]]:
    result = kg.store.query(internal_query(name), bindings, union=name in UNION)
    assert isinstance(result, Rows)
    return [[t.value if t is not None else "" for t in row] for row in result.rows]


def day(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))


def tallinn_reports(kg: KnowledgeGraph) -> list[list[str]]:
    return run(kg, "reports_on_days", event_class=dg("Meeting"), day=day("2025-05-06"))


def test_reports_on_a_day(kg: KnowledgeGraph) -> None:
    rows = tallinn_reports(kg)
    parties: dict[str, set[str]] = {}
    for r in rows:
        parties.setdefault(r[3], set()).add(r[4].removeprefix(DGID_NS))
    assert len(parties) == 3  # three statements report the Tallinn meeting
    assert all(r[3].startswith(DGID_NS + "report/") and r[2].startswith(DGID_NS + "statement/")
               for r in rows)
    # each names its parties, and the states those represent: all three name Estonia and
    # Latvia, and a minister named as a party (a post) comes with the state of the post
    assert all({"country/EST", "country/LVA"} <= named for named in parties.values())
    assert any("post/est-defence-minister" in named for named in parties.values())
    assert all(named & {"country/EST"} for named in parties.values()
               if "post/est-defence-minister" in named)
    assert run(kg, "reports_on_days", event_class=dg("Meeting"), day=day("2025-05-07")) == []


def test_a_report_its_graph_and_its_consolidated_node(kg: KnowledgeGraph) -> None:
    report = tallinn_reports(kg)[0][3]
    graphs = run(kg, "graph_of_report", report=ox.NamedNode(report))
    assert [g[1] for g in graphs] == [report.replace("/report/", "/statement/").rsplit("-", 1)[0]]
    rows = run(kg, "consolidated_of_report", report=ox.NamedNode(report))
    assert len({r[1] for r in rows}) == 1 and len({r[2] for r in rows}) == 3
    assert rows[0][1].startswith(DGID_NS + "event/")


def test_pledge_reports_and_the_pledges_that_point_at_a_total(kg: KnowledgeGraph) -> None:
    gbr = ox.NamedNode(DGID_NS + "country/GBR")

    def decimal(text: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))

    # the package and its component, in one statement: one report for each amount
    package = run(kg, "pledge_reports_of_donor", donor=gbr, amount=decimal("300000000"))
    component = run(kg, "pledge_reports_of_donor", donor=gbr, amount=decimal("100000000"))
    assert len(package) == 1 and len(component) == 1 and package[0][3] != component[0][3]
    assert run(kg, "pledge_reports_of_donor", donor=gbr, amount=decimal("200000000")) == []
    assert run(kg, "pledge_reports_of_donor", donor=ox.NamedNode(DGID_NS + "country/UKR"),
               amount=decimal("300000000")) == []
    totals = run(kg, "consolidated_of_report", report=ox.NamedNode(package[0][3]))
    total = totals[0][1]
    pointing = run(kg, "referring_pledges", target=ox.NamedNode(total))
    assert len(pointing) == 1 and pointing[0][1] == component[0][3]


def test_statements_texts_and_files(kg: KnowledgeGraph) -> None:
    texts = run(kg, "statement_texts")
    assert len(texts) == 6 and all(len(t[1]) > 50 for t in texts)
    statement = texts[0][0]
    assert run(kg, "statement_is_consolidated", statement=ox.NamedNode(statement))
    assert run(kg, "statement_is_consolidated",
               statement=ox.NamedNode(DGID_NS + "statement/none")) == []
    # every statement of this corpus has a URL, so none is replaced by its file
    assert run(kg, "statements_of_file", file=ox.Literal("pledge.txt")) == []


def test_statements_of_a_file_without_url(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text(" date 2025-02-03 Ministry of Defence\nCall with Japan\nThe Defence "
                    "Secretary spoke with Japan's defence minister by phone today.\n",
                    encoding="utf-8")
    kg = KnowledgeGraph(":memory:")
    kg.ingest(note)
    rows = run(kg, "statements_of_file", file=ox.Literal("note.txt"))
    assert len(rows) == 1 and rows[0][1].startswith(DGID_NS + "statement/")


def test_summary(kg: KnowledgeGraph) -> None:
    # 6 statements, 8 states, no organisation, a package and its component; no person is
    # named, but two offices named without their holders are held, on the statements' day, by
    # the one holder each of rules/people.yaml (dg:heldBy: Estonia's and Latvia's ministers)
    assert run(kg, "summary_counts") == [["6", "8", "0", "2", "2"]]
    by_type = dict((r[0], int(r[1])) for r in run(kg, "summary_events"))
    assert by_type["Meeting"] == 1 and by_type["Visit"] == 2
    assert int(run(kg, "summary_triples")[0][0]) == len(
        kg.store.graph_quads("https://w3id.org/defgraph/graph/consolidated"))
    assert kg.summary()["statements"] == 6


def test_an_entity_counted_by_the_store(kg: KnowledgeGraph) -> None:
    """entity_statement_counts gives what reading each statement graph gives, and leaves
    defgraph's own graphs out (their IRIs are the vocabulary's)."""
    from collections import Counter

    from defgraph.sources.registry import SOURCES_GRAPH
    from defgraph.vocab import CONSOLIDATED_GRAPH, CORRECTIONS_GRAPH, ONTOLOGY_GRAPH

    text = internal_query("entity_statement_counts")
    assert all(f"<{g}>" in text for g in (ONTOLOGY_GRAPH, CONSOLIDATED_GRAPH, CORRECTIONS_GRAPH,
                                          SOURCES_GRAPH))
    graphs = [g for g in kg.store.named_graphs() if g.value.startswith(DGID_NS + "statement/")]
    states = {q.subject for g in graphs for q in kg.store.graph_quads(g)
              if q.subject.value.startswith(DGID_NS + "country/")}
    # the state most statements describe
    state = max(sorted(states, key=str),
                key=lambda c: sum(bool(kg.store.subject_quads(c, g)) for g in graphs))
    expected: Counter[tuple[str, str]] = Counter()
    for g in graphs:
        expected.update({(q.predicate.value, q.object.value)
                         for q in kg.store.subject_quads(state, g)})
    rows = run(kg, "entity_statement_counts", entity=state)
    got = {(r[1], r[2]): int(r[3]) for r in rows if r[3]}
    assert got == dict(expected) and len(got) >= 3  # type, label, code, ... of the state
    assert min(got.values()) >= 2  # named by several statements of the corpus
    assert [r for r in rows if r[4]] == []  # a state has no evidence span of its own


def test_every_internal_query_is_tested() -> None:
    names = {p.stem for p in (resources.queries_dir() / "internal").glob("*.rq")}
    tested = {"reports_on_days", "reports_running_from_day", "graph_of_report", "consolidated_of_report",
              "pledge_reports_of_donor", "referring_pledges", "statement_texts",
              "statement_is_consolidated", "statements_of_file", "summary_counts",
              "summary_events", "summary_triples", "event_states", "event_parties", "party_states",
              "events_of_party", "derived_states", "states_are_derived", "held_event_states",
              "partners_of_state", "state_pairs", "pairs_of_state", "pairs_are_derived",
              "counts_are_derived", "entities_to_count", "entity_statement_counts"}
    # curation_*.rq are run by the `correct` commands, each tested in tests/test_curation.py
    assert {n for n in names if not n.startswith("curation_")} == tested


def test_the_states_of_events(kg: KnowledgeGraph) -> None:
    """The Tallinn meeting: Estonia and Latvia host (ministers acting for them), Lithuania
    takes part; one event's table agrees with the two tables of a whole build, and the
    graph holds what they give."""
    report = ox.NamedNode(tallinn_reports(kg)[0][3])
    tallinn = ox.NamedNode(run(kg, "consolidated_of_report", report=report)[0][1])
    roles_of: dict[str, int] = {}  # event_states gives each role; the foremost is kept
    for _, country, rank in run(kg, "event_states", event=tallinn):
        roles_of[country] = min(int(rank), roles_of.get(country, 4))
    one = [[tallinn.value, c, str(r)] for c, r in sorted(roles_of.items())]
    assert sorted(r[1].rsplit("/", 1)[1] + r[2] for r in one) == ["EST1", "LTU2", "LVA1"]
    parties = [r for r in run(kg, "event_parties") if r[0] == tallinn.value]
    states = dict(run(kg, "party_states"))  # this corpus: one state a party
    joined: dict[str, int] = {}
    for _, party, rank in parties:
        joined[states[party]] = min(int(rank), joined.get(states[party], 4))
    assert sorted(joined.items()) == sorted((r[1], int(r[2])) for r in one)
    roles = {"1": "convenorState", "2": "participantState", "3": "virtualState"}
    held = [r for r in run(kg, "derived_states") if r[0] == tallinn.value]
    assert sorted([r[1], r[2]] for r in held) == sorted(
        [str(dg(roles[best]).value), c] for _, c, best in one)
    # the events that depend on what the graph says of Latvia (a party here, through its
    # minister): the meeting; of a node no event names, none
    lva = ox.NamedNode(DGID_NS + "country/LVA")
    assert tallinn.value in {r[1] for r in run(kg, "events_of_party", entity=lva)}
    assert run(kg, "events_of_party", entity=ox.NamedNode(DGID_NS + "country/none")) == []


def test_whether_the_states_are_derived(kg: KnowledgeGraph, tmp_path: Path) -> None:
    [[derived, party_of]] = run(kg, "states_are_derived")
    assert derived.startswith(DGID_NS + "event/") and party_of.startswith(DGID_NS + "event/")
    empty = KnowledgeGraph(":memory:")
    assert run(empty, "states_are_derived") in ([], [["", ""]])


def test_the_pairs_of_states(kg: KnowledgeGraph) -> None:
    """The Tallinn meeting makes Estonia, Latvia and Lithuania pairs: the held events' states
    give them, one state's partners include the others, and the pair nodes the graph holds
    (whole or for one state) say so from both sides."""
    report = ox.NamedNode(tallinn_reports(kg)[0][3])
    tallinn = run(kg, "consolidated_of_report", report=report)[0][1]
    held = {(e, c) for e, c, _ in run(kg, "held_event_states")}
    assert {c.rsplit("/", 1)[1] for e, c in held if e == tallinn} == {"EST", "LVA", "LTU"}
    est = ox.NamedNode(DGID_NS + "country/EST")
    partners = {p.rsplit("/", 1)[1] for _, e, p, _ in run(kg, "partners_of_state", country=est)
                if e == tallinn}
    assert partners == {"EST", "LVA", "LTU"}  # the state itself too: pairs are formed in Python
    pairs: dict[str, dict[str, str]] = {}
    for pair, prop, value in run(kg, "state_pairs"):
        pairs.setdefault(pair, {})[prop.rsplit("#", 1)[1]] = value
    assert pairs[DGID_NS + "pair/EST--LTU"]["pairPartner"] == DGID_NS + "country/LTU"
    assert pairs[DGID_NS + "pair/LTU--EST"]["pairState"] == DGID_NS + "country/LTU"
    assert int(pairs[DGID_NS + "pair/EST--LVA"]["sharedEvents"]) >= 1
    of_est = {pair for _, pair, _, _ in run(kg, "pairs_of_state", country=est)}
    assert of_est == {p for p, v in pairs.items() if est.value in (v["pairState"],
                                                                   v["pairPartner"])}
    assert {DGID_NS + "pair/EST--LTU", DGID_NS + "pair/LTU--EST"} <= of_est
    [[pair, derived]] = run(kg, "pairs_are_derived")
    assert pair.startswith(DGID_NS + "pair/") and derived.startswith(DGID_NS + "event/")
    assert run(KnowledgeGraph(":memory:"), "pairs_are_derived") in ([], [["", ""]])


def test_whether_the_statement_counts_are_stated(kg: KnowledgeGraph) -> None:
    """A graph written now counts every named entity: one with a count, one with spans, and
    none left to count; the empty graph has neither."""
    [[counted, named]] = run(kg, "counts_are_derived")
    assert counted and named
    assert run(kg, "entities_to_count") == []
    assert run(KnowledgeGraph(":memory:"), "counts_are_derived") in ([], [["", ""]])
    assert run(KnowledgeGraph(":memory:"), "entities_to_count") == []



def test_reports_running_from_a_day(tmp_path: Path) -> None:
    """Reports of a class that start on a day and give an end date, with that date: the
    exercise of the 5th to the 15th; not the report of one day, nor another class."""
    from test_consolidate import EXERCISE

    kg = KnowledgeGraph(":memory:")
    for name in ("runs.txt", "day.txt"):
        (tmp_path / name).write_text(EXERCISE[name], encoding="utf-8")
        kg.ingest(tmp_path / name)
    rows = run(kg, "reports_running_from_day", event_class=dg("Exercise"), day=day("2025-05-05"))
    assert [(r[2].startswith(DGID_NS + "statement/"), r[3].startswith(DGID_NS + "report/"), r[4])
            for r in rows] == [(True, True, "2025-05-15")]
    assert run(kg, "reports_running_from_day", event_class=dg("Exercise"),
               day=day("2025-05-10")) == []  # a report of that day, with no end
    assert run(kg, "reports_running_from_day", event_class=dg("Meeting"),
               day=day("2025-05-05")) == []
    # its parties, asked of reports_on_days for that one report
    report = ox.NamedNode(rows[0][3])
    parties = run(kg, "reports_on_days", event_class=dg("Exercise"), day=day("2025-05-05"),
                  g=ox.NamedNode(rows[0][2]), report=report)
    assert {r[4].removeprefix(DGID_NS) for r in parties} == {"country/EST", "country/LVA"}
