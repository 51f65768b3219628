"""Tests for defgraph.query and the canned queries in queries/: exact rows on a small fixture."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from query_util import damage, required_params
from rich.console import Console

from defgraph.maintain import rebuild
from defgraph.query import (
    CannedQuery,
    QueryError,
    bind_params,
    list_queries,
    list_violation_queries,
    load_query,
    parse_query_text,
    python_value,
    query_form,
    run_query,
    to_csv,
    to_dataframe,
    to_json,
    to_table,
)
from defgraph.stores import OxigraphStore, Rows
from defgraph.vocab import DGID_NS, XSD

FIXTURE = Path(__file__).parent / "data" / "fixture.trig"
XSD_DATE = ox.NamedNode(XSD + "date")
XSD_INTEGER = ox.NamedNode(XSD + "integer")
ISO3 = ("DEU", "FRA", "GBR", "KEN", "UKR")


def fixture_quads() -> list[ox.Quad]:
    with open(FIXTURE, "rb") as f:
        return list(ox.parse(f, format=ox.RdfFormat.TRIG))


def make_store(quads: list[ox.Quad] | None = None) -> OxigraphStore:
    """An in-memory store holding the fixture, one replace_graph call per statement graph."""
    store = OxigraphStore(None)
    by_graph: dict[Any, list[ox.Quad]] = defaultdict(list)
    for q in fixture_quads() if quads is None else quads:
        by_graph[q.graph_name].append(q)
    for graph, graph_quads in by_graph.items():
        store.replace_graph(graph, graph_quads)
    rebuild(store)
    return store


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """A read-only fixture store shared by the tests that do not change it."""
    return make_store()


@pytest.fixture
def fresh_store() -> OxigraphStore:
    return make_store()


def all_quads(store: OxigraphStore) -> set[ox.Quad]:
    return set(store.quads(include_ontology=True))


def short(value: Any) -> Any:
    """dgid: instead of the instance namespace, to keep expected rows readable."""
    if isinstance(value, str) and value.startswith(DGID_NS):
        return "dgid:" + value[len(DGID_NS) :]
    return value


def values(result: Any) -> list[tuple[Any, ...]]:
    assert isinstance(result, Rows)
    return [tuple(short(python_value(t)) for t in row) for row in result.rows]


# --- every canned query: exact rows -------------------------------------------------------

VARIABLES: dict[str, tuple[str, ...]] = {
    "person_statements": (
        "person", "name", "consolidated_office", "consolidated_state", "date", "statement", "office",
        "state", "method", "confidence",
    ),
    "event_reports": (
        "event", "label", "date", "participant_count", "statement", "statement_title", "report",
        "reported_date", "reported_places", "reported_count",
    ),
    "countries_activity": (
        "country",
        "country_iso",
        "country_label",
        "events",
        "convened",
        "pledges_made",
        "pledges_received",
        "statements",
    ),
    "countries_who_met_whom": (
        "country",
        "country_iso",
        "country_label",
        "partner",
        "partner_iso",
        "partner_label",
        "shared_events",
        "first_date",
        "last_date",
    ),
    "event_evidence": (
        "event",
        "label",
        "type",
        "method",
        "confidence",
        "evidence",
        "quote",
        "start",
        "end",
        "statement",
        "statement_title",
    ),
    "events_at_place": (
        "country",
        "country_iso",
        "country_label",
        "place",
        "place_label",
        "date",
        "type",
        "event",
        "label",
    ),
    "place_events": ("place", "place_label", "date", "type", "event", "label", "planned"),
    "events_by_country": (
        "country",
        "country_iso",
        "country_label",
        "date",
        "type",
        "event",
        "label",
        "role",
        "planned",
        "confidence",
    ),
    "events_timeline": (
        "date",
        "end_date",
        "type",
        "event",
        "label",
        "place",
        "place_label",
        "participants",
        "participant_count",
        "planned",
        "confidence",
    ),
    "persons_roles_by_country": (
        "country",
        "country_iso",
        "country_label",
        "person",
        "name",
        "role_title",
        "statements",
    ),
    "pledges_by_donor": (
        "donor",
        "donor_iso",
        "donor_label",
        "currency",
        "total",
        "pledges",
        "min_confidence",
    ),
    "pledges_list": (
        "date",
        "pledge",
        "label",
        "donor",
        "donor_iso",
        "donor_label",
        "recipient",
        "recipient_iso",
        "recipient_label",
        "amount",
        "currency",
        "items",
        "part_of",
        "announced_at",
        "announced_at_label",
        "confidence",
        "statement",
    ),
    "pledges_to_country": (
        "country",
        "country_iso",
        "country_label",
        "date",
        "pledge",
        "label",
        "donor",
        "donor_iso",
        "donor_label",
        "amount",
        "currency",
        "part_of",
        "confidence",
    ),
    "statements_list": (
        "issued",
        "statement",
        "title",
        "publisher",
        "source",
        "events",
        "pledges",
        "countries",
    ),
}

CASES: list[tuple[str, dict[str, str], list[tuple[Any, ...]]]] = [
    (
        "person_statements",
        {"person": "dgid:person/john-healey"},
        [
            ("dgid:person/john-healey", "John Healey", "Defence Secretary", "dgid:country/GBR",
             date(2025, 4, 11), "dgid:statement/a0000000000000000001", "Defence Secretary",
             "dgid:country/GBR", "stated", None),
            ("dgid:person/john-healey", "John Healey", "Defence Secretary", "dgid:country/GBR",
             date(2025, 4, 15), "dgid:statement/a0000000000000000004", "Defence Secretary",
             "dgid:country/GBR", "state_from_national_title", Decimal("0.85")),
        ],
    ),
    (
        "person_statements",
        {"person": "dgid:person/luke-pollard"},
        [
            ("dgid:person/luke-pollard", "Luke Pollard", "Armed Forces Minister", "dgid:country/GBR",
             date(2025, 4, 14), "dgid:statement/a0000000000000000003", "Armed Forces Minister",
             "dgid:country/GBR", "stated", None),
        ],
    ),
    ("person_statements", {"person": "dgid:person/nobody"}, []),
    (
        "event_reports",
        {},
        [
            ("dgid:event/a0000000000000000001-1", "Coalition talks in London", date(2025, 4, 10),
             30, "dgid:statement/a0000000000000000001",
             "UK and France chair coalition talks in London", "dgid:event/a0000000000000000001-1",
             date(2025, 4, 10), "London", 30),
            ("dgid:event/a0000000000000000002-1", "Contact group meeting in Brussels",
             date(2025, 4, 11), 50, "dgid:statement/a0000000000000000002",
             "Support package for Ukraine announced in Brussels",
             "dgid:event/a0000000000000000002-1", date(2025, 4, 11), "Brussels", 50),
            ("dgid:event/a0000000000000000003-1", "Armed Forces Minister's visit to Nairobi",
             date(2025, 4, 13), None, "dgid:statement/a0000000000000000003",
             "Armed Forces Minister visits Nairobi", "dgid:event/a0000000000000000003-1",
             date(2025, 4, 13), "Nairobi", None),
            ("dgid:event/a0000000000000000003-2", "UK-Kenya training agreement", date(2025, 4, 13),
             None, "dgid:statement/a0000000000000000003", "Armed Forces Minister visits Nairobi",
             "dgid:event/a0000000000000000003-2", date(2025, 4, 13), "Nairobi", None),
            ("dgid:event/a0000000000000000003-3", "Joint exercise in Kenya", None, None,
             "dgid:statement/a0000000000000000003", "Armed Forces Minister visits Nairobi",
             "dgid:event/a0000000000000000003-3", None, None, None),
            ("dgid:event/a0000000000000000004-1", "Defence Secretary's call with German counterpart",
             date(2025, 4, 15), None, "dgid:statement/a0000000000000000004",
             "Defence Secretary speaks to German counterpart", "dgid:event/a0000000000000000004-1",
             date(2025, 4, 15), None, None),
        ],
    ),
    (
        "event_reports",
        {"event": "dgid:event/a0000000000000000003-1"},
        [
            ("dgid:event/a0000000000000000003-1", "Armed Forces Minister's visit to Nairobi",
             date(2025, 4, 13), None, "dgid:statement/a0000000000000000003",
             "Armed Forces Minister visits Nairobi", "dgid:event/a0000000000000000003-1",
             date(2025, 4, 13), "Nairobi", None),
        ],
    ),
    (
        "countries_activity",
        {},
        [
            ("dgid:country/GBR", "GBR", "United Kingdom", 6, 2, 2, 0, 4),
            ("dgid:country/DEU", "DEU", "Germany", 3, 1, 1, 0, 3),
            ("dgid:country/KEN", "KEN", "Kenya", 3, 1, 0, 1, 1),
            ("dgid:country/UKR", "UKR", "Ukraine", 2, 0, 0, 3, 3),
            ("dgid:country/FRA", "FRA", "France", 1, 1, 1, 0, 2),
        ],
    ),
    (
        "countries_activity",
        {"country": "GBR"},
        [
            ("dgid:country/GBR", "GBR", "United Kingdom", 6, 2, 2, 0, 4),
        ],
    ),
    (
        "countries_who_met_whom",
        {},
        [
            (
                "dgid:country/DEU",
                "DEU",
                "Germany",
                "dgid:country/FRA",
                "FRA",
                "France",
                1,
                date(2025, 4, 10),
                date(2025, 4, 10),
            ),
            (
                "dgid:country/DEU",
                "DEU",
                "Germany",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                3,
                date(2025, 4, 10),
                date(2025, 4, 15),
            ),
            (
                "dgid:country/DEU",
                "DEU",
                "Germany",
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                2,
                date(2025, 4, 10),
                date(2025, 4, 11),
            ),
            (
                "dgid:country/FRA",
                "FRA",
                "France",
                "dgid:country/DEU",
                "DEU",
                "Germany",
                1,
                date(2025, 4, 10),
                date(2025, 4, 10),
            ),
            (
                "dgid:country/FRA",
                "FRA",
                "France",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                1,
                date(2025, 4, 10),
                date(2025, 4, 10),
            ),
            (
                "dgid:country/FRA",
                "FRA",
                "France",
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                1,
                date(2025, 4, 10),
                date(2025, 4, 10),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:country/DEU",
                "DEU",
                "Germany",
                3,
                date(2025, 4, 10),
                date(2025, 4, 15),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:country/FRA",
                "FRA",
                "France",
                1,
                date(2025, 4, 10),
                date(2025, 4, 10),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                2,
                date(2025, 4, 13),
                date(2025, 4, 13),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                2,
                date(2025, 4, 10),
                date(2025, 4, 11),
            ),
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                2,
                date(2025, 4, 13),
                date(2025, 4, 13),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                "dgid:country/DEU",
                "DEU",
                "Germany",
                2,
                date(2025, 4, 10),
                date(2025, 4, 11),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                "dgid:country/FRA",
                "FRA",
                "France",
                1,
                date(2025, 4, 10),
                date(2025, 4, 10),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                2,
                date(2025, 4, 10),
                date(2025, 4, 11),
            ),
        ],
    ),
    (
        "countries_who_met_whom",
        {"country": "KEN"},
        [
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                2,
                date(2025, 4, 13),
                date(2025, 4, 13),
            ),
        ],
    ),
    (
        "event_evidence",
        {},
        [
            (
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "Meeting",
                "rule",
                Decimal("0.9"),
                "dgid:evidence/a0000000000000000001/46-133",
                "On 10 April 2025 the United Kingdom and France chaired talks of the coalition in London",
                46,
                133,
                "dgid:statement/a0000000000000000001",
                "UK and France chair coalition talks in London",
            ),
            (
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "Meeting",
                "rule",
                Decimal("0.9"),
                "dgid:evidence/a0000000000000000001/292-330",
                "Ukraine joined the talks by video link",
                292,
                330,
                "dgid:statement/a0000000000000000001",
                "UK and France chair coalition talks in London",
            ),
            (
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
                "Meeting",
                "rule",
                Decimal("0.85"),
                "dgid:evidence/a0000000000000000002/50-153",
                "At the contact group meeting in Brussels on 11 April 2025, co-chaired by the United Kingdom and Germany",
                50,
                153,
                "dgid:statement/a0000000000000000002",
                "Support package for Ukraine announced in Brussels",
            ),
            (
                "dgid:event/a0000000000000000003-1",
                "Armed Forces Minister's visit to Nairobi",
                "Visit",
                "rule",
                Decimal("0.8"),
                "dgid:evidence/a0000000000000000003/37-103",
                "Armed Forces Minister Luke Pollard was in Nairobi on 13 April 2025",
                37,
                103,
                "dgid:statement/a0000000000000000003",
                "Armed Forces Minister visits Nairobi",
            ),
            (
                "dgid:event/a0000000000000000003-2",
                "UK-Kenya training agreement",
                "AgreementSigning",
                "rule",
                Decimal("0.75"),
                "dgid:evidence/a0000000000000000003/143-203",
                "The two governments signed a training agreement the same day",
                143,
                203,
                "dgid:statement/a0000000000000000003",
                "Armed Forces Minister visits Nairobi",
            ),
            (
                "dgid:event/a0000000000000000003-3",
                "Joint exercise in Kenya",
                "Exercise",
                "rule",
                Decimal("0.5"),
                "dgid:evidence/a0000000000000000003/205-263",
                "A joint exercise in Kenya is planned for later in the year",
                205,
                263,
                "dgid:statement/a0000000000000000003",
                "Armed Forces Minister visits Nairobi",
            ),
            (
                "dgid:event/a0000000000000000004-1",
                "Defence Secretary's call with German counterpart",
                "Call",
                "rule",
                Decimal("0.85"),
                "dgid:evidence/a0000000000000000004/64-153",
                "Defence Secretary John Healey spoke by phone with German Defence Minister Boris Pistorius",
                64,
                153,
                "dgid:statement/a0000000000000000004",
                "Defence Secretary speaks to German counterpart",
            ),
        ],
    ),
    (
        "event_evidence",
        {"event": "dgid:event/a0000000000000000004-1"},
        [
            (
                "dgid:event/a0000000000000000004-1",
                "Defence Secretary's call with German counterpart",
                "Call",
                "rule",
                Decimal("0.85"),
                "dgid:evidence/a0000000000000000004/64-153",
                "Defence Secretary John Healey spoke by phone with German Defence Minister Boris Pistorius",
                64,
                153,
                "dgid:statement/a0000000000000000004",
                "Defence Secretary speaks to German counterpart",
            ),
        ],
    ),
    (
        "events_at_place",
        {},
        [
            (
                "dgid:country/BEL",
                "BEL",
                None,
                "dgid:place/brussels",
                "Brussels",
                date(2025, 4, 11),
                "Meeting",
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:place/london",
                "London",
                date(2025, 4, 10),
                "Meeting",
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
            ),
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                "dgid:place/nairobi",
                "Nairobi",
                date(2025, 4, 13),
                "Visit",
                "dgid:event/a0000000000000000003-1",
                "Armed Forces Minister's visit to Nairobi",
            ),
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                "dgid:place/nairobi",
                "Nairobi",
                date(2025, 4, 13),
                "AgreementSigning",
                "dgid:event/a0000000000000000003-2",
                "UK-Kenya training agreement",
            ),
        ],
    ),
    (
        "events_at_place",
        {"country": "Kenya"},
        [
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                "dgid:place/nairobi",
                "Nairobi",
                date(2025, 4, 13),
                "Visit",
                "dgid:event/a0000000000000000003-1",
                "Armed Forces Minister's visit to Nairobi",
            ),
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                "dgid:place/nairobi",
                "Nairobi",
                date(2025, 4, 13),
                "AgreementSigning",
                "dgid:event/a0000000000000000003-2",
                "UK-Kenya training agreement",
            ),
        ],
    ),
    (
        "place_events",
        {"place": "dgid:place/nairobi"},
        [
            ("dgid:place/nairobi", "Nairobi", date(2025, 4, 13), "Visit",
             "dgid:event/a0000000000000000003-1", "Armed Forces Minister's visit to Nairobi", False),
            ("dgid:place/nairobi", "Nairobi", date(2025, 4, 13), "AgreementSigning",
             "dgid:event/a0000000000000000003-2", "UK-Kenya training agreement", False),
        ],
    ),
    (
        "place_events",
        {"place": "dgid:place/london"},
        [
            ("dgid:place/london", "London", date(2025, 4, 10), "Meeting",
             "dgid:event/a0000000000000000001-1", "Coalition talks in London", False),
        ],
    ),
    (
        "place_events",
        {"place": "dgid:place/nowhere"},
        [],
    ),
    (
        "events_by_country",
        {},
        [
            (
                "dgid:country/DEU",
                "DEU",
                "Germany",
                date(2025, 4, 10),
                "Meeting",
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "participant",
                False,
                Decimal("0.9"),
            ),
            (
                "dgid:country/DEU",
                "DEU",
                "Germany",
                date(2025, 4, 11),
                "Meeting",
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
                "convenor",
                False,
                Decimal("0.85"),
            ),
            (
                "dgid:country/DEU",
                "DEU",
                "Germany",
                date(2025, 4, 15),
                "Call",
                "dgid:event/a0000000000000000004-1",
                "Defence Secretary's call with German counterpart",
                "participant",
                False,
                Decimal("0.85"),
            ),
            (
                "dgid:country/FRA",
                "FRA",
                "France",
                date(2025, 4, 10),
                "Meeting",
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "convenor",
                False,
                Decimal("0.9"),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                date(2025, 4, 10),
                "Meeting",
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "convenor",
                False,
                Decimal("0.9"),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                date(2025, 4, 11),
                "Meeting",
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
                "convenor",
                False,
                Decimal("0.85"),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                date(2025, 4, 13),
                "Visit",
                "dgid:event/a0000000000000000003-1",
                "Armed Forces Minister's visit to Nairobi",
                "participant",
                False,
                Decimal("0.8"),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                date(2025, 4, 13),
                "AgreementSigning",
                "dgid:event/a0000000000000000003-2",
                "UK-Kenya training agreement",
                "participant",
                False,
                Decimal("0.75"),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                date(2025, 4, 15),
                "Call",
                "dgid:event/a0000000000000000004-1",
                "Defence Secretary's call with German counterpart",
                "participant",
                False,
                Decimal("0.85"),
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                None,
                "Exercise",
                "dgid:event/a0000000000000000003-3",
                "Joint exercise in Kenya",
                "participant",
                True,
                Decimal("0.5"),
            ),
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                date(2025, 4, 13),
                "Visit",
                "dgid:event/a0000000000000000003-1",
                "Armed Forces Minister's visit to Nairobi",
                "convenor",
                False,
                Decimal("0.8"),
            ),
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                date(2025, 4, 13),
                "AgreementSigning",
                "dgid:event/a0000000000000000003-2",
                "UK-Kenya training agreement",
                "participant",
                False,
                Decimal("0.75"),
            ),
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                None,
                "Exercise",
                "dgid:event/a0000000000000000003-3",
                "Joint exercise in Kenya",
                "participant",
                True,
                Decimal("0.5"),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                date(2025, 4, 10),
                "Meeting",
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "virtual",
                False,
                Decimal("0.9"),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                date(2025, 4, 11),
                "Meeting",
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
                "participant",
                False,
                Decimal("0.85"),
            ),
        ],
    ),
    (
        "events_by_country",
        {"country": "FRA"},
        [
            (
                "dgid:country/FRA",
                "FRA",
                "France",
                date(2025, 4, 10),
                "Meeting",
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "convenor",
                False,
                Decimal("0.9"),
            ),
        ],
    ),
    (
        "events_timeline",
        {},
        [
            (
                date(2025, 4, 10),
                None,
                "Meeting",
                "dgid:event/a0000000000000000001-1",
                "Coalition talks in London",
                "dgid:place/london",
                "London",
                "France; Germany; John Healey; NATO; Sébastien Lecornu; Ukraine; United Kingdom",
                30,
                False,
                Decimal("0.9"),
            ),
            (
                date(2025, 4, 11),
                None,
                "Meeting",
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
                "dgid:place/brussels",
                "Brussels",
                "Germany; Ukraine; United Kingdom",
                50,
                False,
                Decimal("0.85"),
            ),
            (
                date(2025, 4, 13),
                None,
                "Visit",
                "dgid:event/a0000000000000000003-1",
                "Armed Forces Minister's visit to Nairobi",
                "dgid:place/nairobi",
                "Nairobi",
                "Kenya; Luke Pollard; United Kingdom",
                None,
                False,
                Decimal("0.8"),
            ),
            (
                date(2025, 4, 13),
                None,
                "AgreementSigning",
                "dgid:event/a0000000000000000003-2",
                "UK-Kenya training agreement",
                "dgid:place/nairobi",
                "Nairobi",
                "Kenya; United Kingdom",
                None,
                False,
                Decimal("0.75"),
            ),
            (
                date(2025, 4, 15),
                None,
                "Call",
                "dgid:event/a0000000000000000004-1",
                "Defence Secretary's call with German counterpart",
                None,
                None,
                "Boris Pistorius; John Healey",
                None,
                False,
                Decimal("0.85"),
            ),
            (
                None,
                None,
                "Exercise",
                "dgid:event/a0000000000000000003-3",
                "Joint exercise in Kenya",
                None,
                None,
                "Kenya; United Kingdom",
                None,
                True,
                Decimal("0.5"),
            ),
        ],
    ),
    (
        "persons_roles_by_country",
        {},
        [
            (
                "dgid:country/DEU",
                "DEU",
                "Germany",
                "dgid:person/boris-pistorius",
                "Boris Pistorius",
                "Defence Minister",
                1,
            ),
            (
                "dgid:country/FRA",
                "FRA",
                "France",
                "dgid:person/sebastien-lecornu",
                "Sébastien Lecornu",
                "Minister for the Armed Forces",
                1,
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:person/john-healey",
                "John Healey",
                "Defence Secretary",
                2,
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:person/luke-pollard",
                "Luke Pollard",
                "Armed Forces Minister",
                1,
            ),
        ],
    ),
    (
        "persons_roles_by_country",
        {"country": "GBR"},
        [
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:person/john-healey",
                "John Healey",
                "Defence Secretary",
                2,
            ),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:person/luke-pollard",
                "Luke Pollard",
                "Armed Forces Minister",
                1,
            ),
        ],
    ),
    (
        "pledges_by_donor",
        {},
        [
            ("dgid:country/DEU", "DEU", "Germany", "EUR", Decimal(2000000000), 1, Decimal("0.4")),
            (
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "GBP",
                Decimal(455000000),
                2,
                Decimal("0.7"),
            ),
        ],
    ),
    (
        "pledges_by_donor",
        {"donor": "DEU"},
        [
            ("dgid:country/DEU", "DEU", "Germany", "EUR", Decimal(2000000000), 1, Decimal("0.4")),
        ],
    ),
    (
        "pledges_list",
        {},
        [
            (
                date(2025, 4, 11),
                "dgid:pledge/a0000000000000000002-1",
                "£450 million package for Ukraine",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                Decimal(450000000),
                "GBP",
                None,
                None,
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
                Decimal("0.9"),
                "dgid:statement/a0000000000000000002",
            ),
            (
                date(2025, 4, 11),
                "dgid:pledge/a0000000000000000002-2",
                "£350 million for drones",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                Decimal(350000000),
                "GBP",
                "drones",
                "dgid:pledge/a0000000000000000002-1",
                "dgid:event/a0000000000000000002-1",
                "Contact group meeting in Brussels",
                Decimal("0.9"),
                "dgid:statement/a0000000000000000002",
            ),
            (
                date(2025, 4, 11),
                "dgid:pledge/a0000000000000000002-3",
                "Up to €2 billion in further aid",
                "dgid:country/DEU",
                "DEU",
                "Germany",
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                Decimal(2000000000),
                "EUR",
                None,
                None,
                None,
                None,
                Decimal("0.4"),
                "dgid:statement/a0000000000000000002",
            ),
            (
                date(2025, 4, 13),
                "dgid:pledge/a0000000000000000003-1",
                "£5 million towards a training centre in Kenya",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                Decimal(5000000),
                "GBP",
                "training centre",
                None,
                None,
                None,
                Decimal("0.7"),
                "dgid:statement/a0000000000000000003",
            ),
            (
                None,
                "dgid:pledge/a0000000000000000002-4",
                "Instructors to train Ukrainian crews",
                "dgid:country/FRA",
                "FRA",
                "France",
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                None,
                None,
                "instructors; training",
                None,
                None,
                None,
                Decimal("0.6"),
                "dgid:statement/a0000000000000000002",
            ),
        ],
    ),
    (
        "pledges_to_country",
        {"country": "UKR"},
        [
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                date(2025, 4, 11),
                "dgid:pledge/a0000000000000000002-1",
                "£450 million package for Ukraine",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                Decimal(450000000),
                "GBP",
                None,
                Decimal("0.9"),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                date(2025, 4, 11),
                "dgid:pledge/a0000000000000000002-2",
                "£350 million for drones",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                Decimal(350000000),
                "GBP",
                "dgid:pledge/a0000000000000000002-1",
                Decimal("0.9"),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                date(2025, 4, 11),
                "dgid:pledge/a0000000000000000002-3",
                "Up to €2 billion in further aid",
                "dgid:country/DEU",
                "DEU",
                "Germany",
                Decimal(2000000000),
                "EUR",
                None,
                Decimal("0.4"),
            ),
            (
                "dgid:country/UKR",
                "UKR",
                "Ukraine",
                None,
                "dgid:pledge/a0000000000000000002-4",
                "Instructors to train Ukrainian crews",
                "dgid:country/FRA",
                "FRA",
                "France",
                None,
                None,
                None,
                Decimal("0.6"),
            ),
        ],
    ),
    (
        "pledges_to_country",
        {"country": "KEN"},
        [
            (
                "dgid:country/KEN",
                "KEN",
                "Kenya",
                date(2025, 4, 13),
                "dgid:pledge/a0000000000000000003-1",
                "£5 million towards a training centre in Kenya",
                "dgid:country/GBR",
                "GBR",
                "United Kingdom",
                Decimal(5000000),
                "GBP",
                None,
                Decimal("0.7"),
            ),
        ],
    ),
    (
        "statements_list",
        {},
        [
            (
                date(2025, 4, 11),
                "dgid:statement/a0000000000000000001",
                "UK and France chair coalition talks in London",
                "Ministry of Defence",
                "https://example.org/news/coalition-talks-london",
                1,
                0,
                "DEU FRA GBR UKR",
            ),
            (
                date(2025, 4, 12),
                "dgid:statement/a0000000000000000002",
                "Support package for Ukraine announced in Brussels",
                "Ministry of Defence",
                "https://example.org/news/support-package-brussels",
                1,
                4,
                "DEU FRA GBR UKR",
            ),
            (
                date(2025, 4, 14),
                "dgid:statement/a0000000000000000003",
                "Armed Forces Minister visits Nairobi",
                "Ministry of Defence",
                "https://example.org/news/minister-visits-nairobi",
                3,
                1,
                "GBR KEN",
            ),
            (
                date(2025, 4, 15),
                "dgid:statement/a0000000000000000004",
                "Defence Secretary speaks to German counterpart",
                "Ministry of Defence",
                "https://example.org/news/call-with-germany",
                1,
                0,
                "DEU GBR UKR",
            ),
        ],
    ),
]


def test_every_canned_query_is_tested() -> None:
    """A new query file without expected rows here fails this test."""
    names = {q.name for q in list_queries()}
    assert names == set(VARIABLES)
    assert names == {name for name, _, _ in CASES}
    assert len(names) >= 10


def test_canned_query_names_and_headers() -> None:
    for q in list_queries():
        assert q.path is not None and q.path.name == f"{q.name}.rq"
        assert "_" in q.name and q.title and q.title != q.name, q.name
        assert len(q.description) > 40, q.name
        assert "ORDER BY" in q.text, f"{q.name} must order its rows"
        for p in q.params:
            assert p.description, f"{q.name}: parameter {p.name} has no description"


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    CASES,
    ids=[f"{n}-{'-'.join(f'{k}={v}' for k, v in p.items()) or 'all'}" for n, p, _ in CASES],
)
def test_canned_query_rows(
    store: OxigraphStore, name: str, params: dict[str, str], expected: list[tuple[Any, ...]]
) -> None:
    result = run_query(store, load_query(name), params)
    assert isinstance(result, Rows)
    assert tuple(result.variables) == VARIABLES[name]
    assert values(result) == expected


@pytest.mark.parametrize("q", list_queries(), ids=lambda q: q.name)
def test_optional_params_narrow_the_unbound_result(store: OxigraphStore, q: CannedQuery) -> None:
    """An optional parameter left out means "all"; given, it keeps exactly the matching rows."""
    for p in q.params:
        if not p.optional:
            continue
        everything = run_query(store, q, {})
        assert isinstance(everything, Rows)
        values_seen = {row[everything.variables.index(p.name)] for row in everything.rows}
        assert values_seen, f"{q.name}: no rows to narrow"
        for term in values_seen:
            narrowed = run_query(store, q, {p.name: term})
            assert isinstance(narrowed, Rows)
            col = everything.variables.index(p.name)
            assert narrowed.rows == [r for r in everything.rows if r[col] == term]


@pytest.mark.parametrize("q", list_queries(), ids=lambda q: q.name)
def test_params_are_projected(q: CannedQuery) -> None:
    """Oxigraph substitutes only variables of the top-level SELECT projection."""
    select = q.text[q.text.index("SELECT") : q.text.index("WHERE")]
    for p in q.params:
        assert f"?{p.name} " in select or f"?{p.name}\n" in select, (q.name, p.name)


def test_required_param_without_value_is_refused(store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match="'country' .* is required"):
        run_query(store, load_query("pledges_to_country"), {})


def test_country_param_accepts_codes_names_and_iris(store: OxigraphStore) -> None:
    q = load_query("pledges_to_country")
    expected = values(run_query(store, q, {"country": "UKR"}))
    assert expected
    for given in ("ukr", " Ukraine ", "UA", "dgid:country/UKR", DGID_NS + "country/UKR"):
        assert values(run_query(store, q, {"country": given})) == expected, given


def test_unknown_country_names_what_was_given_and_suggests_iso_codes(store: OxigraphStore) -> None:
    with pytest.raises(QueryError) as info:
        run_query(store, load_query("events_by_country"), {"country": "Atlantis"})
    message = str(info.value)
    assert "'Atlantis'" in message and "ISO" in message and "GBR" in message


def test_timeline_participants_are_sorted_whatever_the_load_order() -> None:
    """GROUP_CONCAT follows its input order; the query sorts that input itself."""
    quads = fixture_quads()
    first = values(run_query(make_store(quads), load_query("events_timeline")))
    for seed in range(5):
        random.Random(seed).shuffle(quads)
        assert values(run_query(make_store(quads), load_query("events_timeline"))) == first


def test_queries_count_a_fact_once_when_several_statements_repeat_it(store: OxigraphStore) -> None:
    """Every statement graph repeats a state's label; the consolidated graph states it once."""
    over_all = store.query(f"SELECT ?l WHERE {{ <{DGID_NS}country/GBR> rdfs:label ?l }}",
                           union=True)
    assert isinstance(over_all, Rows) and len(over_all.rows) == 5  # 4 statements + consolidated
    raw = store.query(f"SELECT ?l WHERE {{ <{DGID_NS}country/GBR> rdfs:label ?l }}")
    assert isinstance(raw, Rows) and len(raw.rows) == 1
    activity = values(run_query(store, load_query("countries_activity"), {"country": "GBR"}))
    assert len(activity) == 1


