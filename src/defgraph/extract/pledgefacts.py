"""Pledges of one statement: amounts and in-kind commitments with donor, recipient and items."""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import (
    ActorRef,
    Event,
    Pledge,
    Span,
)
from ..rules import Rules, per_rules, quick_start, rules
from . import events as ev_rules
from . import pledges as pl_rules
from .context import (
    METHOD,
    _Context,
    _institution_in,
)
from .countries import (
    CountryMention,
    capital_of,
    country_name,
)
from .lexicon import OrgMention, find_organisations
from .money import Money, currency_users, local_currency
from .persons import PersonHit
from .spans import SpanIndex
from .text import Sentence, may_match


def _pledges(ctx: _Context, events: list[Event], drafts: list[ev_rules.EventDraft]) -> list[Pledge]:
    leader = rules().cues["leader_of_scheme_after"]
    if any(leader.match(ctx.text, c.end) for c in ctx.countries):
        # "ISK 300 million will go to the Czech-led initiative": the state that leads a scheme
        # is neither giver nor receiver of the money put into it
        ctx = replace(ctx, countries=[c for c in ctx.countries if not leader.match(ctx.text, c.end)], _indexes={})
    out: list[Pledge] = []
    orphans: list[tuple[Money, Sentence, ActorRef | None]] = []
    default_recipient = _usual_recipient(ctx)
    R = rules()
    for si, s in enumerate(ctx.sentences):
        if not ((may_match(pl_rules._PLEDGE_WORD, s.text) and pl_rules._PLEDGE_WORD.search(s.text))
                or (ctx.within(ctx.money, s) and R.cues["pledge_word_more"].search(s.text))
                or (out and (pl_rules._PART.search(s.text) or _list_item(ctx, si))) or _valued_again(ctx, si)) \
                or _negated_pledge(s.text):
            continue  # a sentence that gives, one that splits a total given before, or one that
            # values the things a gift told just before ("The 19 systems are valued at ...")
        cs = ctx.within(ctx.countries, s)
        os_ = ctx.within(ctx.orgs, s)
        ps = ctx.persons_in(s)
        ms = ctx.within(ctx.money, s)
        # the giver of a package the sentence before told of (the same for every amount here)
        told = _donor_told_before(ctx, s, ctx.sentences[si - 1], default_recipient) if ms and si > 0 else None
        first_index: int | None = None
        cumulative_end: int | None = None  # where the last total given over time ends
        for k, m in enumerate(ms):
            rel = m.start - s.start
            window_end = rel + rules().window("pledge_total_around")
            if k + 1 < len(ms):
                # the running total the next amount closes is that amount's clause, not this one's
                # ("committed a further EUR 1 billion, which takes its total support this year to
                # EUR 2 billion": the first is new)
                nrel = ms[k + 1].start - s.start
                closes = pl_rules._NOT_NEW_BEFORE.search(s.text, max(rel, nrel - rules().window("pledge_not_new_before")), nrel)
                if closes is not None:
                    window_end = min(window_end, closes.start())
                    # (from the start of that clause: "is worth EUR 198 million, and the total value
                    # of its support rises to EUR 2.7 billion": the total's words are the next one's)
                    opens = [b.start() for b in R.cues["total_clause_opens"].finditer(s.text, m.end - s.start, window_end)]
                    if opens:
                        window_end = min(window_end, opens[-1])
            window = s.text[max(0, rel - rules().window("pledge_total_around")): window_end]
            if _cumulative(window, s.text[:rel]) or pl_rules._NOT_NEW_BEFORE.search(
                    s.text, max(0, rel - rules().window("pledge_not_new_before")), rel) or (
                    cumulative_end is not None and pl_rules._PART.search(s.text[cumulative_end:rel])):
                # (a part of such a total is one too: "has committed more than $13 billion since
                # 2022, including $4 billion in military assistance")
                cumulative_end = m.end - s.start
                continue
            in_package = bool(out) and bool(pl_rules._PART.search(s.text[:rel])) and \
                bool(re.search(r"\bpackages?\b", s.text, re.I)) and \
                bool(pl_rules._PAYS_FOR.match(s.text, m.end - s.start))  # a package told before
            further = first_index is not None and rules().cues["further_amount_before"].search(
                s.text, max(0, rel - rules().window("pledge_further_before")), rel) is not None  # "..., and a further NOK 600 million"
            bought = bool(pl_rules._PROCUREMENT.search(s.text) or R.cues["procurement_more"].search(s.text)) \
                and not pl_rules._GIVEN.search(s.text[max(0, rel - rules().window("pledge_given_before")):rel]) \
                and not in_package and not further
            if bought and not pl_rules._FOR_SOMEONE_AFTER.search(s.text[rel:]):
                # a purchase, unless the money is given ("will provide DKK 1 billion to buy ...")
                # or is a part of a package ("the package includes ... SEK 3 billion for the
                # purchase of equipment from Ukrainian industry")
                continue
            year = R.cues["earlier_year_after"].match(s.text, m.end - s.start)
            if year is not None and ctx.ref is not None and int(year.group(1)) < ctx.ref.year:
                continue  # "a USD 15.6 billion loan from the IMF in 2023", told in 2025: background
            if R.cues["earlier_time_after"].match(s.text, m.end - s.start):
                continue  # "had pledged $500 million to the Philippines last year": background
            if R.cues["private_investment_before"].search(s.text, max(0, rel - R.window("pledge_private_before")), rel):
                continue  # "Turkish companies had invested some 2.5 billion US dollars": no state gives
            if R.cues["price_before"].search(s.text, max(0, rel - R.window("pledge_aim_before")), rel):
                continue  # "two Patriot systems, each costing around 1 billion euros": a price, not a pledge
            if R.cues["aim_before"].search(s.text, max(0, rel - R.window("pledge_aim_before")), rel):
                continue  # "a plan which aims to mobilise up to EUR 800 billion": a goal, not a pledge
            if rules().cues["owner_before"].search(s.text, max(0, rel - 4), rel) and rules().cues["scheme_after"].match(s.text, m.end - s.start):
                continue  # "the EU's €150 billion defence loan scheme": the size of an owner's scheme
            donor, recipient = _donor_recipient(ctx, s, cs, os_, ps, m.start, told)
            if bought and donor is None and recipient is not None and recipient.kind == "country" and recipient.key == ctx.home:
                # "announced a $1.7 billion contract with Anduril Australia to build ... for the Royal
                # Australian Navy": a purchase for the publisher's own forces, no one gives
                continue
            told_before = told is not None and donor == told
            if recipient is None:
                orphans.append((m, s, donor))
                continue
            part_of = None
            if first_index is not None and pl_rules._PART.search(s.text[ms[0].end - s.start: rel]):
                part_of = first_index
            elif donor is None and pl_rules._PART.search(s.text[:rel]) and (total := _total_before(out, m)) is not None:
                # "Of this, A$5 million will go to ... the Vanuatu Police College": a part, with a
                # recipient of its own, of a total given before, by the total's giver
                donor, part_of = out[total].donor, total
            if donor is None and recipient.kind == "country" and recipient.key == ctx.home and \
                    not R.cues["help_from_outside"].search(s.text):
                # "The government has allocated NOK 10 billion to strengthen the Norwegian Armed
                # Forces' air defence" in a Norwegian release: the state's own spending, no one gives
                continue
            out.append(_money_pledge(ctx, m, s, donor, recipient, part_of, R.confidence(
                "pledge_donor_told_before" if told_before else
                "pledge_with_donor" if donor else "pledge_without_donor")))
            for other in _each_donors(ctx, s, cs, donor, recipient, m.start):
                # "Germany and France will each give €100 million": as much from every one
                out.append(_money_pledge(ctx, m, s, other, recipient, part_of, R.confidence("pledge_with_donor")))
            if first_index is None:
                first_index = len(out) - 1
        verb = pl_rules._IN_KIND_VERB.search(s.text)
        if not ms and verb and not pl_rules._CUMULATIVE.search(s.text):
            items = _items(s.text[verb.end():])
            nxt = ctx.sentences[si + 1] if si + 1 < len(ctx.sentences) else None
            if not items and nxt is not None and pl_rules._SAME_PACKAGE_OPENS.search(nxt.text[:R.window("pledge_package_again_opens")]):
                items = _items(nxt.text)  # "The aid package includes ... missiles"
            if not items or _negated_at(s.text, verb.start()) or pl_rules._HABIT.search(s.text):
                continue  # (what is done by habit is no pledge: "Allies take turns to provide aircraft")
            donor, recipient = _donor_recipient(ctx, s, cs, os_, ps, s.start + verb.start())
            recipient = recipient or default_recipient
            if recipient is None or donor is None or donor == recipient:
                continue
            out.append(Pledge(
                label=f"{', '.join(items[:3])} from {_actor_label(ctx, donor)} to {_actor_label(ctx, recipient)}",
                donor=donor, recipient=recipient, items=items, date=ctx.ref,
                evidence=[Span(s.start, s.end, s.text)], method=f"{METHOD}:pledge:in-kind",
                confidence=R.confidence("pledge_in_kind"),
            ))
    # Amounts in sentences that name no recipient: a package inside a total named elsewhere
    # ("This total includes a package worth up to $1.25 billion"), or the statement's usual one.
    for m, s, donor in orphans:
        total = _total_before(out, m)
        if total is not None and (pl_rules._PART.search(s.text) or R.cues["list_item_opens"].match(s.text)):
            base = out[total]
            # (a part goes where the total goes: "Of this, A$5 million will go to the Vanuatu
            # Police College" names the recipient again, not a giver)
            if donor == base.recipient:
                donor = None
            out.append(_money_pledge(ctx, m, s, donor or base.donor, base.recipient, total,
                                     R.confidence("pledge_part_of_total")))
        elif default_recipient is not None and (donor is None or donor != default_recipient):
            out.append(_money_pledge(ctx, m, s, donor, default_recipient, None,
                                     R.confidence("pledge_usual_recipient")))
        elif (counterpart := _counterpart(ctx, events, s, donor)) is not None:
            # "He told the President that Germany would deliver ..." on a visit to Kyiv: the
            # one other state of the event the pledge is told with
            out.append(_money_pledge(ctx, m, s, donor, counterpart, None, R.confidence("pledge_usual_recipient")))
        elif donor is not None and (shared := _shared_recipient(out)) is not None and donor != shared:
            # "Australia announced a package for the Vanuatu Police Force ... Separately, Wellington
            # would provide NZ$3 million to help the police": another giver's money for the one
            # recipient of the statement's other pledges
            out.append(_money_pledge(ctx, m, s, donor, shared, None, R.confidence("pledge_usual_recipient")))
        elif donor is not None and donor.kind == "country" and ctx.home and donor.key != ctx.home and not out:
            # a release of the state that receives, whose only pledge names a foreign giver and
            # no recipient ("The minister welcomed Canada's contribution of USD 30 million to the
            # drone coalition", from Kyiv): the publisher's state receives
            out.append(_money_pledge(ctx, m, s, donor, ActorRef("country", ctx.home), None,
                                     R.confidence("pledge_usual_recipient")))
    _link_announcements(out, events, drafts)
    return _dedupe_pledges(out)


