"""Known public office holders (rules/people.yaml) in one statement: who held which office of
which state on the statement's day.

Two uses, both by dictionary look-up (never a pattern of every name over the text):

- `names_in_text`: a holder's full name (two words or more, as written, accents aside) met in
  the text with no office ("Ilham Aliyev and Nikol Pashinyan held talks") is a person;
- `post_holder`: an office named without its holder ("the French Minister for the Armed
  Forces") is held, on the statement's day, by the one entry of that state and that kind of
  office, when there is exactly one;
- `apply_holders`: a person found by any rule whose name is a holder's (or, named by an office
  and a surname alone, whose surname and office are one holder's) takes that holder's state
  where the text gives no explicit state of its own, before the positional rules guess one (a
  guess from where the person stands yields to the record); an explicit cue that disagrees is
  kept, with a lower confidence; an office-less person takes the office held that day.

An entry is used only on a day between its `from` and `to`; a statement with no date uses a
name only when every entry of it is of one state.
"""

from __future__ import annotations

import datetime as dt
import re

from ..rules import Holder, Rules, first_chars, fold_accents, fold_name, per_rules, rules
from .persons import PersonHit
from .spans import SpanIndex
from .text import trie_pattern

__all__ = ["apply_holders", "holders_of", "names_in_text", "post_holder"]

_WORD_AFTER = re.compile(r"[\w-]")


@per_rules
def _first_words(r: Rules) -> re.Pattern[str] | None:
    """The first words of the holders' full names (as written and with accents folded), as one
    trie pattern of whole words followed by a space: the engine skips at once to a character a
    first word starts with, and only those words come back to be looked up."""
    words = {w for h in r.people for form in (h.name, *h.also) if " " in form
             for w in (form.split()[0], fold_accents(form.split()[0]))}
    if not words:
        return None
    return re.compile(first_chars([re.escape(w) for w in sorted(words)]) + r"(?<![\w'’-])"
                      + trie_pattern(sorted(words)) + r"(?=\s)")


def _on_day(holders: list[Holder], day: dt.date | None) -> list[Holder]:
    if day is None:
        return holders if len({h.state for h in holders}) == 1 else []
    return [h for h in holders if h.holds_on(day)]


def office_kind(role: str) -> str | None:
    """The kind of an office (foreign, defence, head of government or state), if plain (the
    cues office_kind_*; None for a mixed or other office)."""
    cues = rules().cues
    if cues["office_kind_mixed"].search(role):
        return None
    return next((k for k in OFFICE_KINDS if cues["office_kind_" + k].search(role)), None)


OFFICE_KINDS = ("foreign", "defence", "head_of_government", "head_of_state")


def _same_kind(role: str | None, holders: list[Holder]) -> list[Holder]:
    """The entries whose office is of the kind of the office the text gives (a namesake of
    another office is someone else: "the Minister of National Defence, Pedro Sánchez" is not
    Spain's Prime Minister); all of them where either kind cannot be told."""
    kind = office_kind(role) if role else None
    if kind is None:
        return holders
    return [h for h in holders if office_kind(h.office) in (None, kind)]


def _patronymic_head(key: str) -> str | None:
    """A folded name's given name and father's name ("faisal bin farhan", cue
    patronymic_name_head), None when it has no such head."""
    m = rules().cues["patronymic_name_head"].match(key)
    return m.group(0) if m else None


def patronymic_head(name: str) -> str | None:
    """The given name and the father's of an Arabic name, folded ("Faisal bin Farhan bin
    Abdullah" and "Faisal bin Farhan Al Saud": "faisal bin farhan"), or None."""
    return _patronymic_head(fold_name(name))


