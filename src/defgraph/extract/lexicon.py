"""Organisations and offices: the vocabulary that names actors other than states."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..rules import Rules, by_first_char, first_chars, per_rules, quick_start, rules
from .text import may_match


@per_rules
def _generic_org(r: Rules) -> list[re.Pattern[str]]:
    """Generic names of coalitions and groupings (cues coalition_noun, group_noun_after_name):
    "the Coalition of the Willing", "the Drone Coalition"; searched in whole texts, behind
    a lookahead of their first characters."""
    noun, after_name = r.cue_texts["coalition_noun"], r.cue_texts["group_noun_after_name"]
    return [quick_start(p) for p in (
        re.compile(r"\b(?P<name>" + noun + r"\s+(?:of|for|on)\s+"
                   r"(?:the\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})", r.cues["coalition_noun"].flags),
        re.compile(r"\b(?P<name>(?:[A-Z][\w-]+\s+){1,3}(?:" + noun + "|" + after_name + r"))\b",
                   r.cues["coalition_noun"].flags),
    )]



@dataclass(frozen=True)
class OrgMention:
    start: int
    end: int
    key: str
    name: str


def find_organisations(text: str) -> list[OrgMention]:
    """Organisations named in the text: those of rules/organisations.yaml, then generic
    coalitions and formats ("the Drone Coalition")."""
    r = rules()
    out: list[OrgMention] = []
    for m in r.org_re.finditer(text):
        i = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
        key, name, _pattern = r.organisations[i]
        said = m.group(0)
        if said.startswith("the ") and " " not in said[4:]:
            # "the Alliance" after "the Alliance of Sahel States (AES)": the body named before
            # whose name holds the word, not the one the bare word stands for elsewhere (NATO)
            word = re.compile(rf"\b{re.escape(said[4:])}\b")
            named = next((o for o in reversed(out) if o.key != key and word.search(text, o.start, o.end)), None)
            if named is not None:
                key, name = named.key, named.name
        out.append(OrgMention(m.start(), m.end(), key, name))
    from ..vocab import slug
    from .spans import Occupied

    taken = Occupied((o.start, o.end) for o in out)
    stop = r.cues["not_a_coalition_name"]
    for m in (m for pattern in _generic_org(r) if may_match(pattern, text) for m in pattern.finditer(text)):
        name = m.group("name").strip()
        s, e = m.start("name"), m.end("name")
        if stop.fullmatch(name) or taken.overlaps(s, e):
            continue
        taken.add(s, e)
        first = name.split()[0]
        if first in rules().cue_words["determiner_before_name"]:
            name = name.split(None, 1)[1] if " " in name else name
            s = e - len(name)
        if stop.fullmatch(name):
            continue
        out.append(OrgMention(s, e, slug(name), name))
    out.sort(key=lambda o: o.start)
    return out


def role_re() -> re.Pattern[str]:
    """Offices (rules/offices.yaml), most specific first, matched case-sensitively."""
    return _role_by_first_char()


@per_rules
def _role_by_first_char(r: Rules) -> re.Pattern[str]:
    """rules' role_re with its offices split by their first character (rules.by_first_char):
    the same matches, fewer offices tried where a word starts (it is searched in whole texts)."""
    alternatives = by_first_char(r.offices)
    if alternatives is None:
        return r.role_re
    return re.compile(first_chars(r.offices) + r"(?<![\w-])" + alternatives + r"(?![\w-])")


def national_roles() -> list[tuple[re.Pattern[str], str]]:
    """Titles that belong to one state's government by their wording."""
    return rules().national_offices


def military_rank(role: str) -> bool:
    """A rank, not an office ("General", "Lt. Gen.")."""
    return bool(rules().rank_re.match(role))


def strip_honorific(name: str) -> str:
    return rules().honorific_strip_re.sub("", name)


def strip_post_nominals(name: str) -> str:
    return rules().post_nominal_strip_re.sub("", name)