# --- loading -------------------------------------------------------------------------------


def test_header_is_parsed() -> None:
    q = load_query("countries_who_met_whom")
    assert q.title == "Who met whom"
    assert q.description.startswith("Pairs of states that took part in the same events")
    assert "One multilateral meeting counts once per pair" in q.description
    assert [(p.name, p.kind, p.optional) for p in q.params] == [("country", "country", True)]
    assert q.params[0].description.startswith("limit to pairs that include this state")
    required = load_query("pledges_to_country").params[0]
    assert (required.name, required.kind, required.optional) == ("country", "country", False)


def test_load_query_by_name_file_name_and_path() -> None:
    by_name = load_query("events_timeline")
    assert load_query("events_timeline.rq").text == by_name.text
    assert by_name.path is not None
    assert load_query(by_name.path).text == by_name.text
    assert load_query(str(by_name.path)).name == "events_timeline"


def test_load_query_finds_violation_queries_by_name() -> None:
    assert load_query("pledge_currency-violation").name == "pledge_currency-violation"


def test_unknown_query_lists_the_available_names() -> None:
    with pytest.raises(QueryError) as info:
        load_query("who_knows")
    message = str(info.value)
    assert "'who_knows'" in message
    for q in list_queries():
        assert q.name in message


def test_missing_query_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="does not exist"):
        load_query(tmp_path / "nothing.rq")


