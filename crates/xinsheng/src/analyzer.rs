//! The [`Analyzer`]: built once, immutable, shared across threads.

use std::path::{Path, PathBuf};

use jieba_rs::Jieba;
use rayon::prelude::*;

use crate::conversation;
use crate::error::Error;
use crate::lexicon::{function_words, Lexicon, LexiconKind, LexiconStats, Source, EMBEDDED};
use crate::model::CallModel;
use crate::score::{self, Explanation};
use crate::segment;
use crate::types::{ConversationAnalysis, Speaker, Turn, UtteranceAnalysis};

/// Tags Chinese customer-service utterances and conversations with emotion, sentiment and
/// escalation risk.
///
/// Build it once (building loads the segmenter dictionary and the lexicons, about 0.1 s)
/// and share it: it is immutable, `Send + Sync`, and every method takes `&self`. Each
/// thread that analyzes keeps a few small scratch buffers for the next call.
///
/// # Examples
///
/// ```
/// use xinsheng::{Analyzer, CueCategory, Level, Polarity, Speaker};
///
/// let analyzer = Analyzer::new();
/// let a = analyzer.analyze("等了三天还没发货，再不处理我就打12315投诉你们！", Speaker::Customer);
/// assert_eq!(a.polarity, Polarity::Negative);
/// assert_eq!(a.escalation.level, Level::Critical);
/// assert!(a.escalation.cues.iter().any(|c| c.category == CueCategory::Regulator));
///
/// // Negation: not an escalation cue.
/// let b = analyzer.analyze("我不是要投诉，就是问一下进度", Speaker::Customer);
/// assert!(b.escalation.level < Level::Medium);
/// ```
pub struct Analyzer {
    jieba: Jieba,
    lexicon: Lexicon,
    /// The call model that sets call risk and reasons; `None`: the hand-set roll-up.
    call_model: Option<CallModel>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("terms", &self.lexicon.stats.terms)
            .finish_non_exhaustive()
    }
}

#[cfg(all(feature = "embedded-lexicons", feature = "jieba-default-dict"))]
impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new()
    }
}

impl Analyzer {
    /// An analyzer with the embedded lexicons.
    ///
    /// # Panics
    ///
    /// Never in a released crate: the embedded lexicons are checked by the test suite.
    /// Use [`Analyzer::builder`] to load lexicons from disk and get errors as values.
    #[cfg(all(feature = "embedded-lexicons", feature = "jieba-default-dict"))]
    pub fn new() -> Analyzer {
        Analyzer::builder()
            .build()
            .expect("embedded lexicons are valid (checked by tests)")
    }

    /// A builder to add or replace lexicon files.
    ///
    /// ```
    /// use xinsheng::{Analyzer, LexiconKind, Speaker, CueCategory};
    /// let analyzer = Analyzer::builder()
    ///     .lexicon_str(LexiconKind::Escalation, "my-cues.tsv", "找你们董事长\tsupervisor\t4\n")
    ///     .build()?;
    /// let a = analyzer.analyze("我要找你们董事长", Speaker::Customer);
    /// assert_eq!(a.escalation.cues[0].category, CueCategory::Supervisor);
    /// # Ok::<(), xinsheng::Error>(())
    /// ```
    pub fn builder() -> AnalyzerBuilder {
        AnalyzerBuilder::default()
    }

    /// Analyze one utterance.
    ///
    /// Never panics, whatever the text (empty, binary junk, megabytes long).
    ///
    /// ```
    /// use xinsheng::{Analyzer, Emotion, Speaker};
    /// let analyzer = Analyzer::new();
    /// let a = analyzer.analyze("太感谢了，问题终于解决了", Speaker::Customer);
    /// assert_eq!(a.emotion, Emotion::Gratitude);
    /// assert!(a.valence > 0.3);
    /// ```
    pub fn analyze(&self, text: &str, speaker: Speaker) -> UtteranceAnalysis {
        score::analyze(&self.jieba, &self.lexicon, text, speaker, None)
    }

