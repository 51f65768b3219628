"""bench/ scripts loaded as modules: the generator, for tests that need synthetic statements, and
the benchmark runner, for the test of BENCHMARKS.md."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


@cache
def bench_module(name: str) -> ModuleType:
    """bench/<name>.py loaded as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def generator() -> ModuleType:
    """The benchmark's statement generator."""
    return bench_module("generate")
