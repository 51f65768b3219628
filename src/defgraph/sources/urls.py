"""One spelling per address, so the same article reached twice is one statement."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit


def canonical_url(url: str) -> str:
    """The URL normalised by courlan (scheme and host lower-cased, default port and tracking
    parameters such as utm_* and fbclid dropped, query sorted), without its fragment.

    An address courlan cannot read is returned as given, only without its fragment.
    """
    from courlan import normalize_url

    url = url.strip()
    try:
        norm = normalize_url(url, strict=False)
    except (ValueError, AttributeError):
        norm = url
    return urldefrag(norm)[0]


def host_of(url: str) -> str:
    """scheme://host[:port]: the unit of politeness (one robots.txt, one request interval)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def is_web_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
