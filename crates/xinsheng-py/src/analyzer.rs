//! The `xinsheng.Analyzer` class.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::exceptions::{PyFileNotFoundError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use rayon::prelude::*;
use rayon::ThreadPool;
use xinsheng::{Analyzer, AnalyzerBuilder, Speaker, Turn};

use crate::columns;
use crate::convert::{items, text_of, to_json, type_name, Speakers};
use crate::errors::build_error;
use crate::pipeline::{self, Pools};
use crate::topy::{to_py, Converter};

/// Texts analyzed per chunk in `analyze_many` and `score_columns`: the pool analyzes
/// one chunk while the calling thread turns the previous one into Python objects; small
/// enough that the two overlap on short lists and the last chunk's conversion (which
/// nothing overlaps) is short, large enough to keep every core busy.
const CHUNK_TEXTS: usize = 256;
/// Calls analyzed between two hand-overs to Python.
const CHUNK_CALLS: usize = 64;

/// Tags Chinese customer-service utterances and conversations with emotion, sentiment
/// and escalation risk. Built once (about 0.1 s), immutable and thread-safe: share one.
#[pyclass(name = "Analyzer", module = "xinsheng", frozen)]
pub struct PyAnalyzer {
    inner: Arc<Analyzer>,
    speakers: Speakers,
    /// Thread pools for an explicit `threads=`.
    pools: Pools,
    description: String,
}

/// Lexicon file arguments: one path, or a sequence of paths.
fn lexicon_paths(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<PathBuf>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(p) = obj.extract::<PathBuf>() {
        return Ok(vec![p]);
    }
    items(obj, "lexicons")?
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.extract::<PathBuf>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "lexicons[{i}]: expected a path (str or os.PathLike), got {}",
                    type_name(p)
                ))
            })
        })
        .collect()
}

/// Adds a call-risk model file to the builder.
///
/// TODO(integrator): wire `AnalyzerBuilder::call_model` here once the library has it
/// (the "model" helper's branch); until then a model file is refused with a clear error.
fn with_model(builder: AnalyzerBuilder, path: &Path) -> PyResult<AnalyzerBuilder> {
    if !path.is_file() {
        return Err(PyFileNotFoundError::new_err(format!(
            "{}: no such model file",
            path.display()
        )));
    }
    // A bad file is `path:line: reason`, as the CLI's --model says it.
    let model =
        xinsheng::model::CallModel::load(path).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(builder.call_model(model))
}

/// A speaker_map argument: label → "customer" / "agent" / "unknown".
fn speaker_entries(map: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, Speaker)>> {
    let Some(map) = map.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let dict = map.cast::<PyDict>().map_err(|_| {
        PyTypeError::new_err(format!(
            "speaker_map: expected a dict of label -> \"customer\" | \"agent\" | \"unknown\", got {}",
            type_name(map)
        ))
    })?;
    let mut out = Vec::new();
    for (k, v) in dict.iter() {
        let label = text_of(&k, &|| "speaker_map key".into())?;
        let role = text_of(&v, &|| format!("speaker_map[{label:?}]"))?;
        let speaker = role
            .parse::<Speaker>()
            .map_err(|e| PyValueError::new_err(format!("speaker_map[{label:?}]: {e}")))?;
        out.push((label, speaker));
    }
    Ok(out)
}

impl PyAnalyzer {
    /// Runs `f` on the pool of `threads` threads (rayon's global pool for `None`).
    fn on_pool<T: Send>(
        &self,
        threads: Option<usize>,
        f: impl FnOnce() -> T + Send,
    ) -> PyResult<T> {
        Ok(pipeline::install(self.pools.get(threads)?.as_deref(), f))
    }

    /// A batch of texts for [`pipeline::overlapped`]: speakers checked now, texts read
    /// chunk by chunk.
    fn text_batch<'py>(
        &self,
        texts: &Bound<'py, PyAny>,
        speakers: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<TextBatch<'py>> {
        let items = items(texts, "texts")?;
        let speakers = self.speakers.for_texts(speakers, items.len())?;
        let pool = self.pools.get(threads)?;
        let size = pipeline::chunk_len(items.len(), pool.as_deref(), CHUNK_TEXTS);
        Ok(TextBatch {
            items,
            speakers,
            pool,
            size,
        })
    }

    fn calls(&self, calls: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<(Speaker, String)>>> {
        self.call_chunk(0, &items(calls, "calls")?)
    }

    /// The turns of `calls`, the first of which is `calls[first]` of the argument.
    fn call_chunk(
        &self,
        first: usize,
        calls: &[Bound<'_, PyAny>],
    ) -> PyResult<Vec<Vec<(Speaker, String)>>> {
        calls
            .iter()
            .enumerate()
            .map(|(i, c)| self.speakers.turns(c, &|| format!("calls[{}]", first + i)))
            .collect()
    }

    /// Analyzes one call.
    fn conversation(&self, call: &[(Speaker, String)]) -> xinsheng::ConversationAnalysis {
        let turns: Vec<Turn<'_>> = call.iter().map(|(s, t)| Turn::new(*s, t)).collect();
        self.inner.analyze_conversation(&turns)
    }
}

/// The texts of a batch call, read from Python chunk by chunk on the calling thread
/// while the pool analyzes the chunks read before.
struct TextBatch<'py> {
    items: Vec<Bound<'py, PyAny>>,
    speakers: Vec<Speaker>,
    pool: Option<Arc<ThreadPool>>,
    /// Texts per chunk.
    size: usize,
}