# a capital that acts: the subject of a verb ("Berlin will send": cue acts_after), or after a
# giving word ("to Kyiv")
_CAPITAL_POSSESSIVE = re.compile(r"(?<![\w'’-])((?-i:[A-Z])[\w-]+)(?=['’]s\s)")


@per_rules
def _capital_subject(r: Rules) -> re.Pattern[str]:
    """A capitalised name, one or two words, before a verb it is the subject of (cue acts_after)."""
    return quick_start(re.compile(r"(?<![\w'’-])((?-i:[A-Z])[\w'’-]+(?:\s(?-i:[A-Z])[\w'’-]+)?)(?="
                                  + r.cue_texts["acts_after"] + ")"))


def _capitals_acting(ctx: _Context, s: Sentence) -> tuple[list[CountryMention], list[CountryMention]]:
    """Capitals named in the sentence as the state that gives ("Berlin will send ...") or that
    receives ("... to Kyiv"), as mentions of their states."""
    givers: list[CountryMention] = []
    takers: list[CountryMention] = []
    for pl in ctx.within(ctx.places, s):
        iso3 = capital_of(pl.name) if pl.kind == "city" else None
        if iso3 is None or iso3 != pl.iso3:
            continue
        c = CountryMention(pl.start, pl.end, pl.name, iso3, False)
        pre = ctx.text[max(s.start, pl.start - rules().window("pledge_recipient_before")):pl.start]
        if pl_rules._RECIPIENT_BEFORE.search(pre) and not pl_rules._NOT_RECIPIENT_TO.search(pre):
            takers.append(c)
    # (a capital after "to", "for" or a giving verb that the gazetteer's rules did not read as a
    # place: "its eleventh aid package for Kyiv", "will send Kyiv another ...")
    seen = {c.start for c in takers}
    for m in rules().cues["capital_after_giving"].finditer(s.text):
        iso3 = capital_of(m.group(1))
        if iso3 is not None and s.start + m.start(1) not in seen and not pl_rules._NOT_RECIPIENT_TO.search(
                s.text, max(0, m.start(1) - rules().window("pledge_recipient_before")), m.start(1)):
            takers.append(CountryMention(s.start + m.start(1), s.start + m.end(1), m.group(1), iso3, False))
    # ("Berlin's latest package for Kyiv": the capital's gift, cue capital_gift_after)
    for m in _CAPITAL_POSSESSIVE.finditer(s.text):
        iso3 = capital_of(m.group(1))
        if iso3 is not None and rules().cues["capital_gift_after"].match(s.text, m.end(1)):
            givers.append(CountryMention(s.start + m.start(1), s.start + m.end(1), m.group(1), iso3, False))
    # (a capital as the subject is no place to the gazetteer's rules: read it here)
    for m in _capital_subject().finditer(s.text):
        iso3 = capital_of(m.group(1))
        pre = s.text[max(0, m.start() - rules().window("pledge_place_before_capital")):m.start()]
        if iso3 is not None and not pl_rules._PLACE_BEFORE.search(pre):
            givers.append(CountryMention(s.start + m.start(), s.start + m.end(1), m.group(1), iso3, False))
    return givers, takers


