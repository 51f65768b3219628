"""Read statement files, plain text or HTML, into :class:`~defgraph.model.Statement` objects.

This is the pipeline's first stage: bytes on disk in, ``Statement`` out. A
statement's ``text`` is what evidence offsets refer to, so it is cut from the
decoded, newline-normalised input line by line and never rewritten.

Plain text comes in two shapes. A news aggregator's scrape starts with a
header line `` date YYYY-MM-DD Publisher`` and may end with a "Latest News from"
digest whose items each become a statement of their own; anything else is read
whole. HTML goes through trafilatura for the main text, its metadata tags for
title, date, URL and publisher.

A bad file raises :class:`IngestError` with one line naming the file and what to
do; :func:`iter_statements` turns those into :class:`Failure` records and goes on.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from .model import Statement

MAX_BYTES = 20 * 1024 * 1024
FILE_TIMEOUT = 60.0  # processor seconds a file may take to be read and extracted (bulk.py)
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".htm", ".html", ".xhtml"})
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
WARC_SUFFIXES = (".warc", ".warc.gz")  # web archives written by `defgraph fetch` (or any crawler)

# A folder's own notes are not statements: README.md, LICENSE.txt, CHANGELOG.md...
_PROJECT_FILE = re.compile(r"^(?:README|LICEN[CS]E|CHANGELOG|CHANGES|CONTRIBUTING|NOTICE|AUTHORS)(?:\.|$)", re.IGNORECASE)
_SNIFF_BYTES = 8192  # where NUL bytes mark a binary file
_DATE_WINDOW = 600  # plain text: the issue date is looked for in this many leading characters
_MAX_TITLE = 200

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0", "old Office document"),
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class IngestError(Exception):
    """A file that cannot be read as a statement: ``path`` names it, ``message`` says why."""

    def __init__(self, path: str | os.PathLike[str] | None, message: str) -> None:
        self.path = str(path) if path is not None else "<text>"
        self.message = _one_line(message)
        super().__init__(f"{self.path}: {self.message}")


@dataclass(frozen=True)
class Failure:
    """A file :func:`iter_statements` skipped: one line saying what is wrong and what to do."""

    path: str
    reason: str


# --- files and folders -------------------------------------------------------------------


def read_file(path: Path) -> list[Statement]:
    """Read one file (plain text or HTML) into its statements; raise IngestError if it is bad."""
    path = Path(path)
    label = str(path)
    if is_warc(path):
        items = list(iter_warc(path))
        bad = next((i for i in items if isinstance(i, Failure)), None)
        if bad is not None:
            raise IngestError(bad.path, bad.reason)
        return [i for i in items if isinstance(i, Statement)]
    data = _read_bytes(path)
    if not data.strip():
        raise IngestError(label, "empty file")
    _reject_binary(data, label)
    if path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(data):
        return parse_html(data, label)
    text = _decode(data, label)
    if not _normalise(text).strip():
        raise IngestError(label, "empty file")
    statements = parse_text(text, label)
    if not statements:
        raise IngestError(label, "no statement text after the header line; check the file")
    return statements


def iter_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files to read, in a stable order.

    A folder is searched recursively, sorted, skipping hidden files and folders and
    files whose suffix is not one of SUFFIXES; a file named explicitly is always
    yielded, whatever its suffix (even a missing one, so that reading it reports
    the problem). A file reached twice is yielded once. Subfolders that cannot be
    listed are skipped here; :func:`iter_statements` reports them.
    """
    for target in targets(paths):
        if isinstance(target, Path):
            yield target


KEEP_PATHS_ENV = "DEFGRAPH_KEEP_PATHS"  # set (to 1) by `ingest --keep-paths`


class SourcePath(type(Path())):  # type: ignore[misc]
    """A file to read and the name its statements keep (``label``): its path relative to the
    folder named on the command line, or its file name when the file itself was named."""

    label: str


def keep_paths() -> bool:
    """Whether statements keep the path as typed (``--keep-paths``), not the relative name."""
    return os.environ.get(KEEP_PATHS_ENV, "") not in ("", "0")


def source_name(path: Path) -> str:
    """What a statement read from this file records as its source file (dg:sourceFile).

    The path relative to the folder given on the command line, so that exports carry no
    private folder names and the same files give the same graphs however their folder was
    typed (relative or absolute); the path as given with --keep-paths.
    """
    if keep_paths():
        return str(path)
    return getattr(path, "label", None) or path.name