    /// Analyze one utterance and explain it: tokens, matched lexicon entries, modifiers
    /// applied and what each contributed.
    ///
    /// ```
    /// use xinsheng::{Analyzer, Speaker};
    /// let e = Analyzer::new().explain("不太方便", Speaker::Customer);
    /// assert!(e.contributions.iter().any(|c| c.modifiers.iter().any(|m| m.contains("negat"))));
    /// ```
    pub fn explain(&self, text: &str, speaker: Speaker) -> Explanation {
        let mut ex = Explanation::default();
        let analysis = score::analyze(&self.jieba, &self.lexicon, text, speaker, Some(&mut ex));
        ex.analysis = Some(analysis);
        ex
    }

    /// Analyze a conversation: every turn, then the speaker-aware roll-up.
    ///
    /// ```
    /// use xinsheng::{Analyzer, Turn, Level};
    /// let analyzer = Analyzer::new();
    /// let call = [
    ///     Turn::customer("快递一个星期了还没到，我已经问了三次了"),
    ///     Turn::agent("这个不归我管，你去找快递"),
    ///     Turn::customer("什么态度？我要投诉你们，再不解决我就找消协"),
    /// ];
    /// let c = analyzer.analyze_conversation(&call);
    /// assert!(c.escalation.escalated);
    /// assert!(c.escalation.level >= Level::High);
    /// assert!(c.agent_qa.prohibited.iter().any(|p| p.text == "不归我管"));
    /// ```
    pub fn analyze_conversation(&self, turns: &[Turn<'_>]) -> ConversationAnalysis {
        let analyses = turns
            .iter()
            .map(|t| self.analyze(t.text, t.speaker))
            .collect();
        self.roll_up(analyses)
    }

    /// Roll up already analyzed turns (in conversation order) into a conversation
    /// analysis. Same result as [`Analyzer::analyze_conversation`] on the same turns.
    pub fn roll_up(&self, turns: Vec<UtteranceAnalysis>) -> ConversationAnalysis {
        let mut c = conversation::roll_up(turns);
        if let Some(m) = &self.call_model {
            crate::model::apply(m, &mut c);
        }
        c
    }

    /// The call model in use (`None`: the hand-set roll-up, see
    /// [`AnalyzerBuilder::without_call_model`]).
    pub fn call_model(&self) -> Option<&CallModel> {
        self.call_model.as_ref()
    }

    /// Analyze many utterances in parallel (rayon), results in input order.
    ///
    /// Same output as [`Analyzer::analyze_batch_sequential`], whatever the thread count.
    ///
    /// ```
    /// use xinsheng::{Analyzer, Speaker};
    /// let analyzer = Analyzer::new();
    /// let texts = ["谢谢", "气死我了", "查一下订单"];
    /// let par = analyzer.analyze_batch(&texts, Speaker::Customer);
    /// assert_eq!(par, analyzer.analyze_batch_sequential(&texts, Speaker::Customer));
    /// ```
    pub fn analyze_batch<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        speaker: Speaker,
    ) -> Vec<UtteranceAnalysis> {
        texts
            .par_iter()
            .map(|t| self.analyze(t.as_ref(), speaker))
            .collect()
    }

    /// Analyze many utterances on the calling thread, results in input order.
    pub fn analyze_batch_sequential<S: AsRef<str>>(
        &self,
        texts: &[S],
        speaker: Speaker,
    ) -> Vec<UtteranceAnalysis> {
        texts
            .iter()
            .map(|t| self.analyze(t.as_ref(), speaker))
            .collect()
    }