def test_bad_header_lines_are_errors() -> None:
    with pytest.raises(QueryError, match="unknown kind 'colour'"):
        parse_query_text("# param: x (colour)\nSELECT ?x WHERE {} ORDER BY ?x")
    with pytest.raises(QueryError, match="cannot read the parameter line"):
        parse_query_text("# param: x colour\nSELECT ?x WHERE {} ORDER BY ?x")


# --- binding parameters --------------------------------------------------------------------

KINDS_QUERY = """# title: Every kind
# description: One parameter of each kind, echoed back.
# param: c (country) — a state
# param: i (iri, optional) — an IRI
# param: s (string, optional) — some text
# param: d (date, optional) — a day
# param: n (integer, optional) — a count
SELECT ?c ?i ?s ?d ?n WHERE {} ORDER BY ?c
"""


@pytest.fixture
def kinds_query(tmp_path: Path) -> CannedQuery:
    path = tmp_path / "every_kind.rq"
    path.write_text(KINDS_QUERY, encoding="utf-8")
    return load_query(path)


def test_bind_params_converts_each_kind(kinds_query: CannedQuery) -> None:
    bound = bind_params(
        kinds_query,
        {"c": "France", "i": "dgid:event/x-1", "s": " as is ", "d": "2025-04-10", "n": " 30 "},
    )
    assert bound == {
        "c": ox.NamedNode(DGID_NS + "country/FRA"),
        "i": ox.NamedNode(DGID_NS + "event/x-1"),
        "s": ox.Literal(" as is "),
        "d": ox.Literal("2025-04-10", datatype=XSD_DATE),
        "n": ox.Literal("30", datatype=XSD_INTEGER),
    }
    assert bind_params(kinds_query, {"c": "GBR", "i": "https://example.org/a"})[
        "i"
    ] == ox.NamedNode("https://example.org/a")


