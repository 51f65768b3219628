"""Tests for defgraph.ingest: files in, Statement objects (or one Failure per bad file) out."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defgraph import ingest
from defgraph.ingest import (
    MAX_BYTES,
    Failure,
    IngestError,
    iter_paths,
    iter_statements,
    parse_html,
    parse_text,
    read_file,
)
from defgraph.model import Statement

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture
def seed(real_seed: Path) -> Path:
    """The project's original seed: its tests skip on a clone without it (see conftest)."""
    return real_seed


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _normalised(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# --- the seed ---------------------------------------------------------------------------

SEED_ITEMS = [
    (
        (
            "£450M surge of military support to boost Ukraine's Armed Forces as UK and Germany "
            "chair meeting of 50 nations"
        ),
        date(2025, 4, 11),
    ),
    ("New British Army robotic mine plough aims to better shield soldiers from danger",
     date(2025, 4, 11)),
    ("UK and France convene first Defence Ministers' Ukraine Coalition of the Willing meeting",
     date(2025, 4, 10)),
    (
        (
            "Royal Navy aircraft carrier in final preparation to lead multinational deployment "
            "to Mediterranean and Indo-Pacific"
        ),
        date(2025, 4, 10),
    ),
    ("UK-Kenya defence partnership deepened during Defence Secretary visit to Nairobi",
     date(2025, 4, 9)),
    ("Defence Secretary meets family of the late Agnes Wanjiru in Kenya", date(2025, 4, 8)),
    ("UK and US hit major milestone in development of hypersonic weapons", date(2025, 4, 7)),
    (
        (
            "Cadet experience gives youngsters a clear advantage at work and further education, "
            "new study finds"
        ),
        date(2025, 4, 7),
    ),
]  # fmt: skip


def test_seed_gives_main_statement_and_eight_digest_items(seed: Path) -> None:
    statements = read_file(seed)
    assert len(statements) == 9
    main, items = statements[0], statements[1:]
    assert main.title == (
        "Coalition of the Willing: Joint UK-France statement following 10 April meeting"
    )
    assert main.issued == date(2025, 4, 14)
    assert main.source_url == (
        "https://www.gov.uk/government/news/"
        "coalition-of-the-willing-joint-uk-france-statement-following-10-april-meeting"
    )
    assert [(s.title, s.issued) for s in items] == SEED_ITEMS
    for s in statements:
        assert s.publisher == "Ministry of Defence"
        assert s.source_file == str(seed)
    assert all(s.source_url is None for s in items)


def test_seed_main_text_is_title_standfirst_and_body_only(seed: Path) -> None:
    lines = _normalised(seed.read_text(encoding="utf-8")).split("\n")
    main = read_file(seed)[0]
    assert main.text.startswith(main.title or "")
    assert lines[3] in main.text  # the standfirst
    link = next(i for i, line in enumerate(lines) if line.startswith("Original article link"))
    assert lines[link - 5] == "Invasion of Ukraine"  # a heading and 4 related links
    assert main.text == "\n".join(lines[2 : link - 5])  # title, standfirst, body: verbatim
    for dropped in ("date 2025-04-14", "Printable version", "Original article link",
                    "Latest News from", "UK visa support", "Invasion of Ukraine",
                    "11/04/2025", "mine plough"):  # fmt: skip
        assert dropped not in main.text
    assert "Ukraine’s security" in main.text  # original characters kept


def test_seed_digest_item_text_is_headline_and_summary(seed: Path) -> None:
    lines = _normalised(seed.read_text(encoding="utf-8")).split("\n")
    first_item = read_file(seed)[1]
    headline_line = next(line for line in lines if line.startswith("£450M"))
    summary = lines[lines.index(headline_line) + 1]
    assert first_item.text == f"{SEED_ITEMS[0][0]}\n{summary.strip()}"


# --- our own statement in the seed's shape (tests/data/seedlike) ------------------------

OWN_ITEMS = [
    ("Poland and Lithuania hold talks in Vilnius on border air defence", date(2024, 10, 18)),
    ("Army engineers test a new folding bridge for wet ground", date(2024, 10, 18)),
    (("Germany and the Netherlands convene first ministers' meeting of the Maritime Support "
     "Coalition"), date(2024, 10, 17)),
    ("Navy survey ship returns from a year of charting northern waters", date(2024, 10, 17)),
    ("Defence partnership with Ghana grows as minister visits Accra", date(2024, 10, 16)),
    ("Minister lays wreath at memorial for fallen peacekeepers", date(2024, 10, 15)),
    ("Research programme on drone batteries reaches its second stage", date(2024, 10, 14)),
    ("Reserve service gives employers better trained staff, survey finds", date(2024, 10, 14)),
]  # fmt: skip


def test_seedlike_gives_main_statement_and_eight_digest_items(seed_file: Path) -> None:
    statements = read_file(seed_file)
    assert len(statements) == 9
    main, items = statements[0], statements[1:]
    assert main.title == (
        "Maritime Support Coalition: Joint Germany-Netherlands statement after the 17 October meeting"
    )
    assert main.issued == date(2024, 10, 21)
    assert main.source_url == (
        "https://www.example.gov/news/maritime-support-coalition-joint-statement-17-october"
    )
    assert [(s.title, s.issued) for s in items] == OWN_ITEMS
    assert {s.publisher for s in statements} == {"Ministry of Defence"}
    assert all(s.source_url is None for s in items)


def test_seedlike_main_text_is_title_standfirst_and_body_only(seed_file: Path) -> None:
    lines = _normalised(seed_file.read_text(encoding="utf-8")).split("\n")
    main = read_file(seed_file)[0]
    assert main.text.startswith(main.title or "")
    assert lines[3] in main.text  # the standfirst
    link = next(i for i, line in enumerate(lines) if line.startswith("Original article link"))
    assert lines[link - 5] == "Maritime security"  # a heading and 4 related links
    assert main.text == "\n".join(lines[2 : link - 5])  # title, standfirst, body: verbatim
    for dropped in ("date 2024-10-21", "Printable version", "Original article link",
                    "Latest News from", "ships' masters", "Maritime security",
                    "18/10/2024", "folding bridge"):  # fmt: skip
        assert dropped not in main.text
    assert "€300 million" in main.text  # original characters kept


def test_seedlike_digest_item_text_is_headline_and_summary(seed_file: Path) -> None:
    lines = _normalised(seed_file.read_text(encoding="utf-8")).split("\n")
    first_item = read_file(seed_file)[1]
    headline_line = next(line for line in lines if line.startswith(OWN_ITEMS[0][0]))
    summary = lines[lines.index(headline_line) + 1]
    assert first_item.text == f"{OWN_ITEMS[0][0]}\n{summary.strip()}"


# --- aggregated plain text of the seed's shape (own fixture) ----------------------------


def test_aggregated_fixture() -> None:
    path = DATA / "aggregated.txt"
    main, *items = read_file(path)
    assert main.title == "Defence ministers of five northern states meet in Tallinn"
    assert main.issued == date(2024, 11, 5)
    assert main.publisher == "Example Defence Ministry"
    assert main.source_url == "https://example.org/news/northern-ministers-tallinn"
    # a bullet list inside the body is content; the trailing related-links block is not
    assert "- 12 instructor teams\n- 3 field exercises" in main.text
    assert main.text.endswith("Officials will meet again in the spring to review progress.")
    assert "Regional security" not in main.text and "press office" not in main.text
    assert [(s.title, s.issued) for s in items] == [
        ("New training centre opens near the coast", date(2024, 11, 4)),
        ("Minister visits troops on exercise in the north", date(2024, 11, 1)),
        ("Annual report on equipment published", date(2024, 10, 31)),
    ]
    assert items[1].text == "Minister visits troops on exercise in the north"  # no summary
    assert items[2].text == (
        "Annual report on equipment published\n"
        "The yearly report sets out what the armed forces bought and maintained."
    )
    # "Latest News from X" on one line names the digest's publisher
    assert {s.publisher for s in items} == {"Example Defence Ministry"}


def test_crlf_and_bom_give_the_same_statements(tmp_path: Path) -> None:
    raw = (DATA / "aggregated.txt").read_bytes()
    copy = _write(tmp_path / "crlf.txt", b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"))
    original = read_file(DATA / "aggregated.txt")
    assert read_file(copy) == [replace(s, source_file=str(copy)) for s in original]
    assert all("\r" not in s.text and "\ufeff" not in s.text for s in read_file(copy))


@pytest.mark.parametrize(
    "ending",
    [
        "Key points\n- 12 patrol boats\n- 400 instructors",  # figures: content
        "The package covers:\n- patrol boats\n- instructors",  # heading ends with ':'
        "What was agreed\n- The ministers met. They agreed a plan\n- More training",  # sentences
    ],
)
def test_trailing_content_bullets_are_kept(ending: str) -> None:
    text = f" date 2024-01-02 Some Ministry\nTitle line\nStandfirst line.\nBody.\n{ending}\n"
    (main,) = parse_text(text)
    assert main.text.endswith(ending)


def test_digest_publisher_on_next_line_and_missing() -> None:
    text = (
        "date 2024-01-02 Header Ministry\nTitle\nBody.\n"
        "Latest News from\n\nOther Ministry\nHeadline one02/01/2024 10:00:00\nSummary one.\n"
    )
    _main, item = parse_text(text, "x.txt")
    assert item.publisher == "Other Ministry" and item.title == "Headline one"
    assert item.issued == date(2024, 1, 2) and item.source_file == "x.txt"
    no_name = parse_text("date 2024-01-02 Header Ministry\nTitle\nBody.\nLatest News from\n"
                         "Headline31/02/2024 10:00:00\n")  # fmt: skip
    assert no_name[1].publisher == "Header Ministry"
    assert no_name[1].issued is None  # 31 February is no date


def test_a_heading_over_dated_headlines_opens_a_digest() -> None:
    text = (
        " date 2024-05-06 Gazette Ministry\nMinister hosts counterpart\n"
        "The two ministers met on Monday and agreed to train together.\n"
        "Also in the news\n"
        "Chief of Staff receives envoy 03/05/2024\nThe envoy paid a courtesy call.\n"
        "\nNew barracks opened 02/05/2024 09:30\nRecruits moved in on Thursday.\n"
    )
    main, first, second = parse_text(text, "g.txt")
    assert main.text.endswith("agreed to train together.")  # the items are not in the story
    assert (first.title, first.issued, first.publisher) == (
        "Chief of Staff receives envoy", date(2024, 5, 3), "Gazette Ministry")
    assert first.text == "Chief of Staff receives envoy\nThe envoy paid a courtesy call."
    assert (second.title, second.issued) == ("New barracks opened", date(2024, 5, 2))


@pytest.mark.parametrize(
    "body",
    [
        # a dated byline under the title, before any sentence of the story
        "Published\nBy staff 06/05/2024\nThe ministers met on Monday.\n",
        # a sentence that ends in a date is not a headline
        "The ministers met.\nMore\nThe accord was signed on 06/05/2024.\n",
        # a heading followed by an undated line
        "The ministers met.\nAlso in the news\nRecruits sworn in\n",
    ],
)
def test_lines_that_only_look_like_a_headed_digest_stay_in_the_story(body: str) -> None:
    (main,) = parse_text(f" date 2024-05-06 Gazette Ministry\nTitle\n{body}")
    assert main.text.endswith(body.rstrip("\n"))


def test_digest_opened_by_a_bare_heading_with_day_stamps() -> None:
    # a site's other items under a bare heading ("News", "Also in the news"), each headline ending
    # in the day alone, are statements of their own (batches yb and ye: ye13's three items)
    text = (
        " date 2025-03-13 Finnish Border Guard\n|Printable version\nChief visited Estonia\n"
        "The Chief of the Border Guard visited Tallinn on Tuesday.\nNews\n"
        "Joint exercise in the Sea of Aland 07/03/2025\nThe two services trained on Wednesday.\n"
        "New border guards graduated 03/03/2025\nSixty-two graduated on Friday.\n"
    )
    main, first, second = parse_text(text, "x.txt")
    assert main.text.endswith("on Tuesday.") and main.issued == date(2025, 3, 13)
    assert (first.title, first.issued) == ("Joint exercise in the Sea of Aland", date(2025, 3, 7))
    assert second.text == "New border guards graduated\nSixty-two graduated on Friday."
    assert first.publisher == "Finnish Border Guard"
    # a heading before a line that is a sentence, or with nothing after it, opens no digest
    plain = " date 2025-03-13 X\nTitle\nBody.\nNews\nThe talks were held on 07/03/2025.\nMore text.\n"
    assert len(parse_text(plain)) == 1


def test_header_only_gives_no_statement(tmp_path: Path) -> None:
    assert parse_text(" date 2024-01-02 Some Ministry\n|Printable version\n") == []
    with pytest.raises(IngestError, match="no statement text"):
        read_file(_write(tmp_path / "h.txt", b" date 2024-01-02 Some Ministry\n"))


# --- other plain text -------------------------------------------------------------------


def test_plain_text_without_header() -> None:
    path = DATA / "plain.txt"
    (s,) = read_file(path)
    assert s.title == "Joint statement on maritime security cooperation"
    assert s.issued == date(2025, 3, 3)
    assert s.publisher == "Example Foreign Office"
    assert s.source_url is None
    assert s.text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2025-04-14", date(2025, 4, 14)),
        ("14 April 2025", date(2025, 4, 14)),
        ("April 14, 2025", date(2025, 4, 14)),
        ("Apr. 14, 2025", date(2025, 4, 14)),
        ("Feb. 14, 2025", date(2025, 2, 14)),
        ("14/04/2025", date(2025, 4, 14)),
        ("3rd September 2024", date(2024, 9, 3)),
        ("31/02/2025 then 01/03/2025", date(2025, 3, 1)),  # an impossible date is skipped
        ("no date at all", None),
    ],
)
def test_plain_text_dates(written: str, expected: date | None) -> None:
    (s,) = parse_text(f"A title\nIssued {written} by the office.\nBody text.")
    assert s.issued == expected


