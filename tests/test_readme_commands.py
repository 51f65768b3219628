"""Every `defgraph ...` command shown in the README's code blocks runs on the bundled corpus."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, REPO

from defgraph.cli import main


def readme_commands() -> list[list[str]]:
    """The defgraph commands in README.md's fenced code blocks, as argument lists."""
    text = (REPO / "README.md").read_text("utf-8")
    found = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE):
        for line in block.splitlines():
            line = line.strip().removeprefix("$ ")
            for part in line.split("&&"):
                try:
                    args = shlex.split(part, comments=True)
                except ValueError:
                    continue
                if args and args[0] == "defgraph":
                    found.append(args[1:])
    return found


def needs_a_server(args: list[str]) -> bool:
    """Commands that talk to a SPARQL server or start one: not run here."""
    return args[0] == "serve" or any("://" in a for a in args)


COMMANDS = readme_commands()


def test_the_readme_shows_commands() -> None:
    names = {args[0] for args in COMMANDS}
    assert {"demo", "query", "render"} <= names
    assert any(needs_a_server(a) for a in COMMANDS)  # the remote-store example is found, skipped


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where ./data is the bundled corpus and ./.defgraph (the default store) holds it."""
    root = tmp_path_factory.mktemp("readme")
    (root / "data").symlink_to(DATA, target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def runner(workdir: Path) -> CliRunner:
    r = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        result = r.invoke(main, ["ingest", "data/statements"])
        assert result.exit_code == 0, result.output
    return r


@pytest.mark.parametrize(
    "args", [a for a in COMMANDS if not needs_a_server(a)], ids=lambda a: " ".join(a)
)
def test_readme_command_runs(
    runner: CliRunner, workdir: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workdir)
    if "--store" in args and not (workdir / "defgraph-demo").exists():
        assert runner.invoke(main, ["demo"]).exit_code == 0  # the README runs `demo` first
    result = runner.invoke(main, args)
    assert result.exit_code == 0, f"defgraph {shlex.join(args)}: {result.output}"
    if "-o" in args:
        assert (workdir / args[args.index("-o") + 1]).stat().st_size > 0