    /// Analyze many conversations in parallel (rayon), results in input order.
    ///
    /// ```
    /// use xinsheng::{Analyzer, Turn};
    /// let analyzer = Analyzer::new();
    /// let calls = vec![
    ///     vec![Turn::customer("你好，查一下订单"), Turn::agent("好的，请稍等")],
    ///     vec![Turn::customer("我要投诉"), Turn::agent("非常抱歉给您带来不便")],
    /// ];
    /// let out = analyzer.analyze_conversations(&calls);
    /// assert!(!out[0].escalation.escalated && out[1].escalation.escalated);
    /// ```
    pub fn analyze_conversations<'t, C: AsRef<[Turn<'t>]> + Sync>(
        &self,
        conversations: &[C],
    ) -> Vec<ConversationAnalysis> {
        conversations
            .par_iter()
            .map(|c| self.analyze_conversation(c.as_ref()))
            .collect()
    }

    /// Analyze many conversations on the calling thread, results in input order.
    pub fn analyze_conversations_sequential<'t, C: AsRef<[Turn<'t>]>>(
        &self,
        conversations: &[C],
    ) -> Vec<ConversationAnalysis> {
        conversations
            .iter()
            .map(|c| self.analyze_conversation(c.as_ref()))
            .collect()
    }

    /// Counts of lexicon entries per kind and category.
    pub fn lexicon_stats(&self) -> &LexiconStats {
        &self.lexicon.stats
    }

    /// Whether `term`, standing alone, is matched as one lexicon term. False for a term
    /// that is not in the lexicons, and for one the segmenter splits into more than
    /// [`crate::MAX_JOIN`] words (symbols are words of their own: ┻━┻ is one, (╯‵□′)╯
    /// five), which can therefore never match; `xinsheng lexicon check` reports those.
    ///
    /// ```
    /// let an = xinsheng::Analyzer::new();
    /// assert!(an.matches_as_one_term("我要投诉"));
    /// assert!(an.matches_as_one_term("^_^"));
    /// assert!(!an.matches_as_one_term("今天天气"));
    /// ```
    ///
    /// A phrase pattern of `agent.tsv` or a slot name (`{YOU}`, `爱(买|用)不(买|用)`: see
    /// `lexicons/README.md`) is matched on the text, not as a term: always true.
    pub fn matches_as_one_term(&self, term: &str) -> bool {
        if crate::lexicon::agent_patterns::is_pattern(term) {
            return true;
        }
        segment::matches_as_one_term(&self.jieba, &self.lexicon, term)
    }

    /// Segment text the way the analyzer does (after normalization), for inspection.
    ///
    /// ```
    /// let tokens = xinsheng::Analyzer::new().tokens("我要投訴");
    /// assert!(tokens.contains(&"我要投诉".to_string()) || tokens.contains(&"投诉".to_string()));
    /// ```
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let n = crate::normalize::normalize(text);
        self.jieba
            .cut(&n.text, true)
            .into_iter()
            .map(|t| t.word.to_string())
            .collect()
    }
}

/// Builds an [`Analyzer`] from the embedded lexicons and/or lexicon files.
///
/// Lexicon files are applied in order; a later entry for the same term and kind
/// overrides an earlier one. A file given with [`AnalyzerBuilder::lexicon_dir`] whose
/// name equals an embedded file's name (e.g. `escalation.tsv`) replaces that file.
#[derive(Debug, Clone)]
pub struct AnalyzerBuilder {
    embedded: bool,
    inputs: Vec<Input>,
    call_model: Option<CallModel>,
    hand_set: bool,
    jieba_dict: Option<PathBuf>,
}

#[derive(Debug, Clone)]
enum Input {
    File(PathBuf),
    Dir(PathBuf),
    Str {
        kind: LexiconKind,
        name: String,
        text: String,
    },
}

impl Default for AnalyzerBuilder {
    fn default() -> Self {
        AnalyzerBuilder {
            embedded: true,
            inputs: Vec::new(),
            call_model: None,
            hand_set: false,
            jieba_dict: None,
        }
    }
}