def _each_donors(ctx: _Context, s: Sentence, cs: list[CountryMention], donor: ActorRef | None,
                 recipient: ActorRef | None, start: int) -> list[ActorRef]:
    """The other states of a list that 'each' give the amount ("A, B and C will each give X")."""
    if donor is None or donor.kind != "country" or not re.search(r"\beach\b", ctx.text[max(s.start, start - rules().window("pledge_each_before")):start]):
        return []
    listed = [c for c in cs if c.start < start and not c.adjectival and ActorRef("country", c.iso3) != recipient]
    if len(listed) < 2 or not all(_LIST_GAP.fullmatch(ctx.text, a.end, b.start) for a, b in zip(listed, listed[1:])):
        return []
    return [ActorRef("country", iso) for iso in dict.fromkeys(c.iso3 for c in listed) if iso != donor.key]


_LIST_GAP = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def _cumulative(window: str, before: str = "") -> bool:
    """A total given over time is told around the amount; "amounts to" after a package names
    the package's own sum ("the new package amounts to SEK 4 billion"), a share of GDP is
    money given where aid to a state is named, and the words of a total after a commitment
    still to be carried out (`before`: the sentence up to the amount) tell the sum promised."""
    cues = rules().cues
    commitment = cues["forward_commitment"].search(before)
    # (not where a running total follows the commitment: "will provide ..., having already
    # delivered aid worth a total of", "will deliver ..., bringing its aid to a total of")
    forward = commitment is not None and cues["running_total_after"].search(before, commitment.end()) is None
    if cues["cumulative_more"].search(window):
        return True  # "since it began in 2024"
    if not forward and cues["cumulative_opening"].match(before):
        return True  # "Since the start of the invasion, Denmark has provided ... worth DKK 6.5 billion"
    for c in pl_rules._CUMULATIVE.finditer(window):
        cue = c.group(0).lower()
        if forward and cues["forward_total_words"].match(cue):
            continue
        if cue.startswith("amount") and re.search(r"\bpackage\b", window[:c.start()], re.I):
            continue
        if cue in ("so far", "to date") and cues["superlative_before_so_far"].search(window[:c.start()]):
            continue  # "the largest aid package to Ukraine so far": a comparison, no total
        if cue in ("gdp", "per cent", "percent") and pl_rules._AID_TO.search(window):
            continue  # "support to Ukraine will reach 0.25% of GDP, about EUR 200 million": a share given
        return True
    return False


