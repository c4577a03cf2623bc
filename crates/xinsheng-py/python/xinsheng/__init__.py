"""xinsheng (心声): emotion, sentiment and escalation risk of Chinese customer-service
transcripts, on the Rust core of the ``xinsheng`` crate.

>>> import xinsheng
>>> an = xinsheng.Analyzer()
>>> an.analyze("再不处理我就打12315投诉你们！")["escalation"]["level"]
'critical'

* :class:`Analyzer` — ``analyze``, ``analyze_many`` (parallel, GIL released),
  ``analyze_conversation``, ``analyze_conversations``, ``explain``. The dicts have
  exactly the JSON schema of the CLI (``xinsheng score`` / the library's serde output).
  ``score_columns`` / ``call_columns`` return flat columns instead (the fastest way).
* :mod:`xinsheng.pandas` — ``score_frame`` and ``calls_frame`` for data frames.
* :mod:`xinsheng.spark` — ``score`` and ``calls`` for Spark DataFrames.
"""

from ._xinsheng import SCHEMA_VERSION, Analyzer, LexiconError, __version__, speaker_role

__all__ = ["Analyzer", "LexiconError", "SCHEMA_VERSION", "__version__", "speaker_role"]