impl AnalyzerBuilder {
    /// Score calls with this model (e.g. one fitted by `xinsheng calibrate` and read with
    /// [`CallModel::load`]) instead of the built-in one.
    ///
    /// ```
    /// use xinsheng::model::CallModel;
    /// let model = CallModel::builtin().clone();
    /// let analyzer = xinsheng::Analyzer::builder().call_model(model).build()?;
    /// assert!(analyzer.call_model().is_some());
    /// # Ok::<(), xinsheng::Error>(())
    /// ```
    pub fn call_model(mut self, model: CallModel) -> Self {
        self.call_model = Some(model);
        self.hand_set = false;
        self
    }

    /// Score calls with the hand-set roll-up (a noisy-or of the reasons) instead of a
    /// fitted model.
    pub fn without_call_model(mut self) -> Self {
        self.call_model = None;
        self.hand_set = true;
        self
    }

    /// Start from no lexicons at all (only what you add).
    pub fn without_embedded(mut self) -> Self {
        self.embedded = false;
        self
    }

    /// Add one lexicon file; its kind is told by its name (see
    /// [`LexiconKind::from_file_name`]). Read when [`AnalyzerBuilder::build`] runs.
    pub fn lexicon_file(mut self, path: impl AsRef<Path>) -> Self {
        self.inputs.push(Input::File(path.as_ref().to_path_buf()));
        self
    }

