"""Regenerate the README's screenshots (docs/img/view-*.png) and docs/browser-scale.json.

    python bench/screenshots.py

Runs the browser tests that take the screenshots and time the 5,000-node page, with
DEFGRAPH_DOCS_OUT pointing at docs/ so that they write there; the test suite itself writes
them only to a temporary folder. Needs Chromium at /usr/bin/chromium and the test extra.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    """Run the two browser tests with the docs folder as their output; return pytest's code."""
    env = {**os.environ, "DEFGRAPH_DOCS_OUT": str(REPO / "docs")}
    tests = ["tests/test_browser.py::test_view_opens_offline_drawn_and_error_free",
             "tests/test_browser.py::test_5000_nodes_answer_script_calls"]
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", *tests], cwd=REPO, env=env,
                          check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
