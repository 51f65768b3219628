"""The ontology's documentation page (docs/ontology.html): every term, defined, aligned and
shown by an example from the bundled corpus; the committed page is what the generator writes."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import REPO
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from defgraph import resources
from defgraph.cli import main
from defgraph.export import build_context
from defgraph.ontodoc import check, corpus_store, examples, generate, ontology_terms
from defgraph.vocab import DG, DG_NS

PAGE = REPO / "docs" / "ontology.html"
REGENERATE = ("run `defgraph ontology-docs -o docs/ontology.html --context ontology/context.jsonld` "
              "in the repository")


@pytest.fixture(scope="module")
def store() -> Any:
    return corpus_store()


def _dg_terms() -> set[str]:
    g = Graph().parse(str(resources.ontology_file()), format="turtle")
    return {str(s)[len(DG_NS):] for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
            for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef) and str(s).startswith(DG_NS)}


def test_every_term_has_a_definition_and_an_example_from_the_corpus(store: Any) -> None:
    terms = ontology_terms()
    assert {t.name for t in terms} == _dg_terms() == set(DG.__annotations__)
    examples(terms, store)
    assert check(terms) == []
    for t in terms:
        assert f"dg:{t.name}" in t.example or (t.kind == "class" and " a dg:" in t.example), t.name


def test_check_names_a_term_without_a_definition_or_an_example(store: Any, tmp_path: Path) -> None:
    onto = tmp_path / "defgraph.ttl"
    onto.write_text(resources.ontology_file().read_text(encoding="utf-8") + """
dg:Treaty a owl:Class ; rdfs:label "Treaty"@en ; rdfs:subClassOf dg:Event .
dg:ratifiedOn a owl:DatatypeProperty ; rdfs:label "ratified on"@en ;
    rdfs:comment "The day a treaty was ratified."@en ; rdfs:range xsd:date .
""", encoding="utf-8")
    terms = ontology_terms(onto)
    examples(terms, store)
    assert sorted(check(terms)) == [
        "dg:Treaty has no definition (rdfs:comment)",
        "dg:Treaty has no example in the sample corpus",
        "dg:ratifiedOn has no example in the sample corpus",
    ]


def test_the_committed_page_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "ontology.html"
    assert generate(out) == []
    assert PAGE.is_file(), REGENERATE
    assert out.read_text(encoding="utf-8") == PAGE.read_text(encoding="utf-8"), (
        f"docs/ontology.html is out of date: {REGENERATE}")


def _sections(page: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<section class="term" id="([^"]+)">(.*?)</section>', page, re.DOTALL)}


def test_the_page_documents_every_term_with_its_alignments() -> None:
    page = PAGE.read_text(encoding="utf-8")
    sections = _sections(page)
    assert set(sections) == _dg_terms()
    g = Graph().parse(str(resources.ontology_file()), format="turtle")
    for name, body in sections.items():
        s = URIRef(DG_NS + name)
        definition = " ".join(str(g.value(s, RDFS.comment)).split())
        assert definition in html.unescape(body), name
        example = re.search(r"<pre>(.*?)</pre>", body, re.DOTALL)
        assert example and example.group(1).strip(), name
        for p in (RDFS.subClassOf, RDFS.subPropertyOf):
            for target in g.objects(s, p):
                if str(target).startswith(DG_NS):
                    assert f'href="#{str(target)[len(DG_NS):]}"' in body, (name, target)
                else:
                    assert f'href="{target}"' in body, (name, target)
    for vocabulary in ("schema.org", "SEM", "PROV-O", "FOAF", "ORG", "Dublin Core"):
        assert vocabulary in page


def test_the_command_writes_page_and_context_and_names_what_is_missing(
        tmp_path: Path, sample_dir: Path) -> None:
    one = next(p for p in sorted(sample_dir.iterdir()) if p.suffix == ".txt")
    page, context = tmp_path / "o.html", tmp_path / "c.jsonld"
    result = CliRunner().invoke(main, ["ontology-docs", "-o", str(page), "--context", str(context),
                                       "--corpus", str(one)])
    assert result.exit_code == 1  # one statement does not use every term
    assert "missing dg:" in result.output
    assert _sections(page.read_text(encoding="utf-8")).keys() == _dg_terms()
    assert json.loads(context.read_text(encoding="utf-8")) == build_context()
