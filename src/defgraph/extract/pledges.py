"""Pledges: money, equipment or training that a donor commits to a recipient."""

from __future__ import annotations

import re

from ..rules import quick_start

_PLEDGE_WORD = re.compile(
    r"\b(?:pledg\w*|provid\w*|commit\w*|announc\w*|donat\w*|packages?|support|aid|assistance|"
    r"fund\w*|allocat\w*|contribut\w*|giv(?:e|es|ing|en)|gave|deliver\w*|send(?:s|ing)?|sent|"
    r"grant\w*|surge|gift\w*|financ\w*|loan\w*|lend(?:s|ing)?|lent|earmark\w*|transfer\w*|supply|supplies|supplied|"
    r"disburs\w*|devot\w*|dedicat\w*|hand(?:s|ed|ing)?\s+over|handover|set(?:s|ting)?\s+aside|"
    r"offer(?:s|ed|ing)?|credit|extend(?:s|ed|ing)?|available|channel(?:s|l?ed|l?ing)?)\b",
    re.I)
# Totals of aid given over time, not a pledge made now ("the largest so far" is no total;
# "support for 2025 comes to about 3.5 billion euros" is)
_CUMULATIVE = re.compile(
    r"\b(?:(?<!est )to date|(?<!est )so far|since (?:\w+ )?(?:19|20)\d\d|since the (?:start|beginning)|"
    r"since (?:its|their|the coalition's|the fund's) (?:creation|launch|establishment|inception|founding|start)|in total|overall|"
    r"total (?:[\w.]+ ){0,2}(?:support|aid|assistance|contributions?|commitments|pledges)|amounts? to|"
    r"brings?\b[^.]{0,60}\btotal|(?:comes?|came|coming) to|now stands at|"
    r"altogether|a total of|cumulative|over the past|in recent years|has (?:already )?provided|"
    r"have (?:already )?provided|has now provided|budget|GDP|per cent|percent|economy|trade|"
    r"exports?|revenue|jobs)\b", re.I)
# An amount that is not a new pledge, told by what comes right before it: the running total a
# pledge brings ("bringing Denmark's contributions to the coalition to 500 million kroner") and
# an earlier figure it is compared with ("US$150 million this year, up from US$100 million")
_NOT_NEW_BEFORE = re.compile(
    r"(?:\b(?:brings?|bringing|brought|takes|taking|took)\b[^.;:]{0,80}\bto"
    r"|\b(?:rises?|rising|rose|risen|grows?|grew|grown|climbs?|climbed|reach(?:es|ed)?)\s+to"
    r"|\b(?:up|down|rising|rose|risen|increased?|increasing|grew|growing|falling|fell)\s+from"
    r"|\bcompared\s+(?:with|to)|\bas against|\bversus|\bvs\.?"
    # the size of an instrument named in apposition ("under the Facility, the EU's instrument
    # of up to EUR 50 billion for 2024-2027"), not money given now
    r"|,\s+(?:the|an?|its|their|[A-Z][\w.]*['’]s)\s+(?:[\w'’-]+\s+){0,4}?(?:instrument|facility|fund|"
    r"programme|program|mechanism|envelope|framework|scheme|initiative)\s+(?:of|worth|totall?ing|with))"
    r"\s+(?:(?:about|around|some|roughly|nearly|almost|over|more than|just over|up to|the)\s+)*$", re.I)
_PROCUREMENT = re.compile(r"\b(?:contract|order(?:ed)?|procure\w*|purchas\w*|buy(?:s|ing)?|bought|"
                          r"acquisition|tender|investment in (?:our|its|the) own)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|no|never|refused|declined|ruled out|rejected|won't|will not|"
                      r"cannot|can't|would|could|consider(?:s|ing)?|may|might)\b", re.I)
# Money handed over, not spent by its owner: a giving verb right before the amount.
# (the state that receives may stand between: "will lend Ghana $300 million")
_GIVEN = re.compile(r"\b(?:provid\w*|donat\w*|devot\w*|dedicat\w*|hand(?:s|ed|ing)?\s+over|giv(?:e|es|en|ing)|gave|allocat\w*|grant\w*|pledg\w*|disburs\w*|"
                    r"earmark\w*|contribut\w*|lend(?:s|ing)?|lent|loan(?:s|ed)?|set(?:s|ting)?\s+aside)"
                    r"(?:\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})?\s+(?:(?:a|an|the|another|further|additional|some|up to|"
                    r"more than|over|nearly|almost|about)\s+)*$", re.I)
_PART = re.compile(r"\b(?:including|includes|include|of which|of the total|of this|of that|out of|comprising|consisting of|part of|"
                   r"within (?:this|the|that)|among them|with)\b", re.I)
# A commitment to hand over equipment: "will provide", "has donated", "pledged", "is sending".
_IN_KIND_VERB = re.compile(
    r"\b(?:(?:will|shall|would|to|is|are|has|have|had)\s+(?:now\s+|also\s+|soon\s+|be\s+)?"
    r"(?:provide|provided|providing|donate|donated|donating|send|sent|sending|deliver|delivered|"
    r"delivering|supply|supplied|supplying|gift|gifted|transfer|transferred|hand(?:ed)? over)"
    r"|pledged|donated|gifted|announced the (?:delivery|donation|transfer) of|will train"
    r"|(?:announced|unveiled|declared|approved)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}(?:package|tranche))\b", re.I)
ITEMS = re.compile(
    r"(?<![-\w])(?:air[- ]defen[cs]e(?: systems?| missiles?)?|anti-drone systems?|drones?|uncrewed \w+|"
    r"missiles?|tanks?|armou?red vehicles?|vehicles?|ammunition|artillery(?: shells| rounds)?|shells|"
    r"rounds|munitions|howitzers?|radars?|helicopters?|aircraft|fighter jets?|jets|F-16s?|"
    r"training|body armou?r|helmets|equipment|spare parts|rifles|small arms|mine[- ]clearing \w+|"
    r"demining \w+|medical supplies|generators|fuel|patrol boats?|vessels?|ships?|"
    r"thermal[- ]imaging \w+|night[- ]vision \w+|IRIS-T|Patriot|NASAMS|HIMARS|Leopard \w+|"
    r"BMP-\d\w*|Storm Shadow|ATACMS)\b", re.I)

# the same patterns behind a lookahead of their first characters (rules.quick_start): each is
# searched in every sentence, and a case-blind pattern opening with \b is tried at every position
_PLEDGE_WORD, _CUMULATIVE, _NOT_NEW_BEFORE, _PROCUREMENT, _NEGATED, _GIVEN, _PART, _IN_KIND_VERB = map(
    quick_start, (_PLEDGE_WORD, _CUMULATIVE, _NOT_NEW_BEFORE, _PROCUREMENT, _NEGATED, _GIVEN, _PART, _IN_KIND_VERB))
ITEMS = quick_start(ITEMS)  # (searched in each pledge's sentence)
