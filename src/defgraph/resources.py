"""Find the files shipped with defgraph: the ontology, the canned queries, the sample corpus.

In an installed wheel they live inside the package (pyproject's force-include);
in a source checkout they are the top-level folders of the repository.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent.parent


def _find(packaged: str, in_repo: str) -> Path:
    for candidate in (_PKG / packaged, _REPO / in_repo):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"defgraph resource folder {in_repo!r} is missing from the installation")


def ontology_dir() -> Path:
    return _find("ontology", "ontology")


def queries_dir() -> Path:
    return _find("queries", "queries")


def sample_data_dir() -> Path:
    return _find("sample_data", "data")


def ontology_file() -> Path:
    return ontology_dir() / "defgraph.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"
