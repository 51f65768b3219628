"""SPARQL text looked at before any parser sees it: its size, its nesting depth, its keywords.

pyoxigraph's (and rdflib's) SPARQL parsers are recursive: a query of a few thousand nested
groups crashes the process (a segmentation fault, not an exception). So every query and
update is measured first by this lexer, which walks the text once, skipping strings, IRIs
and comments, and never recurses.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_QUERY_CHARS = 256 * 1024  # characters of one query or update
MAX_DEPTH = 200  # nesting of { } ( ) [ ]; pyoxigraph crashes somewhere past a few thousand


class QueryBoundsError(ValueError):
    """A query too long or nested too deep to parse safely."""


@dataclass(frozen=True)
class Shape:
    """What the lexer saw: the deepest nesting and the bare keywords (upper case)."""

    depth: int
    keywords: frozenset[str]


def scan(sparql: str) -> Shape:
    """Nesting depth and keywords of SPARQL text, outside strings, IRIs and comments."""
    i, n, depth, deepest = 0, len(sparql), 0, 0
    keywords: set[str] = set()
    while i < n:
        ch = sparql[i]
        if ch == "#":
            j = sparql.find("\n", i)
            i = n if j < 0 else j + 1
        elif ch == "<" and i + 1 < n and not sparql[i + 1].isspace() and sparql[i + 1] not in "=<":
            j = i + 1  # an IRI: up to '>', unless a space shows it was a comparison
            while j < n and sparql[j] != ">" and not sparql[j].isspace():
                j += 1
            i = j + 1 if j < n and sparql[j] == ">" else i + 1
        elif ch in "\"'":
            quote = sparql[i:i + 3] if sparql[i:i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not sparql.startswith(quote, j):
                j += 2 if sparql[j] == "\\" else 1
            i = j + len(quote)
        elif ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
            i += 1
        elif ch in "})]":
            depth = max(0, depth - 1)
            i += 1
        elif ch.isalpha() or ch in "_?$":
            j = i
            while j < n and (sparql[j].isalnum() or sparql[j] in "_-:.?$"):
                j += 1
            word = sparql[i:j].rstrip(".")
            if word.isalpha():  # a bare keyword, not a variable or a prefixed name
                keywords.add(word.upper())
            i = j
        else:
            i += 1
    return Shape(deepest, frozenset(keywords))


def check_bounds(sparql: str, *, max_chars: int = MAX_QUERY_CHARS,
                 max_depth: int = MAX_DEPTH) -> Shape:
    """The text's shape, or QueryBoundsError when it is too long or nested too deep."""
    if len(sparql) > max_chars:
        raise QueryBoundsError(f"the query is {len(sparql):,} characters, over the limit of "
                               f"{max_chars:,}; shorten it")
    shape = scan(sparql)
    if shape.depth > max_depth:
        raise QueryBoundsError(f"the query nests {shape.depth} levels of {{ }} ( ) [ ], over the "
                               f"limit of {max_depth}; flatten it")
    return shape


__all__ = ["MAX_DEPTH", "MAX_QUERY_CHARS", "QueryBoundsError", "Shape", "check_bounds", "scan"]