def test_plain_text_date_only_near_the_start() -> None:
    (s,) = parse_text("A title\n" + "word " * 200 + "\n14 April 2025")
    assert s.issued is None


def test_plain_text_source_line_and_markdown_title() -> None:
    text = "# Briefing on the summit\n\nSource: Example Office\nURL: https://example.com/a\nBody."
    (s,) = parse_text(text)
    assert s.title == "Briefing on the summit"
    assert s.publisher == "Example Office"
    assert s.source_url == "https://example.com/a"
    assert s.text == text


# --- HTML -------------------------------------------------------------------------------


def test_html_with_metadata_drops_boilerplate() -> None:
    (s,) = read_file(DATA / "page.html")
    assert s.title == "Ministers meet in Oslo"
    assert s.issued == date(2024, 3, 5)
    assert s.source_url == "https://example.org/news/oslo-meeting"  # canonical before og:url
    assert s.publisher == "Example Ministry of Defence"
    assert s.text.startswith("Ministers meet in Oslo\n")
    assert "common school" in s.text
    for boilerplate in ("cookies", "Browse topics", "Contact us", "email alerts", "Privacy notice"):
        assert boilerplate not in s.text


def test_html_without_og_tags_prepends_the_title() -> None:
    (s,) = read_file(DATA / "page-minimal.html")
    assert s.title == "Coastal patrol agreement signed"
    assert s.text.startswith("Coastal patrol agreement signed\n")
    assert s.issued == date(2024, 6, 18)
    assert s.source_url == "https://example.net/releases/coastal-patrol"
    assert s.publisher is None
    assert "Releases" not in s.text and "combined squadron" in s.text


