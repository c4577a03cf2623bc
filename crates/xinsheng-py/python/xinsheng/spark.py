"""Spark helpers: score every row, or summarize every call, of a Spark DataFrame.

>>> import xinsheng.spark as xs
>>> scored = xs.score(df, text_col="text", speaker_col="speaker")          # doctest: +SKIP
>>> per_call = xs.calls(df, call_id_col="call_id", order_col="turn")       # doctest: +SKIP

``score`` runs through ``mapInPandas``, ``calls`` through
``groupBy(call_id).applyInPandas``; both return a DataFrame with a declared schema
(see :data:`SCORE_FIELDS` and :data:`CALL_FIELDS`). Each Python worker process builds
its :class:`xinsheng.Analyzer` once and reuses it for every batch and group (Spark reuses
Python workers by default). Lexicon directories, lexicon files and model files given
here are shipped to the executors with ``SparkContext.addFile`` and found there with
``SparkFiles.get``; pass ``ship=False`` when the paths are already valid on every
executor (a shared file system). The executors need the ``xinsheng`` wheel installed
(or shipped with ``--py-files`` / an archive of a virtual environment).

Each analysis runs on ``threads`` threads inside its Python worker (default 1: Spark
already runs one worker per executor core).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _frames
from ._xinsheng import Analyzer
from .pandas import calls_frame, score_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    from pyspark.sql import DataFrame

__all__ = ["score", "calls", "SCORE_FIELDS", "CALL_FIELDS"]

StrPath = Union[str, "os.PathLike[str]"]

#: Fields ``score`` appends: (name, Spark type name, nullable).
SCORE_FIELDS: Tuple[Tuple[str, str, bool], ...] = (
    ("emotion", "string", False),
    ("polarity", "string", False),
    ("valence", "double", False),
    ("intensity", "double", False),
    ("risk", "double", False),
    ("level", "string", False),
    ("cues", "string", False),
    ("agent", "string", False),
)

#: Fields of ``calls`` after the call id: (name, Spark type name, nullable).
CALL_FIELDS: Tuple[Tuple[str, str, bool], ...] = (
    ("turns", "long", False),
    ("customer_turns", "long", False),
    ("agent_turns", "long", False),
    ("level", "string", False),
    ("risk", "double", False),
    ("escalated", "boolean", False),
    ("first_turn", "long", True),
    ("trajectory", "string", False),
    ("empathy_rate", "double", True),
    ("prohibited", "long", False),
    ("reasons", "string", False),
)

# One analyzer per Python worker process and configuration.
_WORKER_ANALYZERS: Dict[Tuple[Any, ...], Analyzer] = {}


def _spark_type(name: str) -> Any:
    from pyspark.sql import types as T

    return {
        "string": T.StringType(),
        "double": T.DoubleType(),
        "long": T.LongType(),
        "boolean": T.BooleanType(),
    }[name]


def _ship(df: "DataFrame", lexicon_dir: Optional[StrPath], lexicons: Sequence[StrPath], model: Optional[StrPath], ship: bool) -> Tuple[Any, ...]:
    """Validate the lexicons on the driver (a bad line fails here, with its
    ``path:line: reason``), ship the files, and return the worker-side configuration."""
    Analyzer(lexicon_dir=lexicon_dir, lexicons=list(lexicons), model=model)
    paths = [os.fspath(p) for p in lexicons]
    ldir = os.fspath(lexicon_dir) if lexicon_dir is not None else None
    mpath = os.fspath(model) if model is not None else None
    if not ship:
        return (False, ldir, tuple(paths), mpath)
    sc = df.sparkSession.sparkContext
    if ldir is not None:
        sc.addFile(os.path.abspath(ldir), recursive=True)
    for p in paths:
        sc.addFile(os.path.abspath(p))
    if mpath is not None:
        sc.addFile(os.path.abspath(mpath))
    base = lambda p: os.path.basename(os.path.normpath(p))  # noqa: E731
    return (
        True,
        base(ldir) if ldir is not None else None,
        tuple(base(p) for p in paths),
        base(mpath) if mpath is not None else None,
    )


def _worker_analyzer(config: Tuple[Any, ...]) -> Analyzer:
    """The analyzer of this Python worker process for ``config``, built once."""
    an = _WORKER_ANALYZERS.get(config)
    if an is None:
        shipped, ldir, paths, mpath = config
        if shipped:
            from pyspark import SparkFiles

            ldir = SparkFiles.get(ldir) if ldir is not None else None
            paths = tuple(SparkFiles.get(p) for p in paths)
            mpath = SparkFiles.get(mpath) if mpath is not None else None
        an = Analyzer(lexicon_dir=ldir, lexicons=list(paths), model=mpath)
        _WORKER_ANALYZERS[config] = an
    return an


def score(
    df: "DataFrame",
    text_col: str = "text",
    speaker_col: Optional[str] = "speaker",
    *,
    lexicon_dir: Optional[StrPath] = None,
    lexicons: Sequence[StrPath] = (),
    model: Optional[StrPath] = None,
    ship: bool = True,
    threads: Optional[int] = 1,
    prefix: str = "",
) -> "DataFrame":
    """``df`` with ``emotion, polarity, valence, intensity, risk, level, cues, agent``
    appended (each after ``prefix``; an input column of the same name is replaced),
    through ``mapInPandas``: the cells of :func:`xinsheng.pandas.score_frame`.

    :param speaker_col: the speaker column, or ``None`` to score every row as a
        customer's.
    :raises ValueError: on the driver, a missing column; in the job (as Spark's
        ``PythonException``), a cell that is not a ``str``, named with its column and its
        row within the Arrow batch.
    """
    from pyspark.sql import types as T

    _frames.require_columns(df, [text_col, speaker_col], "Spark DataFrame")
    config = _ship(df, lexicon_dir, lexicons, model, ship)
    added = [prefix + name for name, _, _ in SCORE_FIELDS]
    fields = [f for f in df.schema.fields if f.name not in added]
    fields += [T.StructField(prefix + n, _spark_type(t), nullable) for n, t, nullable in SCORE_FIELDS]
    schema = T.StructType(fields)
    names = [f.name for f in fields]

    def run(batches: Iterable["pandas.DataFrame"]) -> Iterator["pandas.DataFrame"]:
        an = _worker_analyzer(config)
        for pdf in batches:
            out = score_frame(pdf, text_col, speaker_col, analyzer=an, threads=threads, prefix=prefix)
            yield out[names]

    return df.mapInPandas(run, schema)


def calls(
    df: "DataFrame",
    call_id_col: str = "call_id",
    order_col: str = "turn",
    text_col: str = "text",
    speaker_col: str = "speaker",
    *,
    lexicon_dir: Optional[StrPath] = None,
    lexicons: Sequence[StrPath] = (),
    model: Optional[StrPath] = None,
    ship: bool = True,
    threads: Optional[int] = 1,
) -> "DataFrame":
    """One row per call through ``groupBy(call_id_col).applyInPandas``: the call id
    (its input type), then ``turns, customer_turns, agent_turns, level, risk, escalated,
    first_turn, trajectory, empathy_rate, prohibited, reasons`` — the cells of
    :func:`xinsheng.pandas.calls_frame`. Turns are ordered by ``order_col`` within each
    call (Spark keeps no row order inside a group, so it is required).

    :raises ValueError: on the driver, a missing column or ``order_col=None``.
    """
    from pyspark.sql import types as T

    if order_col is None:
        raise ValueError("order_col: Spark keeps no row order within a group; name the column that orders the turns")
    _frames.require_columns(df, [call_id_col, order_col, text_col, speaker_col], "Spark DataFrame")
    config = _ship(df, lexicon_dir, lexicons, model, ship)
    id_field = df.schema[call_id_col]
    schema = T.StructType(
        [T.StructField(call_id_col, id_field.dataType, id_field.nullable)]
        + [T.StructField(n, _spark_type(t), nullable) for n, t, nullable in CALL_FIELDS]
    )

    def run(pdf: "pandas.DataFrame") -> "pandas.DataFrame":
        an = _worker_analyzer(config)
        return calls_frame(
            pdf,
            call_id=call_id_col,
            text=text_col,
            speaker=speaker_col,
            order=order_col,
            analyzer=an,
            threads=threads,
        )

    return df.groupBy(call_id_col).applyInPandas(run, schema)