def test_bound_values_reach_the_engine(store: OxigraphStore, kinds_query: CannedQuery) -> None:
    result = run_query(store, kinds_query, {"c": "GBR", "d": "2025-04-10", "n": "7"})
    assert isinstance(result, Rows)
    assert result.dicts() == [
        {"c": DGID_NS + "country/GBR", "d": date(2025, 4, 10), "n": 7},
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"c": "GBR", "colour": "red"}, "unknown parameter.*colour.*accepts: c, i, s, d, n"),
        ({"i": "https://example.org/a"}, "'c' .* is required"),
        ({"c": "Narnia"}, "'Narnia' is not a state.*ISO 3166-1 alpha-3"),
        ({"c": "GBR", "d": "10/04/2025"}, "not a date; write it as YYYY-MM-DD"),
        ({"c": "GBR", "n": "thirty"}, "not a whole number"),
        ({"c": "GBR", "i": "not an iri"}, "is not an IRI"),
        ({"c": "GBR", "i": "<https://example.org/a>"}, "is not an IRI"),
    ],
)
def test_bind_params_errors(kinds_query: CannedQuery, raw: dict[str, str], message: str) -> None:
    with pytest.raises(QueryError, match=message):
        bind_params(kinds_query, raw)


def test_query_without_params_refuses_any(store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match="unknown parameter.*country.*accepts: none"):
        run_query(store, load_query("events_timeline"), {"country": "GBR"})


