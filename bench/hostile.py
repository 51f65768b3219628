"""Extraction time on hostile text: runs of one word or character, at several lengths.

    python bench/hostile.py                          # every family at 7,500 to 60,000 characters
    python bench/hostile.py --lengths 5000 20000     # other lengths
    python bench/hostile.py --only trip General      # the families whose name holds a word given
    python bench/hostile.py --json                   # the figures as JSON

Statement text is untrusted: no text may take time growing faster than its length within one
section (rules/windows.yaml section_chars, 60,000 characters; longer texts are cut into
sections). Each family is a run of one unit (a word, a character, a few words), some with a
sentence around it that leads the rules to read the run (a trip with one day, a name before a
verb of speech), extracted at each length; the table gives the processor time of the fastest of
``--repeat`` runs, the growth from the shortest length to the longest (linear: the ratio of the
lengths; quadratic: its square) and the time against an ordinary text of the same length
(generated statements joined into one line, bench/generate.py). Times under a millisecond are
noise; read their growth with care. tests/test_extract_hostile.py extracts the same families
(none may raise, the facts stay in proportion to the text) and checks the patterns that were
quadratic without a clock.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from defgraph.extract import extract
from defgraph.model import Statement


@dataclass(frozen=True)
class Family:
    """A hostile text: ``head``, then ``unit`` again and again, then ``tail``."""

    name: str
    unit: str
    head: str = ""
    tail: str = ""

    def text(self, n: int) -> str:
        """The family's text of ``n`` characters (``head`` and ``tail`` taken in)."""
        return self.head + fill(self.unit, n - len(self.head) - len(self.tail)) + self.tail


def fill(unit: str, n: int) -> str:
    """``unit`` repeated to exactly ``n`` characters."""
    return (unit * (n // len(unit) + 1))[:max(n, 0)]


# runs of one unit alone
UNITS = [
    "General ",  # honorifics and ranks in a row with no name after (window honorifics_before_name)
    " ",  # a run of blanks, once tried before a verb of speech at each blank (persons._speech)
    "Alpha Bravo Charlie ", "and and ", "France, Germany, ", "General Admiral Colonel ", "Mr. Dr. H.E. Sheikh ",
    "Monday 12 March 2025, ", "1234567890", "$ £ € 5 million ", "((((( ", "\"'\u201c\u201d ", "bin ",
    "Faisal bin Farhan bin ", "Ma. ", ". ", "a\u0301\u0302\u0303 ", "\u0645\u062d\u0645\u062f \u200f\u202e ",
    "Minister\u200b\u200c\u200d\ufeff ", "Minister\n", "\t", "\u00a0", "\r\n", "MP, ", "A. B. C. ",
    "his counterpart ", "from 12 to ", "He will be in ", "We, the Ministers of Defence of ", "\ud800",
]

FAMILIES = [Family(repr(u), u) for u in UNITS] + [
    # a run of blanks inside a sentence the rules read for something after it
    Family("trip, blanks before its end", " ", "The Minister of Defence will travel to Tonga on Monday", "and to Fiji."),
    Family("trip, blanks before a stop", " ", "The Minister of Defence will travel to Tonga on Monday and",
           "to Fiji on Thursday."),
    Family("name, blanks before said", " ", "Ministers met in Paris on 3 March 2025. John Healey", "said it went well."),
    Family("meeting told again, brackets before it", "( ", "Defence Secretary John Healey met his Polish counterpart "
           "in Warsaw on 15 January 2025. ", "meeting lasted two hours."),
    Family("stop, blanks before the evening", " ", "He flies to Georgetown today and goes on to Paramaribo",
           "in the evening."),
]

LENGTHS = [7_500, 15_000, 30_000, 60_000]


def cpu(text: str, repeat: int) -> float:
    """The processor time of the fastest of ``repeat`` extractions of ``text``, in seconds."""
    st = Statement(text=text, title="Probe", issued=date(2025, 3, 10))
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        extract(st)
        best = min(best, time.process_time() - t)
    return best


def baseline(n: int) -> str:
    """An ordinary text of ``n`` characters: generated statements joined into one line."""
    if str(Path(__file__).resolve().parent) not in sys.path:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import generate_statements

    text = ""
    for st in generate_statements(max(4, n // 1500), seed=5):
        text += " ".join(st.text.split()) + " "
        if len(text) >= n:
            break
    return fill(text, n)


def measure(families: list[Family], lengths: list[int], repeat: int) -> list[dict[str, object]]:
    """One row a family (the baseline first): times at each length, growth and against the baseline."""
    for text in [baseline(2_000)] + [f.text(2_000) for f in families]:  # warm-up: patterns compiled on first use
        extract(Statement(text=text, title="Probe", issued=date(2025, 3, 10)))
    base = {n: cpu(baseline(n), repeat) for n in lengths}
    rows: list[dict[str, object]] = [{"family": "(ordinary text)", "s": [base[n] for n in lengths]}]
    rows += [{"family": f.name, "s": [cpu(f.text(n), repeat) for n in lengths]} for f in families]
    for row in rows:
        times = row["s"]
        assert isinstance(times, list)
        row["growth"] = round(times[-1] / times[0], 1) if times[0] > 0 else None
        row["x_ordinary"] = round(times[-1] / base[lengths[-1]], 2)
        row["s"] = [round(t, 4) for t in times]
    return rows


def table(rows: list[dict[str, object]], lengths: list[int]) -> str:
    """The rows as a plain text table (milliseconds of processor time)."""
    head = f"{'family':<34}" + "".join(f"{n:>10,}" for n in lengths) + f"{'growth':>9}{'x ordinary':>12}"
    out = [head, "-" * len(head)]
    for r in rows:
        times = r["s"]
        assert isinstance(times, list)
        out.append(f"{str(r['family'])[:33]:<34}" + "".join(f"{1000 * t:>8.1f}ms" for t in times)
                   + f"{r['growth'] if r['growth'] is not None else '-':>9}{r['x_ordinary']:>12}")
    out.append(f"(growth: time at {lengths[-1]:,} over time at {lengths[0]:,} characters; linear "
               f"{lengths[-1] / lengths[0]:g}, quadratic {(lengths[-1] / lengths[0]) ** 2:g})")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lengths", type=int, nargs="+", default=LENGTHS, help="text lengths in characters")
    ap.add_argument("--repeat", type=int, default=2, help="extractions of each text (the fastest counts)")
    ap.add_argument("--only", nargs="+", default=None, help="families whose name holds one of these words")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args()
    families = [f for f in FAMILIES if args.only is None or any(w in f.name for w in args.only)]
    lengths = sorted(args.lengths)
    rows = measure(families, lengths, args.repeat)
    print(json.dumps({"lengths": lengths, "rows": rows}, indent=1) if args.json else table(rows, lengths))


if __name__ == "__main__":
    main()