def test_html_sniffed_whatever_the_suffix(tmp_path: Path) -> None:
    path = _write(tmp_path / "saved.txt", (DATA / "page.html").read_bytes())
    (s,) = read_file(path)
    assert s.title == "Ministers meet in Oslo" and "<p" not in s.text


def test_html_in_declared_legacy_charset(tmp_path: Path) -> None:
    page = (DATA / "page.html").read_text(encoding="utf-8")
    page = page.replace('charset="utf-8"', 'charset="windows-1252"').replace(
        "Tuesday", "Tuesday café"
    )
    (s,) = read_file(_write(tmp_path / "legacy.html", page.encode("cp1252")))
    assert "Tuesday café" in s.text


def test_html_with_no_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "blank.html",
        b"<!doctype html><html><head><title>x</title><script>var a = 1;</script></head>"
        b"<body>  </body></html>",
    )
    with pytest.raises(IngestError, match="no readable text in the page") as err:
        read_file(path)
    assert err.value.path == str(path)
    with pytest.raises(IngestError, match="no readable text"):
        parse_html(b"<html><body></body></html>")


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b" \n\t\r\n ", "empty file"),
        (b"\xef\xbb\xbf\n", "empty file"),
        (b"some text\x00\x01\x02 more", r"binary file \(contains NUL bytes\), not a statement"),
        (b"%PDF-1.7\n1 0 obj", r"binary file \(PDF\), not a statement"),
        (b"\x89PNG\r\n\x1a\n....", r"binary file \(PNG image\), not a statement"),
        (b"PK\x03\x04rest", r"binary file \(ZIP"),
        (b"caf\xe9 au lait", "not valid UTF-8 at byte 3; re-save the file as UTF-8"),
        (b"\xef\xbb\xbfcaf\xe9", "not valid UTF-8 at byte 6"),
    ],
)
def test_bad_files(tmp_path: Path, data: bytes, message: str) -> None:
    path = _write(tmp_path / "bad.txt", data)
    with pytest.raises(IngestError, match=message) as err:
        read_file(path)
    assert err.value.path == str(path)
    assert str(err.value).startswith(str(path))
    assert "\n" not in str(err.value)


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "wide.txt", "A title\nBody about Tallinn.\n".encode("utf-16"))
    (s,) = read_file(path)
    assert s.title == "A title" and s.text == "A title\nBody about Tallinn.\n"