_SENTENCE_BREAK = re.compile(r"\n|[.!?]\s")


def _counterpart(ctx: _Context, events: list[Event], s: Sentence, donor: ActorRef | None) -> ActorRef | None:
    """The one state besides the donor that takes part in the event told in the sentence (or in
    the statement's only event), where the sentence names no recipient."""
    told = [e for e in events if any(sp.start <= s.start < sp.end or s.start <= sp.start < s.end
                                     for sp in e.evidence)] or (events if len(events) == 1 else [])
    giver = donor or (ActorRef("country", ctx.home) if ctx.home else None)
    if giver is None:
        return None
    if not told and len(events) > 1 and donor is not None:
        # (several events, none told in the sentence: the one state the named giver met in
        # every event it takes part in, "signed agreements with Chancellor X in Berlin and with
        # President Y in Paris ... Germany announced a package worth 1.1 billion euros")
        told = [e for e in events if donor in e.participants + e.convenors]
    if not told:
        return None
    if len(told) != 1 and any(any(sp.start <= s.start < sp.end or s.start <= sp.start < s.end for sp in e.evidence)
                              for e in told):
        return None  # (several events told in the sentence itself)
    others = {a for e in told for a in e.participants + e.convenors if a.kind == "country" and a != giver}
    return next(iter(others)) if len(others) == 1 and all(giver in e.participants + e.convenors for e in told) else None


def _money_pledge(ctx: _Context, m: Money, s: Sentence, donor: ActorRef | None,
                  recipient: ActorRef | None, part_of: int | None, confidence: float) -> Pledge:
    # "$100 million" from Canberra is AUD, "300 million kroner" from Copenhagen DKK
    currency = local_currency(m, donor.key if donor and donor.kind == "country" else None,
                              recipient.key if recipient and recipient.kind == "country" else None)
    return Pledge(
        label=f"{m.text} from {_actor_label(ctx, donor)} to {_actor_label(ctx, recipient)}",
        amount=m.amount, currency=currency, donor=donor, recipient=recipient,
        items=_items(s.text[m.end - s.start:]), date=ctx.ref, part_of=part_of,
        evidence=[Span(s.start, s.end, s.text)], method=f"{METHOD}:pledge:money",
        confidence=confidence,
    )


def _shared_recipient(out: list[Pledge]) -> ActorRef | None:
    """The one recipient of every amount pledged so far in the statement (None: none, or several)."""
    found = {p.recipient for p in out if p.amount is not None}
    return found.pop() if len(found) == 1 else None


def _total_before(out: list[Pledge], m: Money) -> int | None:
    """The first pledge found so far of a larger amount in the same currency that is no part
    itself: the total an amount told as a part of belongs to."""
    return next((i for i, p in enumerate(out) if p.amount is not None and p.currency == m.currency
                 and p.amount > m.amount and p.part_of is None), None)


def _list_item(ctx: _Context, si: int) -> bool:
    """An item of a list that a sentence ending with a colon opens ("The package includes:" /
    "- SEK 8 billion for air defence;"), or the next item of such a list (cue list_item_opens)."""
    opens = rules().cues["list_item_opens"]
    if si == 0 or not opens.match(ctx.sentences[si].text):
        return False
    for j in range(si - 1, max(-1, si - rules().window("pledge_list_items_back")), -1):  # (back over the items before it)
        before = ctx.sentences[j].text.rstrip()
        if before.endswith(":"):
            return True
        if not opens.match(before):
            return False
    return False


def _valued_again(ctx: _Context, si: int) -> bool:
    """The sentence opens on the things given, named again with their value, right after one
    that tells of a gift ("The new donation consists of several parts. The 19 systems ... are
    valued at about DKK 1.1 billion.")."""
    if si == 0:
        return False
    s, before = ctx.sentences[si], ctx.sentences[si - 1]
    return bool(ctx.within(ctx.money, s)) and rules().cues["package_told_before"].match(s.text) is not None \
        and pl_rules._PLEDGE_WORD.search(before.text) is not None


