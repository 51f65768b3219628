"""Fetching statements from where they are published: feeds, sitemaps and article pages.

``http`` is the polite client (robots.txt, one request per host per interval,
backoff, bounded bodies, conditional requests), ``discover`` reads feeds and
sitemaps into article links, ``archive`` writes every stored response to WARC,
``registry`` remembers the sources in the store, ``state`` remembers per address
what was fetched, and ``fetch`` runs it all, handing statements to the pipeline
through :func:`defgraph.sources.bridge.ingest_statements` alone.
"""