def test_file_above_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:  # sparse: no 21 MB written
        fh.seek(21 * 1024 * 1024 - 1)
        fh.write(b"x")
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(IngestError, match="file is 21.0 MB, above the 20 MB limit"):
        read_file(path)


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_file(tmp_path / "missing.txt")
    with pytest.raises(IngestError, match="is a folder, not a file"):
        read_file(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_permission_denied(tmp_path: Path) -> None:
    path = _write(tmp_path / "secret.txt", b"A title\nBody.")
    path.chmod(0)
    try:
        with pytest.raises(IngestError, match="permission denied"):
            read_file(path)
    finally:
        path.chmod(0o644)


def test_trafilatura_failure_is_an_ingest_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(markup: str, label: str) -> object:
        raise IngestError(label, "could not extract text from the page (boom)")

    monkeypatch.setattr(ingest, "_extract", broken)
    (failure,) = iter_statements([DATA / "page.html"])
    assert failure == Failure(
        str(DATA / "page.html"), "could not extract text from the page (boom)"
    )


# --- folders ----------------------------------------------------------------------------


def _mixed_folder(root: Path) -> dict[str, Path]:
    files = {
        "good": _write(root / "a-good.txt", (DATA / "plain.txt").read_bytes()),
        "page": _write(root / "sub" / "page.HTML", (DATA / "page.html").read_bytes()),
        "empty": _write(root / "b-empty.txt", b""),
        "binary": _write(root / "c-binary.md", b"abc\x00def"),
        "latin1": _write(root / "sub" / "d-latin1.text", b"caf\xe9 statement"),
        "nohtml": _write(root / "e-blank.htm", b"<html><body><script>x()</script></body></html>"),
    }
    _write(root / ".hidden.txt", b"never read")
    _write(root / ".git" / "notes.txt", b"never read")
    _write(root / "notes.pdf", b"%PDF-1.4")  # wrong suffix: skipped in a folder
    return files


def test_folder_mixing_good_and_bad_files(tmp_path: Path) -> None:
    files = _mixed_folder(tmp_path)
    results = list(iter_statements([tmp_path]))
    statements = [r for r in results if isinstance(r, Statement)]
    failures = [r for r in results if isinstance(r, Failure)]
    assert [s.title for s in statements] == [
        "Joint statement on maritime security cooperation",
        "Ministers meet in Oslo",
    ]
    bad = {files[k] for k in ("empty", "binary", "latin1", "nohtml")}
    assert sorted(f.path for f in failures) == sorted(str(p) for p in bad)
    reasons = {Path(f.path).name: f.reason for f in failures}
    assert reasons["b-empty.txt"] == "empty file"
    assert reasons["c-binary.md"].startswith("binary file")
    assert reasons["d-latin1.text"].startswith("not valid UTF-8 at byte 3")
    assert reasons["e-blank.htm"] == "no readable text in the page"
    assert list(iter_statements([tmp_path])) == results  # stable


def test_iter_paths_order_and_filters(tmp_path: Path) -> None:
    _mixed_folder(tmp_path)
    names = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path])]
    assert names == ["a-good.txt", "b-empty.txt", "c-binary.md", "e-blank.htm",
                     "sub/d-latin1.text", "sub/page.HTML"]  # fmt: skip
    # named explicitly: read whatever the suffix; given twice: read once
    explicit = list(iter_paths([tmp_path / "notes.pdf", tmp_path / "a-good.txt", tmp_path]))
    assert explicit[:2] == [tmp_path / "notes.pdf", tmp_path / "a-good.txt"]
    assert len(explicit) == 7
    (failure,) = [r for r in iter_statements([tmp_path / "notes.pdf"])]
    assert isinstance(failure, Failure) and "PDF" in failure.reason