def _donor_told_before(ctx: _Context, s: Sentence, before: Sentence,
                       recipient: ActorRef | None) -> ActorRef | None:
    """The giver of a package told in the sentence before, where this one names the amount and no
    giver ("X thanked Norway for the new aid package. The package, worth NOK 500 million, ..."):
    the one state that sentence names, other than the recipient, when it tells of a package too."""
    cue = rules().cues["package_told_before"]
    gift = None if not cue.match(s.text) or cue.search(before.text) else rules().cues["gift_told"].search(before.text)
    if not cue.match(s.text) or not (cue.search(before.text) or gift):
        return None
    states = {c.iso3 for c in ctx.within(ctx.countries, before)}
    for c in ctx.within(ctx.countries, s):
        states.discard(c.iso3)  # (the recipient this sentence names)
    if recipient is not None:
        states.discard(recipient.key)
    if len(states) > 1 and gift is not None:
        # "China yesterday handed over a second batch of equipment to the Royal Solomon Islands
        # Police Force": the giver is named before the verb of giving, the receiver after it
        states = {c.iso3 for c in ctx.within(ctx.countries, before) if c.start < before.start + gift.start()} & states
    return ActorRef("country", states.pop()) if len(states) == 1 else None


def _usual_recipient(ctx: _Context) -> ActorRef | None:
    """The state most often named where aid goes ("to Ukraine", "Ukraine's forces") in the statement."""
    counts: dict[str, int] = {}
    support = rules().cues["support_body"]
    bodies = [o for o in ctx.orgs if support.search(o.name)]
    for c in ctx.countries:
        if any(o.start <= c.start and c.end <= o.end for o in bodies):
            # a body that exists to support one state ("the Ukraine Defense Contact Group",
            # "the Coalition for Ukraine"): aid told beside it goes to that state
            counts[c.iso3] = counts.get(c.iso3, 0) + 2
            continue
        # (within the state's own line and sentence: "Norwegian support" as a title does not
        # make the "Norway" that opens the next line a state that receives)
        pre = _SENTENCE_BREAK.split(ctx.text[max(0, c.start - rules().window("pledge_usual_recipient_before")):c.start])[-1]
        if not c.adjectival and rules().cues["support_scheme_after"].match(ctx.text, c.end):
            counts[c.iso3] = counts.get(c.iso3, 0) + 1  # "Prioritized Ukraine Requirements List"
            continue
        if pl_rules._USUAL_RECIPIENT_BEFORE.search(pre) \
                or (ctx.text[c.end:c.end + 2] in ("'s", "’s") and c.iso3 != ctx.home):
            # (the publisher's own "Finland's package" tells who gives, not who receives)
            counts[c.iso3] = counts.get(c.iso3, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda k: counts[k])
    return ActorRef("country", best) if counts[best] >= 2 or len(counts) == 1 else None


def _link_announcements(out: list[Pledge], events: list[Event], drafts: list[ev_rules.EventDraft]) -> None:
    """The event where a pledge was announced: the one reported in the same sentence, else the
    statement's only meeting."""
    by_span = SpanIndex([(sp.start, sp.end, i) for i, d in enumerate(drafts)
                         for sp in [d.sentence] + d.extra_spans], lambda x: x[0], lambda x: x[1])
    meetings = [i for i, e in enumerate(events) if e.type == "Meeting"]
    for p in out:
        found = [i for _s, _e, i in by_span.containing(p.evidence[0].start)]
        if found:
            p.announced_at = min(found)
        else:
            if len(meetings) == 1:
                p.announced_at = meetings[0]


def _negated_at(text: str, pos: int) -> bool:
    before = text[max(0, pos - rules().window("pledge_negation_before")):pos]
    return bool(pl_rules._NEGATION_BEFORE.search(before))


def _dedupe_pledges(pledges: list[Pledge]) -> list[Pledge]:
    """The same amount from the same donor to the same recipient repeated in a statement is one pledge."""
    out: list[Pledge] = []
    remap: dict[int, int] = {}
    by_amount: dict[tuple[object, ...], int] = {}
    by_parties: dict[tuple[object, ...], int] = {}
    by_giver: dict[tuple[object, ...], int] = {}
    by_taker: dict[tuple[object, ...], dict[ActorRef | None, int]] = {}
    guessed = rules().confidence("pledge_usual_recipient")
    for i, p in enumerate(pledges):
        # the first earlier pledge with the same amount and parties, or (in kind) the same parties
        key = (p.amount, p.currency, p.donor, p.recipient)
        j = by_amount.get(key) if p.amount is not None else by_parties.get((p.donor, p.recipient))
        k = by_giver.get((p.amount, p.currency, p.donor)) if p.amount is not None and p.donor is not None else None
        if j is None and k is not None and guessed in (p.confidence, out[k].confidence):
            # the same amount from the same giver, once with the statement's usual recipient (a
            # title that names none) and once with its own: one pledge, to the recipient named
            j = k
            if out[k].confidence == guessed and p.confidence != guessed:
                out[k].recipient, out[k].confidence, out[k].label = p.recipient, p.confidence, p.label
        givers = by_taker.get((p.amount, p.currency, p.recipient)) if p.amount is not None else None
        if j is None and givers:
            # the same amount to the same recipient told again without its giver ("Norway gives
            # Ukraine one and a half billion kroner" in the title, "The Government will give one
            # and a half billion kroner" in the text: batch ye): one pledge, the giver the one named
            if p.donor is None:
                j = next((n for d, n in givers.items() if d is not None), None)
            elif list(givers) == [None]:
                j = givers[None]
                out[j].donor, out[j].label, out[j].confidence = p.donor, p.label, p.confidence
        if j is not None:
            q = out[j]
            if p.amount is None:
                q.items = list(dict.fromkeys(q.items + p.items))
            q.evidence.extend(p.evidence[:max(0, rules().window("max_evidence") - len(q.evidence))])
            remap[i] = j
            continue
        remap[i] = len(out)
        by_amount.setdefault((p.amount, p.currency, p.donor, p.recipient), len(out))
        by_parties.setdefault((p.donor, p.recipient), len(out))
        by_giver.setdefault((p.amount, p.currency, p.donor), len(out))
        if p.amount is not None:
            by_taker.setdefault((p.amount, p.currency, p.recipient), {}).setdefault(p.donor, len(out))
        out.append(p)
    for p in out:
        if p.part_of is not None:
            p.part_of = remap.get(p.part_of)
            if p.part_of is not None and out[p.part_of] is p:
                p.part_of = None
    return out


