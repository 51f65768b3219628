"""What a fetched address is (feed, sitemap, sitemap index or page) and the articles it lists.

Feeds (RSS 0.9x/1.0/2.0, Atom) are read by feedparser; sitemaps, news sitemaps
and sitemap indexes by lxml with entities and network access switched off.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urljoin

from .http import Fetched
from .urls import is_web_url

Kind = Literal["feed", "sitemap", "sitemapindex", "page"]
MAX_ITEMS = 50_000  # the sitemap protocol's own limit per file
_XML_TYPES = ("xml", "rss", "atom")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_BLANK = b"\xef\xbb\xbf \t\r\n"  # a byte-order mark and white space before the first tag
_XML_START = re.compile(rb"<(?:\?xml|rss|feed|urlset|sitemapindex|rdf:rdf)[\s>]")
_FEED_ROOTS = {"rss", "feed", "rdf", "channel"}


class NotUnderstood(Exception):
    """The body is neither a page, a feed nor a sitemap, or is broken: one line says how."""


@dataclass(frozen=True)
class Item:
    """An article listed by a feed or a sitemap."""

    url: str
    date: dt.date | None = None  # published (or last modified) day, for --since
    marker: str | None = None  # the listing's own date stamp: when it changes, the page changed


@dataclass
class Listing:
    kind: Kind
    items: list[Item]
    children: list[Item]  # sitemaps named by a sitemap index


def read(fetched: Fetched, max_bytes: int) -> Listing:
    """Classify a 200 response and list what it points to; a page lists nothing."""
    body = fetched.body
    if body[:2] == b"\x1f\x8b":  # sitemap.xml.gz
        body = _gunzip(body, max_bytes)
    ctype = fetched.content_type
    head = body[:2048].lstrip(_BLANK).lower()
    looks_html = head.startswith((b"<!doctype html", b"<html")) or (
        ctype in _HTML_TYPES and not _XML_START.match(head))  # feeds served as text/html exist
    declared_xml = any(t in ctype for t in _XML_TYPES) and ctype not in _HTML_TYPES
    if looks_html and not declared_xml:
        return Listing("page", [], [])
    if not head.startswith(b"<"):
        if declared_xml:
            opening = _start(body.lstrip(_BLANK))
            raise NotUnderstood(f"declared {ctype} but is not XML (starts with {opening!r})")
        raise NotUnderstood(f"neither an HTML page, a feed nor a sitemap (content type "
                            f"{ctype or 'none'})")
    root = _root_name(body)
    base = fetched.final_url
    if root == "urlset":
        return Listing("sitemap", _sitemap_entries(body, base, "url"), [])
    if root == "sitemapindex":
        return Listing("sitemapindex", [], _sitemap_entries(body, base, "sitemap"))
    if root in _FEED_ROOTS:
        return Listing("feed", _feed_items(body, base), [])
    if root == "html":
        return Listing("page", [], [])
    raise NotUnderstood(f"XML with root element <{root}> is neither a feed nor a sitemap")


def _start(head: bytes) -> str:
    return head[:24].decode("utf-8", errors="replace")


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(max_bytes + 1)
    except (OSError, EOFError) as exc:
        raise NotUnderstood(f"gzip body cannot be unpacked ({exc})") from None
    if len(out) > max_bytes:
        raise NotUnderstood(f"unpacks to more than {max_bytes // (1024 * 1024)} MB; abandoned")
    return out


def _parser() -> object:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, recover=False)


def _root_name(body: bytes) -> str:
    from lxml import etree

    try:
        root = etree.fromstring(body, parser=_parser())  # type: ignore[arg-type]
    except etree.XMLSyntaxError as exc:
        raise NotUnderstood(f"not well-formed XML ({exc})") from None
    return str(etree.QName(root).localname).lower()


def _sitemap_entries(body: bytes, base: str, element: str) -> list[Item]:
    from lxml import etree

    root = etree.fromstring(body, parser=_parser())  # type: ignore[arg-type]
    items: list[Item] = []
    for el in root:
        if not isinstance(el.tag, str) or etree.QName(el).localname != element:
            continue
        loc = lastmod = published = None
        for child in el.iter():
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            text = (child.text or "").strip()
            if name == "loc" and loc is None:
                loc = text
            elif name == "lastmod":
                lastmod = text
            elif name == "publication_date":  # news sitemaps
                published = text
        if not loc:
            continue
        url = urljoin(base, loc)
        if not is_web_url(url):
            continue
        stamp = lastmod or published
        items.append(Item(url, _day(published or lastmod), stamp))
        if len(items) >= MAX_ITEMS:
            break
    return items


def _feed_items(body: bytes, base: str) -> list[Item]:
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": base})
    if parsed.get("bozo") and not parsed.entries:
        raise NotUnderstood(f"not a readable feed ({parsed.get('bozo_exception')})")
    items: list[Item] = []
    for entry in parsed.entries[:MAX_ITEMS]:
        link = entry.get("link") or next(
            (lk.get("href") for lk in entry.get("links", []) if lk.get("href")), None)
        if not link:
            continue
        url = urljoin(base, link)
        if not is_web_url(url):
            continue
        # dict.get: FeedParserDict maps a missing "updated" to "published", with a warning
        when = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
        day = dt.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None
        marker = dict.get(entry, "updated") or dict.get(entry, "published")
        items.append(Item(url, day, marker))
    return items


_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def _day(value: str | None) -> dt.date | None:
    m = _ISO_DAY.match(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
