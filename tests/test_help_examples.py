"""Every command's --help ends with examples, and they work: each command's examples run, as
a shell would run them, in a folder that holds the repository's data/ and queries/ and a store
of the bundled corpus (what a user has after the README's first command). Examples that need
the network or a server of their own (fetch, update, serve) are left out; their commands are
tested in test_fetch.py and test_serve.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from defgraph.cli import main

ROOT = Path(__file__).resolve().parent.parent

#: commands whose examples reach a web server or start one; an example line that starts
#: with one of these is skipped wherever it stands
NEEDS_A_SERVER = ("defgraph fetch", "defgraph update", "defgraph serve", "curl ")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name, command in sorted(group.commands.items()):
        found.append(((*prefix, name), command))
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
    return found


def examples(path: tuple[str, ...]) -> list[str]:
    """The shell lines of a command's last Example(s) block, continuation lines joined."""
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="defgraph", terminal_width=200)
    assert result.exit_code == 0, result.output
    blocks = re.split(r"^\s*Examples?:\s*$", result.output, flags=re.M)
    assert len(blocks) > 1, f"defgraph {' '.join(path)} --help has no example"
    block = re.split(r"^\S.*:\s*$", blocks[-1], maxsplit=1, flags=re.M)[0]  # up to "Options:"
    lines: list[str] = []
    for raw in block.splitlines():
        line = raw.strip()
        if lines and lines[-1].endswith("\\"):
            lines[-1] = lines[-1][:-1] + " " + line
        elif line:
            lines.append(line)
    return lines


COMMANDS = [path for path, _ in _commands(main)]
RUNNABLE = [p for p in COMMANDS if p[0] not in ("fetch", "update", "serve")]


def test_every_command_has_examples_that_start_with_defgraph() -> None:
    for path in COMMANDS:
        lines = examples(path)
        assert lines and all(line.startswith(("defgraph ", "curl ")) for line in lines), (path, lines)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with data/ and queries/ of the repository and ./.defgraph holding the bundled
    corpus, as a user's checkout has after `defgraph ingest data/statements`."""
    base = tmp_path_factory.mktemp("examples-base")
    shutil.copytree(ROOT / "data", base / "data")
    shutil.copytree(ROOT / "queries", base / "queries")
    subprocess.run([sys.executable, "-m", "defgraph", "ingest", "data/statements"], cwd=base,
                   env=_env(base), check=True, capture_output=True, timeout=600)
    return base


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFGRAPH_")}
    env["HOME"] = str(home)  # nothing an example writes lands outside the test's folders
    return env


@pytest.mark.parametrize("path", RUNNABLE, ids=lambda p: "-".join(p))
def test_examples_run_on_the_bundled_corpus(path: tuple[str, ...], prepared: Path,
                                            tmp_path: Path) -> None:
    work = tmp_path / "checkout"
    shutil.copytree(prepared, work, symlinks=True)
    lines = [line for line in examples(path) if not line.startswith(NEEDS_A_SERVER)]
    assert lines, path
    script = "\n".join([
        "set -euo pipefail",
        f'defgraph() {{ "{sys.executable}" -m defgraph "$@"; }}',
        'xdg-open() { test -s "$1"; }  # the page the example opens exists and is not empty',
        *lines,
    ])
    done = subprocess.run(["bash", "-c", script], cwd=work, env=_env(tmp_path), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(path)}: {lines}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
