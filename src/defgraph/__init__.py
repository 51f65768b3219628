"""defgraph: official statements about defence diplomacy as a knowledge graph.

    from defgraph import KnowledgeGraph
    kg = KnowledgeGraph("./.defgraph")
    kg.ingest("statements/")
    kg.query("events_timeline")          # rows as dicts; kg.query_df(...) for pandas
    kg.export("graph.ttl")
    kg.render("graph.html")
"""

from .ingest import IngestError, parse_html, parse_text, read_file
from .model import Extraction, Statement
from .pipeline import IngestReport, KnowledgeGraph, ingest_paths
from .stores import OxigraphStore, StoreError, open_store

__version__ = "0.1.0"

__all__ = [
    "KnowledgeGraph",
    "IngestReport",
    "IngestError",
    "Statement",
    "Extraction",
    "OxigraphStore",
    "StoreError",
    "ingest_paths",
    "open_store",
    "parse_html",
    "parse_text",
    "read_file",
]