def test_param_missing_from_the_projection_is_explained(store: OxigraphStore) -> None:
    text = "# param: x (string)\nSELECT ?s WHERE { ?s rdfs:label ?x } ORDER BY ?s"
    with pytest.raises(QueryError, match="must be listed in the query's SELECT clause"):
        run_query(store, text, {"x": "France"})


HOSTILE = 'GBR" } ; DROP ALL ; #'


def test_hostile_value_is_bound_as_data_never_executed(fresh_store: OxigraphStore) -> None:
    before = all_quads(fresh_store)
    # As a string it is one literal that matches nothing.
    text = (
        "# param: name (string)\n"
        "SELECT ?country ?name WHERE { ?country rdfs:label ?name } ORDER BY ?country"
    )
    result = run_query(fresh_store, text, {"name": HOSTILE})
    assert isinstance(result, Rows) and result.rows == []
    assert run_query(fresh_store, text, {"name": "France"}).rows  # type: ignore[union-attr]
    # As a country or an IRI it is refused before the engine sees it.
    with pytest.raises(QueryError, match="not a state"):
        run_query(fresh_store, load_query("events_by_country"), {"country": HOSTILE})
    with pytest.raises(QueryError, match="not an IRI"):
        run_query(fresh_store, load_query("event_evidence"), {"event": HOSTILE})
    assert all_quads(fresh_store) == before
    assert HOSTILE not in load_query("events_by_country").text


