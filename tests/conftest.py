"""Shared fixtures: where the seed and the sample corpus are, and how optional parts are required."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SEED_DIR = REPO.parent / "shared" / "seed"
SEED_FILE = SEED_DIR / "statement-2025-04-14-coalition-of-the-willing.txt"
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
    require(SEED_FILE.is_file(), f"the seed statement at {SEED_FILE}")
    return SEED_FILE


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

    def start(store, allow_update: bool = False) -> str:  # type: ignore[no-untyped-def]
        server = make_server(store, "127.0.0.1", 0, allow_update=allow_update)
        serve_in_thread(server)
        servers.append(server)
        return endpoint_url(server)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
