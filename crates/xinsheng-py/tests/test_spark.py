"""xinsheng.spark on a real local Spark (local[2]): examples/calls.jsonl scored and
summarized through Spark equals the CLI's output."""

from __future__ import annotations

from pathlib import Path

import pytest

import xinsheng.spark as xs
from conftest import CALLS_JSONL


@pytest.fixture(scope="module")
def calls_df(spark):
    # Two partitions, so that rows and calls really travel through two Python workers.
    return spark.read.json(str(CALLS_JSONL)).repartition(2)


def test_score_equals_cli(calls_df, cli_score, cli_score_csv):
    out = xs.score(calls_df, text_col="text", speaker_col="speaker")
    names = [f.name for f in out.schema.fields]
    assert names[-8:] == ["emotion", "polarity", "valence", "intensity", "risk", "level", "cues", "agent"]
    assert dict((f.name, f.dataType.simpleString()) for f in out.schema.fields)["valence"] == "double"
    rows = {(r["call_id"], r["turn"]): r for r in out.collect()}
    assert len(rows) == len(cli_score) == 57
    for js, cs in zip(cli_score, cli_score_csv):
        r = rows[(js["call_id"], js["turn"])]
        x = js["xinsheng"]
        assert r["text"] == js["text"]
        assert r["emotion"] == x["emotion"]
        assert r["polarity"] == x["polarity"]
        assert r["valence"] == x["valence"]
        assert r["intensity"] == x["intensity"]
        assert r["risk"] == x["escalation"]["risk"]
        assert r["level"] == x["escalation"]["level"]
        assert r["cues"] == cs["cues"]
        assert r["agent"] == cs["agent"]


def test_calls_equal_cli(calls_df, cli_calls, cli_calls_csv):
    out = xs.calls(calls_df, call_id_col="call_id", order_col="turn")
    rows = {r["call_id"]: r for r in out.collect()}
    assert sorted(rows) == sorted(c["call_id"] for c in cli_calls)
    for js, cs in zip(cli_calls, cli_calls_csv):
        r = rows[js["call_id"]]
        e = js["escalation"]
        assert r["turns"] == js["turns"]
        assert r["customer_turns"] == js["customer_turns"]
        assert r["level"] == e["level"]
        assert r["risk"] == e["risk"]
        assert r["escalated"] is e["escalated"]
        assert r["first_turn"] == e["first_turn"]  # None ↔ null
        assert r["trajectory"] == js["trajectory"]
        assert r["empathy_rate"] == js["agent_qa"]["empathy_rate"]
        assert r["prohibited"] == len(js["agent_qa"]["prohibited"])
        assert r["reasons"] == cs["reasons"]


def test_lexicon_dir_is_shipped(spark, tmp_path: Path):
    d = tmp_path / "board-lexicons"
    d.mkdir()
    (d / "escalation-board.tsv").write_text("找你们董事长\tsupervisor\t4\n", encoding="utf-8")
    df = spark.createDataFrame([("c1", 1, "客户", "我要找你们董事长")], ["call_id", "turn", "speaker", "text"])
    plain = xs.score(df).collect()[0]
    assert "supervisor" not in plain["cues"]
    custom = xs.score(df, lexicon_dir=d).collect()[0]
    assert custom["cues"] == "supervisor:找你们董事长"
    per_call = xs.calls(df, lexicon_dir=d).collect()[0]
    assert per_call["escalated"] is True


def test_driver_side_errors(calls_df, tmp_path: Path):
    with pytest.raises(ValueError, match=r"column 'message' not found in the Spark DataFrame"):
        xs.score(calls_df, text_col="message")
    with pytest.raises(ValueError, match=r"order_col"):
        xs.calls(calls_df, order_col=None)
    bad = tmp_path / "escalation-bad.tsv"
    bad.write_text("骂人\tnot_a_category\t3\n", encoding="utf-8")
    import xinsheng

    with pytest.raises(xinsheng.LexiconError, match=rf"{bad}:1: "):
        xs.score(calls_df, lexicons=[bad])


def test_bad_cell_fails_the_job_with_its_column(spark):
    df = spark.createDataFrame([("c1", 1, "客户", "好"), ("c1", 2, "客服", None)], "call_id string, turn long, speaker string, text string")
    with pytest.raises(Exception, match=r"column 'text', row 1: expected str, got missing"):
        xs.score(df.coalesce(1)).collect()