def test_iter_statements_reports_missing_paths(tmp_path: Path) -> None:
    good = _write(tmp_path / "ok.txt", b"Title\nBody.")
    results = list(iter_statements([tmp_path / "nope.txt", good]))
    assert isinstance(results[0], Failure) and results[0].path == str(tmp_path / "nope.txt")
    assert isinstance(results[1], Statement) and results[1].title == "Title"


# --- properties -------------------------------------------------------------------------

_line = st.text(max_size=60).map(lambda s: s.replace("\n", " ").replace("\r", " "))
_stamp = st.dates().map(lambda d: d.strftime("%d/%m/%Y 10:00:00"))


@st.composite
def _aggregated(draw: st.DrawFn) -> str:
    """Seed-shaped documents with random content, to reach the header and digest paths."""
    parts = [f" date {draw(st.dates()).isoformat()} {draw(_line)}"]
    parts += draw(st.lists(st.one_of(_line, st.just("|Printable version"),
                                     _line.map(lambda s: "- " + s),
                                     _line.map(lambda s: "Original article link: " + s)),
                           max_size=8))  # fmt: skip
    if draw(st.booleans()):
        parts.append("Latest News from" + draw(st.sampled_from(["", " X"])))
        parts += draw(st.lists(st.one_of(_line, st.tuples(_line, _stamp).map("".join)), max_size=8))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), _aggregated()))