# --- queries and updates -------------------------------------------------------------------

INSERT = """# a comment first
PREFIX ex: <https://example.org/>
INSERT DATA { GRAPH ex:g { ex:a ex:b ex:c } }
"""


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o }", "query"),
        ("# hello\nPREFIX ex: <https://example.org/>\nASK { ?s ex:p ?o }", "query"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "query"),
        ("DESCRIBE <https://example.org/a>", "query"),
        (INSERT, "update"),
        ("# c\nPREFIX ex: <https://example.org/>\nDROP ALL", "update"),
        ("CLEAR DEFAULT", "update"),
        ("LOAD <https://example.org/data.ttl>", "update"),
        ("CREATE GRAPH <https://example.org/g>", "update"),
        ("COPY DEFAULT TO <https://example.org/g>", "update"),
        ("DELETE WHERE { ?s ?p ?o }", "update"),
        ("# select\nSELECT * {} ; DROP ALL", "query"),  # not valid either way; Oxigraph rejects it
        ("# comment only", "update"),
    ],
)
def test_query_form(text: str, form: str) -> None:
    assert query_form(text) == form


def test_update_is_refused_unless_allowed(fresh_store: OxigraphStore) -> None:
    before = all_quads(fresh_store)
    for text in (INSERT, "DROP ALL", "# note\nCLEAR ALL"):
        with pytest.raises(QueryError, match="SPARQL update"):
            run_query(fresh_store, text)
    assert all_quads(fresh_store) == before
    assert run_query(fresh_store, INSERT, allow_update=True) is None
    added = all_quads(fresh_store) - before
    ex = "https://example.org/"
    assert added == {
        ox.Quad(
            ox.NamedNode(ex + "a"),
            ox.NamedNode(ex + "b"),
            ox.NamedNode(ex + "c"),
            ox.NamedNode(ex + "g"),
        )
    }