def _negated_pledge(text: str) -> bool:
    verb = pl_rules._PLEDGE_WORD.search(text) if may_match(pl_rules._PLEDGE_WORD, text) else None
    if not verb:
        return False
    before = text[max(0, verb.start() - rules().window("pledge_negation_before")): verb.start()]
    if pl_rules._REPORTED.search(text, 0, verb.start()) and \
            re.search(r"\bwould\s+(?:\w+\s+)?$", before):
        return False  # reported speech: "said Germany would deliver"
    return bool(pl_rules._UNSURE_BEFORE.search(before))


def _items(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0).lower() for m in pl_rules.ITEMS.finditer(text)))


def _actor_label(ctx: _Context, ref: ActorRef | None) -> str:
    if ref is None:
        return "unknown"
    if ref.kind == "country":
        return country_name(ref.key)
    for o in ctx.orgs:
        if o.key == ref.key:
            return o.name
    return ref.key


# (the words around a state that receives or gives: cues of rules/pledges.yaml, read as pl_rules._X)


def _donor_recipient(ctx: _Context, s: Sentence, cs: list[CountryMention], os_: list[OrgMention],
                     ps: list[tuple[PersonHit, int]], anchor: int,
                     told_before: ActorRef | None = None) -> tuple[ActorRef | None, ActorRef | None]:
    """Who gives and who receives the amount or things at `anchor` in sentence `s`.
    `told_before`: the giver of a package the sentence before told of (_donor_told_before),
    taken when this sentence names none, before the publisher's state."""
    recipient: ActorRef | None = None
    donor: ActorRef | None = None
    givers, takers = _capitals_acting(ctx, s)
    runner: CountryMention | None = None
    # "with Spanish Prime Minister X, who promised EUR 1 billion": X's state gives, never receives
    giver_who = _giver_relative(ctx, ps, anchor)
    # Recipient: the state right after the amount ("DKK 50 million to Georgia, DKK 30 million to
    # Moldova": each amount its own), else "to Ukraine", "for Ukraine's", "boost Ukraine's",
    # "Ukraine's Armed Forces"
    for c in sorted(cs + takers, key=lambda x: x.start):
        if anchor < c.start <= anchor + rules().window("pledge_recipient_right_after") and not c.adjectival and \
                (giver_who is None or c.iso3 != giver_who.key) and \
                rules().cues["recipient_right_after_amount"].fullmatch(ctx.text, anchor, c.start):
            recipient = ActorRef("country", c.iso3)
            break
    for c in sorted(cs + takers, key=lambda x: x.start):
        if recipient is not None:
            break
        if giver_who is not None and c.iso3 == giver_who.key:
            continue
        pre = ctx.text[max(s.start, c.start - rules().window("pledge_recipient_before")):c.start]
        if pl_rules._NOT_RECIPIENT_TO.search(pre) or rules().cues["envoy_to_before"].search(pre):
            continue  # "in addition to Australia's latest package", "Ambassador of X to Japan": no one receives here
        if (c.adjectival or ctx.text.startswith("-led", c.end)) and pl_rules._RUNS_SCHEME.match(ctx.text, c.end):
            # "to the Czech ammunition initiative for Ukraine": the state that runs it, unless no
            # other receives ("to a Ukrainian drone programme"); never one whose fund the money
            # goes through ("through the Saudi Fund for Development")
            if not rules().cues["channel_before"].search(pre):
                runner = runner or c
            continue
        if pl_rules._RECIPIENT_BEFORE.search(pre) or pl_rules._FORCES_OF.search(pre) or (
                pl_rules._MADE_IN.search(pre) and c.iso3 != ctx.home) \
                or (ctx.text[c.end:c.end + 2] in ("'s", "’s") and c.start > anchor - 5) \
                or (not c.adjectival and c.start > anchor and pl_rules._FORCES_NAME_AFTER.match(
                    ctx.text[c.end:c.end + rules().window("pledge_forces_name_after")])) \
                or (c.adjectival and c.start > anchor and pl_rules._FORCES_AFTER_ADJECTIVE.match(ctx.text[c.end:c.end + rules().window("pledge_forces_after_adjective")])):
            recipient = ActorRef("country", c.iso3)
            break
    if recipient is None and runner is not None:
        recipient = ActorRef("country", runner.iso3)
    cues = rules().cues
    if recipient is None:
        # "CHF 30 million for humanitarian demining in Ukraine": where the money is used
        recipient = next((ActorRef("country", c.iso3) for c in ctx.index(ctx.countries).starting_in(anchor, min(s.end, anchor + rules().window("pledge_purpose_after")))
                          if not c.adjectival and cues["purpose_in_before"].search(ctx.text, max(s.start, c.start - rules().window("pledge_purpose_in_before")), c.start)), None)
    giver_from = _giver_from(ctx, s, cs, anchor)
    if recipient is None or recipient == giver_from:
        # "Ukraine will receive a further EUR 200 million from Germany": the subject of a verb
        # of receiving before the amount receives (cue receiver_verb_after)
        recipient = next((ActorRef("country", c.iso3)
                          for c in ctx.index(ctx.countries).starting_in(max(s.start, anchor - rules().window("pledge_receiver_before")), anchor)
                          if c.end <= anchor and not c.adjectival
                          and ActorRef("country", c.iso3) != giver_from
                          and cues["receiver_verb_after"].match(ctx.text, c.end)), None)
        if recipient is None and giver_from is not None and ctx.home and giver_from.key != ctx.home \
                and pl_rules._FIRST_PERSON_PLURAL.search(s.text):
            # "A new package worth USD 400 million from Sweden will strengthen our air defence"
            recipient = ActorRef("country", ctx.home)
    # Donor: a party named before the amount or the pledge verb; "we" is the publisher
    candidates: list[tuple[int, ActorRef]] = []
    for c in cs:
        ref = ActorRef("country", c.iso3)
        if ref == recipient:
            continue
        if ctx.index(ctx.places).containing(c.start):
            continue
        candidates.append((c.start, ref))
    candidates.extend((c.start, ActorRef("country", c.iso3)) for c in givers
                      if ActorRef("country", c.iso3) != recipient)
    for o in os_:
        if o.start < anchor:
            candidates.append((o.start, ActorRef("organisation", o.key)))
    for p, pos in ps:
        if p.country and pos < anchor:
            candidates.append((pos, ActorRef("country", p.country)))
    candidates.sort(key=lambda x: x[0])
    before = [ref for pos, ref in candidates if pos < anchor and ref != recipient]
    # in reported speech the giver is in the clause that gives ("told the President that
    # Estonia would hand over ..."), not the one spoken to or the one who speaks
    that = None
    for that in re.finditer(r"\bthat\b", s.text[: max(0, anchor - s.start)]):
        pass
    if that is not None:
        inside = [ref for pos, ref in candidates if s.start + that.end() <= pos < anchor and ref != recipient]
        if inside:
            before = inside
    prev = ctx.index(ctx.money).last_ending_by(anchor)
    prev_end = prev.end if prev is not None and prev.start >= s.start else None
    if prev_end is not None:
        # "Belgium pledged EUR 1 billion ..., and the Netherlands announced a further EUR 300
        # million": a state named as the subject of a verb after an amount before gives this one
        inside = [ActorRef("country", c.iso3) for c in cs if prev_end <= c.start < anchor and not c.adjectival
                  and ActorRef("country", c.iso3) != recipient and pl_rules._ACTS_AFTER.match(ctx.text, c.end)]
        if inside:
            before = inside
    semi = s.text.rfind(";", 0, max(0, anchor - s.start))
    if semi >= 0:
        # "under the one with Washington, the US commits to ...; under the one with Tokyo, Japan
        # will provide $4.5 billion": the giver is in the clause that gives
        inside = [ref for pos, ref in candidates if s.start + semi < pos < anchor and ref != recipient]
        if inside:
            before = inside
    if not before and not pl_rules._WE.search(s.text[: max(0, anchor - s.start)]):
        # "£450M surge ... as UK and Germany chair the meeting": the parties named after, but not
        # a state's adjective naming a thing ("from the proceeds of immobilised Russian assets")
        things = {c.start for c in cs if pl_rules._THING_AFTER_ADJECTIVE.match(ctx.text[c.end:c.end + rules().window("pledge_thing_after_adjective")])
            or rules().cues["runner_by_before"].search(ctx.text, max(s.start, c.start - rules().window("pledge_runner_by_before")), c.start)
            or (c.adjectival and not pl_rules._SIDE_AFTER_ADJECTIVE.match(ctx.text[c.end:c.end + rules().window("pledge_side_after_adjective")]))}
        before = [ref for pos, ref in candidates if ref != recipient and pos not in things]
    if giver_from is not None and giver_from != recipient:
        donor = giver_from
    elif giver_who is not None:
        # "signed an agreement with Spanish Prime Minister X, who promised EUR 1 billion"
        donor = giver_who
    elif pl_rules._WE.search(s.text[: max(0, anchor - s.start)]) and (
            speaker := _quote_speaker(s, ps, anchor)) is not None:
        # '"We will provide EUR 50 million ...," Belgian Defence Minister X told reporters'
        donor = speaker
    elif pl_rules._WE.search(s.text[: max(0, anchor - s.start)]) and ctx.home:
        donor = ActorRef("country", ctx.home)
    elif before:
        # the money's currency tells among several candidates
        money = next(iter(ctx.index(ctx.money).starting_in(anchor - 1, anchor + rules().window("pledge_currency_after"))), None)
        users = currency_users(money) if money else frozenset()
        preferred = [r for r in before if r.kind == "country" and r.key in users]
        donor = preferred[0] if preferred else before[0]
    elif (ante := ctx.pronoun_antecedent(s)) is not None and ante.country \
            and ActorRef("country", ante.country) != recipient:
        # "Ms Collins ... also paid a courtesy call on Prime Minister X. She announced NZ$5 million
        # for ...": the giver is the one the opening pronoun stands for
        donor = ActorRef("country", ante.country)
    elif cues["state_pronoun_subject"].search(s.text, 0, max(0, anchor - s.start)) and \
            (ante_state := _state_told_before(ctx, s, recipient)) is not None:
        # "Lithuania remains one of Ukraine's staunchest backers. On Friday it committed ..."
        donor = ante_state
    elif ctx.home is None and (gov := cues.get("government_subject")) is not None and \
            gov.search(s.text, 0, max(0, anchor - s.start)) and \
            (ante_state := _state_told_before(ctx, s, recipient)) is not None:
        # "... in which the Netherlands commits to supporting Ukraine. For this year alone the
        # cabinet has set aside 2 billion euros": the government of the state told before
        donor = ante_state
    elif _institution_in(s.text[: max(0, anchor - s.start) + 1]):
        donor = ActorRef("country", _institution_in(s.text[: max(0, anchor - s.start) + 1]) or "")
    elif told_before is not None and told_before != recipient:
        donor = told_before
    elif ctx.home and ActorRef("country", ctx.home) != recipient:
        donor = ActorRef("country", ctx.home)
    elif ctx.home is None and ctx.st.publisher:
        # "The Council today adopted an assistance measure": an organisation's own release gives
        # its own money
        org = next(iter(find_organisations(ctx.st.publisher)), None)
        if org is not None:
            donor = ActorRef("organisation", org.key)
    if donor is None or donor.kind == "organisation":
        # an organisation's body deciding on money of the organisation's instrument named after
        # the amount ("the Council adopted ... under the European Peace Facility"), or no giver
        # named: the instrument's organisation gives
        via = next((o for o in ctx.index(ctx.orgs).starting_in(anchor, min(s.end, anchor + rules().window("pledge_purpose_after")))
                    if (donor is None or o.key != donor.key) and rules().cues["instrument_org_before"].search(
                        ctx.text, max(s.start, o.start - rules().window("pledge_instrument_org_before")), o.start)), None)
        if via is not None:
            donor = ActorRef("organisation", via.key)
    if donor == recipient:
        donor = None
    return donor, recipient