def iter_statements(paths: Iterable[str | Path]) -> Iterator[Statement | Failure]:
    """Every statement in the given files and folders, and a Failure for each bad file.

    Never raises for a bad file: one file's problem must not stop a batch. Statements
    record their file by :func:`source_name`; failures name the path as given.
    """
    for target in targets(paths):
        if isinstance(target, Failure):
            yield target
            continue
        yield from statements_of(target, source_name(target))


def statements_of(path: str | Path, name: str | None = None) -> Iterator[Statement | Failure]:
    """The statements of one file, recorded under ``name``, or the Failure that says why not.

    A WARC archive gives the pages it holds, each under its own URL (its name is not kept).
    """
    target = Path(path)
    if is_warc(target):
        yield from iter_warc(target)
        return
    try:
        statements = read_file(target)
    except IngestError as exc:
        yield Failure(str(target), exc.message)
        return
    except Exception as exc:  # noqa: BLE001 - a parser bug on one file must not stop the rest
        yield Failure(
            str(target),
            _one_line(f"unexpected error ({type(exc).__name__}: {exc}); please report it"),
        )
        return
    for st in statements:
        yield replace(st, source_file=name) if name is not None else st


def _labelled(path: Path, label: str) -> SourcePath:
    out = SourcePath(path)
    out.label = label
    return out


def targets(paths: Iterable[str | Path]) -> Iterator[SourcePath | Failure]:
    """The files to read, each once (folders walked), and a Failure for each that cannot be."""
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        candidates: list[Path]
        try:
            is_dir = path.is_dir()
        except OSError:  # a parent that cannot be searched: reading it will say so
            is_dir = False
        if is_dir:
            candidates, failures = _walk(path)
            yield from failures
            labels = [c.relative_to(path).as_posix() for c in candidates]
        else:
            candidates = [path]
            labels = [path.name]
        for candidate, label in zip(candidates, labels, strict=True):
            try:
                key = candidate.resolve()
            except (OSError, RuntimeError):  # symlink loops
                key = candidate.absolute()
            if key not in seen:
                seen.add(key)
                yield _labelled(candidate, label)