impl TextBatch<'_> {
    fn chunks(&self) -> usize {
        self.items.len().div_ceil(self.size)
    }

    /// Chunk `k`: its texts and their speakers.
    fn chunk(&self, k: usize) -> PyResult<(Vec<String>, &[Speaker])> {
        let first = k * self.size;
        self.texts(first, self.items.len().min(first + self.size))
    }

    /// Analyzes every text on the pool (see [`pipeline::overlapped`]); `row` makes each
    /// analysis into what `take` receives on the calling thread, chunk by chunk in input
    /// order.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        analyzer: &Analyzer,
        row: impl Fn(xinsheng::UtteranceAnalysis) -> T + Sync,
        take: impl FnMut(Vec<T>) -> PyResult<()>,
    ) -> PyResult<()> {
        pipeline::overlapped(
            py,
            self.pool.as_deref(),
            self.chunks(),
            |k| self.chunk(k),
            |(chunk, who)| {
                chunk
                    .iter()
                    .zip(*who)
                    .map(|(t, s)| row(analyzer.analyze(t, *s)))
                    .collect()
            },
            take,
        )
    }

    /// Every text and speaker, in one piece.
    fn chunk_all(&self) -> PyResult<(Vec<String>, &[Speaker])> {
        self.texts(0, self.items.len())
    }

    /// Texts `first..end` and their speakers.
    fn texts(&self, first: usize, end: usize) -> PyResult<(Vec<String>, &[Speaker])> {
        let texts = self.items[first..end]
            .iter()
            .enumerate()
            .map(|(i, t)| text_of(t, &|| format!("texts[{}]", first + i)))
            .collect::<PyResult<_>>()?;
        Ok((texts, &self.speakers[first..end]))
    }
}

#[pymethods]
impl PyAnalyzer {
    #[new]
    #[pyo3(signature = (lexicon_dir=None, lexicons=None, model=None, *, speaker_map=None, embedded=true))]
    fn new(
        py: Python<'_>,
        lexicon_dir: Option<PathBuf>,
        lexicons: Option<&Bound<'_, PyAny>>,
        model: Option<PathBuf>,
        speaker_map: Option<&Bound<'_, PyAny>>,
        embedded: bool,
    ) -> PyResult<Self> {
        let files = lexicon_paths(lexicons)?;
        let speakers = Speakers::new(speaker_entries(speaker_map)?);
        let mut builder = Analyzer::builder();
        if !embedded {
            builder = builder.without_embedded();
        }
        if let Some(dir) = &lexicon_dir {
            builder = builder.lexicon_dir(dir);
        }
        for f in &files {
            builder = builder.lexicon_file(f);
        }
        if let Some(m) = &model {
            builder = with_model(builder, m)?;
        }
        let analyzer = py
            .detach(|| builder.build())
            .map_err(|e| build_error(py, e))?;
        let description = format!(
            "Analyzer(lexicon_dir={}, lexicons={:?}, model={}, embedded={}, terms={})",
            lexicon_dir.map_or("None".into(), |d| format!("{:?}", d.display().to_string())),
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>(),
            model.map_or("None".into(), |m| format!("{:?}", m.display().to_string())),
            if embedded { "True" } else { "False" },
            analyzer.lexicon_stats().terms,
        );
        Ok(PyAnalyzer {
            inner: Arc::new(analyzer),
            speakers,
            pools: Pools::default(),
            description,
        })
    }

    fn __repr__(&self) -> String {
        self.description.clone()
    }

