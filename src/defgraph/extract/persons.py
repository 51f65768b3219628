"""Persons: names with their office and the state they speak for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..vocab import slug
from .countries import CountryMention
from .lexicon import HONORIFICS, MILITARY_RANKS, NATIONAL_ROLES, POST_NOMINALS, ROLE_RE

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĴĶĹĻĽĿŁŃŅŇŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽȘȚА-Я"
_TOKEN = rf"[{_UP}](?:[\w'’]+(?:-[{_UP}]?[\w'’]+)*|\.)"
_PARTICLE = r"(?:de|da|do|dos|del|della|di|du|la|le|van|von|der|den|ter|ten|bin|binti|al|el|ibn|y|zu)"
_HONOR = (r"(?:(?:The\s+)?(?:Rt\.?\s+)?Hon(?:ou?rable)?\.?|Sir|Dame|Dr\.?|Prof\.?|Mr\.?|Mrs\.?|Ms\.?|"
          r"Lord|Lady|Baroness|Senator|Sen\.|Rep\.|H\.E\.|His Excellency|Her Excellency|Prince|"
          r"Princess|Sheikh|King|Queen|Gen\.|General|Admiral|Adm\.|Lt\.? Gen\.|Maj\.? Gen\.)")
NAME_RE = re.compile(
    rf"(?<![\w'’-])(?P<hon>(?:{_HONOR}\s+)+)?(?P<name>{_TOKEN}(?:\s+(?:{_PARTICLE}\s+|{_PARTICLE}-)?{_TOKEN}){{0,3}})"
    r"(?P<post>(?:,?\s+(?:MP|MdB|MEP|QC|KC|OBE|CBE|MBE|KCB|GCB|DSO|Jr\.?|Sr\.?|II|III))*)"
)
# Capitalised words that begin sentences or name things but never people.
_NOT_NAME = set("""
The A An This That These Those It Its We Our Us They Their He His She Her You Your I In On At For
From With By Of To And But Or As After Before During Under Over Since Until While When Where Which
Who Why How What Today Tomorrow Yesterday Monday Tuesday Wednesday Thursday Friday Saturday Sunday
January February March April May June July August September October November December Ministry
Ministers Minister Department Defence Defense Secretary Government Armed Forces Army Navy Air Force
Royal Marines Council Commission Union Alliance Coalition Group Summit Meeting Statement Joint Both
Latest News Printable Original Article Link Prime President State National Federal Republic
Kingdom United Nations Office Headquarters Allies Ally Allied Partners European Atlantic Pacific
Indo-Pacific Chief Chiefs Staff General Admiral Colonel Commander Deputy Vice Press Release Read
More Photo Video Image Home News Contact Programme Program Treaty Agreement Memorandum Declaration
Exercise Operation Mission Task Ukraine Russia Defence-Ministers Mr Mrs Ms Dr Sir Dame Hon
Spokesperson Spokesman Ambassador Senator Minister's Secretary's Brigadier Major Lieutenant Captain
Receives Meets Met Holds Held Hosts Hosted Signs Signed Visits Visited Travels Announces Announced
Welcomes Welcomed Calls Says Said Speaks Discusses Attends Joins Opens Launches Makes Pledges Commits
Agrees Arrives Concludes Completes Reaffirms Deepens Strengthens Urges Delivers Provides Marks Leads
Chairs Co-chairs Tours Talks Call Phone Readout Remarks Release Briefing Update Week Year Day
Cabinet Commissioner Crown Prince King Queen Emir Sultan Chancellor Governor Mayor Defence's
""".split())


@dataclass
class PersonHit:
    name: str
    key: str
    start: int
    end: int
    role: str | None = None
    country: str | None = None
    org: str | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    is_post: bool = False  # an office named with its state but without its holder


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    while True:
        new = HONORIFICS.sub("", name)
        new = POST_NOMINALS.sub("", new).strip(" ,")
        if new == name:
            return new
        name = new


def _name_at(text: str, pos: int) -> re.Match[str] | None:
    m = NAME_RE.match(text, pos)
    if not m:
        return None
    return m


def _valid_name(name: str, start: int, end: int, blocked: list[tuple[int, int]] | None = None) -> bool:
    tokens = name.split()
    if not tokens:
        return False
    if all(t.rstrip(".") in _NOT_NAME for t in tokens):
        return False
    if tokens[0] in _NOT_NAME and len(tokens) == 1:
        return False
    if blocked and any(s < end and start < e for s, e in blocked):
        return False
    return True


def _trim_name(m: re.Match[str], blocked: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """The person's name inside a NAME_RE match, cut before any word that is not part of a name."""
    start = m.start("name")
    tokens = list(re.finditer(r"\S+", m.group("name")))
    kept: list[re.Match[str]] = []
    for t in tokens:
        word = t.group(0).rstrip(".,")
        abs_s = start + t.start()
        if word in _NOT_NAME or any(s < abs_s + len(word) and abs_s < e for s, e in blocked):
            break
        kept.append(t)
        if word.endswith(("'", "’", "'s", "’s")):
            break  # "Jim Mattis' Bilateral Meeting": the possessive ends the name
    if not kept:
        return None
    s = start + kept[0].start()
    e = start + kept[-1].end()
    name = re.sub(r"['’]s?$", "", m.string[s:e].rstrip(".,"))
    e = s + len(name)
    return clean_name(name), s, e