def test_parse_text_never_raises_and_keeps_original_characters(text: str) -> None:
    norm = _normalised(text)
    statements = parse_text(text, "f.txt")
    if not norm.strip():
        assert statements == []
    for s in statements:
        assert s.text.strip()
        assert s.source_file == "f.txt"
        for line in s.text.split("\n"):
            assert line in norm  # every line is cut from the input, never rewritten
        if s.title is not None:
            assert s.title in s.text  # evidence can point to the title
    if norm.strip() and not norm.lstrip().lower().startswith("date"):
        assert [s.text for s in statements] == [norm]


def test_related_items_under_a_site_heading_are_statements() -> None:
    # a site's own list of its other items under the article ("Also in the news", "READ ALSO"):
    # a headline with its day at the line's end or on the next line, then a summary paragraph
    # (batch yd's Defence24 digest, yb02's "Also in the news")
    text = ("date 2024-06-12 News Site\n|Printable version\nMinisters meet in Warsaw\n"
            "The ministers met in Warsaw on Tuesday.\nREAD ALSO\nAgency orders launchers\n10.06.2024\n"
            "The Armament Agency signed an annex on Monday.\n\nAlso in the news\n"
            "Recruits sworn in 08/06/2024\nNinety volunteers took their oath.\n")
    main, first, second = parse_text(text)
    assert main.text == "Ministers meet in Warsaw\nThe ministers met in Warsaw on Tuesday."
    assert (first.title, first.issued, first.publisher) == ("Agency orders launchers", date(2024, 6, 10), "News Site")
    assert first.text == "Agency orders launchers\nThe Armament Agency signed an annex on Monday."
    assert (second.title, second.issued) == ("Recruits sworn in", date(2024, 6, 8))
    # a heading over bare links, with no day, is text of the article
    links = parse_text("date 2024-06-12 News Site\nTitle\nBody.\nSee also\nAnother story\nA third story\n")
    assert len(links) == 1 and "See also" in links[0].text