    /// Analyze one utterance; returns the `UtteranceAnalysis` dict (the CLI's JSON schema).
    #[pyo3(signature = (text, speaker=String::from("customer")), text_signature = "(self, text, speaker='customer')")]
    fn analyze<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        speaker: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = text_of(text, &|| "text".into())?;
        let speaker = self.speakers.of_label(&speaker);
        let analyzer = &*self.inner;
        let analysis = py.detach(|| analyzer.analyze(&text, speaker));
        to_py(py, &analysis)
    }

    /// Analyze many utterances in parallel (GIL released), results in input order; the
    /// calling thread builds the dicts of one chunk while the pool analyzes the next.
    #[pyo3(signature = (texts, speakers=None, threads=None))]
    fn analyze_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        speakers: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let batch = self.text_batch(texts, speakers, threads)?;
        let analyzer = &*self.inner;
        let conv = Converter::new(py);
        let mut out = Vec::with_capacity(batch.items.len());
        batch.run(
            py,
            analyzer,
            |a| a,
            |analyses: Vec<xinsheng::UtteranceAnalysis>| {
                for a in &analyses {
                    out.push(conv.to_py(a)?);
                }
                Ok(())
            },
        )?;
        PyList::new(py, out)
    }

    /// Analyze one conversation: turns as (speaker, text) pairs or dicts.
    fn analyze_conversation<'py>(
        &self,
        py: Python<'py>,
        turns: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let turns = self.speakers.turns(turns, &|| "turns".into())?;
        let analyzer = &*self.inner;
        let analysis = py.detach(|| {
            let turns: Vec<Turn<'_>> = turns.iter().map(|(s, t)| Turn::new(*s, t)).collect();
            analyzer.analyze_conversation(&turns)
        });
        to_py(py, &analysis)
    }

    /// Analyze many conversations in parallel (GIL released), results in input order.
    #[pyo3(signature = (calls, threads=None))]
    fn analyze_conversations<'py>(
        &self,
        py: Python<'py>,
        calls: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let calls = items(calls, "calls")?;
        let pool = self.pools.get(threads)?;
        let size = pipeline::chunk_len(calls.len(), pool.as_deref(), CHUNK_CALLS);
        let conv = Converter::new(py);
        let mut out = Vec::with_capacity(calls.len());
        pipeline::overlapped(
            py,
            pool.as_deref(),
            calls.len().div_ceil(size),
            |k| {
                let first = k * size;
                let chunk = &calls[first..calls.len().min(first + size)];
                self.call_chunk(first, chunk)
            },
            |chunk| chunk.iter().map(|c| self.conversation(c)).collect(),
            |analyses| {
                for a in &analyses {
                    out.push(conv.to_py(a)?);
                }
                Ok(())
            },
        )?;
        PyList::new(py, out)
    }

    /// Explain one utterance: the text `xinsheng explain` prints.
    #[pyo3(signature = (text, speaker=String::from("customer")), text_signature = "(self, text, speaker='customer')")]
    fn explain(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyAny>,
        speaker: String,
    ) -> PyResult<String> {
        let text = text_of(text, &|| "text".into())?;
        let speaker = self.speakers.of_label(&speaker);
        let analyzer = &*self.inner;
        Ok(py.detach(|| {
            let ex = analyzer.explain(&text, speaker);
            let mut out = Vec::new();
            xinsheng_cli::explain::write_text(&mut out, &text, speaker, &ex)
                .expect("writing to memory does not fail");
            String::from_utf8(out).expect("the explanation is UTF-8 text")
        }))
    }

    /// The role a label maps to with this analyzer's speaker map.
    fn speaker_role(&self, label: String) -> &'static str {
        self.speakers.of_label(&label).as_str()
    }

    /// The library's serde JSON of each analysis (the CLI's JSON), the reference the
    /// test suite parses with `json.loads` and compares the dicts with: `texts` are
    /// utterances (`speakers` as in `analyze_many`), or with `conversations=True` calls
    /// as in `analyze_conversations`.
    #[pyo3(signature = (texts, speakers=None, conversations=false))]
    fn _reference_json(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        speakers: Option<&Bound<'_, PyAny>>,
        conversations: bool,
    ) -> PyResult<Vec<String>> {
        let analyzer = &*self.inner;
        if conversations {
            let calls = self.calls(texts)?;
            return Ok(py.detach(|| {
                calls
                    .iter()
                    .map(|c| to_json(&self.conversation(c)))
                    .collect()
            }));
        }
        let batch = self.text_batch(texts, speakers, None)?;
        let (texts, speakers) = batch.chunk_all()?;
        Ok(py.detach(|| {
            texts
                .iter()
                .zip(speakers)
                .map(|(t, s)| to_json(&analyzer.analyze(t, *s)))
                .collect()
        }))
    }

    /// The flat per-utterance columns (the CLI's CSV cells; what `xinsheng.pandas` and
    /// `xinsheng.spark` add): `{column: [cell per text]}`.
    #[pyo3(signature = (texts, speakers=None, threads=None))]
    fn score_columns<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        speakers: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let batch = self.text_batch(texts, speakers, threads)?;
        let analyzer = &*self.inner;
        let conv = Converter::new(py);
        let mut columns = columns::ScoreColumns::new(&conv, batch.items.len());
        batch.run(
            py,
            analyzer,
            |a| columns::ScoreRow::of(&a),
            |rows| {
                columns.push(&rows);
                Ok(())
            },
        )?;
        columns.into_dict()
    }

    /// The flat per-call columns (what `xinsheng.pandas.calls_frame` and
    /// `xinsheng.spark.calls` return after the call id): `{column: [cell per call]}`.
    #[pyo3(signature = (calls, threads=None))]
    fn call_columns<'py>(
        &self,
        py: Python<'py>,
        calls: &Bound<'py, PyAny>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let calls = self.calls(calls)?;
        let rows: Vec<columns::CallRow> = py.detach(|| {
            self.on_pool(threads, || {
                calls
                    .par_iter()
                    .map(|c| columns::CallRow::of(c, &self.conversation(c)))
                    .collect()
            })
        })?;
        columns::call_columns(py, &rows)
    }
}