def _walk(root: Path) -> tuple[list[Path], list[Failure]]:
    files: list[Path] = []
    failures: list[Failure] = []

    def unreadable(err: OSError) -> None:
        where = str(err.filename) if err.filename else str(root)
        reason = f"cannot list the folder ({err.strerror or err}); check its permissions"
        failures.append(Failure(where, _one_line(reason)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if (not name.startswith(".") and not _PROJECT_FILE.match(name)
                    and (Path(name).suffix.lower() in SUFFIXES
                         or name.lower().endswith(WARC_SUFFIXES))):
                files.append(Path(dirpath) / name)
    files.sort(key=lambda p: p.relative_to(root).parts)
    return files, failures


def _read_bytes(path: Path) -> bytes:
    label = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise IngestError(label, "no such file or folder; check the path") from None
    except PermissionError:
        raise IngestError(label, "permission denied; make the file readable") from None
    except OSError as exc:
        raise IngestError(
            label, f"cannot be read ({exc.strerror or exc}); check the path"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError(
            label, "is a folder, not a file; use iter_statements() to read the files in a folder"
        )
    if not stat.S_ISREG(info.st_mode):
        raise IngestError(label, "not a regular file (a device, pipe or socket); give a text file")
    if info.st_size > MAX_BYTES:
        raise IngestError(label, _too_big(info.st_size))
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except PermissionError:
        raise IngestError(label, "permission denied; make the file readable") from None
    except OSError as exc:
        raise IngestError(label, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_BYTES:  # it grew after stat
        raise IngestError(label, _too_big(len(data)))
    return data


def _too_big(size: int) -> str:
    mib = 1024 * 1024
    return (
        f"file is {size / mib:.1f} MB, above the {MAX_BYTES // mib} MB limit; "
        "keep only the statement's text"
    )


def _reject_binary(data: bytes, label: str) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IngestError(
                label, f"binary file ({kind}), not a statement; convert it to text or HTML first"
            )
    if not data.startswith(_UTF16_BOMS) and b"\x00" in data[:_SNIFF_BYTES]:
        raise IngestError(
            label, "binary file (contains NUL bytes), not a statement; convert it to text first"
        )
    at = -1 if data.startswith(_UTF16_BOMS) else data.find(b"\x00", _SNIFF_BYTES)
    if at >= 0:  # text with a NUL further on: damaged or binary data appended
        raise IngestError(label, f"a NUL byte at offset {at}: not a text statement; "
                                 "remove it or convert the file to text")


def _decode(data: bytes, label: str) -> str:
    """UTF-8 strictly (a UTF-8 or UTF-16 byte-order mark is honoured); never a silent guess."""
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
            if "\x00" in text:
                raise IngestError(label, f"a NUL character at position {text.index(chr(0))}: "
                                         "not a text statement; remove it")
            return text
        except UnicodeDecodeError:
            raise IngestError(
                label,
                "starts with a UTF-16 byte-order mark but is not valid UTF-16; "
                "re-save the file as UTF-8",
            ) from None
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            label, f"not valid UTF-8 at byte {exc.start + skip}; re-save the file as UTF-8"
        ) from None


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return head.startswith(b"<?xml") and b"<html" in head


def _normalise(text: str) -> str:
    """The form every offset refers to: no byte-order mark, "\\n" newlines only."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _one_line(message: str) -> str:
    return " ".join(message.split())


# --- dates -----------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE_RE = re.compile(
    rf"""
      (?<![0-9])(?P<iso_y>[0-9]{{4}})-(?P<iso_m>[0-9]{{1,2}})-(?P<iso_d>[0-9]{{1,2}})(?![0-9])
    | (?<![0-9a-z])(?P<dmy_d>[0-9]{{1,2}})(?:st|nd|rd|th)?[ \t]+(?P<dmy_m>{_MONTH})\.?,?
      [ \t]+(?P<dmy_y>[0-9]{{4}})(?![0-9])
    | (?<![a-z])(?P<mdy_m>{_MONTH})\.?[ \t]+(?P<mdy_d>[0-9]{{1,2}})(?:st|nd|rd|th)?,?
      [ \t]+(?P<mdy_y>[0-9]{{4}})(?![0-9])
    | (?<![0-9/])(?P<num_d>[0-9]{{1,2}})/(?P<num_m>[0-9]{{1,2}})/(?P<num_y>[0-9]{{4}})(?![0-9/])
    """,
    re.IGNORECASE | re.VERBOSE,
)


def find_date(text: str) -> date | None:
    """The first valid date in ``text``: 2025-04-14, 14 April 2025, April 14, 2025,
    Apr. 14, 2025 or 14/04/2025 (day first)."""
    for m in _DATE_RE.finditer(text):
        if m["iso_y"]:
            parts = (m["iso_y"], m["iso_m"], m["iso_d"])
        elif m["dmy_y"]:
            parts = (m["dmy_y"], str(_MONTHS[m["dmy_m"][:3].lower()]), m["dmy_d"])
        elif m["mdy_y"]:
            parts = (m["mdy_y"], str(_MONTHS[m["mdy_m"][:3].lower()]), m["mdy_d"])
        else:
            parts = (m["num_y"], m["num_m"], m["num_d"])
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            continue
    return None


# --- plain text ------------------------------------------------------------------------

# Greedy groups, stripped afterwards: a lazy group before "[ \t]*$" is quadratic on long lines.
_MAX_HEADER_LINE = 1000  # characters
_HEADER_RE = re.compile(
    r"^[ \t]*date[ \t]+([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ \t]+(.*))?$", re.IGNORECASE
)
_PRINTABLE_RE = re.compile(r"^[ \t]*(?:\|[ \t]*)?printable version[ \t]*$", re.IGNORECASE)
_LINK_RE = re.compile(r"^[ \t]*original article link[ \t]*:[ \t]*(\S*)", re.IGNORECASE)
_DIGEST_RE = re.compile(r"^[ \t]*latest news from\b(.*)$", re.IGNORECASE)
_MAX_PUBLISHER = 120  # a longer "Latest News from ..." line is a sentence, not a digest
# A digest stamp "dd/mm/yyyy hh:mm:ss": only a clock's shape counts (day 01-31, month 01-12,
# hour 00-23, minutes and seconds 00-59), so "99/99/9999 25:61:61" is text, not a stamp.
_STAMP_RE = re.compile(
    r"(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/([12][0-9]{3})[ \t]+"
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][ \t]*$")
# A stamp in a digest opened by a heading instead of "Latest News from" ("Also in the news"):
# a headline, a blank, then the day "dd/mm/yyyy", with or without the clock.
_DATE_STAMP_RE = re.compile(
    r"(?<=[ \t])(0[1-9]|[12][0-9]|3[01])[/.](0[1-9]|1[0-2])[/.]([12][0-9]{3})"
    r"(?:[ \t]+(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?[ \t]*$")
# ... or the day alone on the line under the headline ("Agency orders launchers" / "10.06.2024")
_BARE_DAY_RE = re.compile(
    r"[ \t]*(0[1-9]|[12][0-9]|3[01])[/.](0[1-9]|1[0-2])[/.]([12][0-9]{3})"
    r"(?:[ \t]+(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?[ \t]*")
_MAX_HEADLINE = 200  # characters: a longer line ending in a date is a sentence, not a headline
_META_RE = re.compile(
    r"^[ \t]*(publisher|source|url|original article link|date|published)[ \t]*:[ \t]*(\S.*)$",
    re.IGNORECASE,
)
_BULLET_RE = re.compile(r"^[ \t]*[-*\u2022][ \t]+(\S.*)$")
_SENTENCE_END = ".!?;:,"
_SENTENCE_INSIDE_RE = re.compile(r"[.!?][ \t]")
_FIGURE_RE = re.compile(r"[0-9£$€]")


def parse_text(text: str, source_file: str | None = None) -> list[Statement]:
    """The statements in a plain-text document; [] for blank text. Never raises."""
    norm = _normalise(text)
    if not norm.strip():
        return []
    lines = norm.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    # a digest's header line is short; a long first line that happens to start like one
    # (a whole document on one line) is text
    header = _HEADER_RE.match(lines[first]) if len(lines[first]) <= _MAX_HEADER_LINE else None
    if header:
        return _parse_aggregated(lines, first, header, source_file)
    return [_parse_plain(norm, lines, source_file)]


def _parse_plain(text: str, lines: list[str], source_file: str | None) -> Statement:
    publisher = source_url = None
    for line in lines:
        meta = _META_RE.match(line)
        if meta is None:
            continue
        key, value = meta[1].lower(), meta[2].strip()
        if value.lower().startswith(("http://", "https://")):
            source_url = source_url or value.split()[0]
        elif key in ("publisher", "source"):
            publisher = publisher or value
    return Statement(
        text=text,
        title=_plain_title(lines),
        issued=find_date(text[:_DATE_WINDOW]),
        publisher=publisher,
        source_url=source_url,
        source_file=source_file,
    )


def _plain_title(lines: list[str]) -> str | None:
    """The first non-empty line that is not a metadata line or a bare date."""
    filled = [line.strip() for line in lines if line.strip()]
    title = next(
        (t for t in filled if not _META_RE.match(t) and not _DATE_RE.fullmatch(t)),
        filled[0] if filled else None,
    )
    if title is None:
        return None
    heading = re.match(r"#{1,6}[ \t]+(\S.*)", title)  # a Markdown heading
    if heading:
        title = heading[1]
    return _short_title(title)


def _short_title(title: str | None) -> str | None:
    """A title of at most _MAX_TITLE characters: a first paragraph keeps its start, cut at a space."""
    if title is None:
        return None
    title = title.strip()
    if len(title) > _MAX_TITLE:  # a first paragraph, not a title: keep its start
        cut = title.rfind(" ", 0, _MAX_TITLE)
        title = title[: cut if cut > 0 else _MAX_TITLE].rstrip()
    return title or None


def _parse_aggregated(
    lines: list[str], first: int, header: re.Match[str], source_file: str | None
) -> list[Statement]:
    publisher = (header[2] or "").strip() or None
    digest, body = len(lines), False
    for i in range(first + 1, len(lines)):
        # a heading opens a digest only after the page's own story (a dated byline under the
        # title is not an item)
        if _digest_opening(lines[i]) is not None or (body and _opens_headed_digest(lines, i)):
            digest = i
            break
        body = body or _is_sentence(lines[i])
    start = first + 1
    while start < digest and (not lines[start].strip() or _PRINTABLE_RE.match(lines[start])):
        start += 1

    source_url: str | None = None
    segments: list[list[str]] = [[]]
    for line in lines[start:digest]:
        link = _LINK_RE.match(line)
        if link:
            source_url = source_url or link[1] or None
            segments.append([])
        else:
            segments[-1].append(line)
    kept = [line for segment in segments for line in _strip_link_block(segment)]
    filled = [i for i, line in enumerate(kept) if line.strip()]
    kept = kept[filled[0] : filled[-1] + 1] if filled else []

    statements: list[Statement] = []
    if kept:
        statements.append(
            Statement(
                text="\n".join(kept),
                title=_short_title(kept[0]),
                issued=_iso_date(header[1]),
                publisher=publisher,
                source_url=source_url,
                source_file=source_file,
                site=_site(source_url),
            )
        )
    if digest < len(lines):
        statements.extend(_parse_digest(lines, digest, publisher, source_file, _site(source_url)))
    return statements


def _strip_link_block(lines: list[str]) -> list[str]:
    """Drop a trailing related-links block: a short heading, then short "- " link lines.

    Only a block of bare link titles is dropped: a bullet with sentence punctuation
    or a figure (digits, currency) is content, and so is a heading ending in ":".
    """
    k = len(lines)
    while k and not lines[k - 1].strip():
        k -= 1
    bullets = 0
    while k and (_is_link_bullet(lines[k - 1]) or (bullets and not lines[k - 1].strip())):
        bullets += bool(lines[k - 1].strip())
        k -= 1
    if not bullets or not k:
        return lines
    heading = k - 1
    if not _is_heading(lines[heading]) or not any(line.strip() for line in lines[:heading]):
        return lines
    return lines[:heading]


def _is_link_bullet(line: str) -> bool:
    bullet = _BULLET_RE.match(line)
    if bullet is None:
        return False
    item = bullet[1].strip()
    return (
        len(item) <= 100
        and len(item.split()) <= 15
        and item[-1] not in _SENTENCE_END
        and not _SENTENCE_INSIDE_RE.search(item)
        and not _FIGURE_RE.search(item)
    )


def _is_heading(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 60
        and len(text.split()) <= 8
        and text[-1] not in _SENTENCE_END
        and not _SENTENCE_INSIDE_RE.search(text)
        and not _BULLET_RE.match(line)
    )


def _site(url: str | None) -> str | None:
    """The web site (scheme and host) of a page's URL: where a digest's items come from too."""
    if not url:
        return None
    from urllib.parse import urlparse

    parts = urlparse(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _headline_stamp(line: str) -> re.Match[str] | None:
    """The day stamp ending a headline line of a headed digest ("Minister receives envoy 12/12/2023")."""
    stamp = _STAMP_RE.search(line) or _DATE_STAMP_RE.search(line)
    if stamp is None:
        return None
    return stamp if _is_headline(line[: stamp.start()]) else None


def _is_headline(text: str) -> bool:
    """A line's text that can be a digest item's headline: short, and not ending like a sentence."""
    text = text.strip()
    return bool(text) and len(text) <= _MAX_HEADLINE and text[-1] not in _SENTENCE_END


def _dated_headline(lines: list[str], at: int) -> tuple[str, re.Match[str], int] | None:
    """A headed digest's item opening at line `at`: its headline, its day's stamp and the line
    after the stamp; the day ends the headline's line or stands alone on the next line."""
    stamp = _headline_stamp(lines[at])
    if stamp is not None:
        return lines[at][: stamp.start()].strip(), stamp, at + 1
    if not _is_headline(lines[at]):
        return None
    j = at + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    day = _BARE_DAY_RE.fullmatch(lines[j]) if j < len(lines) else None
    return (lines[at].strip(), day, j + 1) if day is not None else None


def _is_sentence(line: str) -> bool:
    text = line.strip()
    return len(text) > _MAX_HEADLINE or (bool(text) and text[-1] in ".!?")


def _opens_headed_digest(lines: list[str], at: int) -> bool:
    """A heading line ("Also in the news", "READ ALSO") whose next line is a dated headline.

    Some sites end a page with other items in that shape instead of "Latest News from"; the
    items are statements of their own, not part of the page's story.
    """
    if not _is_heading(lines[at]) or _headline_stamp(lines[at]) is not None:
        return False
    following = next((i for i in range(at + 1, len(lines)) if lines[i].strip()), None)
    return following is not None and _dated_headline(lines, following) is not None


def _parse_digest(
    lines: list[str], at: int, fallback_publisher: str | None, source_file: str | None,
    site: str | None = None,
) -> list[Statement]:
    """Each "headline + dd/mm/yyyy hh:mm:ss" line and its summary line, as statements.

    A digest opened by a heading instead of "Latest News from" takes the page's publisher,
    and its headlines end in a bare day ("dd/mm/yyyy" or "dd.mm.yyyy", after a blank) or have it
    alone on the next line.
    """
    opening = _digest_opening(lines[at])
    headed = opening is None

    def item_at(i: int) -> tuple[str, re.Match[str], int] | None:
        if headed:
            return _dated_headline(lines, i)
        stamp = _STAMP_RE.search(lines[i])
        return None if stamp is None else (lines[i][: stamp.start()].strip(), stamp, i + 1)

    publisher = opening or ""
    i = at + 1
    if not publisher and not headed:
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i < len(lines) and not _STAMP_RE.search(lines[i]):
            publisher = lines[i].strip()
            i += 1
    statements: list[Statement] = []
    while i < len(lines):
        item = item_at(i)
        if item is None:
            i += 1
            continue
        headline, stamp, j = item
        while j < len(lines) and not lines[j].strip():
            j += 1
        summary = ""
        if j < len(lines) and item_at(j) is None:
            summary = lines[j].strip()
            j += 1
        i = j
        text = "\n".join(part for part in (headline, summary) if part)
        if not text:
            continue
        statements.append(
            Statement(
                text=text,
                title=_short_title(headline),
                issued=_dmy_date(stamp[1], stamp[2], stamp[3]),
                publisher=publisher or fallback_publisher,
                source_url=None,
                source_file=source_file,
                site=site,
            )
        )
    return statements


def _digest_opening(line: str) -> str | None:
    """The publisher named on a "Latest News from" line ("" if none); None for other lines."""
    opening = _DIGEST_RE.match(line)
    if opening is None or len(opening[1].strip()) > _MAX_PUBLISHER:
        return None
    return opening[1].strip()


def _iso_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _dmy_date(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# --- HTML ------------------------------------------------------------------------------

_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_WORD_RE = re.compile(r"\w")


@dataclass
class _PageMeta:
    metas: dict[str, str]
    canonical: str | None = None
    title: str | None = None
    h1: str | None = None
    times: tuple[str, ...] = ()


def parse_html(data: bytes, source_file: str | None = None) -> list[Statement]:
    """The main text of an HTML page and its metadata, as one statement.

    Raises IngestError when the page cannot be decoded or has no readable text.
    """
    label = source_file or "<html>"
    markup = _XML_DECL_RE.sub("", _normalise(_decode_html(data, label)), count=1)
    page = _page_meta(markup)
    doc = _extract(markup, label)

    text = _normalise(str(_field(doc, "text") or "")).strip()
    if not _WORD_RE.search(text):  # perhaps nested too deep for libxml2: read it flattened
        flat = _flatten(markup)
        if flat != markup:
            if not page.metas and not page.title:
                page = _page_meta(flat)
            doc = _extract(flat, label)
            text = _normalise(str(_field(doc, "text") or "")).strip()
    if not _WORD_RE.search(text):
        raise IngestError(label, "no readable text in the page")
    title = _clean(page.metas.get("og:title") or page.title or page.h1 or _field(doc, "title"))
    if title and not text.startswith(title):
        text = f"{title}\n{text}"  # so evidence can point to the title
    issued = (
        find_date(page.metas.get("article:published_time", ""))
        or find_date(str(_field(doc, "date") or ""))
        or next((d for d in map(find_date, page.times) if d), None)
    )
    url = next(
        (
            u
            for u in (page.canonical, page.metas.get("og:url"), _field(doc, "url"))
            if isinstance(u, str) and u.lower().startswith(("http://", "https://"))
        ),
        None,
    )
    publisher = _clean(
        page.metas.get("og:site_name")
        or page.metas.get("dcterms.publisher")
        or page.metas.get("dc.publisher")
    )
    return [
        Statement(
            text=text,
            title=title,
            issued=issued,
            publisher=publisher,
            source_url=url,
            source_file=source_file,
        )
    ]


_KEEP_TAGS = frozenset({"html", "head", "body", "title", "meta", "link", "p", "br", "li", "ul",
                        "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "th",
                        "time", "blockquote", "article", "main"})


def _flatten(markup: str) -> str:
    """The page with only its text and structural tags, however deep its wrappers were nested.

    libxml2 (under lxml and trafilatura) stops reading 256 levels down, so a page of
    wrappers in wrappers loses its text; the standard library's parser has no depth limit
    and walks the page in one pass, keeping paragraphs, headings, lists and metadata tags.
    """
    import html
    from html.parser import HTMLParser

    out: list[str] = []
    skipping = 0

    def tag_text(tag: str, attrs: list[tuple[str, str | None]], close: str = "") -> str:
        kept = "".join(f' {k}="{html.escape(v or "", quote=True)}"' for k, v in attrs)
        return f"<{tag}{kept}{close}>"

    class Flat(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            nonlocal skipping
            if tag in ("script", "style", "nav", "template"):
                skipping += 1
            elif tag in _KEEP_TAGS and not skipping:
                out.append(tag_text(tag, attrs))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _KEEP_TAGS and not skipping:
                out.append(tag_text(tag, attrs, "/"))

        def handle_endtag(self, tag: str) -> None:
            nonlocal skipping
            if tag in ("script", "style", "nav", "template"):
                skipping = max(0, skipping - 1)
            elif tag in _KEEP_TAGS and not skipping:
                out.append(f"</{tag}>")

        def handle_data(self, data: str) -> None:
            if not skipping:
                out.append(html.escape(data, quote=False))

    parser = Flat(convert_charrefs=True)
    parser.feed(markup)
    parser.close()
    return "".join(out)


def _decode_html(data: bytes, label: str) -> str:
    """UTF-8 (or a byte-order mark's encoding); else the charset the page itself declares."""
    try:
        return _decode(data, label)
    except IngestError:
        declared = _CHARSET_RE.search(data[:4096])
        if declared:
            charset = declared[1].decode("ascii")
            try:
                if codecs.lookup(charset).name != "utf-8":
                    return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                pass
        raise


def _page_meta(markup: str) -> _PageMeta:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return _PageMeta(metas={})
    metas: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content:
            metas.setdefault(key, content)
    canonical = next(
        (
            el.get("href", "").strip()
            for el in root.iter("link")
            if "canonical" in (el.get("rel") or "").lower().split()
        ),
        None,
    )
    title_el = root.find(".//title")
    h1_el = root.find(".//h1")
    return _PageMeta(
        metas=metas,
        canonical=canonical or None,
        title=_clean(title_el.text_content() if title_el is not None else None),
        h1=_clean(h1_el.text_content() if h1_el is not None else None),
        times=tuple(el.get("datetime") for el in root.iter("time") if el.get("datetime")),
    )


def _extract(markup: str, label: str) -> Any:
    try:
        import trafilatura
    except ImportError as exc:
        raise IngestError(
            label, f"reading HTML needs trafilatura, which failed to import ({exc}); reinstall it"
        ) from None
    try:
        return trafilatura.bare_extraction(
            markup, include_comments=False, favor_precision=True, with_metadata=True
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure means this page is unreadable
        raise IngestError(
            label, f"could not extract text from the page ({type(exc).__name__}: {exc})"
        ) from None


def _field(doc: Any, name: str) -> Any:
    """A field of trafilatura's result: a Document (2.x) or a dict (1.x), or None."""
    if doc is None:
        return None
    if isinstance(doc, dict):
        return doc.get(name)
    return getattr(doc, name, None)


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


# --- pages fetched from the web, and web archives (WARC) ---------------------------------

_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def statement_from_response(body: bytes, url: str, content_type: str | None = None,
                            label: str | None = None) -> Statement:
    """The statement in an HTML page fetched from ``url``: the reading of :func:`parse_html`,
    with the charset of the Content-Type header honoured and the address made canonical.

    ``defgraph fetch`` and the WARC reader both call this, so a page read from the archive
    is the same statement as the page read from the web. The statement's address is the
    page's own canonical link when it is on the host that served it, else ``url``;
    either is normalised (tracking parameters dropped) by courlan.
    """
    from urllib.parse import urlsplit

    from .sources.urls import canonical_url

    label = label or url
    declared = _HEADER_CHARSET_RE.search(content_type or "")
    if declared:
        charset = declared[1]
        try:
            if codecs.lookup(charset).name != "utf-8" and not body.startswith(
                    (codecs.BOM_UTF8, *_UTF16_BOMS)):
                body = body.decode(charset).encode("utf-8")
        except LookupError:
            raise IngestError(label, f"unknown charset {charset!r} in the Content-Type header") from None
        except UnicodeDecodeError as exc:
            raise IngestError(label, f"not valid {charset} at byte {exc.start}, "
                                     "as its Content-Type header says") from None
    statement = parse_html(body, label)[0]
    own = statement.source_url
    if not own or urlsplit(own).netloc.lower() != urlsplit(url).netloc.lower():
        own = url
    return replace(statement, source_url=canonical_url(own), source_file=None)


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def iter_warc(path: str | Path) -> Iterator[Statement | Failure]:
    """One statement per archived HTML response (status 200) in a WARC file, in file order.

    Other records (requests, feeds, metadata) are passed over. A record that is not a
    readable page, or a file cut short (a fetch killed while writing), is a Failure;
    the records before it are still read.
    """
    for page in warc_pages(path):
        yield page if isinstance(page, Failure) else page.statement()


@dataclass(frozen=True)
class WarcPage:
    """An archived HTML response, read from the archive but not parsed yet (the ingest engine
    times each page's parsing and extraction on its own)."""

    body: bytes
    uri: str
    content_type: str
    label: str  # the archive and the page's address, as failures name it

    def statement(self) -> Statement | Failure:
        try:
            return statement_from_response(self.body, self.uri, self.content_type, self.label)
        except IngestError as exc:
            return Failure(self.label, exc.message)
        except Exception as exc:  # noqa: BLE001 - a parser bug on one page must not stop the rest
            return Failure(self.label, _one_line(
                f"unexpected error ({type(exc).__name__}: {exc}); please report it"))


def warc_pages(path: str | Path) -> Iterator[WarcPage | Failure]:
    """The HTML pages (status 200) of a WARC file as :class:`WarcPage`, in file order, and a
    Failure for each damaged record or for a file cut short (the records before it count)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    label = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed by the with below; open's error is one line
    except OSError as exc:
        yield Failure(label, f"cannot be read ({exc.strerror or exc}); check the path")
        return
    with fh:
        try:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                where = f"{label}#{uri}"
                if record.http_headers.get_statuscode() != "200":
                    continue
                ctype = record.http_headers.get_header("Content-Type") or ""
                if not ctype.lower().startswith(("text/html", "application/xhtml")):
                    continue
                body = record.content_stream().read(MAX_BYTES + 1)
                if len(body) > MAX_BYTES:
                    yield Failure(where, _too_big(len(body)))
                    continue
                if not _payload_intact(record, body):
                    yield Failure(where, "the archived page is cut short or damaged (its length or "
                                         "digest does not match); skipped, fetch it again")
                    continue
                yield WarcPage(body, uri, ctype, where)
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            yield Failure(label, _one_line(
                f"the archive is cut short or damaged ({type(exc).__name__}: {exc}); the records "
                "before the damage were read"))


def _payload_intact(record: Any, body: bytes) -> bool:
    """The payload is whole: its WARC-Payload-Digest (and Content-Length, when given) match."""
    import base64
    import hashlib

    declared = record.http_headers.get_header("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) != len(body) \
            and not record.http_headers.get_header("Content-Encoding"):
        return False
    digest = record.rec_headers.get_header("WARC-Payload-Digest") or ""
    algo, _, value = digest.partition(":")
    if algo.lower() == "sha1" and value:
        return base64.b32encode(hashlib.sha1(body).digest()).decode() == value.strip().upper()
    if algo.lower() == "sha256" and value:
        raw = hashlib.sha256(body).digest()
        return value.strip() in (raw.hex(), base64.b32encode(raw).decode())
    return True
