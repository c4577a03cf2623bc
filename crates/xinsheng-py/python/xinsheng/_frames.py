"""Shared checks and conversions of the pandas and Spark helpers (pandas only)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

#: Columns ``score_frame`` / ``xinsheng.spark.score`` add (the CLI's CSV columns).
SCORE_COLUMNS = ("emotion", "polarity", "valence", "intensity", "risk", "level", "cues", "agent")

#: Columns of ``calls_frame`` / ``xinsheng.spark.calls`` after the call id.
CALL_COLUMNS = (
    "turns",
    "customer_turns",
    "agent_turns",
    "level",
    "risk",
    "escalated",
    "first_turn",
    "trajectory",
    "empathy_rate",
    "prohibited",
    "reasons",
)


def require_columns(df: Any, columns: Sequence[Optional[str]], what: str = "data frame") -> None:
    """``ValueError`` naming the first column of ``columns`` that ``df`` lacks."""
    have = list(df.columns)
    for c in columns:
        if c is not None and c not in have:
            raise ValueError(
                f"column {c!r} not found in the {what} (columns: {', '.join(map(str, have))})"
            )


def strings(series: Any, column: str) -> List[str]:
    """The cells of a column as a list of str; ``ValueError`` naming the column and the
    row label of the first cell that is not a str (None, NaN, bytes, numbers …)."""
    values = series.tolist()
    for label, v in zip(series.index, values):
        if not isinstance(v, str):
            kind = "missing (None/NaN)" if v is None or v != v else type(v).__name__
            raise ValueError(f"column {column!r}, row {label!r}: expected str, got {kind}")
    return values


def score_columns(analyzer: Any, texts: List[str], speakers: Optional[List[str]], threads: Optional[int]) -> Dict[str, List[Any]]:
    """The flat score columns of ``texts``."""
    return analyzer.score_columns(texts, speakers, threads)


def call_columns(analyzer: Any, calls: List[List[tuple]], threads: Optional[int]) -> Dict[str, List[Any]]:
    """The flat call columns of ``calls`` (lists of (speaker, text) turns)."""
    return analyzer.call_columns(calls, threads)