def test_invalid_query_is_a_query_error(store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match="syntax"):
        run_query(store, "SELECT * {} ; DROP ALL")


def test_ask_and_construct(store: OxigraphStore) -> None:
    assert run_query(store, "ASK { ?e a dg:Call }") is True
    assert run_query(store, "ASK { ?e a dg:Deployment }") is False
    triples = run_query(store, "CONSTRUCT { ?c dg:iso3 ?i } WHERE { ?c dg:iso3 ?i }")
    assert isinstance(triples, list)
    assert sorted({t.object.value for t in triples}) == list(ISO3)  # type: ignore[union-attr]


# --- violations ----------------------------------------------------------------------------

VIOLATIONS = {
    "evidence_offsets-violation",
    "fact_without_statement-violation",
    "pledge_currency-violation",
}

BROKEN = """
@prefix dg: <https://w3id.org/defgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix b: <https://w3id.org/defgraph/id/> .
<https://w3id.org/defgraph/id/statement/broken> {
    <https://w3id.org/defgraph/id/statement/broken> a dg:Statement ; dg:text "The UK pledged £5 million." .
    <https://w3id.org/defgraph/id/evidence/broken/0-5> a dg:Evidence ;
        dg:quote "pledged" ; dg:start 0 ; dg:end 5 ;
        dg:inStatement <https://w3id.org/defgraph/id/statement/broken> .
    <https://w3id.org/defgraph/id/evidence/broken/7-99> a dg:Evidence ;
        dg:quote "pledged £5 million." ; dg:start 7 ; dg:end 99 ;
        dg:inStatement <https://w3id.org/defgraph/id/statement/broken> .
    <https://w3id.org/defgraph/id/evidence/broken/x> a dg:Evidence ; dg:quote "UK" .
    <https://w3id.org/defgraph/id/pledge/broken-1> a dg:Pledge ; rdfs:label "£5 million" ;
        dg:amount 5000000.0 ;
        dg:reportedIn <https://w3id.org/defgraph/id/statement/broken> .
    <https://w3id.org/defgraph/id/pledge/broken-2> a dg:Pledge ; dg:amount 1.0 ; dg:currency "pounds" ;
        dg:reportedIn <https://w3id.org/defgraph/id/statement/broken> .
    <https://w3id.org/defgraph/id/event/broken-1> a dg:Visit ; rdfs:label "A visit from nowhere" .
    <https://w3id.org/defgraph/id/pledge/broken-3> a dg:Pledge ;
        dg:reportedIn <https://w3id.org/defgraph/id/statement/missing> .
}
"""

BROKEN_ROWS = {
    "evidence_offsets-violation": [
        (
            "dgid:evidence/broken/0-5",
            "dgid:statement/broken",
            0,
            5,
            "pledged",
            "the quote differs from the text at its offsets",
        ),
        (
            "dgid:evidence/broken/7-99",
            "dgid:statement/broken",
            7,
            99,
            "pledged £5 million.",
            "offsets outside the text",
        ),
        (
            "dgid:evidence/broken/x",
            None,
            None,
            None,
            "UK",
            "missing quote, start, end or statement",
        ),
    ],
    "fact_without_statement-violation": [
        ("dgid:event/broken-1", "https://w3id.org/defgraph/ontology#Visit", "A visit from nowhere"),
        ("dgid:pledge/broken-3", "https://w3id.org/defgraph/ontology#Pledge", None),
    ],
    "pledge_currency-violation": [
        (
            "dgid:pledge/broken-1",
            "£5 million",
            Decimal(5000000),
            None,
            "an amount without a currency",
        ),
        (
            "dgid:pledge/broken-2",
            None,
            Decimal(1),
            "pounds",
            "the currency is not an ISO 4217 code",
        ),
    ],
}


def test_violation_queries_are_listed_apart() -> None:
    assert {q.name for q in list_violation_queries()} == VIOLATIONS == set(BROKEN_ROWS)
    assert not VIOLATIONS & {q.name for q in list_queries()}
    for q in list_violation_queries():
        assert q.path is not None and q.path.parent.name == "violations"
        assert q.name.endswith("-violation") and q.title and q.description


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_violation_query_finds_nothing_on_good_data(store: OxigraphStore, name: str) -> None:
    assert values(run_query(store, load_query(name))) == []


@pytest.mark.parametrize("name", sorted(VIOLATIONS))
def test_violation_query_finds_broken_data(fresh_store: OxigraphStore, name: str) -> None:
    # consolidation gives every fact its statement, so a damaged consolidated graph (loaded
    # by hand, or by another tool) is what these queries guard against: write it as is
    damage(fresh_store, list(ox.parse(BROKEN.encode("utf-8"), format=ox.RdfFormat.TRIG)))
    assert values(run_query(fresh_store, load_query(name))) == BROKEN_ROWS[name]


# --- values and output formats -------------------------------------------------------------


def test_python_value() -> None:
    lit = ox.Literal
    assert python_value(None) is None
    assert python_value(ox.NamedNode("https://example.org/a")) == "https://example.org/a"
    assert python_value(ox.BlankNode("b1")) == "_:b1"
    assert python_value(lit("x")) == "x"
    assert python_value(lit("chat", language="fr")) == "chat"
    assert python_value(lit("42", datatype=XSD_INTEGER)) == 42
    assert python_value(lit("0.40", datatype=ox.NamedNode(XSD + "decimal"))) == Decimal("0.40")
    assert python_value(lit("2025-04-10", datatype=XSD_DATE)) == date(2025, 4, 10)
    assert python_value(lit("true", datatype=ox.NamedNode(XSD + "boolean"))) is True
    assert python_value(lit("false", datatype=ox.NamedNode(XSD + "boolean"))) is False
    assert python_value(lit("P1D", datatype=ox.NamedNode(XSD + "duration"))) == "P1D"


