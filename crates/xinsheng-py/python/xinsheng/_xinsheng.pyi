"""Type stubs of the native module ``xinsheng._xinsheng`` (re-exported by ``xinsheng``)."""

import os
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Tuple, Union

__version__: str
SCHEMA_VERSION: str

Role = Literal["customer", "agent", "unknown"]
StrPath = Union[str, "os.PathLike[str]"]
# A turn: a (speaker, text) pair, or a dict with "speaker" and "text" keys.
TurnLike = Union[Tuple[str, str], Sequence[str], Mapping[str, str]]

# An utterance analysis (`UtteranceAnalysis`, the CLI's JSON schema): keys speaker,
# emotion, emotions, polarity, valence, intensity, escalation {risk, level, cues[]}, agent[].
UtteranceDict = Dict[str, Any]
# A conversation analysis (`ConversationAnalysis`): keys turns[], customer_valence[],
# trajectory, peak, escalation {risk, level, escalated, first_turn, reasons[]}, agent_qa.
ConversationDict = Dict[str, Any]

class LexiconError(ValueError):
    """Bad lexicon lines: the message lists each as ``path:line: reason``."""

    errors: List[Tuple[str, int, str]]

def speaker_role(label: str) -> Role:
    """The role a speaker label maps to with the built-in labels (客服 → "agent", 客户 → "customer")."""

class Analyzer:
    """Tags Chinese customer-service utterances and conversations with emotion,
    sentiment and escalation risk.

    Build once (about 0.1 s) and share: immutable and thread-safe.

    :param lexicon_dir: a directory of ``*.tsv`` lexicon files; a file named like a
        built-in lexicon (``escalation.tsv``) replaces it.
    :param lexicons: one lexicon file or a sequence of them, added after the directory.
    :param model: a call-risk model file (not supported by this build yet: refused with
        ``ValueError``).
    :param speaker_map: extra speaker labels, e.g. ``{"来宾": "customer"}``.
    :param embedded: start from the built-in lexicons (default) or from none.
    :raises LexiconError: bad lexicon lines, every one listed as ``path:line: reason``.
    :raises FileNotFoundError: a lexicon directory, file or model file that does not exist.
    """

    def __init__(
        self,
        lexicon_dir: Optional[StrPath] = None,
        lexicons: Union[StrPath, Iterable[StrPath], None] = None,
        model: Optional[StrPath] = None,
        *,
        speaker_map: Optional[Mapping[str, Role]] = None,
        embedded: bool = True,
    ) -> None: ...
    def analyze(self, text: str, speaker: str = "customer") -> UtteranceDict:
        """Analyze one utterance. ``speaker`` is ``"customer"``, ``"agent"``,
        ``"unknown"`` or a label such as 客服 / 客户 (mapped like the CLI; unknown labels
        are scored like a customer, without agent checks)."""
    def analyze_many(
        self,
        texts: Sequence[str],
        speakers: Union[str, Sequence[str], None] = None,
        threads: Optional[int] = None,
    ) -> List[UtteranceDict]:
        """Analyze many utterances in parallel with the GIL released; results in input
        order, identical whatever ``threads`` (``None``: all cores). The dicts are built
        on the calling thread (holding the GIL) while the next chunk is analyzed; for
        throughput, :meth:`score_columns` returns a few lists instead."""
    def analyze_conversation(self, turns: Sequence[TurnLike]) -> ConversationDict:
        """Analyze one conversation, turns in order."""
    def analyze_conversations(
        self, calls: Sequence[Sequence[TurnLike]], threads: Optional[int] = None
    ) -> List[ConversationDict]:
        """Analyze many conversations in parallel (GIL released, dicts built while the
        next chunk is analyzed); results in input order."""
    def explain(self, text: str, speaker: str = "customer") -> str:
        """The step-by-step explanation ``xinsheng explain`` prints."""
    def speaker_role(self, label: str) -> Role:
        """The role a label maps to with this analyzer's speaker map."""
    def score_columns(
        self,
        texts: Sequence[str],
        speakers: Union[str, Sequence[str], None] = None,
        threads: Optional[int] = None,
    ) -> Dict[str, List[Any]]:
        """The flat per-utterance columns, ``{column: [cell per text]}``: ``emotion,
        polarity, level`` (str), ``valence, intensity, risk`` (float), ``cues, agent``
        (str cells of ``xinsheng score --format csv``). What ``xinsheng.pandas.score_frame``
        and ``xinsheng.spark.score`` add; the fastest way out (a few lists instead of a
        dict per text). Same arguments and guarantees as :meth:`analyze_many`."""
    def call_columns(
        self, calls: Sequence[Sequence[TurnLike]], threads: Optional[int] = None
    ) -> Dict[str, List[Any]]:
        """The flat per-call columns, ``{column: [cell per call]}``: ``turns,
        customer_turns, agent_turns, level, risk, escalated, first_turn, trajectory,
        empathy_rate, prohibited, reasons`` (what ``xinsheng.pandas.calls_frame`` returns
        after the call id; ``first_turn`` and ``empathy_rate`` may be ``None``)."""
    def _reference_json(
        self,
        texts: Sequence[Any],
        speakers: Union[str, Sequence[str], None] = None,
        conversations: bool = False,
    ) -> List[str]:
        """Test reference: the library's serde JSON of each analysis (the CLI's JSON)."""
