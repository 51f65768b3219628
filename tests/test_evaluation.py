"""`defgraph evaluate`: the development and test parts scored per category, mismatches written,
and each figure of each part held at its recorded score minus 0.02 (tests/evaluation_floors.json,
rewritten by `defgraph evaluate --write-floors tests/evaluation_floors.json`)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from defgraph.cli import main
from defgraph.evaluate import CATEGORIES, WEIGHTS, Evaluation, default_parts, evaluate, floors

ROOT = Path(__file__).resolve().parents[1]
FLOORS = json.loads((Path(__file__).resolve().parent / "evaluation_floors.json").read_text(encoding="utf-8"))


@cache
def _scored(part: str) -> Evaluation:
    return evaluate(default_parts(ROOT / "data")[part])


@pytest.mark.parametrize("part", sorted(FLOORS["parts"]))
def test_each_figure_of_each_part_holds_its_floor(part: str) -> None:
    if part not in default_parts(ROOT / "data"):
        pytest.fail(f"the floors name a {part} part but data/ has no gold file for it")
    figures = _scored(part).figures()
    low = {k: (figures[k], floor) for k, floor in FLOORS["parts"][part].items() if figures[k] < floor}
    assert low == {}, f"{part}: below the floor (score, floor): {low}"


def test_floors_cover_every_category_of_both_parts() -> None:
    assert set(FLOORS["parts"]) == {"dev", "test"}
    for figures in FLOORS["parts"].values():
        assert set(CATEGORIES) | {"overall", "person_state_accuracy", "event_recall"} <= set(figures)


def test_overall_is_the_weighted_mean_of_the_categories() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    ev = _scored("dev")
    assert ev.overall == pytest.approx(sum(WEIGHTS[c] * ev.scores[c].f1 for c in CATEGORIES))
    written = floors({"dev": ev})["parts"]["dev"]
    assert written["overall"] == pytest.approx(round(ev.overall, 3) - 0.02, abs=1e-3)


def _mini_gold(tmp_path: Path) -> Path:
    (tmp_path / "statements").mkdir()
    (tmp_path / "statements" / "one.txt").write_text(
        "Ministers meet in Oslo\nThe Norwegian and Polish defence ministers met in Oslo on 3 February 2025. "
        "Norway will provide NOK 300 million to Ukraine.\n", encoding="utf-8")
    gold = {"statements": [{
        "file": "statements/one.txt", "title": "Ministers meet in Oslo",
        "events": [{"type": "Meeting", "date": "2025-02-03", "place": "Oslo", "participants": ["NOR", "POL"],
                    "planned": False},
                   {"type": "Visit", "date": "2025-02-04", "participants": ["NOR", "SWE"]}],
        "persons": [],
        "pledges": [{"amount": "300000000", "currency": "NOK", "donor": "NOR", "recipient": "UKR"}],
        "countries": ["NOR", "POL", "UKR", "SWE"]}]}
    path = tmp_path / "expected.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    return path


def test_a_missed_event_and_a_missing_state_are_counted_and_written(tmp_path: Path) -> None:
    ev = evaluate(_mini_gold(tmp_path))
    assert (ev.scores["events"].tp, ev.scores["events"].fn) == (1, 1)
    assert ev.event_recall == 0.5
    assert ev.scores["pledges"].tp == 1
    assert ev.scores["states"].fn == 1  # SWE
    (err,) = ev.errors
    assert err["missed_events"][0]["type"] == "Visit"
    assert err["participant_states"]["missing"] == ["SWE"]


def test_a_wrong_end_date_is_counted_and_written(tmp_path: Path) -> None:
    path = _mini_gold(tmp_path)
    gold = json.loads(path.read_text(encoding="utf-8"))
    gold["statements"][0]["events"][0]["end_date"] = "2025-02-05"  # the text tells one day only
    path.write_text(json.dumps(gold), encoding="utf-8")
    ev = evaluate(path)
    assert ev.detail("event end date").fn == 1
    (err,) = ev.errors
    assert err["event_end_date"] == [{"type": "Meeting", "date": "2025-02-03", "gold": "2025-02-05", "got": None}]


def test_cli_scores_both_parts_and_writes_mismatches_and_floors(tmp_path: Path) -> None:
    (tmp_path / "dev_root").mkdir()
    dev = _mini_gold(tmp_path / "dev_root")
    test_dir = dev.parent / "test"
    test_dir.mkdir()
    test = _mini_gold(test_dir)
    errors, floors_file = tmp_path / "mismatches.json", tmp_path / "floors.json"
    result = CliRunner().invoke(main, ["evaluate", str(dev), "--errors", str(errors),
                                       "--write-floors", str(floors_file), "--format", "json"])
    assert result.exit_code == 0, result.output
    scored = json.loads(result.output)
    assert set(scored) == {"dev", "test"} and test.is_file()
    assert scored["test"]["event_recall"] == 0.5
    written = json.loads(errors.read_text(encoding="utf-8"))
    assert set(written) == {"dev", "test"} and written["test"][0]["missed_events"]
    assert json.loads(floors_file.read_text(encoding="utf-8"))["parts"]["dev"]["event_recall"] == 0.48


def test_cli_table_names_both_parts(tmp_path: Path) -> None:
    dev = _mini_gold(tmp_path)
    result = CliRunner().invoke(main, ["evaluate", str(dev), "--test", str(dev)])
    assert result.exit_code == 0, result.output
    assert "dev F1" in result.output and "test F1" in result.output and "event recall" in result.output


def test_a_gold_entry_naming_a_missing_statement_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "expected.json"
    path.write_text(json.dumps({"statements": [{"file": "nope.txt", "title": "x"}]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", str(path)])
    assert result.exit_code != 0 and "nope.txt" in result.output


def test_a_name_in_another_order_is_the_same_person() -> None:
    """The gold writes a surname first as the text does ("KATO Hiroshi"); the graph stores the
    usual order ("Hiroshi Kato"): one person, not a miss and an extra."""
    from defgraph.evaluate import Evaluation, _match_persons, _norm_name
    ev = Evaluation()
    err: dict[str, object] = {}
    _match_persons([{"name": "KATO Hiroshi", "country": "JPN"}],
                   {(_norm_name("Hiroshi Kato"), "JPN", None), (_norm_name("Hiroshi Sato"), "JPN", None)}, ev, err)
    assert err == {"extra_persons": ["hiroshi-sato"]}
    assert ev.state_right == 1
