"""The plain data objects that flow between the pipeline's stages.

ingest -> Statement -> extract -> Extraction -> mapping -> quads -> store.
No stage reaches into another's internals: each takes the previous stage's
objects from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Literal

ActorKind = Literal["country", "organisation", "person", "post"]


@dataclass(frozen=True)
class Statement:
    """One source document (or one item of a news digest) and its text.

    ``text`` is what evidence offsets refer to; it is kept in the store.
    """

    text: str
    title: str | None = None
    issued: dt.date | None = None
    publisher: str | None = None
    source_url: str | None = None
    source_file: str | None = None
    site: str | None = None  # the publisher's web site, when known (a digest item's is its page's)

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the text, title, date and publisher: equal input, equal hash.

        Computed once per statement (the mapping asks for it for every node it names; hashing
        a long text each time made mapping grow with events times length)."""
        h = hashlib.sha256()
        for part in (self.title or "", str(self.issued or ""), self.publisher or "", self.text):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()

    @cached_property
    def key(self) -> str:
        """The statement's stable identity: its original URL when it has one, else its content.

        A statement re-published at the same URL replaces the earlier version.
        """
        basis = self.source_url or self.content_hash
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Span:
    """Character offsets [start, end) into Statement.text, and the text they cut out."""

    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class ActorRef:
    """A reference to a country (key = ISO alpha-3), organisation or person (key = slug)."""

    kind: ActorKind
    key: str


@dataclass
class Country:
    iso3: str
    name: str
    wikidata: str | None = None
    geonames_id: int | None = None


@dataclass
class Organisation:
    key: str
    name: str
    country: str | None = None  # ISO alpha-3
    evidence: list[Span] = field(default_factory=list)


@dataclass
class Person:
    key: str
    name: str
    role_title: str | None = None
    country: str | None = None  # ISO alpha-3 of the state the person represents
    organisation: str | None = None  # key of the organisation represented, if not a state
    evidence: list[Span] = field(default_factory=list)
    method: str = "rule"
    confidence: float = 0.8
    # how the state was told when the statement does not say it in so many words: the rule
    # (rules/windows.yaml) and its confidence; None when the text states it
    state_method: str | None = None
    state_confidence: float | None = None


@dataclass
class Post:
    """An office named with its state but not its holder ("the French Minister for the Armed Forces")."""

    key: str
    role_title: str
    country: str | None = None
    organisation: str | None = None
    evidence: list[Span] = field(default_factory=list)
    # who held the office on the statement's day, from the list of public office holders
    # (rules/people.yaml), when one person of that state held that kind of office
    holder: Person | None = None


@dataclass
class Place:
    key: str
    name: str
    country: str | None = None
    kind: Literal["city", "venue", "region"] = "city"
    geonames_id: int | None = None


@dataclass
class Event:
    type: str  # one of vocab.EVENT_TYPES
    label: str
    date: dt.date | None = None
    end_date: dt.date | None = None
    place: str | None = None  # Place.key: the city (or region) where it happened
    venue: str | None = None  # Place.key: a named building or site, when the text gives one
    convenors: list[ActorRef] = field(default_factory=list)
    participants: list[ActorRef] = field(default_factory=list)
    virtual: list[ActorRef] = field(default_factory=list)
    participant_count: int | None = None
    planned: bool = False
    evidence: list[Span] = field(default_factory=list)
    method: str = "rule"
    confidence: float = 0.8


@dataclass
class Pledge:
    label: str
    amount: Decimal | None = None
    currency: str | None = None  # ISO 4217
    donor: ActorRef | None = None
    recipient: ActorRef | None = None
    items: list[str] = field(default_factory=list)
    date: dt.date | None = None
    announced_at: int | None = None  # index into Extraction.events
    part_of: int | None = None  # index into Extraction.pledges
    evidence: list[Span] = field(default_factory=list)
    method: str = "rule"
    confidence: float = 0.8


@dataclass
class Extraction:
    """Everything found in one statement."""

    statement: Statement
    countries: dict[str, Country] = field(default_factory=dict)  # mentioned, by ISO3
    organisations: dict[str, Organisation] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    places: dict[str, Place] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    pledges: list[Pledge] = field(default_factory=list)
