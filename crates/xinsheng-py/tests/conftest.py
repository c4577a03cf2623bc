"""Fixtures of the xinsheng Python suite: the analyzer, the CLI's outputs on the bundled
examples (the reference every parity test compares with), and one local Spark session.

The CLI binary is ``$XINSHENG_CLI`` when set (``.ci/python.sh`` sets it), else it is built
with ``cargo build -p xinsheng-cli`` so that it matches the checkout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

import xinsheng

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
CALLS_JSONL = EXAMPLES / "calls.jsonl"


def _cli_path() -> Path:
    env = os.environ.get("XINSHENG_CLI")
    if env:
        return Path(env)
    subprocess.run(
        ["cargo", "build", "-q", "-p", "xinsheng-cli"], cwd=ROOT, check=True, timeout=1800
    )
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "xinsheng"


@pytest.fixture(scope="session")
def cli() -> Path:
    path = _cli_path()
    assert path.is_file(), f"no xinsheng CLI at {path}"
    return path


def run_cli(cli: Path, *args: str) -> str:
    """The CLI's stdout (run from the repository root, so `source` reads examples/…)."""
    out = subprocess.run(
        [str(cli), *args], cwd=ROOT, check=True, capture_output=True, timeout=600
    )
    return out.stdout.decode("utf-8-sig")


def jsonl(text: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def csv_rows(text: str) -> List[Dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="session")
def analyzer() -> xinsheng.Analyzer:
    return xinsheng.Analyzer()


@pytest.fixture(scope="session")
def cli_score(cli: Path) -> List[Dict[str, Any]]:
    """`xinsheng score examples/calls.jsonl --format jsonl`, one dict per record."""
    return jsonl(run_cli(cli, "score", "--format", "jsonl", "examples/calls.jsonl"))


@pytest.fixture(scope="session")
def cli_score_csv(cli: Path) -> List[Dict[str, str]]:
    return csv_rows(run_cli(cli, "score", "--format", "csv", "examples/calls.jsonl"))


@pytest.fixture(scope="session")
def cli_calls(cli: Path) -> List[Dict[str, Any]]:
    return jsonl(run_cli(cli, "calls", "--format", "jsonl", "examples/calls.jsonl"))


@pytest.fixture(scope="session")
def cli_calls_csv(cli: Path) -> List[Dict[str, str]]:
    return csv_rows(run_cli(cli, "calls", "--format", "csv", "examples/calls.jsonl"))


@pytest.fixture(scope="session")
def example_records() -> List[Dict[str, Any]]:
    return jsonl(CALLS_JSONL.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (local[2]) for the whole test session, on loopback."""
    if os.environ.get("XINSHENG_REQUIRE_SPARK"):
        import pyspark  # CI: a missing pyspark fails, never skips
    else:
        pyspark = pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("xinsheng-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    assert pyspark.__version__
    yield session
    session.stop()