def _giver_relative(ctx: _Context, ps: list[tuple[PersonHit, int]], anchor: int) -> ActorRef | None:
    """A person whose relative clause gives the amount ("with Spanish Prime Minister X, who
    promised 1 billion euros"): the person's state gives (cue giver_relative_after, read right
    after the person's name, the amount in that clause)."""
    cue = rules().cues.get("giver_relative_after")
    if cue is None:
        return None
    for p, pos in ps:
        end = next((b for a, b in p.mentions if a == pos), None)
        if not p.country or end is None or end >= anchor:
            continue
        m = cue.match(ctx.text, end)
        if m is not None and m.end() <= anchor and not re.search(r"[.;]", ctx.text[m.end():anchor]):
            return ActorRef("country", p.country)
    return None


def _giver_from(ctx: _Context, s: Sentence, cs: list[CountryMention], anchor: int) -> ActorRef | None:
    """A state named after "from" in the amount's clause ("EUR 20 million from Poland"), not a
    thing's origin ("drawn from US stocks"): the giver (cues giver_from_before, giver_from_thing_after)."""
    money_end = next((m.end for m in ctx.index(ctx.money).starting_in(anchor, anchor + 1)), None)
    if money_end is None:
        return None
    cues = rules().cues
    for c in ctx.index(ctx.countries).starting_in(money_end, min(s.end, money_end + rules().window("pledge_giver_from_after"))):
        if cues["giver_from_before"].match(ctx.text[money_end:c.start]) \
                and not cues["runner_by_before"].search(ctx.text, max(money_end, c.start - rules().window("pledge_runner_by_before")), c.start) \
                and not cues["giver_from_thing_after"].match(ctx.text, c.end):
            return ActorRef("country", c.iso3)
    return None


