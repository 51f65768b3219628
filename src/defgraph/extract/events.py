"""Events: which sentences report a meeting, visit, call, signing, exercise or deployment,
and who took part, who convened, when and where."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import ActorRef
from .text import NUMBER_WORDS, Sentence

# (event type, pattern, the trigger makes its subject the convenor)
_TRIGGERS: list[tuple[str, re.Pattern[str], bool]] = [
    ("Call", re.compile(
        r"\b(?:(?:tele)?phone|telephonic|video)[- ]?(?:call|conversation|conference|talks?)\b|"
        r"\bspoke\s+(?:by|on the|over the)\s+(?:tele)?phone\b|\b(?:spoke|talked)\b[^.;]{0,60}?\bby (?:tele)?phone\b|"
        r"\b(?:held|had|holds|has|made)\s+a\s+call\b|\bvideoconference\b|\bcalled (?:his|her|their)\b", re.I), False),
    ("AgreementSigning", re.compile(
        r"\b(?:sign(?:ed|s|ing)?|conclud(?:ed|es|ing)|seal(?:ed|s)|ink(?:ed|s)|initial(?:l)?ed)\b"
        r"(?:[^.;]{0,90}?)\b(?:agreement|memorandum|MoU|MOU|treaty|pact|declaration|accord|"
        r"arrangement|letter of intent|roadmap|framework|protocol|deal|charter)s?\b|"
        r"\b(?:agreement|memorandum|MoU|treaty|pact|declaration|accord|arrangement)s?\b"
        r"[^.;]{0,60}?\b(?:was|were|has been|have been|is|are)\s+(?:formally\s+)?(?:signed|concluded|sealed)\b|"
        r"\bsigning (?:ceremony|of)\b", re.I), False),
    ("Visit", re.compile(
        r"\b(?:visit(?:ed|s|ing)?|travel(?:l)?ed to|travels to|travel(?:l)?ing to|arrived in|arrives in|"
        r"arrive in|trip to|tour(?:ed)? of|landed in|(?:will|to) travel to)\b", re.I), False),
    ("Meeting", re.compile(
        r"\b(?:convened|convenes|convene|convening|hosted|hosts|host|hosting|chaired|chairs|chair|chairing|"
        r"co-chaired|co-chairs|co-chair|co-hosted|co-hosts|co-host|organi[sz]ed)\b", re.I), True),
    ("Meeting", re.compile(
        r"\b(?:met|meets|meet|meeting|talks|summit|ministerial|conference|consultations with|"
        r"gathering|bilateral|sat down with|round ?table)\b", re.I), False),
    ("Exercise", re.compile(r"\b(?:exercises?|drills?|war ?games?|manoeuvres|maneuvers)\b", re.I), False),
    ("Deployment", re.compile(
        r"\b(?:deploy(?:ed|s|ing|ment|ments)?|strike group|(?:will|to) send (?:troops|forces|personnel|jets|ships)|"
        r"stationed|rotational presence)\b", re.I), False),
]
_CONVENE_WORDS = re.compile(r"^(?:co-)?(?:convene|host|chair|organi[sz]e)", re.I)
_BY_CONVENOR = re.compile(r"\b(?:hosted|chaired|co-chaired|convened|co-hosted|organi[sz]ed)\s+by\s+", re.I)

# Words that turn a trigger into something other than an event report.
_INTENT = re.compile(
    r"\b(?:continue to|keep|kept|look(?:s|ed|ing)? forward to|agreed to|plan(?:s|ned)? to|would|could|"
    r"should|may|might|intend(?:s|ed)? to|hope(?:s|d)? to|aim(?:s|ed)? to|expect(?:s|ed)? to|"
    r"ready to|willing to|next|future|regular(?:ly)?|again|further|upcoming|"
    r"whenever)\s+(?:[\w'’-]+\s+){0,3}$", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|cancel(?:l)?ed|postponed|refused|declined|"
                       r"without)\s+(?:\w+\s+){0,3}$", re.I)
_FUTURE = re.compile(r"\b(?:will|shall|is set to|are set to|is due to|are due to|is to|are to|"
                     r"is scheduled to|are scheduled to|to be held|is expected to|are expected to)\b", re.I)
# A headline's infinitive: "Minister to host NATO Secretary General", "UK to deploy jets"
_HEADLINE_FUTURE = re.compile(r"^[^.,;:]{0,100}?\b[A-Z][\w'’-]*\s+to\s+$")
_PAST_CONTEXT = re.compile(r"\b(?:recent|previous|past|earlier|last year|prior)\b", re.I)
# Nouns of triggers in the plural speak of many events in general ("recent Summits").
_GENERIC_NOUN = re.compile(r"^(?:meetings|summits|conferences|exercises|deployments|visits|calls|"
                           r"dialogues|consultations|gatherings|agreements|drills)$", re.I)

_COUNT = re.compile(
    r"\b(?P<n>\d{1,3}|" + "|".join(k for k in NUMBER_WORDS if NUMBER_WORDS[k]) + r")\s+"
    r"(?:(?:other|partner|member|allied|participating|NATO|EU|European|like-minded|international|"
    r"countries'|nations'|defence|defense|[A-Z][\w-]+)\s+){0,3}"
    r"(?P<what>nations|countries|allies|partners|member states|states|defen[cs]e ministers|ministers|"
    r"delegations|governments)\b", re.I)

# Positions a country takes without acting: "support for Ukraine", "peace in Ukraine".
_NON_ACTOR_BEFORE = re.compile(
    r"(?:\b(?:in|into|for|of|on|about|against|to|towards?|across|throughout|within|around|over|"
    r"near|beyond|regarding|including|support(?:ing|s)?|defend(?:ing|s)?|protect(?:ing|s)?|"
    r"help(?:ing|s)?|aid(?:ing)?|boost(?:ing|s)?|back(?:ing)?|bolster(?:ing)?|from the|by|"
    r"invaded|invasion of|war in|attack(?:s|ed)? on|threats? from|aggression|from|than|like|"
    r"unlike|under|whom|such as)\s+(?:the\s+)?"
    r"|['’]s\s+)$", re.I)
_RELATION_BEFORE = re.compile(r"\b(?:borders?|frontier|relations|ties|trade|war|conflict|tensions|"
                              r"dispute|peace|talks about|line) with\s+(?:the\s+)?$", re.I)
_ACTOR_BEFORE = re.compile(
    r"(?:\b(?:(?:defen[cs]e |foreign |prime )?(?:ministers?|ministries|secretar(?:y|ies)|leaders?|"
    r"delegations?|representatives?|officials?|heads?|chiefs?|presidents?|governments?|navies|"
    r"armies|armed forces|troops) of|with|and|between|counterparts? from|ministers? from|delegations? from|representatives? from|"
    r"officials? from|leaders? from|chiefs? from|hosted|welcomed|met|visited|joined by|"
    r"partners? from|allies from|teams? from)\s+(?:the\s+|his\s+|her\s+)?(?:\w+\s+)?$)", re.I)


@dataclass
class Trigger:
    type: str
    start: int
    end: int
    word: str
    convening: bool
    sentence_text: str = ""
    sentence_start: int = 0


@dataclass
class EventDraft:
    type: str
    sentence: Sentence
    trigger: Trigger
    convenors: list[ActorRef] = field(default_factory=list)
    participants: list[ActorRef] = field(default_factory=list)
    virtual: list[ActorRef] = field(default_factory=list)
    count: int | None = None
    date: _dt.date | None = None
    end_date: _dt.date | None = None
    date_explicit: bool = False
    place: Any = None  # PlaceMention of the city
    venue: Any = None  # PlaceMention of a named building
    planned: bool = False
    confidence: float = 0.7
    method: str = ""
    extra_spans: list[Sentence] = field(default_factory=list)


def find_triggers(s: Sentence) -> list[Trigger]:
    """Event triggers in one sentence, first per type, with negated and intended ones dropped."""
    found: dict[str, Trigger] = {}
    for etype, pattern, convening in _TRIGGERS:
        if etype in found and not convening:
            continue
        for m in pattern.finditer(s.text):
            word = m.group(0)
            head = word.split()[0]
            before = s.text[: m.start()]
            if _NEGATION.search(before[-40:]) or _INTENT.search(before[-45:]):
                continue
            if _GENERIC_NOUN.match(word.split()[-1]):
                continue
            after = s.text[m.end(): m.end() + 50]
            if etype == "Meeting" and re.match(r"\s+(?:a |an |the |some |about |around |more than )?"
                                               r"(?:[\w,-]+\s+){0,3}(?:brigade|troops|forces|battalion|"
                                               r"base|soldiers|personnel|contingent|units|aircraft|ships)", after, re.I):
                continue  # "Lithuania hosts a German brigade" is basing, not a meeting
            if re.match(r"(?:press|news)\s+$", before[-6:], re.I) or re.match(r"\s*(?:call|point|briefing)", after) \
                    and word.lower() == "press":
                continue
            if etype == "Meeting" and re.search(r"\b(?:press|news)\s+$", before[-8:], re.I):
                continue  # a press conference is not a diplomatic meeting
            if etype == "Meeting" and not convening and word.lower() in ("meet",):
                # "to meet" alone is an intention unless a date follows (handled by the caller)
                if not re.search(r"\b(?:will|to)\s+$", before[-8:]):
                    continue
            is_convene = convening and bool(_CONVENE_WORDS.match(head))
            if etype == "Meeting" and "Meeting" in found and not is_convene:
                continue
            t = Trigger(etype, s.start + m.start(), s.start + m.end(), word, is_convene, s.text, s.start)
            if etype == "Meeting" and "Meeting" in found:
                # keep the convening trigger (it tells who convened), but the earliest position
                found["Meeting"] = t if t.convening and not found["Meeting"].convening else found["Meeting"]
            else:
                found[etype] = t
            break
    # "The exercise was organised by ...": the convening word belongs to the other event
    if "Meeting" in found and found["Meeting"].convening and any(
            k in found for k in ("Exercise", "Visit", "Deployment", "AgreementSigning", "Call")):
        del found["Meeting"]
    # "joined by video link" is remote attendance at a meeting, not a call
    if "Call" in found and "Meeting" in found and re.search(r"\bvideo\b", found["Call"].word, re.I):
        if re.search(r"\b(?:joined|attended|participated|took part)\b", s.text, re.I):
            del found["Call"]
    # A visit or meeting that is also a signing is reported as both; a call excludes a visit
    if "Call" in found and "Visit" in found:
        del found["Visit"]
    if "Exercise" in found and not re.search(
        r"\b(?:military|joint|naval|air|land|live-fire|exercise [A-Z]|Exercise|forces|troops|"
        r"multinational|bilateral|trilateral|amphibious|command post)\b", s.text
    ):
        del found["Exercise"]
    return sorted(found.values(), key=lambda t: t.start)


def participant_count(text: str) -> int | None:
    best = None
    for m in _COUNT.finditer(text):
        raw = m.group("n").lower()
        n = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw)
        if n and 2 <= n <= 300:
            best = n if best is None else max(best, n)
    return best


def is_future(sentence_text: str, trigger_pos: int) -> bool:
    before = sentence_text[:trigger_pos]
    return bool(_FUTURE.search(before[-60:])) or bool(_HEADLINE_FUTURE.match(before)) or bool(
        re.search(r"\b(?:tomorrow|next week|next month|later this)\b", sentence_text, re.I))


def actor_position(sentence_text: str, rel_start: int) -> str:
    """'actor' when a name stands where a party to the event stands, 'mention' otherwise."""
    before = sentence_text[:rel_start]
    if _RELATION_BEFORE.search(before[-40:]):
        return "mention"
    if _ACTOR_BEFORE.search(before[-40:]):
        return "actor"
    if _NON_ACTOR_BEFORE.search(before[-40:]):
        return "mention"
    return "actor"


# Sentences that name who attended an event reported nearby, without naming the event type.
ATTEND = re.compile(
    r"\b(?:attended|took part|participated|were represented|was represented|brings together|"
    r"brought together|bring together|joined by|were joined|(?:units|troops|soldiers|forces|contingents?|"
    r"delegations?|ministers|representatives|officials|teams|personnel|sailors|aircraft|ships) from|"
    r"participants? (?:included|were)|alongside)\b", re.I)


def convenor_after_by(sentence_text: str) -> tuple[int, int] | None:
    """The stretch after 'hosted by' / 'co-chaired by' that names the convenors."""
    m = _BY_CONVENOR.search(sentence_text)
    if not m:
        return None
    end = len(sentence_text)
    stop = re.search(r"[;:]|,\s+(?:which|where|who|with|and the|to|at|in)\b|\s+(?:to|at|in|on|with)\s", sentence_text[m.end():])
    if stop:
        end = m.end() + stop.start()
    return m.end(), end
