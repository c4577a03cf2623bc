#!/usr/bin/env python3
"""Throughput of the Python package against the Rust batch API, cnsenti and SnowNLP,
and through Spark in local mode with 1 and 2 executor cores.

    python crates/xinsheng-py/bench/bench.py [--runs 3] [--peers 2000] [--spark-repeat 4]
        [--no-spark] [--no-peers] [--corpus FILE]

Install a release wheel first (``pip install ./crates/xinsheng-py``): the wheel that
``.ci/python.sh`` builds by default is the unoptimized ``dev`` profile.

Corpus: the review texts of ``../shared/data/polarity/waimai_10k.csv`` when present
(read only; nothing of it is written into the repository; ``--data DIR`` names another
place for ``shared/data``), else the project's own
``benches/fixtures/utterances.txt`` repeated to about 12,000 lines; or ``--corpus FILE``
(one utterance per line).

* Rust: ``cargo run --release -p xinsheng --example batch_throughput`` (``analyze_batch``
  on all cores, then on 1 thread), one timed run per round after a warm-up, in its own
  process; the analyzer build is not timed.
* Python, same process as this script: ``Analyzer.analyze_many`` (dicts) and
  ``Analyzer.score_columns`` (the columns behind ``xinsheng.pandas.score_frame``), on all
  cores and on 1 thread (each timed call includes freeing its result); Rust and Python
  runs alternate round by round so that a noisy machine slows both alike, and each
  ratio is taken within a round; medians are reported.
* Peers (if installed; ``pip install cnsenti snownlp``): cnsenti ``Sentiment().
  sentiment_count`` + ``Emotion().emotion_count`` and ``SnowNLP(text).sentiments`` on
  the first ``--peers`` texts, single thread, against ``analyze_many(threads=1)`` on
  the same texts.
* Spark (if pyspark is installed): ``xinsheng.spark.score`` over the corpus repeated
  ``--spark-repeat`` times, written to Spark's ``noop`` sink, in ``local[1]`` and
  ``local[2]`` sessions (session start-up and one warm-up job not timed).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "data"
WAIMAI_REL = Path("polarity") / "waimai_10k.csv"
FIXTURE = ROOT / "benches" / "fixtures" / "utterances.txt"
FALLBACK_LINES = 12_000


def load_corpus(path: str | None, data: Path) -> tuple[List[str], str]:
    if path:
        lines = [l for l in Path(path).read_text(encoding="utf-8").splitlines() if l.strip()]
        return lines, path
    waimai = data / WAIMAI_REL
    if waimai.is_file():
        with waimai.open(encoding="utf-8") as f:
            texts = [row["review"] for row in csv.DictReader(f) if row["review"].strip()]
        return [t.replace("\n", " ") for t in texts], "../shared/data/polarity/waimai_10k.csv (reviews)"
    base = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            base.append(line.split("\t", 1)[1])
    texts = (base * (FALLBACK_LINES // len(base) + 1))[:FALLBACK_LINES]
    return texts, f"benches/fixtures/utterances.txt x{FALLBACK_LINES // len(base) + 1}"


def timed(f: Callable[[], object]) -> float:
    t = time.perf_counter()
    f()
    return time.perf_counter() - t


def rust_run(corpus: Path, threads: int | None) -> float:
    cmd = ["cargo", "run", "-q", "--release", "-p", "xinsheng", "--example", "batch_throughput", "--", str(corpus), "1"]
    if threads is not None:
        cmd.append(str(threads))
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"][0]


def med(xs: List[float]) -> float:
    return statistics.median(xs)


def bench_core(texts: List[str], runs: int) -> Dict[str, object]:
    import xinsheng

    an = xinsheng.Analyzer()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
        corpus = Path(f.name)
    try:
        subprocess.run(["cargo", "build", "-q", "--release", "-p", "xinsheng", "--example", "batch_throughput"], cwd=ROOT, check=True, timeout=3600)
        an.analyze_many(texts[:2000])  # warm-up
        rows: Dict[str, List[float]] = {k: [] for k in ("rust", "py_many", "py_cols", "rust_1", "py_many_1", "py_cols_1")}
        for r in range(runs):
            rows["rust"].append(rust_run(corpus, None))
            rows["py_many"].append(timed(lambda: an.analyze_many(texts)))
            rows["py_cols"].append(timed(lambda: an.score_columns(texts)))
            rows["rust_1"].append(rust_run(corpus, 1))
            rows["py_many_1"].append(timed(lambda: an.analyze_many(texts, threads=1)))
            rows["py_cols_1"].append(timed(lambda: an.score_columns(texts, None, 1)))
            print(f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:.3f}s" for k, v in rows.items()), file=sys.stderr)
    finally:
        corpus.unlink()
    n = len(texts)
    out: Dict[str, object] = {k: {"median_s": med(v), "texts_per_s": n / med(v)} for k, v in rows.items()}
    for cores in ("", "_1"):
        for k in ("py_many", "py_cols"):
            ratios = [rows["rust" + cores][i] / rows[k + cores][i] for i in range(runs)]
            out[f"ratio_{k}{cores}_vs_rust"] = med(ratios)
    return out


def bench_peers(texts: List[str], runs: int) -> Dict[str, object]:
    import xinsheng

    an = xinsheng.Analyzer()
    out: Dict[str, object] = {"texts": len(texts)}
    peers: Dict[str, Callable[[], object]] = {}
    try:
        from cnsenti import Emotion, Sentiment

        senti, emo = Sentiment(), Emotion()
        peers["cnsenti"] = lambda: [(senti.sentiment_count(t), emo.emotion_count(t)) for t in texts]
    except ImportError:
        out["cnsenti"] = "not installed"
    try:
        from snownlp import SnowNLP

        peers["snownlp"] = lambda: [SnowNLP(t).sentiments for t in texts]
    except ImportError:
        out["snownlp"] = "not installed"
    for f in peers.values():
        f()  # warm-up: loads dictionaries and models
    ours: List[float] = []
    theirs: Dict[str, List[float]] = {k: [] for k in peers}
    for _ in range(runs):
        ours.append(timed(lambda: an.analyze_many(texts, threads=1)))
        for k, f in peers.items():
            theirs[k].append(timed(f))
    out["xinsheng_1_thread_texts_per_s"] = len(texts) / med(ours)
    for k, v in theirs.items():
        out[k] = {
            "texts_per_s": len(texts) / med(v),
            "xinsheng_speedup": med([v[i] / ours[i] for i in range(runs)]),
        }
    return out


def bench_spark(texts: List[str], runs: int, repeat: int) -> Dict[str, object]:
    import pandas as pd
    from pyspark.sql import SparkSession

    import xinsheng.spark as xs

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    rows = texts * repeat
    out: Dict[str, object] = {"texts": len(rows)}
    for cores in (1, 2):
        spark = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName(f"xinsheng-bench-{cores}")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "2g")
            .getOrCreate()
        )
        spark.sparkContext.setLogLevel("ERROR")
        df = spark.createDataFrame(pd.DataFrame({"text": rows, "speaker": "customer"})).repartition(4 * cores).cache()
        df.count()
        job = lambda: xs.score(df).write.format("noop").mode("overwrite").save()  # noqa: E731
        job()  # warm-up: starts the Python workers and builds their analyzers
        secs = [timed(job) for _ in range(runs)]
        out[f"local[{cores}]"] = {"median_s": med(secs), "texts_per_s": len(rows) / med(secs)}
        print(f"  spark local[{cores}]: " + ", ".join(f"{s:.2f}s" for s in secs), file=sys.stderr)
        spark.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--peers", type=int, default=2000, help="texts for the cnsenti / SnowNLP comparison")
    ap.add_argument("--spark-repeat", type=int, default=4)
    ap.add_argument("--no-spark", action="store_true")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--corpus")
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data directory (default ../shared/data)")
    args = ap.parse_args()

    import xinsheng

    texts, source = load_corpus(args.corpus, args.data)
    result: Dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "load_average": os.getloadavg(),
        "xinsheng": xinsheng.__version__,
        "corpus": {"source": source, "texts": len(texts), "chars": sum(map(len, texts))},
        "runs": args.runs,
    }
    print(f"corpus: {source}, {len(texts)} texts", file=sys.stderr)
    result["core"] = bench_core(texts, args.runs)
    if not args.no_peers:
        result["peers"] = bench_peers(texts[: args.peers], args.runs)
    if not args.no_spark:
        try:
            result["spark"] = bench_spark(texts, args.runs, args.spark_repeat)
        except ImportError as e:
            result["spark"] = f"skipped: {e}"
    result["load_average_end"] = os.getloadavg()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