# the first person, also where it opens a sentence or a quotation ('"We will provide ...')
_QUOTE_OPENS = re.compile(r"\W*[\"“‘]")
_QUOTE_CLOSES = re.compile(r"[\"”’]")


def _quote_speaker(s: Sentence, ps: list[tuple[PersonHit, int]], anchor: int) -> ActorRef | None:
    """The state of the one who speaks a quotation that opens the sentence, named after it
    ('"We will provide ...," Belgian Defence Minister X told reporters'): "we" is their state."""
    if not _QUOTE_OPENS.match(s.text):
        return None
    close = _QUOTE_CLOSES.search(s.text, max(0, anchor - s.start))
    if close is None:
        return None
    return next((ActorRef("country", p.country) for p, pos in ps if p.country and pos >= s.start + close.end()), None)


def _state_told_before(ctx: _Context, s: Sentence, recipient: ActorRef | None) -> ActorRef | None:
    """The state named first in the sentence before `s` (its subject), not the one that receives:
    what "it" or "the country" stands for (cue state_pronoun_subject)."""
    prev = ctx.index(ctx.sentences).last_ending_by(s.start)
    if prev is None:
        return None
    for c in ctx.within(ctx.countries, prev):
        if not c.adjectival and ActorRef("country", c.iso3) != recipient:
            return ActorRef("country", c.iso3)
    return None

