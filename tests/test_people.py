"""People and states across statements: infer_states and infer_post_holders (pure functions)."""

from __future__ import annotations

from datetime import date

from defgraph.extract.people import (
    METHOD,
    PersonRecord,
    PostRecord,
    infer_post_holders,
    infer_states,
)


def _r(key: str, state: str | None, office: str | None, day: date, st: str, conf: float = 0.85) -> PersonRecord:
    return PersonRecord(key, key.replace("-", " ").title(), office, state, day, st, conf)


def test_a_state_said_in_one_statement_applies_where_it_is_not_said() -> None:
    recs = [_r("rajnath-singh", "IND", "Defence Minister", date(2025, 1, 10), "s1"),
            _r("rajnath-singh", None, None, date(2025, 2, 1), "s2")]
    infs = infer_states(recs)
    state = next(i for i in infs if i.field == "state")
    assert (state.statement, state.value, state.source_statement, state.method) == ("s2", "IND", "s1", METHOD)
    assert 0 < state.confidence <= 0.7
    office = next(i for i in infs if i.field == "office")
    assert office.value == "Defence Minister" and office.source_statement == "s1"


def test_nothing_is_inferred_where_the_statement_says_it() -> None:
    recs = [_r("a-b", "FRA", "Minister", date(2025, 1, 1), "s1"), _r("a-b", "FRA", "Minister", date(2025, 2, 1), "s2")]
    assert infer_states(recs) == []


def test_the_nearest_statement_in_time_is_the_source() -> None:
    recs = [_r("x-y", "EST", None, date(2023, 1, 1), "old"), _r("x-y", "EST", None, date(2025, 1, 1), "new"),
            _r("x-y", None, None, date(2025, 2, 1), "target")]
    (inf,) = infer_states(recs)
    assert inf.source_statement == "new"


def test_a_source_too_far_in_time_is_not_used() -> None:
    recs = [_r("x-y", "EST", None, date(2015, 1, 1), "old"), _r("x-y", None, None, date(2025, 2, 1), "target")]
    assert infer_states(recs) == []


def test_conflicting_sources_lower_confidence_and_a_minority_never_wins() -> None:
    agree = [_r("p-q", "NOR", None, date(2025, 1, d), f"s{d}") for d in (1, 2, 3)]
    target = _r("p-q", None, None, date(2025, 1, 10), "t")
    (sure,) = infer_states([*agree, target])
    conflict = [*agree, _r("p-q", "SWE", None, date(2025, 1, 9), "s9")]
    (unsure,) = infer_states([*conflict, target])
    assert unsure.value == "NOR"  # the weighted majority, not the one stray cue
    assert unsure.confidence < sure.confidence
    tie = [_r("p-q", "NOR", None, date(2025, 1, 1), "a"), _r("p-q", "SWE", None, date(2025, 1, 9), "b"),
           _r("p-q", "DNK", None, date(2025, 1, 8), "c")]
    assert infer_states([*tie, target]) == []  # no majority for the nearest: no guess


def test_weak_sources_are_not_used() -> None:
    recs = [_r("m-n", "UKR", None, date(2025, 1, 1), "s1", conf=0.5), _r("m-n", None, None, date(2025, 1, 5), "s2")]
    assert infer_states(recs) == []


def test_an_office_is_not_carried_past_a_successor() -> None:
    recs = [_r("old-minister", "DEU", "Defence Minister", date(2022, 6, 1), "s1"),
            _r("new-minister", "DEU", "Defence Minister", date(2023, 3, 1), "s2"),
            _r("old-minister", None, None, date(2023, 9, 1), "s3")]
    infs = infer_states(recs)
    assert [i.field for i in infs if i.person_key == "old-minister"] == ["state"]


def test_an_unnamed_post_is_named_by_a_later_statement() -> None:
    posts = [PostRecord("fra-minister-for-the-armed-forces", "Minister for the Armed Forces", "FRA",
                        date(2025, 3, 1), "p1")]
    recs = [_r("sebastien-lecornu", "FRA", "Minister for the Armed Forces", date(2025, 3, 20), "s1")]
    (h,) = infer_post_holders(posts, recs)
    assert (h.post_key, h.statement, h.person_key, h.source_statement) == (
        "fra-minister-for-the-armed-forces", "p1", "sebastien-lecornu", "s1")
    # two different holders near that date: a change of office, no guess
    recs.append(_r("someone-else", "FRA", "Minister for the Armed Forces", date(2025, 3, 5), "s2"))
    assert infer_post_holders(posts, recs) == []


def test_records_from_real_extractions() -> None:
    """(An invented name: a known holder would take the state of rules/people.yaml in both.)"""
    from defgraph.extract import extract
    from defgraph.extract.people import default_confidence, records_from_extraction
    from defgraph.model import Statement

    one = extract(Statement(text="Talks\nArun Varma, India's Defence Minister, met the Japanese Minister "
                                 "of Defense in Tokyo on 3 March 2025.", title="Talks", issued=date(2025, 3, 3)))
    two = extract(Statement(text="Visit\nOn 9 April 2025 the Prime Minister of Malaysia hosted President Ferdinand "
                                 "Marcos and Mr Arun Varma in Kuala Lumpur.", title="Visit",
                            issued=date(2025, 4, 9), publisher="Prime Minister's Office of Malaysia"))
    r1, _ = records_from_extraction(one, "s1")
    r2, _posts = records_from_extraction(two, "s2")
    assert any(r.person_key == "arun-varma" and r.state is None for r in r2)
    infs = infer_states(r1 + r2, base_confidence=default_confidence())
    state = next(i for i in infs if i.person_key == "arun-varma" and i.field == "state")
    assert (state.statement, state.value, state.source_statement) == ("s2", "IND", "s1")