class _Role:
    """A role match cut short before any state named at its end ("... Industries of Ukraine")."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.string, self._start, self._end = text, start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self, _: int = 0) -> str:
        return self.string[self._start:self._end]


def _roles(text: str, countries: list[CountryMention]) -> list[_Role]:
    out = []
    for r in ROLE_RE.finditer(text):
        end = r.end()
        for c in countries:
            if r.start() < c.start < end:
                if r.group(0).startswith("Ambassador"):
                    break  # "Ambassador to the Republic of Korea" is one office
                cut = re.search(r"\s+(?:of|for)\s+(?:the\s+)?$", text[r.start():c.start])
                end = r.start() + cut.start() if cut else c.start
                break
        # "Minister for Defence and ..." — a trailing conjunction is not part of the office
        role = re.sub(r"\s+(?:and|&)$", "", text[r.start():end])
        out.append(_Role(text, r.start(), r.start() + len(role)))
    return out


def find_persons(
    text: str,
    countries: list[CountryMention],
    blocked: list[tuple[int, int]],
    org_spans: list[tuple[int, int, str]],
) -> list[PersonHit]:
    """Persons named beside an office, a counterpart phrase or an honorific, with later mentions."""
    country_spans = [(c.start, c.end) for c in countries]
    block = blocked + country_spans
    hits: list[PersonHit] = []

    def country_before(pos: int) -> str | None:
        # "Italian Defence Minister", "Sweden's Minister", "UK Defence Secretary", "the French"
        for c in reversed(countries):
            if c.end <= pos:
                # "Australian Deputy Prime Minister and Minister for Defence": offices in a chain
                gap = re.sub(r"(?:" + ROLE_RE.pattern + r")(?:\s+and|,)?", "", text[c.end:pos])
                if re.fullmatch(r"(?:['’]s)?\s*(?:(?:Deputy|Vice|Federal|Acting|Armed Forces|Defen[cs]e)\s+)?"
                                r"|\s+(?:was|were|is|are) represented by\s+(?:the\s+|its\s+|her\s+|his\s+)?", gap):
                    return c.iso3
                return None
        return None

    def org_before(pos: int) -> str | None:
        for s, e, key in reversed(org_spans):
            if e <= pos:
                return key if re.fullmatch(r"(?:['’]s)?\s*", text[e:pos]) else None
        return None

    def country_after_of(pos: int) -> tuple[str | None, int]:
        m = re.match(r"\s+(?:of|for)\s+(?:the\s+)?", text[pos:pos + 20])
        if m:
            p = pos + m.end()
            for c in countries:
                if c.start == p or (c.start > p and text[p:c.start].strip() in ("", "Republic of")):
                    return c.iso3, c.end
            for s, e, key in org_spans:
                if s == p:
                    return "org:" + key, e
        return None, pos

    posts: dict[str, str] = {}  # office -> state, from offices named with a state but no name
    post_hits: list[PersonHit] = []
    for r in _roles(text, countries):
        role = r.group(0)
        country = country_before(r.start())
        org = org_before(r.start())
        after = r.end()
        c2, after2 = country_after_of(after)
        if c2:
            if c2.startswith("org:"):
                org = org or c2[4:]
            else:
                country = country or c2
        # Role followed directly by a name: "Defence Secretary John Healey MP", "President Macron"
        pos = None
        m2 = re.match(r",\s+", text[after2:after2 + 4]) if c2 else None
        if m2:
            pos = after2 + m2.end()  # "the Minister of National Defense of Korea, Shin Won-sik"
        else:
            m = re.match(r"[ \t]+", text[after:after + 3])
            if m:
                pos = after + m.end()
        if pos is not None:
            nm = _name_at(text, pos)
            if nm:
                trimmed = _trim_name(nm, block)
                if trimmed and _valid_name(*trimmed):
                    name, s, e = trimmed
                    role_title = None if MILITARY_RANKS.match(role) else role
                    hits.append(PersonHit(name, slug(name), r.start(), e, role_title or role,
                                          country, org))
                    continue
        if country and not MILITARY_RANKS.match(role):
            posts.setdefault(role.lower(), country)  # "the US Defence Secretary" with no name
        if country and not MILITARY_RANKS.match(role) and " " in role.strip():
            post_hits.append(PersonHit(role, f"{country.lower()}-{slug(role)}", r.start(), r.end(),
                                       role, country, org, is_post=True))
        # "Pål Jonson, Sweden's Minister for Defence" / "Shin Won-sik, the Minister of ..."
        pre = text[max(0, r.start() - 80):r.start()]
        m = re.search(r"(?P<n>[^,;:()]{2,60}),\s+(?:the\s+|his\s+|her\s+)?(?:[\w.’'-]+(?:['’]s)?\s+){0,2}$", pre)
        if m:
            base = max(0, r.start() - 80)
            seg_start = base + m.start("n")
            cands = list(NAME_RE.finditer(text, seg_start, base + m.end("n")))
            if cands:
                last = cands[-1]
                if last.end() == base + m.end("n"):
                    trimmed = _trim_name(last, block)
                    if trimmed and _valid_name(*trimmed):
                        name, s, e = trimmed
                        hits.append(PersonHit(name, slug(name), s, after2 if c2 else r.end(), role,
                                              country, org))

    # "his Polish counterpart, Władysław Kosiniak-Kamysz" / "her Canadian counterpart Bill Blair" /
    # "his Polish counterpart, Deputy Prime Minister and Minister of National Defence W. K-K"
    for m in re.finditer(r"\b(?:his|her|their|its)\s+(?:(?P<adj>(?:[\w’'.-]+\s+){0,3}?))counterparts?,?\s+", text):
        pos = m.end()
        role_chain: str | None = None
        while True:
            rm = ROLE_RE.match(text, pos)
            if not rm:
                break
            role_chain = rm.group(0)
            pos = rm.end()
            j = re.match(r"\s+(?:and|&)\s+|,\s+|\s+", text[pos:pos + 6])
            if not j:
                break
            pos += j.end()
        nm = _name_at(text, pos)
        if not nm:
            continue
        trimmed = _trim_name(nm, block)
        if not trimmed or not _valid_name(*trimmed):
            continue
        name, s, e = trimmed
        country = None
        for c in countries:
            if m.group("adj") and m.start("adj") <= c.start < m.end("adj"):
                country = c.iso3
        hits.append(PersonHit(name, slug(name), m.start(), e, role_chain, country))

    # "The Minister for Defence, the Hon Richard Marles MP, met ..."
    for r in _roles(text, countries):
        m = re.match(r",\s+(?:the\s+)?", text[r.end():r.end() + 8])
        if not m:
            continue
        nm = _name_at(text, r.end() + m.end())
        if not nm or not (nm.group("hon") or len(nm.group("name").split()) >= 2):
            continue
        trimmed = _trim_name(nm, block)
        if not trimmed or len(trimmed[0].split()) < 2 or not _valid_name(*trimmed):
            continue
        if not re.match(r"\s*(?:[,.;)]|$)", text[nm.end():nm.end() + 2]):
            continue
        name, s, e = trimmed
        hits.append(PersonHit(name, slug(name), r.start(), e, r.group(0),
                              country_before(r.start()), org_before(r.start())))

    # Honorifics alone: "Sir Tony Radakin", "Dr Ng Eng Hen", "Mr Pevkur"
    for m in NAME_RE.finditer(text):
        if not m.group("hon") and not (m.group("post") or "").strip():
            continue
        trimmed = _trim_name(m, block)
        if not trimmed or not _valid_name(*trimmed):
            continue
        name, s, e = trimmed
        hits.append(PersonHit(name, slug(name), m.start(), e))

    people = _merge(text, hits, block, posts)
    return people + _posts(post_hits, people)


def _posts(post_hits: list[PersonHit], people: list[PersonHit]) -> list[PersonHit]:
    """Offices without a name: a later mention of a known holder joins that person; the rest
    stay unnamed posts of their state rather than a guess."""
    out: dict[str, PersonHit] = {}
    for h in post_hits:
        holder = next((p for p in people if p.role and p.role.lower() == h.role.lower()
                       and p.country == h.country), None) if h.role else None
        if holder is not None:
            if (h.start, h.end) not in holder.mentions:
                holder.mentions.append((h.start, h.end))
                holder.mentions.sort()
            continue
        if any(p.start <= h.start < max(e for _, e in p.mentions) and (h.start, h.end) in p.mentions
               for p in people):
            continue
        post = out.setdefault(h.key, h)
        post.mentions.append((h.start, h.end))
    return list(out.values())


def _national_role_country(role: str | None) -> str | None:
    if not role:
        return None
    for pattern, iso3 in NATIONAL_ROLES:
        if pattern.match(role):
            return iso3
    return None


def _merge(text: str, hits: list[PersonHit], blocked: list[tuple[int, int]],
           posts: dict[str, str] | None = None) -> list[PersonHit]:
    """One person per name: later surname-only mentions join the full name, details are pooled."""
    people: dict[str, PersonHit] = {}
    order: list[str] = []
    hits.sort(key=lambda h: (-len(h.name.split()), h.start))
    for h in hits:
        target = None
        for key in order:
            p = people[key]
            full, short = p.name.split(), h.name.split()
            if h.key == key or (len(short) < len(full) and short == full[-len(short):]) or (
                len(short) < len(full) and short == full[: len(short)]
            ) or (len(short) == 1 and short[0] in full):
                target = p
                break
        if target is None:
            people[h.key] = h
            order.append(h.key)
            h.mentions.append((h.start, h.end))
            continue
        target.mentions.append((h.start, h.end))
        target.role = target.role or h.role
        target.country = target.country or h.country
        target.org = target.org or h.org
    out = [people[k] for k in order]
    for p in out:
        # An office named elsewhere with its state ("the US Defence Secretary") is this person's
        if p.country is None and p.role and posts and p.role.lower() in posts and p.org is None:
            p.country = posts[p.role.lower()]
        p.country = p.country or _national_role_country(p.role)
        # Bare surname mentions ("Healey said") later in the text
        surname = p.name.split()[-1]
        if len(surname) > 2 and len(p.name.split()) > 1:
            for m in re.finditer(rf"(?<![\w-]){re.escape(surname)}(?![\w-])", text):
                if not any(s <= m.start() < e for s, e in p.mentions):
                    p.mentions.append((m.start(), m.end()))
        p.mentions.sort()
        p.start = p.mentions[0][0]
    # A lone surname that matched nothing longer is kept only with a role or honorific.
    out.sort(key=lambda p: p.start)
    return out
