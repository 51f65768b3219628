"""Organisations and offices: the vocabulary that names actors other than states."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OrgEntry:
    key: str
    name: str
    pattern: str


# International organisations and standing groupings of states that statements name.
_ORGS = [
    OrgEntry("nato", "NATO", r"NATO|North Atlantic Treaty Organi[sz]ation|the Alliance(?=\s|[.,;])"),
    OrgEntry("european-commission", "European Commission", r"(?:European|EU) Commission"),
    OrgEntry("council-of-the-eu", "Council of the EU",
             r"(?:EU|European) Council|Council of the (?:EU|European Union)"),
    OrgEntry("eu", "European Union", r"European Union|EU(?![-\w])"),
    OrgEntry("un-security-council", "UN Security Council", r"(?:UN|United Nations) Security Council"),
    OrgEntry("un", "United Nations", r"United Nations|UN(?![-\w])"),
    OrgEntry("osce", "OSCE", r"OSCE|Organi[sz]ation for Security and Co-?operation in Europe"),
    OrgEntry("african-union", "African Union", r"African Union"),
    OrgEntry("asean", "ASEAN", r"ASEAN|Association of Southeast Asian Nations"),
    OrgEntry("g7", "G7", r"G7|Group of Seven"),
    OrgEntry("g20", "G20", r"G20"),
    OrgEntry("aukus", "AUKUS", r"AUKUS"),
    OrgEntry("jef", "Joint Expeditionary Force", r"Joint Expeditionary Force|JEF"),
    OrgEntry("ukraine-defense-contact-group", "Ukraine Defense Contact Group",
             r"Ukraine Defen[cs]e Contact Group|UDCG"),
    OrgEntry("nordefco", "NORDEFCO", r"NORDEFCO|Nordic Defen[cs]e Co-?operation"),
    OrgEntry("quad", "Quad", r"the Quad(?=\s|[.,;])|Quadrilateral Security Dialogue"),
    OrgEntry("five-eyes", "Five Eyes", r"Five Eyes"),
    OrgEntry("european-defence-agency", "European Defence Agency", r"European Defen[cs]e Agency"),
    OrgEntry("gulf-cooperation-council", "Gulf Cooperation Council",
             r"Gulf Co-?operation Council|GCC"),
    OrgEntry("ecowas", "ECOWAS", r"ECOWAS"),
    OrgEntry("iaea", "IAEA", r"IAEA|International Atomic Energy Agency"),
    OrgEntry("weimar-triangle", "Weimar Triangle", r"Weimar Triangle"),
    OrgEntry("bucharest-nine", "Bucharest Nine", r"Bucharest Nine|B9"),
    OrgEntry("shangri-la-dialogue", "Shangri-La Dialogue", r"Shangri-La Dialogue"),
    OrgEntry("ramstein-group", "Ramstein group", r"Ramstein (?:group|format)"),
]

# Generic names of coalitions and groupings: "the Coalition of the Willing", "the Drone Coalition".
_GENERIC_ORG = [
    re.compile(r"\b(?P<name>(?:Coalition|Alliance|Partnership|Initiative|Forum|Format)\s+(?:of|for|on)\s+"
               r"(?:the\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})"),
    re.compile(r"\b(?P<name>(?:[A-Z][\w-]+\s+){1,3}(?:Coalition|Contact Group|Alliance|Partnership|"
               r"Initiative|Forum|Format))\b"),
]
_GENERIC_STOP = {"Alliance", "Coalition", "Partnership", "Initiative", "Forum", "Format",
                 "This Coalition", "The Coalition"}

ORG_RE = re.compile(r"(?<![\w-])(?:" + "|".join(f"(?P<o{i}>{o.pattern})" for i, o in enumerate(_ORGS)) + r")")


@dataclass(frozen=True)
class OrgMention:
    start: int
    end: int
    key: str
    name: str


def find_organisations(text: str) -> list[OrgMention]:
    out: list[OrgMention] = []
    for m in ORG_RE.finditer(text):
        for i, o in enumerate(_ORGS):
            if m.group(f"o{i}"):
                out.append(OrgMention(m.start(), m.end(), o.key, o.name))
                break
    from ..vocab import slug
    from .spans import Occupied

    taken = Occupied((o.start, o.end) for o in out)
    for m in (m for pattern in _GENERIC_ORG for m in pattern.finditer(text)):
        name = m.group("name").strip()
        s, e = m.start("name"), m.end("name")
        if name in _GENERIC_STOP or taken.overlaps(s, e):
            continue
        taken.add(s, e)
        first = name.split()[0]
        if first in {"This", "The", "A", "Our", "Their", "Its"}:
            name = name.split(None, 1)[1] if " " in name else name
            s = e - len(name)
        if name in _GENERIC_STOP:
            continue
        out.append(OrgMention(s, e, slug(name), name))
    out.sort(key=lambda o: o.start)
    return out


# Offices, most specific first. Matched case-sensitively on capitalised titles.
_ROLE_WORDS = [
    # Generic offices: "Minister for Strategic Industries", "Secretary of National Defense",
    # "Deputy Minister of Defence", "Secretary of Foreign Affairs"
    r"(?:(?:First |Acting |Assistant |Under |Parliamentary |State )?(?:Deputy |Vice[- ])?)"
    r"(?:Minister|Secretary|Commissioner|Under[- ]Secretary)(?: of State)? (?:of|for) (?:the )?"
    r"(?:[A-Z][a-z]+ (?:and |& )?){0,2}(?:Defen[cs]e|Affairs|Industry|Industries|Forces|Security|"
    r"Veterans|Trade|Finance|Interior|Justice|Development|Co-?operation|Procurement|Relations|"
    r"Planning|Policy|Intelligence|Strategy|Economy|Europe|Digital|Space|Cyber|Production|Navy|Army)",
    r"Chairman of the Joint Chiefs of Staff",
    r"Chair(?:man)? of the NATO Military Committee",
    r"Chief of (?:the )?(?:Defen[cs]e|General|Naval|Air|Army) Staff",
    r"Chiefs? of Defen[cs]e",
    r"Deputy Prime Minister",
    r"Prime Minister",
    r"Vice[- ]President",
    r"President",
    r"Chancellor",
    r"(?:Deputy |Vice[- ])?Secretary[- ]General",
    r"Secretary of State for Defen[cs]e",
    r"(?:Deputy )?Secretary of Defen[cs]e",
    r"(?:Deputy )?Secretary of State",
    r"Secretary of the (?:Army|Navy|Air Force)",
    r"(?:Federal )?Minister (?:of|for) (?:the )?(?:National )?Defen[cs]e(?: Procurement| Industry)?",
    r"Minister (?:of|for) (?:the )?Armed Forces",
    r"Minister (?:of|for) (?:the )?(?:Foreign Affairs|Foreign Affairs and Trade|External Affairs)",
    r"(?:Minister|Ministre) des Armées|Ministre des Armees",
    r"(?:Federal |Deputy |Vice )?(?:Defen[cs]e|Foreign|Armed Forces|Veterans) Minister",
    r"(?:Shadow )?(?:Defen[cs]e|Foreign) Secretary",
    r"Minister of State(?: for [A-Z][a-z]+(?: [A-Z][a-z]+)?)?",
    r"(?:Deputy )?Minister",
    r"High Representative",
    r"Ambassador(?: to (?:the )?(?:[A-Z][a-z]+ (?:of )?){0,2}[A-Z][a-z]+)?",
    r"(?:Defen[cs]e )?Attaché",
    r"Commander(?: of [A-Z][\w ]{3,30}?)?",
    r"Chief of Staff",
    r"(?:Air Chief Marshal|Air Marshal|Vice Admiral|Rear Admiral|Admiral|Lieutenant General|"
    r"Lt\.? Gen\.?|Major General|Maj\.? Gen\.?|Brigadier General|General|Gen\.|Colonel|Col\.)",
    r"[Ss]pokes(?:person|man|woman)",
    r"Senator",
    r"(?:Defen[cs]e )?Cabinet Secretary(?: for Defen[cs]e)?",
    r"(?:European )?Commissioner(?: for [A-Z][a-z]+(?: and [A-Z][a-z]+)?)?",
    r"State Secretary",
    r"Crown Prince|Prince|King|Emir|Sultan",
    r"Secretary(?= [A-Z][a-z])",

]
ROLE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(_ROLE_WORDS) + r")(?![\w-])")

# Titles that belong to one state's government by their wording.
NATIONAL_ROLES = [
    (re.compile(r"^(?:Shadow )?Defence Secretary$|^Secretary of State for Defen[cs]e$"), "GBR"),
    (re.compile(r"^(?:(?:Acting|Deputy|Under) )?Secretary of Defense$|^(?:Acting )?Defense Secretary$|"
                r"^Secretary of the (?:Army|Navy|Air Force)$|^Chairman of the Joint Chiefs of Staff$"),
     "USA"),
    (re.compile(r"^(?:Minister|Ministre) des Armées$|^Ministre des Armees$"), "FRA"),
]

MILITARY_RANKS = re.compile(
    r"^(?:Air Chief Marshal|Air Marshal|Vice Admiral|Rear Admiral|Admiral|Lieutenant General|"
    r"Lt\.? Gen\.?|Major General|Maj\.? Gen\.?|Brigadier General|General|Gen\.|Colonel|Col\.)$"
)

HONORIFICS = re.compile(
    r"^(?:(?:The\s+)?(?:Rt\.?\s+)?Hon(?:ou?rable)?\.?|Right Honourable|Sir|Dame|Dr\.?|Prof\.?|"
    r"Mr\.?|Mrs\.?|Ms\.?|Miss|Lord|Lady|Baroness|Senator|Sen\.|Rep\.|HE|H\.E\.|His Excellency|"
    r"Her Excellency)\s+"
)
POST_NOMINALS = re.compile(
    r"(?:,?\s+(?:MP|MdB|MEP|QC|KC|OBE|CBE|MBE|KCB|GCB|DSO|Jr\.?|Sr\.?|II|III|PhD))+$"
)
