"""pandas helpers: score every row, or summarize every call, of a data frame.

>>> import pandas as pd, xinsheng.pandas as xp
>>> df = pd.DataFrame({"speaker": ["客户", "客服"], "text": ["我要投诉！", "非常抱歉"]})
>>> xp.score_frame(df)[["text", "emotion", "level"]]  # doctest: +SKIP

Both helpers work on a copy and never turn bad input into NaN: a missing column, or a
cell that is not a ``str`` (None, NaN, bytes, a number), raises ``ValueError`` naming the
column and the row label.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from . import _frames
from ._xinsheng import Analyzer

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = ["score_frame", "calls_frame", "default_analyzer"]

_DEFAULT: Dict[str, Analyzer] = {}


def default_analyzer() -> Analyzer:
    """The shared analyzer with the built-in lexicons (built on first use)."""
    if "a" not in _DEFAULT:
        _DEFAULT["a"] = Analyzer()
    return _DEFAULT["a"]


def score_frame(
    df: "pandas.DataFrame",
    text: str = "text",
    speaker: Optional[str] = "speaker",
    *,
    analyzer: Optional[Analyzer] = None,
    threads: Optional[int] = None,
    prefix: str = "",
) -> "pandas.DataFrame":
    """A copy of ``df`` with the columns ``emotion, polarity, valence, intensity, risk,
    level, cues, agent`` added (each name after ``prefix``), one analysis per row, in
    row order.

    Cells are those of ``xinsheng score --format csv``: ``cues`` as
    ``category:text|…`` (negated cues left out, quoted ones marked ``(quoted)``),
    ``agent`` as ``kind/category:text|…``; floats as in its JSON.

    :param text: the text column (each cell a ``str``).
    :param speaker: the speaker column (labels such as 客户 / 客服 / ``agent``, mapped like
        the CLI), or ``None`` to score every row as a customer's.
    :param analyzer: the :class:`xinsheng.Analyzer` to use (default: built-in lexicons).
    :param threads: worker threads (``None``: all cores); results do not depend on it.
    :raises ValueError: a missing column, or a non-``str`` cell (column and row named).
    """
    _frames.require_columns(df, [text, speaker])
    an = analyzer if analyzer is not None else default_analyzer()
    texts = _frames.strings(df[text], text)
    speakers = _frames.strings(df[speaker], speaker) if speaker is not None else None
    cols = _frames.score_columns(an, texts, speakers, threads)
    out = df.copy()
    for name in _frames.SCORE_COLUMNS:
        out[prefix + name] = cols[name]
    return out


def calls_frame(
    df: "pandas.DataFrame",
    call_id: str = "call_id",
    text: str = "text",
    speaker: str = "speaker",
    order: Optional[str] = "turn",
    *,
    analyzer: Optional[Analyzer] = None,
    threads: Optional[int] = None,
) -> "pandas.DataFrame":
    """One row per call: ``call_id`` (named as in ``df``), then ``turns,
    customer_turns, agent_turns, level, risk, escalated, first_turn, trajectory,
    empathy_rate, prohibited, reasons``.

    Rows of a call are gathered wherever they stand, ordered by ``order`` (a stable
    sort; ``None`` keeps row order); calls come out in order of first appearance.
    ``first_turn`` (0-based, within the call) and ``empathy_rate`` are nullable
    (``<NA>`` when there is none); ``prohibited`` counts prohibited agent phrases;
    ``reasons`` is the CLI's CSV cell ``kind detail (turn N) +weight | …``.

    :raises ValueError: a missing column, a non-``str`` text or speaker cell, or a
        missing call id (column and row named).
    """
    import pandas as pd

    _frames.require_columns(df, [call_id, text, speaker, order])
    an = analyzer if analyzer is not None else default_analyzer()
    ids = df[call_id]
    missing = ids.isna()
    if missing.any():
        label = ids.index[missing.to_numpy().nonzero()[0][0]]
        raise ValueError(f"column {call_id!r}, row {label!r}: missing call id")
    texts = _frames.strings(df[text], text)
    speakers = _frames.strings(df[speaker], speaker)
    frame = pd.DataFrame({"id": ids.to_numpy(), "t": texts, "s": speakers})
    if order is not None:
        frame["o"] = df[order].to_numpy()
        if frame["o"].isna().any():
            label = df.index[frame["o"].isna().to_numpy().nonzero()[0][0]]
            raise ValueError(f"column {order!r}, row {label!r}: missing turn order")
    call_ids: List[Any] = list(pd.unique(frame["id"]))
    grouped = frame.groupby("id", sort=False)
    calls = []
    for cid in call_ids:
        g = grouped.get_group(cid)
        if order is not None:
            g = g.sort_values("o", kind="stable")
        calls.append(list(zip(g["s"].tolist(), g["t"].tolist())))
    cols = _frames.call_columns(an, calls, threads)
    out = pd.DataFrame({call_id: call_ids})
    for name in _frames.CALL_COLUMNS:
        out[name] = cols[name]
    out["first_turn"] = out["first_turn"].astype("Int64")
    out["empathy_rate"] = out["empathy_rate"].astype("Float64")
    return out