    /// Add every `*.tsv` lexicon file of a directory (sorted by name); files named like an
    /// embedded lexicon replace it.
    pub fn lexicon_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.inputs.push(Input::Dir(dir.as_ref().to_path_buf()));
        self
    }

    /// Segment with your own jieba dictionary (jieba's `word [freq] [tag]` lines, UTF-8)
    /// instead of jieba's default one; the lexicon terms are added to it as usual.
    /// Without the `jieba-default-dict` feature, building needs this.
    ///
    /// ```no_run
    /// let analyzer = xinsheng::Analyzer::builder().jieba_dict("dict.big.txt").build()?;
    /// # Ok::<(), xinsheng::Error>(())
    /// ```
    pub fn jieba_dict(mut self, path: impl AsRef<Path>) -> Self {
        self.jieba_dict = Some(path.as_ref().to_path_buf());
        self
    }

    /// Add lexicon text of a given kind; `name` is used in error messages.
    pub fn lexicon_str(
        mut self,
        kind: LexiconKind,
        name: impl Into<String>,
        text: impl Into<String>,
    ) -> Self {
        self.inputs.push(Input::Str {
            kind,
            name: name.into(),
            text: text.into(),
        });
        self
    }

    /// Collect the lexicon sources in order: embedded (unless replaced), then inputs.
    fn sources(&self) -> Result<Vec<Source>, Error> {
        let mut user: Vec<Source> = Vec::new();
        for input in &self.inputs {
            match input {
                Input::File(path) => user.push(read_source(path)?),
                Input::Dir(dir) => {
                    let rd = std::fs::read_dir(dir).map_err(|source| Error::Io {
                        path: dir.clone(),
                        source,
                    })?;
                    let mut paths = Vec::new();
                    for entry in rd {
                        let entry = entry.map_err(|source| Error::Io {
                            path: dir.clone(),
                            source,
                        })?;
                        let p = entry.path();
                        if p.extension().is_some_and(|e| e == "tsv") {
                            paths.push(p);
                        }
                    }
                    paths.sort();
                    for p in paths {
                        user.push(read_source(&p)?);
                    }
                }
                Input::Str { kind, name, text } => user.push(Source {
                    name: name.clone(),
                    kind: *kind,
                    text: text.clone(),
                }),
            }
        }
        let mut out = Vec::new();
        if self.embedded {
            for (name, text) in EMBEDDED {
                let replaced = user.iter().any(|s| {
                    Path::new(&s.name)
                        .file_name()
                        .is_some_and(|f| f.to_string_lossy() == *name)
                });
                if !replaced {
                    out.push(Source {
                        name: format!("embedded:{name}"),
                        kind: LexiconKind::from_file_name(name)
                            .expect("embedded lexicon names have a kind prefix"),
                        text: (*text).to_string(),
                    });
                }
            }
        }
        out.extend(user);
        Ok(out)
    }

    /// Check the lexicons without building the segmenter (fast): every bad line of
    /// every file is reported.
    pub fn check(&self) -> Result<LexiconStats, Error> {
        let sources = self.sources()?;
        Ok(Lexicon::from_sources(&sources)?.stats)
    }

    /// Build the analyzer. jieba's dictionary loads on a second, short-lived thread while
    /// the lexicons are parsed (on the calling thread alone if no thread can be spawned).
    pub fn build(self) -> Result<Analyzer, Error> {
        let sources = self.sources()?;
        // jieba's own dictionary (most of the build time) loads on a second thread
        // while the lexicons are parsed; on one thread if a thread cannot be made.
        let dict = self.jieba_dict.as_deref();
        let (lexicon, jieba) = std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .name("xinsheng-jieba".into())
                .spawn_scoped(scope, || segmenter(dict))
            {
                Ok(handle) => {
                    let lexicon = Lexicon::from_sources(&sources);
                    let jieba = handle
                        .join()
                        .unwrap_or_else(|p| std::panic::resume_unwind(p));
                    (lexicon, jieba)
                }
                Err(_) => (Lexicon::from_sources(&sources), segmenter(dict)),
            }
        });
        let lexicon = lexicon?;
        let mut jieba = jieba?;
        // Longer terms first so that suggest_freq sees their parts' final frequencies.
        let mut terms: Vec<&str> = lexicon
            .map
            .keys()
            .map(|k| &**k)
            // ASCII terms stay out of the segmenter: `sb` would split `usb`. They are
            // matched on the segmenter's own ASCII tokens, joined across spaces.
            .filter(|t| t.chars().count() >= 2 && !t.is_ascii())
            .collect();
        terms.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        for t in terms {
            // With no frequency given, jieba suggests one high enough to keep the term whole.
            jieba.add_word(t, None, None);
        }
        let mut lexicon = lexicon;
        mark_mentions(&jieba, &mut lexicon);
        lexicon.finish(
            function_words::function_words(),
            function_words::word_class,
            segment::is_punct_char,
        );
        let call_model = if self.hand_set {
            None
        } else {
            Some(
                self.call_model
                    .unwrap_or_else(|| CallModel::builtin().clone()),
            )
        };
        Ok(Analyzer {
            jieba,
            lexicon,
            call_model,
        })
    }
}

#[cfg(test)]
impl Analyzer {
    /// The segmenter and the lexicon, for the stages' unit tests.
    pub(crate) fn parts(&self) -> (&Jieba, &Lexicon) {
        (&self.jieba, &self.lexicon)
    }
}

