"""The Analyzer: schema parity with the CLI, thread-count independence, bad input,
lexicon errors."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Dict, List

import pytest

import xinsheng
from conftest import ROOT, jsonl, run_cli


def _without_source(x: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in x.items() if k != "source"}


def test_version_and_schema():
    assert xinsheng.__version__.count(".") == 2
    assert xinsheng.SCHEMA_VERSION == "0.1"


def test_analyze_equals_cli_json(analyzer, cli_score, example_records):
    assert len(cli_score) == len(example_records) == 57
    for rec, cli in zip(example_records, cli_score):
        got = analyzer.analyze(rec["text"], rec["speaker"])
        assert got == _without_source(cli["xinsheng"]), rec["text"]


def test_analyze_many_equals_cli_json(analyzer, cli_score, example_records):
    texts = [r["text"] for r in example_records]
    speakers = [r["speaker"] for r in example_records]
    got = analyzer.analyze_many(texts, speakers)
    assert got == [_without_source(c["xinsheng"]) for c in cli_score]


def _gold_utterances() -> List[Any]:
    """(speaker, text) of every row of the gold set."""
    rows = []
    gold = ROOT / "tests" / "gold" / "utterances.tsv"
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("speaker\t"):
            speaker, text = line.split("\t")[:2]
            rows.append((speaker, text))
    return rows


def _same(got: Any, want: Any) -> bool:
    """Equal values, key order, types and float values (json.dumps shows all four)."""
    return json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)


def test_gold_set_equals_cli_json(analyzer, cli, tmp_path: Path):
    # Every gold utterance, as customer, agent and unknown speaker, through the CLI.
    rows = [(who, text) for _, text in _gold_utterances() for who in ("customer", "agent", "unknown")]
    src = tmp_path / "gold.jsonl"
    src.write_text(
        "".join(json.dumps({"speaker": s, "text": t}, ensure_ascii=False) + "\n" for s, t in rows),
        encoding="utf-8",
    )
    cli_out = jsonl(run_cli(cli, "score", "--format", "jsonl", str(src)))
    assert len(cli_out) == len(rows) > 2000
    want = [_without_source(r["xinsheng"]) for r in cli_out]
    got = analyzer.analyze_many([t for _, t in rows], [s for s, _ in rows])
    assert got == want
    assert all(_same(g, w) for g, w in zip(got, want))


def test_dicts_are_json_loads_of_the_library_json(analyzer, example_records):
    # The dicts built in Rust are exactly json.loads of the serde JSON (the reference
    # kept for this test): keys, key order, types, float values; one by one and in batch.
    rows = [(r["speaker"], r["text"]) for r in example_records] + [
        (who, text) for _, text in _gold_utterances() for who in ("customer", "agent")
    ]
    rows += [("customer", t) for t in ("", "   ", "！！！", "a" * 5000, "\u0000\t\n")]
    texts, speakers = [t for _, t in rows], [s for s, _ in rows]
    want = [json.loads(j) for j in analyzer._reference_json(texts, speakers)]
    got = analyzer.analyze_many(texts, speakers)
    assert got == want
    assert all(_same(g, w) for g, w in zip(got, want))
    assert all(_same(analyzer.analyze(t, s), w) for (s, t), w in zip(rows[:300], want))
    floats = [d["valence"] for d in got] + [v for d in got for v in d["emotions"].values()]
    assert all(type(x) is float for x in floats) and any(0 < abs(x) < 1 for x in floats)


def test_conversation_dicts_are_json_loads_of_the_library_json(analyzer, example_records):
    calls: Dict[str, List[Any]] = {}
    for r in example_records:
        calls.setdefault(r["call_id"], []).append((r["speaker"], r["text"]))
    every = list(calls.values()) + _gold_calls() + [[], [("agent", "您好")]]
    want = [json.loads(j) for j in analyzer._reference_json(every, conversations=True)]
    got = analyzer.analyze_conversations(every)
    assert got == want
    assert all(_same(g, w) for g, w in zip(got, want))
    assert all(_same(analyzer.analyze_conversation(c), w) for c, w in zip(every, want))
    assert "signals" in got[0] and got[0]["turns"][0]["speaker"] in ("customer", "agent")


def test_transcript_example_equals_cli(analyzer, cli):
    # A plain-text transcript: the CLI resolves speakers (坐席 → agent); same analyses.
    records = jsonl(run_cli(cli, "score", "--format", "jsonl", "examples/transcript.txt"))
    assert len(records) > 5
    for rec in records:
        x = _without_source(rec["xinsheng"])
        assert analyzer.analyze(rec["text"], x["speaker"]) == x
        assert analyzer.analyze(rec["text"], rec["speaker"]) == x  # the raw label maps alike


def test_calls_equal_cli(analyzer, cli_calls, example_records):
    calls: Dict[str, List[Any]] = {}
    for r in example_records:
        calls.setdefault(r["call_id"], []).append((r["speaker"], r["text"]))
    got = analyzer.analyze_conversations(list(calls.values()))
    assert [c["call_id"] for c in cli_calls] == list(calls)
    for g, c in zip(got, cli_calls):
        assert len(g["turns"]) == c["turns"]
        for key in ("escalation", "trajectory", "customer_valence", "peak", "agent_qa"):
            assert g[key] == c[key], (c["call_id"], key)
    one = analyzer.analyze_conversation(calls["C-1002"])
    assert one == got[1]


def test_explain_equals_cli(analyzer, cli):
    text = "你们再不退款我就打12315投诉"
    assert analyzer.explain(text) == run_cli(cli, "explain", text)
    assert "contributions" in analyzer.explain("不太满意", speaker="agent")


def test_speaker_labels(analyzer):
    assert xinsheng.speaker_role("客服小王") == "agent"
    assert xinsheng.speaker_role("客户") == "customer"
    assert xinsheng.speaker_role("来宾") == "unknown"
    assert analyzer.analyze("我要投诉", "客服")["speaker"] == "agent"
    custom = xinsheng.Analyzer(speaker_map={"来宾": "customer"})
    assert custom.speaker_role("来宾") == "customer"
    assert custom.analyze("我要投诉", "来宾")["speaker"] == "customer"
    with pytest.raises(ValueError, match="speaker_map"):
        xinsheng.Analyzer(speaker_map={"来宾": "boss"})


def _corpus(example_records) -> List[str]:
    texts = [r["text"] for r in example_records]
    gold = ROOT / "tests" / "gold" / "utterances.tsv"
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("speaker\t"):
            texts.append(line.split("\t")[1])
    return texts * 2 + ["", "   ", "！！！", "a" * 5000]


def _gold_calls() -> List[List[Any]]:
    path = ROOT / "tests" / "gold" / "conversations.jsonl"
    return [json.loads(line)["turns"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_thread_count_does_not_change_results(analyzer, example_records):
    texts = _corpus(example_records)
    assert len(texts) > 100
    base = analyzer.analyze_many(texts, threads=1)
    for threads in (2, 3, None):
        assert analyzer.analyze_many(texts, threads=threads) == base
        assert analyzer.score_columns(texts, None, threads) == analyzer.score_columns(texts, None, 1)
    calls = _gold_calls() + [[("customer", t), ("agent", "非常抱歉，我马上帮您处理")] for t in texts[:200]]
    one = analyzer.analyze_conversations(calls, threads=1)
    assert analyzer.analyze_conversations(calls, threads=2) == one
    assert analyzer.analyze_conversations(calls) == one
    assert [analyzer.analyze(t) for t in texts[:50]] == base[:50]


def test_long_batches_keep_input_order(analyzer, example_records):
    # Many more chunks than the pool may run ahead of the conversion (32 of 256 texts),
    # and texts whose analyses differ (cue offsets move with the prefix).
    base = [r["text"] for r in example_records]
    texts = ["好" * (i % 97) + base[i % len(base)] for i in range(20_000)]
    one_by_one = [analyzer.analyze(t) for t in texts]
    for threads in (1, 3, None):
        assert analyzer.analyze_many(texts, threads=threads) == one_by_one, threads
    cols = analyzer.score_columns(texts, threads=1)
    assert analyzer.score_columns(texts, threads=3) == cols
    assert cols["risk"] == [d["escalation"]["risk"] for d in one_by_one]
    calls = [[("customer", t), ("agent", "好的")] for t in texts[:3000]]
    assert analyzer.analyze_conversations(calls, threads=3) == [analyzer.analyze_conversation(c) for c in calls]


def test_concurrent_python_threads_share_one_analyzer(analyzer, example_records):
    texts = [r["text"] for r in example_records]
    expected = analyzer.analyze_many(texts, threads=1)
    results: List[Any] = [None] * 4

    def work(i: int) -> None:
        results[i] = analyzer.analyze_many(texts, threads=1)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_columns_floats_equal_dict_floats(analyzer, example_records):
    texts = [r["text"] for r in example_records]
    cols = analyzer.score_columns(texts)
    dicts = analyzer.analyze_many(texts)
    assert cols["valence"] == [d["valence"] for d in dicts]
    assert cols["intensity"] == [d["intensity"] for d in dicts]
    assert cols["risk"] == [d["escalation"]["risk"] for d in dicts]


# ---- bad input -----------------------------------------------------------------------


def test_none_text_is_a_type_error(analyzer):
    with pytest.raises(TypeError, match=r"text: expected str, got NoneType"):
        analyzer.analyze(None)
    with pytest.raises(TypeError, match=r"texts\[1\]: expected str, got NoneType"):
        analyzer.analyze_many(["好", None])


def test_bytes_text_is_a_type_error(analyzer):
    with pytest.raises(TypeError, match=r"got bytes.*decode"):
        analyzer.analyze("我要投诉".encode("gbk"))
    with pytest.raises(TypeError, match=r"texts\[0\]: expected str, got bytes"):
        analyzer.analyze_many([b"abc"])
    with pytest.raises(TypeError, match=r"texts: expected a sequence, got bytes"):
        analyzer.analyze_many(b"abc")


def test_a_str_is_not_a_sequence_of_texts(analyzer):
    with pytest.raises(TypeError, match=r"texts: expected a sequence, got str"):
        analyzer.analyze_many("我要投诉")
    with pytest.raises(TypeError, match=r"texts: expected a sequence, got int"):
        analyzer.analyze_many(5)


def test_speakers_must_match_texts(analyzer):
    with pytest.raises(ValueError, match=r"speakers: 1 labels for 2 texts"):
        analyzer.analyze_many(["a", "b"], ["agent"])
    with pytest.raises(TypeError, match=r"speakers\[1\]: expected a speaker label"):
        analyzer.analyze_many(["a", "b"], ["agent", None])
    assert [d["speaker"] for d in analyzer.analyze_many(["a", "b"], "agent")] == ["agent", "agent"]
    with pytest.raises(TypeError):
        analyzer.analyze("好", None)


def test_threads_must_be_positive(analyzer):
    with pytest.raises(ValueError, match=r"threads: must be at least 1"):
        analyzer.analyze_many(["a"], threads=0)
    with pytest.raises(OverflowError):
        analyzer.analyze_many(["a"], threads=-1)


def test_a_bad_text_deep_in_a_batch_names_its_position(analyzer):
    # Texts are read chunk by chunk while earlier chunks are analyzed: an error far past
    # the first chunks still names its own position, for every path and thread count.
    texts = ["我要投诉"] * 5000
    texts[4321] = None
    for threads in (1, 2, None):
        with pytest.raises(TypeError, match=r"texts\[4321\]: expected str, got NoneType"):
            analyzer.analyze_many(texts, threads=threads)
        with pytest.raises(TypeError, match=r"texts\[4321\]: expected str, got NoneType"):
            analyzer.score_columns(texts, None, threads)
    calls = [[("customer", "好")]] * 1000
    calls[777] = [("customer", b"x")]
    with pytest.raises(TypeError, match=r"calls\[777\]\[0\]: text: expected str, got bytes"):
        analyzer.analyze_conversations(calls, threads=2)
    # The analyzer is fine afterwards.
    assert analyzer.analyze_many(["我要投诉"] * 600, threads=2) == [analyzer.analyze("我要投诉")] * 600


def test_garbage_collector_state_is_restored(analyzer):
    # Batches pause Python's garbage collector while they build their results; its state
    # is what it was before, after a result and after an error.
    import gc

    texts = ["我要投诉"] * 2000
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            analyzer.analyze_many(texts)
            analyzer.score_columns(texts)
            analyzer.analyze_conversations([[("customer", t)] for t in texts[:300]])
            assert gc.isenabled() is enabled
            with pytest.raises(TypeError):
                analyzer.analyze_many(texts + [None])
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_lone_surrogate_is_a_value_error(analyzer):
    with pytest.raises(ValueError, match=r"texts\[0\]: not valid Unicode"):
        analyzer.analyze_many(["\ud800好"])


def test_huge_string_is_analyzed(analyzer):
    text = ("我要投诉，" + "这个问题一直没有解决。" * 9) * 20_000  # ~2 M characters
    got = analyzer.analyze(text)
    assert got["escalation"]["level"] in ("high", "critical")
    assert got["escalation"]["cues"][0]["start"] >= 0


def test_bad_turns_name_their_position(analyzer):
    with pytest.raises(TypeError, match=r"turns\[1\]: expected a \(speaker, text\) pair"):
        analyzer.analyze_conversation([("customer", "好"), "agent: 好"])
    with pytest.raises(TypeError, match=r"turns\[0\]: expected a \(speaker, text\) pair"):
        analyzer.analyze_conversation([("customer", "好", "extra")])
    with pytest.raises(TypeError, match=r"calls\[1\]\[0\]: text: expected str, got NoneType"):
        analyzer.analyze_conversations([[("customer", "好")], [{"speaker": "agent", "text": None}]])
    with pytest.raises(TypeError, match=r"turns\[0\]: expected a \(speaker, text\) pair"):
        analyzer.analyze_conversation([{"speaker": "agent"}])


# ---- lexicons and models -------------------------------------------------------------


def test_lexicon_file_adds_a_cue(tmp_path: Path):
    f = tmp_path / "escalation-board.tsv"
    f.write_text("# my cues\n找你们董事长\tsupervisor\t4\n", encoding="utf-8")
    an = xinsheng.Analyzer(lexicons=[f])
    cues = an.analyze("我要找你们董事长")["escalation"]["cues"]
    assert [c["category"] for c in cues] == ["supervisor"]
    assert xinsheng.Analyzer(lexicons=str(f)).analyze("我要找你们董事长") == an.analyze("我要找你们董事长")
    d = tmp_path / "dir"
    d.mkdir()
    (d / "escalation-board.tsv").write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    assert xinsheng.Analyzer(lexicon_dir=d).analyze("我要找你们董事长") == an.analyze("我要找你们董事长")


def test_bad_lexicon_lines_are_listed(tmp_path: Path):
    f = tmp_path / "escalation-bad.tsv"
    f.write_text("找你们董事长\tsupervisor\t4\n骂人\tnot_a_category\t3\n吵架\tcomplaint\tnine\n", encoding="utf-8")
    with pytest.raises(xinsheng.LexiconError) as err:
        xinsheng.Analyzer(lexicons=[f])
    message = str(err.value)
    assert f"{f}:2: " in message and f"{f}:3: " in message
    assert [(p, n) for p, n, _ in err.value.errors] == [(str(f), 2), (str(f), 3)]
    assert isinstance(err.value, ValueError)


def test_missing_lexicon_paths(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        xinsheng.Analyzer(lexicon_dir=tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="nothing.tsv"):
        xinsheng.Analyzer(lexicons=[tmp_path / "escalation-nothing.tsv"])
    with pytest.raises(TypeError, match=r"lexicons\[0\]: expected a path"):
        xinsheng.Analyzer(lexicons=[3])


def test_without_embedded_lexicons():
    bare = xinsheng.Analyzer(embedded=False)
    assert bare.analyze("我要投诉")["escalation"]["cues"] == []


def test_model_file(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no such model file"):
        xinsheng.Analyzer(model=tmp_path / "missing.model")
    m = tmp_path / "calls.model"
    m.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="calls.model"):
        xinsheng.Analyzer(model=m)
    # The built-in model, loaded from its file, scores exactly as the default does.
    builtin = Path(__file__).resolve().parents[2] / "xinsheng/src/model/default_model.json"
    turns = [("customer", "快递一个星期了还没到"), ("agent", "这个不归我管"), ("customer", "我要投诉")]
    assert xinsheng.Analyzer(model=builtin).analyze_conversation(turns) == xinsheng.Analyzer().analyze_conversation(turns)
