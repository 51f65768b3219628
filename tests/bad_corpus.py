"""Write the bad-input corpus into a folder: tests/data/bad/ plus the large and special files.

    python tests/bad_corpus.py OUTDIR [--no-permissions]

Every file written is one that `defgraph ingest` must reject with one line naming it. The
large ones (over 20 MB) are sparse, so writing them is quick and takes no disk space.
Files and folders without read permission are made only when ``permissions`` is true (a
process that reads anything, root with its capabilities, cannot be refused them).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "data" / "bad"
TALKS = ("The defence ministers of Estonia and Finland met in Tallinn on 3 March 2025 to "
         "discuss air defence.")


def _sparse(path: Path, size: int, head: bytes = b"") -> None:
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)


def write_bad(out: Path, *, permissions: bool = True) -> list[str]:
    """Write every bad file under ``out``; returns the names the error lines must show."""
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for src in sorted(HERE.iterdir()):
        if src.name != "README.md":
            shutil.copy(src, out / src.name)
            names.append(src.name)
    _sparse(out / "huge.txt", 21 * 1024 * 1024, b"Talks\n")
    _sparse(out / "huge.html", 25 * 1024 * 1024, b"<html><body><p>")
    (out / "nul-late.txt").write_bytes(("Talks in Tallinn\n" + (TALKS + "\n") * 120).encode()
                                       + b"\x00 appended binary\n")
    os.mkfifo(out / "fifo.txt")
    (out / "dangling.txt").symlink_to(out / "no-such-target.txt")
    (out / "loop.txt").symlink_to(out / "loop.txt")
    names += ["huge.txt", "huge.html", "nul-late.txt", "fifo.txt", "dangling.txt", "loop.txt"]
    for odd in ("[bold]markup.txt", "report[v2].txt", "esc\x1b[31mred.txt",
                "bidi\u202eexe.txt"):
        (out / odd).write_bytes(b"")  # empty: rejected, and its name must print as it is
        names.append(odd)
    if permissions:
        locked = out / "unreadable.txt"
        locked.write_text("Talks\n" + TALKS + "\n", encoding="utf-8")
        locked.chmod(0)
        shut = out / "shut-folder"
        shut.mkdir()
        (shut / "inside.txt").write_text("Talks\n" + TALKS + "\n", encoding="utf-8")
        shut.chmod(0)
        names += ["unreadable.txt", "shut-folder"]
    return names


def write_good(out: Path) -> None:
    """Good statements that look hostile: each must be stored whole."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "long-amount.txt").write_text(
        "Support for Ukraine\nThe United Kingdom will provide £" + "7" * 40 + " and £2 billion "
        "to Ukraine, the minister said in London on 4 March 2025.\n", encoding="utf-8")
    (out / "undated.txt").write_text("Talks in Riga\nThe defence ministers of Latvia and "
                                     "Lithuania met in Riga on 5 March.\n", encoding="utf-8")
    long_title = "Ministers meet " + "and talk at length " * 60
    (out / "long-title.txt").write_text(
        f" date 2025-03-06 Example Ministry\n|Printable version\n{long_title}\n{TALKS}\n"
        "Original article link: https://example.org/news/long-title\nLatest News from "
        f"Example Ministry\n{long_title}06/03/2025 10:00:00\nA summary line.\n"
        "A headline with a broken stamp99/99/9999 25:61:61\nIts summary.\n", encoding="utf-8")
    (out / "deep.html").write_text(
        "<html><head><title>Talks in Vilnius</title></head><body>" + "<div>" * 300 +
        "<p>The defence ministers of Poland and Lithuania met in Vilnius on 7 March 2025.</p>"
        + "</div>" * 300 + "</body></html>", encoding="utf-8")


def unlock(out: Path) -> None:
    """Give back the permissions write_bad took, so the folder can be deleted."""
    for p in (out / "shut-folder", out / "unreadable.txt"):
        if p.exists():
            p.chmod(0o755)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print("\n".join(write_bad(target / "bad", permissions="--no-permissions" not in sys.argv)))
    write_good(target / "good")
