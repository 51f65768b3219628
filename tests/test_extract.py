"""Extraction rules, one kind of fact at a time, plus robustness on open-ended input."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defgraph.extract import extract
from defgraph.extract.countries import find_countries, resolve_country
from defgraph.extract.dates import find_dates
from defgraph.extract.money import find_money
from defgraph.model import Statement


@pytest.mark.parametrize("name,iso3", [
    ("UK", "GBR"), ("U.S.", "USA"), ("United States", "USA"), ("British", "GBR"),
    ("French", "FRA"), ("Republic of Korea", "KOR"), ("Türkiye", "TUR"), ("UAE", "ARE"),
    ("DRC", "COD"), ("Czechia", "CZE"), ("Dutch", "NLD"), ("Kenya", "KEN"), ("GBR", "GBR"),
])
def test_country_forms(name: str, iso3: str) -> None:
    assert resolve_country(name) == iso3


def test_compounds_name_both_states_and_regions_none() -> None:
    found = [(m.text, m.iso3) for m in find_countries(
        "Franco-British talks, a UK-Kenya partnership, U.S.-Korea ties, Poland–Lithuania, the Indo-Pacific")]
    assert ("Franco", "FRA") in found and ("British", "GBR") in found
    assert ("Kenya", "KEN") in found and ("Lithuania", "LTU") in found
    assert ("Indo", "IND") not in found


@pytest.mark.parametrize("text,amount,currency", [
    ("£450M surge", "450000000", "GBP"), ("£2.2bn", "2200000000", "GBP"),
    ("$2.5 billion", "2500000000", "USD"), ("€500 million", "500000000", "EUR"),
    ("more than €3 billion", "3000000000", "EUR"), ("worth up to $400m", "400000000", "USD"),
    ("NOK 1.2 billion", "1200000000", "NOK"), ("A$100 million", "100000000", "AUD"),
    ("1.2 billion kroner", "1200000000", "NOK"), ("$400,000", "400000", "USD"),
])
def test_money(text: str, amount: str, currency: str) -> None:
    (m,) = find_money(text)
    assert (m.amount, m.currency) == (Decimal(amount), currency)


def test_no_money_in_years_or_plain_numbers() -> None:
    assert find_money("In 2025 EUR countries and all 3 of them met") == []


@pytest.mark.parametrize("text,start,end", [
    ("on 10 April 2025", date(2025, 4, 10), None),
    ("April 10, 2025", date(2025, 4, 10), None),
    ("12-14 June", date(2025, 6, 12), date(2025, 6, 14)),
    ("May 3-5", date(2025, 5, 3), date(2025, 5, 5)),
    ("from 12 to 20 May", date(2025, 5, 12), date(2025, 5, 20)),
    ("10/04/2025", date(2025, 4, 10), None),
    ("tomorrow", date(2025, 4, 15), None),
    ("yesterday", date(2025, 4, 13), None),
    ("last weekend", date(2025, 4, 12), None),
])
def test_dates(text: str, start: date, end: date | None) -> None:
    (d,) = find_dates(text, date(2025, 4, 14))
    assert (d.date, d.end_date) == (start, end)


def _statement(text: str, issued: date = date(2025, 4, 14), url: str | None = None) -> Statement:
    return Statement(text=text, title=text.split("\n")[0], issued=issued, source_url=url)


def test_person_with_role_and_country_from_adjective() -> None:
    ex = extract(_statement("Italian Defence Minister Guido Crosetto met Pål Jonson, Sweden's "
                            "Minister for Defence, in Rome on 3 March 2025."))
    people = {p.name: (p.country, p.role_title) for p in ex.persons.values()}
    assert people["Guido Crosetto"] == ("ITA", "Defence Minister")
    assert people["Pål Jonson"] == ("SWE", "Minister for Defence")


def test_counterpart_takes_the_adjective_and_honorifics_are_stripped() -> None:
    ex = extract(_statement("Defence Secretary John Healey MP met his Polish counterpart, "
                            "Władysław Kosiniak-Kamysz, in Warsaw. Mr Kosiniak-Kamysz welcomed him."))
    people = {p.name: p for p in ex.persons.values()}
    assert set(people) == {"John Healey", "Władysław Kosiniak-Kamysz"}
    assert people["Władysław Kosiniak-Kamysz"].country == "POL"
    assert len(people["Władysław Kosiniak-Kamysz"].evidence) == 2


def test_multilateral_meeting_is_one_event_with_convenors_and_count() -> None:
    ex = extract(_statement("Ministers meet in Brussels\nThe UK Defence Secretary and the French "
                            "Defence Minister convened counterparts from 30 countries and "
                            "representatives from NATO in Brussels on 10 April 2025."))
    (ev,) = ex.events
    assert ev.type == "Meeting" and ev.date == date(2025, 4, 10)
    assert {r.key for r in ev.convenors if r.kind == "country"} == {"GBR", "FRA"}
    # offices named without a holder stay unnamed posts of their state, not guessed persons
    assert {(p.role_title, p.country) for p in ex.posts.values()} == {
        ("Defence Secretary", "GBR"), ("Defence Minister", "FRA")}
    assert ex.persons == {}
    assert ev.participant_count == 30
    assert any(r.key == "nato" for r in ev.participants)
    assert ex.places[ev.place].name == "Brussels"


def test_preview_is_planned_and_dated_relative_to_the_statement() -> None:
    ex = extract(_statement("Minister to host talks\nThe Minister of Defence of Poland will host "
                            "the Lithuanian defence minister in Warsaw tomorrow."))
    (ev,) = ex.events
    assert ev.planned and ev.date == date(2025, 4, 15)


def test_intentions_and_negations_are_not_events_or_pledges() -> None:
    ex = extract(_statement("Statement\nThe coalition will continue to meet regularly. Brazil will "
                            "not supply ammunition to Ukraine."))
    assert ex.events == [] and ex.pledges == []


def test_pledge_amount_donor_recipient_and_component() -> None:
    ex = extract(_statement("US announces aid\nThe United States today announced $2.5 billion in "
                            "security assistance for Ukraine. This total includes a package worth "
                            "up to $1.25 billion."))
    amounts = {(p.amount, p.currency, p.donor.key if p.donor else None,
                p.recipient.key if p.recipient else None) for p in ex.pledges}
    assert (Decimal(2500000000), "USD", "USA", "UKR") in amounts
    part = next(p for p in ex.pledges if p.amount == Decimal(1250000000))
    assert part.part_of is not None and ex.pledges[part.part_of].amount == Decimal(2500000000)


def test_we_is_the_publisher() -> None:
    ex = extract(_statement("Support\nWe will provide €500 million to Ukraine for drones.",
                            url="https://www.defensie.nl/actueel/nieuws/x"))
    (p,) = ex.pledges
    assert p.donor and p.donor.key == "NLD" and p.currency == "EUR"


def test_evidence_offsets_are_exact() -> None:
    text = "Talks\nThe defence ministers of Estonia and Latvia met in Riga on 2 May 2025."
    ex = extract(_statement(text))
    for ev in ex.events:
        for span in ev.evidence:
            assert text[span.start:span.end] == span.quote


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_random_unicode_never_crashes(text: str) -> None:
    ex = extract(_statement(text))
    for ev in ex.events:
        for span in ev.evidence:
            assert text[span.start:span.end] == span.quote


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from([
    "France", "UK", "met", "£5bn", "<script>alert(1)</script>", "Minister", "Defence", "talks",
    "in", "Paris", "President", "Macron", "convened", "30", "countries", ",", "and", "tomorrow",
    "Secretary", "of", "State", "'s", "Mr", "counterpart", "his", "Polish", "-", "—", "\u2028",
]), max_size=400))
def test_word_salad_without_sentence_breaks_never_crashes(words: list[str]) -> None:
    extract(_statement(" ".join(words)))


def test_very_long_paragraph_without_breaks_is_cut_and_finishes() -> None:
    text = ("The Defence Secretary met his French counterpart and " * 4000) + "signed an agreement."
    ex = extract(_statement(text))
    for ev in ex.events:
        assert all(len(s.quote) <= 1500 for s in ev.evidence)


def test_markup_in_names_is_kept_as_text() -> None:
    ex = extract(_statement("Talks\nDefence Minister <b>Jan</b> Novak met President Bob "
                            "<script>x</script> in Prague."))
    json.dumps([p.name for p in ex.persons.values()])


def test_a_given_name_written_short_ends_no_sentence_but_a_surname_does() -> None:
    """"Ma." (names.yaml given_abbreviations) after an office or at a sentence's start is a given
    name written short, part of the name; after a word of a name it is a surname ("Jack Ma.")
    and its dot ends the sentence."""
    from defgraph.extract.text import sentences

    def split(text: str) -> list[str]:
        return [s.text for s in sentences(text)]

    assert split("Foreign Affairs Secretary Ma. Theresa Lazaro said the visit went well.") == [
        "Foreign Affairs Secretary Ma. Theresa Lazaro said the visit went well."]
    assert split("Ma. Lourdes Santiago attended. She left.") == ["Ma. Lourdes Santiago attended.", "She left."]
    assert split("The Prime Minister met the founder Jack Ma. Defence Minister Tim Ross spoke later.") == [
        "The Prime Minister met the founder Jack Ma.", "Defence Minister Tim Ross spoke later."]
    # after a given name, where the rest of a name follows it, closed by a comma: a given name too
    assert split("Vice Admiral Jose Ma. Ambrosio Ezpeleta, in Tokyo on Wednesday, met Y.") == [
        "Vice Admiral Jose Ma. Ambrosio Ezpeleta, in Tokyo on Wednesday, met Y."]