def holders_of(name: str, role: str | None, day: dt.date | None) -> list[Holder]:
    """The entries of people.yaml that `name` (with `role`, the office the text gives, if any)
    names on `day`: by full name, of an office of the kind the text gives; a surname alone only
    with an office that is the entry's."""
    index = rules().people_index
    if not index.by_name:
        return []
    key = fold_name(name)
    found = index.by_name.get(key)
    if found:
        return _on_day(_same_kind(role, found), day)
    patronymic = _patronymic_head(key)
    if patronymic is not None and role:
        # "Faisal bin Farhan bin Abdullah", a holder known as "Faisal bin Farhan Al Saud": an Arabic
        # name written with another tail agrees on the given name and the father's ("X bin Y"),
        # for an office of the kind the text gives
        head = patronymic + " "
        near = [h for k, hs in index.by_name.items() if k.startswith(head) for h in hs]
        kind = office_kind(role)
        if near and kind is not None:
            return _on_day([h for h in near if office_kind(h.office) == kind], day)
    if " " in key or not role:
        return []
    office = fold_name(role)
    cands = index.by_surname.get(key, [])
    exact = [h for h in cands if fold_name(h.office) == office]
    if exact or not rules().cues["surname_short_title"].match(office):
        return _on_day(exact, day)
    # a short form of the office ("Minister Nakatani", "Secretary Hegseth", "Defence Secretary X"):
    # its words all in the holder's office, or an office of the same plain kind
    words = set(office.split())
    kind = office_kind(role)
    secretary = rules().cues["office_secretary_word"]
    return _on_day([h for h in cands if (words <= set(fold_name(h.office).split())
                                         or (kind is not None and office_kind(h.office) == kind))
                    and (secretary.search(office) is None or secretary.search(fold_name(h.office)) is not None)],
                   day)


def names_in_text(text: str, day: dt.date | None,
                  block: SpanIndex[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """The holders' full names written in the text (whole words, case as written), as (name as
    written, start, end), where an entry of that name holds office on `day`."""
    index = rules().people_index
    if not index.by_first_word:
        return []
    first = _first_words()
    if first is None:
        return []
    out: list[tuple[str, int, int]] = []
    after = rules().cues.get("government_named_after_holder")
    for m in first.finditer(text):
        cands = index.by_first_word.get(fold_accents(m.group(0)))
        if not cands:
            continue
        for words, form in cands:
            end = m.start() + len(form)
            written = text[m.start():end]
            if tuple(fold_accents(written).split()) != words or " ".join(written.split()) != written \
                    or _WORD_AFTER.match(text, end) or (after is not None and after.match(text, end)):
                continue  # (nor "under the Lee Jae-myung government": the government's name)
            if block.overlapping(m.start(), end) or not holders_of(form, None, day):
                continue
            out.append((written, m.start(), end))
            break
    return out


def apply_holders(persons: list[PersonHit], day: dt.date | None) -> None:
    """Each person whose name is a known holder's on `day`: the holder's state where the text
    gives none of its own (or only a national title other governments share), the office held
    that day where the text names none; a state the text gives that disagrees is kept with a
    lower confidence."""
    r = rules()
    if not r.people:
        return
    for p in persons:
        if p.is_post or p.org is not None:
            continue
        found = holders_of(p.name, p.role, day)
        states = {h.state for h in found}
        if len(states) != 1:
            continue
        state = states.pop()
        shared = p.title_state and p.role is not None and any(
            pattern.match(p.role) for pattern, _states in r.shared_titles)
        if p.country is None or ((shared or p.post_state) and p.country != state):
            # (a state guessed from an office named elsewhere yields to the record too)
            p.country = state
            p.state_by("known_office_holder")
            p.title_state = p.post_state = False
        elif p.country == state:
            p.title_state = False  # the record agrees: no positional rule moves it
        else:
            p.state_by("known_office_holder_disputed", p.state_confidence)
        if p.role is None and not p.counterpart and len({h.office for h in found}) == 1:
            # (not one introduced as someone's counterpart: that phrase is their office)
            p.role = found[0].office


def post_holder(state: str | None, role: str, day: dt.date | None) -> Holder | None:
    """Who held an office named without its holder (a post: `role` of `state`) on `day`: the one
    entry of people.yaml of that state whose office is of the same plain kind (foreign, defence,
    head of government, head of state) and held that day; None when there is none, more than one
    person, no day, or an office of no plain kind ("Deputy Prime Minister and Minister of ...")."""
    if state is None or day is None or not rules().cues["office_held_by_one"].match(role):
        return None
    kind = office_kind(role)
    if kind is None:
        return None
    # (a secretary's office only by a listed secretary: "India's Defence Secretary" is a civil
    # servant, not the Defence Minister)
    secretary = rules().cues["office_secretary_word"]
    by_secretary = secretary.search(role) is not None
    found = [h for h in rules().people_index.by_state.get(state, ())
             if h.holds_on(day) and office_kind(h.office) == kind
             and (not by_secretary or secretary.search(h.office) is not None)]
    return found[0] if len({h.name for h in found}) == 1 else None
