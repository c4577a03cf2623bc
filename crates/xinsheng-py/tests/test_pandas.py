"""xinsheng.pandas: score_frame and calls_frame against the CLI, and their errors."""

from __future__ import annotations

import math

import pytest

pd = pytest.importorskip("pandas")

import xinsheng  # noqa: E402
import xinsheng.pandas as xp  # noqa: E402


@pytest.fixture(scope="module")
def frame(example_records):
    return pd.DataFrame(example_records)


def test_score_frame_equals_cli(frame, cli_score, cli_score_csv):
    before = frame.copy()
    out = xp.score_frame(frame)
    pd.testing.assert_frame_equal(frame, before)  # the input is left alone
    assert list(out.columns) == list(frame.columns) + [
        "emotion", "polarity", "valence", "intensity", "risk", "level", "cues", "agent",
    ]
    for (_, row), js, cs in zip(out.iterrows(), cli_score, cli_score_csv):
        x = js["xinsheng"]
        assert row["emotion"] == x["emotion"] == cs["emotion"]
        assert row["polarity"] == x["polarity"] == cs["polarity"]
        assert row["valence"] == x["valence"]
        assert row["intensity"] == x["intensity"]
        assert row["risk"] == x["escalation"]["risk"]
        assert row["level"] == x["escalation"]["level"] == cs["level"]
        assert row["cues"] == cs["cues"]
        assert row["agent"] == cs["agent"]
    assert (out["cues"] != "").sum() > 10


def test_score_frame_options(frame):
    out = xp.score_frame(frame, speaker=None, prefix="xs_", threads=1)
    assert "xs_level" in out.columns and "level" not in out.columns
    customers = xp.score_frame(frame.assign(speaker="customer"))
    assert list(out["xs_level"]) == list(customers["level"])
    renamed = frame.rename(columns={"text": "内容", "speaker": "角色"})
    same = xp.score_frame(renamed, text="内容", speaker="角色")
    assert list(same["cues"]) == list(xp.score_frame(frame)["cues"])
    an = xinsheng.Analyzer(embedded=False)
    bare = xp.score_frame(frame, analyzer=an)  # no lexicon: no complaint or regulator cue
    assert not bare["cues"].str.contains("complaint|regulator").any()
    assert xp.score_frame(frame)["cues"].str.contains("complaint|regulator").any()


def test_score_frame_missing_column(frame):
    with pytest.raises(ValueError, match=r"column 'message' not found"):
        xp.score_frame(frame, text="message")
    with pytest.raises(ValueError, match=r"column 'role' not found"):
        xp.score_frame(frame, speaker="role")


@pytest.mark.parametrize(
    "bad, kind",
    [(None, "missing"), (float("nan"), "missing"), (b"\xce\xd2", "bytes"), (42, "int")],
)
def test_score_frame_bad_cells(bad, kind):
    df = pd.DataFrame({"text": ["好的", "谢谢", "我要投诉"], "speaker": ["客户"] * 3}, index=["a", "b", "c"])
    df["text"] = df["text"].astype(object)
    df.loc["b", "text"] = bad
    with pytest.raises(ValueError, match=rf"column 'text', row 'b': expected str, got {kind}"):
        xp.score_frame(df)
    ok = pd.DataFrame({"text": ["好"], "speaker": [None]})
    with pytest.raises(ValueError, match=r"column 'speaker', row 0: expected str"):
        xp.score_frame(ok)


def test_calls_frame_equals_cli(frame, cli_calls, cli_calls_csv):
    out = xp.calls_frame(frame)
    assert list(out.columns) == [
        "call_id", "turns", "customer_turns", "agent_turns", "level", "risk", "escalated",
        "first_turn", "trajectory", "empathy_rate", "prohibited", "reasons",
    ]
    assert list(out["call_id"]) == [c["call_id"] for c in cli_calls]
    for (_, row), js, cs in zip(out.iterrows(), cli_calls, cli_calls_csv):
        e = js["escalation"]
        assert row["turns"] == js["turns"]
        assert row["customer_turns"] == js["customer_turns"]
        assert row["agent_turns"] == js["agent_turns"]
        assert row["level"] == e["level"]
        assert row["risk"] == e["risk"]
        assert bool(row["escalated"]) is e["escalated"]
        if e["first_turn"] is None:
            assert row["first_turn"] is pd.NA
        else:
            assert row["first_turn"] == e["first_turn"]
        assert row["trajectory"] == js["trajectory"]
        rate = js["agent_qa"]["empathy_rate"]
        if rate is None:
            assert row["empathy_rate"] is pd.NA
        else:
            assert math.isclose(row["empathy_rate"], rate, rel_tol=0, abs_tol=0)
        assert row["prohibited"] == len(js["agent_qa"]["prohibited"])
        assert row["reasons"] == cs["reasons"]
    assert out["escalated"].sum() >= 2


def test_calls_frame_orders_turns(frame):
    shuffled = frame.sample(frac=1.0, random_state=7)
    a = xp.calls_frame(frame).set_index("call_id").sort_index()
    b = xp.calls_frame(shuffled).set_index("call_id").sort_index()
    pd.testing.assert_frame_equal(a, b)
    # Without an order column, row order is the turn order: reversed turns differ.
    rev = frame.iloc[::-1]
    c = xp.calls_frame(rev, order=None).set_index("call_id").sort_index()
    assert not c["trajectory"].equals(a["trajectory"]) or not c["first_turn"].equals(a["first_turn"])


def test_calls_frame_errors(frame):
    with pytest.raises(ValueError, match=r"column 'seq' not found"):
        xp.calls_frame(frame, order="seq")
    with pytest.raises(ValueError, match=r"column 'session' not found"):
        xp.calls_frame(frame, call_id="session")
    bad = frame.copy()
    bad["call_id"] = bad["call_id"].astype(object)
    bad.loc[3, "call_id"] = None
    with pytest.raises(ValueError, match=r"column 'call_id', row 3: missing call id"):
        xp.calls_frame(bad)
    bad = frame.copy()
    bad.loc[5, "text"] = None
    with pytest.raises(ValueError, match=r"column 'text', row 5: expected str"):
        xp.calls_frame(bad)
