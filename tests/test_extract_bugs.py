"""Regression tests for confirmed extraction bugs (issue 9): each failed before its fix."""

from __future__ import annotations

from datetime import date

from defgraph.extract import extract
from defgraph.extract.dates import find_dates, find_first_date
from defgraph.model import Statement
from defgraph.vocab import slug


def _statement(text: str, issued: date | None = date(2025, 4, 14)) -> Statement:
    return Statement(text=text, title=text.split("\n")[0], issued=issued)


def test_and_in_a_list_of_demonyms_names_both_states() -> None:
    ex = extract(_statement("Engineers train together\nDanish and Dutch engineers met in "
                            "Copenhagen on 3 March 2025 to plan a joint bridging course."))
    (ev,) = ex.events
    states = {r.key for r in ev.participants if r.kind == "country"}
    assert {"DNK", "NLD"} <= states


def test_ampersand_in_a_list_of_demonyms_names_both_states() -> None:
    ex = extract(_statement("Talks\nFinnish & Estonian officers met in Helsinki on 4 March 2025."))
    (ev,) = ex.events
    assert {"FIN", "EST"} <= {r.key for r in ev.participants if r.kind == "country"}


def test_undated_statement_gets_no_year_from_the_machine() -> None:
    text = "Ministers met in Oslo on 12 June to discuss air defence."
    assert find_dates(text, None) == []
    assert find_first_date(text) is None
    ex = extract(_statement("Talks in Oslo\nThe Norwegian and Swedish defence ministers met "
                            "in Oslo on 12 June.", issued=None))
    assert all(e.date is None for e in ex.events)


def test_a_dated_statement_still_infers_the_year() -> None:
    (d,) = find_dates("They met on 12 June.", date(2025, 6, 20))
    assert d.date == date(2025, 6, 12)


def test_slug_keeps_letters_that_nfkd_does_not_decompose() -> None:
    assert slug("Władysław Kosiniak-Kamysz") == "wladyslaw-kosiniak-kamysz"
    assert slug("Jørgen Straße") == "jorgen-strasse"
    assert slug("Đorđe Ærø") == "dorde-aero"
    assert slug("Pål Jonson") == "pal-jonson"


def test_slug_is_unchanged_for_ascii_names() -> None:
    for name in ("John Healey", "Pete Hegseth", "Lloyd J. Austin III", "Gen Nakatani"):
        expected = "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())
        assert slug(name) == expected


def test_person_iri_of_a_name_with_l_stroke_keeps_the_letter() -> None:
    ex = extract(_statement("Talks\nDefence Secretary John Healey met his Polish counterpart, "
                            "Władysław Kosiniak-Kamysz, in Warsaw on 15 January 2025."))
    assert "wladyslaw-kosiniak-kamysz" in ex.persons


def test_amount_restated_in_another_currency_is_no_pledge() -> None:
    """'EUR 12 million (about USD 13 million)' and 'equivalent to about USD 13 million' restate an
    amount; only the first is money given."""
    from defgraph.extract.money import find_money

    text = ("Finland will give EUR 12 million (about USD 13 million) to Ukraine. The sum, equivalent "
            "to about USD 13 million, comes from the budget.")
    assert [(str(m.amount), m.currency) for m in find_money(text)] == [("12000000", "EUR")]
    st = Statement(text="Finnish aid\n" + text, title="Finnish aid", issued=date(2025, 3, 3))
    assert [(str(p.amount), p.currency) for p in extract(st).pledges] == [("12000000", "EUR")]


def test_amounts_in_words_and_hyphenated() -> None:
    from defgraph.extract.money import find_money

    got = [(str(m.amount), m.currency) for m in find_money(
        "a 1-billion-euro package, forty-five million pounds and one hundred and twenty million NOK; "
        "two million people")]
    assert got == [("1000000000", "EUR"), ("45000000", "GBP"), ("120000000", "NOK")]
