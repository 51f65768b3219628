"""Shared fixtures: our seed-shaped statement, the sample corpus, and how optional parts are required."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
# Our own statement in the seed's shape (an aggregator's scrape of a ministry's page with a
# trailing digest): every test of that shape runs on it, on any clone.
SEED_FILE = REPO / "tests" / "data" / "seedlike" / "statement-2024-10-21-maritime-coalition.txt"
# The project's original seed lives beside the repository only on the project's machines; tests
# of it skip (never fail, in CI too) on a clone without it.
REAL_SEED = REPO.parent / "shared" / "seed" / "statement-2025-04-14-coalition-of-the-willing.txt"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, what: str) -> None:
    """Skip when a component is missing on a laptop; fail in CI, where it must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI (CI=true) but missing")
    pytest.skip(f"{what} not available")


@pytest.fixture(scope="session")
def seed_file() -> Path:
    """Our seed-shaped statement (tests/data/seedlike): a main statement and eight digest items."""
    return SEED_FILE


@pytest.fixture(scope="session")
def real_seed() -> Path:
    """The original seed when it sits beside the repository; skip without it (in CI too)."""
    if not REAL_SEED.is_file():
        pytest.skip("the original seed statement is not beside this clone")
    return REAL_SEED


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return DATA / "statements"


@pytest.fixture
def serve_store():  # type: ignore[no-untyped-def]
    """Start `defgraph serve` over a store in a thread: ``url = serve_store(store, allow_update=...)``.

    Each server listens on a free loopback port and is shut down after the test.
    """
    from defgraph.serve import endpoint_url, make_server, serve_in_thread

    servers = []

    def start(store, allow_update: bool = False, **options) -> str:  # type: ignore[no-untyped-def]
        server = make_server(store, "127.0.0.1", 0, allow_update=allow_update, **options)
        serve_in_thread(server)
        servers.append(server)
        return endpoint_url(server)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