/// jieba with the dictionary at `dict`, or with its default dictionary.
fn segmenter(dict: Option<&Path>) -> Result<Jieba, Error> {
    let Some(path) = dict else {
        return default_segmenter();
    };
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    Jieba::with_dict(&mut std::io::BufReader::new(file)).map_err(|e| match e {
        jieba_rs::Error::Io(source) => io(source),
        other => Error::JiebaDict {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    })
}

#[cfg(feature = "jieba-default-dict")]
fn default_segmenter() -> Result<Jieba, Error> {
    Ok(Jieba::new())
}

#[cfg(not(feature = "jieba-default-dict"))]
fn default_segmenter() -> Result<Jieba, Error> {
    Err(Error::NoJiebaDict)
}

/// Flag formal cues that are nouns (律师, 法院, 工信部, 12315): the segmenter's part of
/// speech of the term's head word, or an institution suffix for words it does not know.
fn mark_mentions(jieba: &Jieba, lexicon: &mut Lexicon) {
    for (term, entry) in lexicon.map.iter_mut() {
        let Some((cat, _)) = entry.escalation else {
            continue;
        };
        if !cat.traits().mention_prone {
            continue;
        }
        if term.chars().all(|c| c.is_ascii_digit()) {
            entry.mention = true;
            continue;
        }
        let tags = jieba.tag(term, false);
        let head = tags.last().map(|t| t.tag).unwrap_or("");
        let noun_tag = head.starts_with('n') || head == "m";
        let institution = term
            .chars()
            .last()
            .is_some_and(|c| function_words::INSTITUTION_SUFFIXES.contains(c));
        let single_word = tags.len() == 1;
        let role = function_words::ROLE_NOUNS.contains(&&**term);
        entry.mention = single_word && (noun_tag || role || (head.is_empty() && institution));
    }
}

fn read_source(path: &Path) -> Result<Source, Error> {
    let name = path.to_string_lossy().into_owned();
    let kind = LexiconKind::from_file_name(&name).ok_or_else(|| {
        Error::Lexicon(crate::error::LexiconError {
            errors: vec![crate::error::LineError {
                source: name.clone(),
                line: 0,
                reason: format!(
                    "cannot tell the lexicon kind from the file name; it must start with one of: {}",
                    LexiconKind::ALL
                        .iter()
                        .map(|k| k.prefix())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }],
        })
    })?;
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Lexicon(crate::error::LexiconError {
            errors: vec![crate::error::LineError {
                source: name.clone(),
                line: 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count(),
                reason: "invalid UTF-8 (lexicons must be UTF-8)".to_string(),
            }],
        })
    })?;
    Ok(Source { name, kind, text })
}

#[cfg(all(test, feature = "embedded-lexicons", feature = "jieba-default-dict"))]
mod tests {
    use super::*;

    /// Every term of the built-in lexicons can match: none is split into more tokens
    /// than a match joins, or made of characters the matcher never joins.
    #[test]
    fn every_builtin_term_can_match() {
        let an = Analyzer::new();
        let mut dead = Vec::new();
        for (file, text) in EMBEDDED {
            for (line_no, line) in crate::lexicon::lexicon_lines(text) {
                let term = line.split('\t').next().unwrap_or("").trim();
                if !an.matches_as_one_term(term) {
                    dead.push(format!("{file}:{line_no}: {term} {:?}", an.tokens(term)));
                }
            }
        }
        assert!(
            dead.is_empty(),
            "{} dead terms:\n{}",
            dead.len(),
            dead.join("\n")
        );
    }
}

#[cfg(test)]
mod jieba_dict_tests {
    use super::*;

    fn temp_dict(name: &str, text: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("xinsheng-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// A user's jieba dictionary replaces the default one: its words segment whole.
    #[test]
    fn own_dictionary_is_used() {
        let dict = temp_dict("dict.txt", "心声分析器 1000 n\n很 1000 d\n好 1000 a\n");
        let an = Analyzer::builder()
            .without_embedded()
            .jieba_dict(&dict)
            .build()
            .unwrap();
        std::fs::remove_file(&dict).unwrap();
        assert_eq!(an.tokens("心声分析器很好"), ["心声分析器", "很", "好"]);
    }

    /// A bad line of the user's dictionary is a typed error naming the file.
    #[test]
    fn bad_dictionary_is_an_error() {
        let dict = temp_dict("bad.txt", "心声 lots n\n");
        let err = Analyzer::builder()
            .without_embedded()
            .jieba_dict(&dict)
            .build()
            .unwrap_err();
        std::fs::remove_file(&dict).unwrap();
        assert!(
            matches!(&err, Error::JiebaDict { path, .. } if *path == dict),
            "{err}"
        );
        let missing = Analyzer::builder()
            .without_embedded()
            .jieba_dict(&dict)
            .build()
            .unwrap_err();
        assert!(matches!(missing, Error::Io { .. }), "{missing}");
    }
}
