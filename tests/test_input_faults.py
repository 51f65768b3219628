"""The small input faults found by probing with hostile files, each with its regression test."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from defgraph.cli import main
from defgraph.extract import extract
from defgraph.ingest import IngestError, parse_html, parse_text, read_file
from defgraph.pipeline import KnowledgeGraph
from defgraph.query import load_query, run_query, terminal_safe, to_table
from defgraph.stores import OxigraphStore

REPO = Path(__file__).resolve().parents[1]
TALKS = ("The defence ministers of Poland and Lithuania met in Vilnius on 3 March 2025 to "
         "discuss air defence.")


def _ingest(tmp_path: Path, *files: Path, workers: int = 1) -> tuple[int, str, KnowledgeGraph]:
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["ingest", *map(str, files), "--store", str(store),
                                       "--workers", str(workers)])
    return result.exit_code, result.output, KnowledgeGraph(OxigraphStore(store, read_only=True))


def test_an_amount_of_more_than_28_digits_keeps_the_statement(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Support for Ukraine\nThe United Kingdom will provide £" + "1" * 40 +
                    " and £4.5 billion to Ukraine, the minister said in London on 3 March 2025.\n",
                    encoding="utf-8")
    (st,) = read_file(path)
    ex = extract(st)  # no decimal.InvalidOperation
    assert [p.amount for p in ex.pledges] == [4_500_000_000]
    code, output, kg = _ingest(tmp_path, path)
    assert code == 0, output
    assert kg.query("SELECT (COUNT(*) AS ?n) { ?s a dg:Statement }")[0]["n"] == 1


def test_a_day_without_a_year_in_an_undated_statement_takes_no_year() -> None:
    (st,) = parse_text("Talks in Vilnius\nThe defence ministers of Poland and Lithuania met in "
                       "Vilnius on 3 March to discuss air defence.\n", "undated.txt")
    assert st.issued is None
    ex = extract(st)
    assert ex.events and all(e.date is None for e in ex.events)
    dated = extract(parse_text(" date 2024-03-10 Example Ministry\nTalks\n" + TALKS.replace(
        " 2025", "") + "\n", "dated.txt")[0])
    assert {e.date for e in dated.events} == {date(2024, 3, 3)}  # from the statement's date


def _without_dac(args: list[str]) -> list[str]:
    """Run as root without the capability to read any file, so file permissions count."""
    if os.geteuid() != 0:
        return args
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *args]


@pytest.mark.parametrize("workers", [1, 2])
def test_an_unreadable_file_on_the_command_line_does_not_stop_the_batch(tmp_path: Path,
                                                                        workers: int) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Talks in Vilnius\n" + TALKS + "\n", encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text("Talks\n" + TALKS + "\n", encoding="utf-8")
    locked.chmod(0)
    shut = tmp_path / "shut"
    shut.mkdir()
    (shut / "inside.txt").write_text("Talks\n" + TALKS + "\n", encoding="utf-8")
    shut.chmod(0)
    store = tmp_path / "store"
    try:
        done = subprocess.run(_without_dac([
            sys.executable, "-m", "defgraph.cli", "ingest", str(locked), str(shut / "inside.txt"),
            str(good), "--store", str(store), "--workers", str(workers)]),
            capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "200"},
            check=False)
    finally:
        shut.chmod(0o755)
    assert done.returncode == 1, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error ")]
    assert len(errors) == 2 and all("permission denied" in e for e in errors), done.stderr
    kg = KnowledgeGraph(OxigraphStore(store, read_only=True))
    assert kg.query("SELECT (COUNT(*) AS ?n) { ?s a dg:Statement }")[0]["n"] == 1


@pytest.mark.parametrize("name", ["[/x]nothing.txt", "report[v2].txt", "[bold]loud[/bold].txt",
                                  "bell\x07and\x1b[31mred.txt", "rtl\u202eexe.txt"])
def test_error_lines_print_names_as_they_are(tmp_path: Path, name: str) -> None:
    bad = tmp_path / name
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"")  # empty: an error line naming it
    code, output, _ = _ingest(tmp_path, bad)
    assert code == 1
    line = next(line for line in output.splitlines() if line.startswith("error"))
    assert terminal_safe(name) in line
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output


def test_names_in_query_tables_are_text_not_markup(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_text("Talks [/x] with \x1b[2Jsomeone [bold]loud[/bold]\n" + TALKS + "\n",
                    encoding="utf-8")
    code, output, kg = _ingest(tmp_path, path)
    assert code == 0, output
    location = kg.store.location
    kg.close()
    result = CliRunner().invoke(main, ["query", "statements_list", "--store", location])
    assert result.exit_code == 0, result.output  # markup in a title no longer crashes the table
    assert "\x1b" not in result.output
    reading = OxigraphStore(location, read_only=True)
    console = Console(width=400, file=io.StringIO(), color_system=None)
    console.print(to_table(run_query(reading, load_query("statements_list"), {})))
    reading.close()
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Talks [/x] with \\x1b[2Jsomeone [bold]loud[/bold]" in printed


def test_a_nul_byte_after_the_first_8_kb_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "late-nul.txt"
    path.write_bytes(("Talks\n" + TALKS + "\n" + "More text about the talks.\n" * 400).encode()
                     + b"\x00tail\n")
    assert path.stat().st_size > 8192
    with pytest.raises(IngestError, match="NUL byte at offset"):
        read_file(path)
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(("Talks\n" + TALKS + "\x00\n").encode("utf-16"))
    with pytest.raises(IngestError, match="NUL"):
        read_file(utf16)


def test_aggregator_titles_are_shortened() -> None:
    long_title = "Ministers meet " + "and talk at length " * 60
    text = (f" date 2024-05-02 Example Ministry\n|Printable version\n{long_title}\n{TALKS}\n"
            f"Original article link: https://example.org/a\nLatest News from Example Ministry\n"
            f"{long_title}02/05/2024 10:00:00\nA summary.\n")
    main_st, item = parse_text(text, "agg.txt")
    for st in (main_st, item):
        assert st.title and len(st.title) <= 200 and long_title.startswith(st.title)
        assert not st.title.endswith(" ")


@pytest.mark.parametrize("depth", [300, 3000])
@pytest.mark.parametrize("tag", ["div", "span", "p"])
def test_html_nested_deeper_than_256_levels_is_read(depth: int, tag: str) -> None:
    page = ("<html><head><title>Talks in Vilnius</title></head><body>" + f"<{tag}>" * depth +
            f"<p>{TALKS}</p>" + f"</{tag}>" * depth + "</body></html>")
    (st,) = parse_html(page.encode(), "deep.html")
    assert TALKS in st.text and st.title == "Talks in Vilnius"


def test_impossible_digest_stamps_are_not_stamps() -> None:
    text = (" date 2024-05-02 Example Ministry\nTitle\nBody of the statement.\n"
            "Latest News from Example Ministry\n"
            "Headline one02/05/2024 10:00:00\nSummary one.\n"
            "Headline two99/99/9999 25:61:61\nSummary two.\n"
            "Headline three01/05/2024 24:00:00\n"
            "Headline four01/05/2024 09:00:00\n")
    _main, *items = parse_text(text, "d.txt")
    assert [(s.title, s.issued) for s in items] == [
        ("Headline one", date(2024, 5, 2)), ("Headline four", date(2024, 5, 1))]
    assert not any(s.issued is None for s in items)


def test_tables_in_80_columns_keep_numbers_whole(tmp_path: Path) -> None:
    kg = KnowledgeGraph(":memory:")
    kg.ingest(REPO / "data" / "statements", workers=1)
    result = run_query(kg.store, load_query("pledges_by_donor"), {})
    console = Console(width=80, file=io.StringIO(), color_system=None)
    console.print(to_table(result, title="pledges"))
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    totals = [r["total"] for r in kg.query("pledges_by_donor")]
    assert totals and max(len(str(t)) for t in totals) >= 10
    for total in totals:
        assert re.search(rf"(?<![\d]){total}(?![\d])", printed), (total, printed)


def test_a_whole_document_on_one_line_that_starts_like_a_digest_header_is_text() -> None:
    """A digest's header line is short; a long line that begins 'date YYYY-MM-DD' is the text."""
    sentence = ("The defence ministers of Norway and Finland met in Oslo on 3 March 2025 "
                "and agreed to hold joint exercises. ")
    one_line = "date 2025-03-03 Ministry of Defence " + sentence * 40
    statements = parse_text(one_line, "one-line.txt")
    assert len(statements) == 1
    assert "joint exercises" in statements[0].text
    short = "date 2025-03-03 Ministry of Defence\nNorway and Finland met in Oslo.\n"
    digest = parse_text(short, "digest.txt")
    assert len(digest) == 1 and digest[0].issued == date(2025, 3, 3)
