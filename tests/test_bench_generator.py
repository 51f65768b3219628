"""The benchmark's corpus generator: deterministic, every kind of statement, and ingestible."""

from __future__ import annotations

import statistics
from pathlib import Path
from types import ModuleType

import pytest
from bench_util import generator

from defgraph import KnowledgeGraph
from defgraph.ingest import Failure, iter_statements
from defgraph.model import Statement
from defgraph.stores import Rows

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return generator()


@pytest.fixture(scope="module")
def corpus(gen: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    files, statements = gen.write_corpus(folder, 150, seed=5)
    assert statements == 150 and files == len(list(folder.glob("*.txt")))
    return folder


def test_same_seed_same_files(gen: ModuleType, corpus: Path, tmp_path: Path) -> None:
    gen.write_corpus(tmp_path / "again", 150, seed=5)
    ours = {p.name: p.read_bytes() for p in corpus.glob("*.txt")}
    again = {p.name: p.read_bytes() for p in (tmp_path / "again").glob("*.txt")}
    assert ours == again
    gen.write_corpus(tmp_path / "other", 150, seed=6)
    other = {p.name: p.read_bytes() for p in (tmp_path / "other").glob("*.txt")}
    assert other != ours


def test_every_kind_of_statement(gen: ModuleType) -> None:
    docs = list(gen.generate_documents(60, seed=5))
    kinds = {d.kind for d in docs}
    assert kinds == set(gen.KINDS)
    assert any(d.digest_kinds for d in docs)
    assert sum(d.statements for d in docs) == 60


def test_files_have_the_aggregator_shape(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt"))[:20]:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith(" date ") and lines[1] == "|Printable version"
        assert any(line.startswith("Original article link: https://") for line in lines)


def test_statements_are_about_300_words(gen: ModuleType) -> None:
    statements = list(gen.generate_statements(200, seed=5))
    assert len(statements) == 200 and all(isinstance(s, Statement) for s in statements)
    main = [len(s.text.split()) for s in statements if s.source_url]
    assert 270 <= statistics.mean(main) <= 350
    assert 250 <= statistics.mean(len(s.text.split()) for s in statements) <= 350


def test_in_memory_statements_match_the_files(gen: ModuleType, corpus: Path) -> None:
    def key(s: Statement) -> tuple:
        return (s.title, s.text, s.issued, s.publisher, s.source_url)

    from_files = [s for s in iter_statements([corpus]) if not isinstance(s, Failure)]
    assert [key(s) for s in gen.generate_statements(150, seed=5)] == [key(s) for s in from_files]


def test_the_corpus_ingests_without_failures(corpus: Path) -> None:
    kg = KnowledgeGraph(":memory:")
    report = kg.ingest(corpus, workers=1)
    assert report.ok and report.statements == 150
    # Every kind of event and of pledge the generator writes is found by the extractor.
    assert set(report.events) >= {"Meeting", "Visit", "Call", "AgreementSigning", "Exercise",
                                  "Deployment"}
    result = kg.store.query("""
        SELECT (COUNT(DISTINCT ?money) AS ?m) (COUNT(DISTINCT ?kind) AS ?k)
               (COUNT(DISTINCT ?currency) AS ?c) (COUNT(DISTINCT ?part) AS ?p) WHERE {
          { ?money a dg:Pledge ; dg:amount ?a ; dg:currency ?currency }
          UNION { ?kind a dg:Pledge ; dg:item ?i FILTER NOT EXISTS { ?kind dg:amount ?x } }
          UNION { ?part dg:partOf ?whole }
        }""")
    assert isinstance(result, Rows)
    money, in_kind, currencies, parts = (int(t.value) for t in result.rows[0] if t is not None)
    assert money > 0 and in_kind > 0 and currencies >= 3 and parts > 0
    for pattern in ("?e dg:planned true", "?e dg:participantCount ?n", "?e dg:endDate ?d",
                    "?e dg:convenedBy ?c"):  # previews, counts, date ranges, co-chairs
        assert kg.store.query(f"ASK {{ {pattern} }}") is True, pattern