def test_dicts_use_python_values(store: OxigraphStore) -> None:
    rows = run_query(store, load_query("pledges_by_donor"), {"donor": "GBR"})
    assert isinstance(rows, Rows)
    assert rows.dicts() == [
        {
            "donor": DGID_NS + "country/GBR",
            "donor_iso": "GBR",
            "donor_label": "United Kingdom",
            "currency": "GBP",
            "total": Decimal(455000000),
            "pledges": 2,
            "min_confidence": Decimal("0.7"),
        }
    ]


def _term_from_json(b: dict[str, Any]) -> Any:
    if b["type"] == "uri":
        return ox.NamedNode(b["value"])
    if b["type"] == "bnode":
        return ox.BlankNode(b["value"])
    assert b["type"] == "literal"
    assert not ("datatype" in b and "xml:lang" in b)
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


def test_json_is_sparql_results_json_and_round_trips(store: OxigraphStore) -> None:
    for q in list_queries():
        rows = run_query(store, q, required_params(q, store))
        assert isinstance(rows, Rows)
        doc = json.loads(to_json(rows))
        assert set(doc) == {"head", "results"}
        assert doc["head"] == {"vars": rows.variables}
        assert set(doc["results"]) == {"bindings"}
        back = [
            [_term_from_json(b[v]) if v in b else None for v in doc["head"]["vars"]]
            for b in doc["results"]["bindings"]
        ]
        assert back == rows.rows, q.name


def test_json_literal_shapes() -> None:
    rows = Rows(
        ["iri", "plain", "lang", "typed", "blank", "none"],
        [
            [
                ox.NamedNode("https://example.org/a"),
                ox.Literal("x"),
                ox.Literal("chat", language="fr"),
                ox.Literal("3", datatype=XSD_INTEGER),
                ox.BlankNode("b0"),
                None,
            ]
        ],
    )
    assert json.loads(to_json(rows)) == {
        "head": {"vars": ["iri", "plain", "lang", "typed", "blank", "none"]},
        "results": {
            "bindings": [
                {
                    "iri": {"type": "uri", "value": "https://example.org/a"},
                    "plain": {"type": "literal", "value": "x"},
                    "lang": {"type": "literal", "value": "chat", "xml:lang": "fr"},
                    "typed": {"type": "literal", "value": "3", "datatype": XSD + "integer"},
                    "blank": {"type": "bnode", "value": "b0"},
                }
            ]
        },
    }


def test_json_for_ask(store: OxigraphStore) -> None:
    assert json.loads(to_json(run_query(store, "ASK { ?e a dg:Meeting }"))) == {
        "head": {},
        "boolean": True,
    }


def test_csv(store: OxigraphStore) -> None:
    rows = run_query(store, load_query("pledges_by_donor"))
    text = to_csv(rows)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == list(VARIABLES["pledges_by_donor"])
    assert parsed[1][:4] == [DGID_NS + "country/DEU", "DEU", "Germany", "EUR"]
    assert Decimal(parsed[2][4]) == Decimal(455000000)
    assert len(parsed) == 3
    assert to_csv(run_query(store, "ASK { ?e a dg:Meeting }")).splitlines() == ["boolean", "true"]


def test_table_shortens_iris(store: OxigraphStore) -> None:
    rows = run_query(store, load_query("pledges_by_donor"), {"donor": "GBR"})
    table = to_table(rows, title="Pledges by donor")
    assert [c.header for c in table.columns] == list(VARIABLES["pledges_by_donor"])
    console = Console(width=300, record=True)
    console.print(table)
    out = console.export_text()
    assert "Pledges by donor" in out
    assert "country:GBR" in out and "dgid:" not in out and DGID_NS not in out
    assert "455000000" in out


def test_dataframe(store: OxigraphStore) -> None:
    frame = to_dataframe(run_query(store, load_query("countries_activity")))
    assert list(frame.columns) == list(VARIABLES["countries_activity"])
    assert list(frame["country_iso"]) == ["GBR", "DEU", "KEN", "UKR", "FRA"]
    assert list(frame["events"]) == [6, 3, 3, 2, 1]


def _binds_before_patterns(node: Any) -> int:
    """How many joins of the algebra have a BIND (Extend) as their left side."""
    from rdflib.plugins.sparql.parserutils import CompValue
    found = 0
    if isinstance(node, CompValue):
        left = node.get("p1")
        if node.name in ("Join", "LeftJoin") and isinstance(left, CompValue) and left.name == "Extend":
            found += 1
        for value in node.values():
            found += _binds_before_patterns(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            found += _binds_before_patterns(value)
    return found


@pytest.mark.parametrize("path", sorted((Path(__file__).parent.parent / "queries").rglob("*.rq"))
                         + sorted((Path(__file__).parent.parent / "src" / "defgraph" / "views"
                                   / "queries").glob("*.rq")), ids=lambda p: p.name)
def test_bind_comes_after_the_patterns_of_its_group(path: Path) -> None:
    """A BIND ends its group's basic pattern: on Oxigraph the patterns after it are then
    matched on their own over the whole graph and joined, so a bound event no longer
    narrows them (event_evidence for one event took 1.9 s at 10k statements instead of
    4 ms). Every BIND goes after the patterns and OPTIONALs of its group."""
    from rdflib.plugins.sparql import prepareQuery

    from defgraph.vocab import PREFIXES
    algebra = prepareQuery(path.read_text(encoding="utf-8"), initNs=PREFIXES).algebra
    assert _binds_before_patterns(algebra) == 0


def test_event_and_pledge_classes_are_at_most_grandchildren() -> None:
    """Queries that pick events or pledges by class (events_by_country, events_at_place,
    place_events, event_evidence, fact_without_statement ...) follow the children and
    grandchildren of dg:Event and dg:Pledge with plain patterns, not rdfs:subClassOf*
    (Virtuoso 7 answers or refuses such paths in subqueries): a deeper class would be missed."""
    from defgraph import resources

    store = ox.Store()
    store.load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE)
    deeper = store.query("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dg: <https://w3id.org/defgraph/ontology#>
        SELECT ?class WHERE { VALUES ?root { dg:Event dg:Pledge }
          ?class rdfs:subClassOf/rdfs:subClassOf/rdfs:subClassOf ?root }""")
    assert [s["class"] for s in deeper] == []
    children = store.query("""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX dg: <https://w3id.org/defgraph/ontology#>
        SELECT ?class WHERE { ?class rdfs:subClassOf dg:Event }""")
    assert len(list(children)) >= 6  # the check above reads the hierarchy it guards
