//! Text analysis: turns a sentence into the terms that become features.
//!
//! The analyzer is a fixed chain, in this order: tokenizer -> lowercase ->
//! stop words -> stemmer -> n-grams. Each stage is a small value in its own
//! file; [`AnalyzerConfig`] says which stages are on and is serialised into
//! the model, so that classification analyses text exactly as training did.

mod lowercase;
mod ngrams;
mod stemmer;
mod stop_words;
mod tokenizer;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use foldhash::HashMap as FastMap;
use serde::{Deserialize, Serialize};

pub use lowercase::Lowercase;
pub use ngrams::{MAX_NGRAM, NgramRange, Term};
pub use stemmer::{Language, StemFilter};
pub use stop_words::{ENGLISH_STOP_WORDS, StopWordFilter, StopWords};
pub use tokenizer::{Token, tokenize};

use crate::error::Result;

/// What the analyzer does; saved with every model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyzerConfig {
    /// Fold case before stop words and stemming.
    pub lowercase: bool,
    /// Stop words to drop.
    pub stop_words: StopWords,
    /// Snowball stemmer language, or `None` to keep words as they are.
    pub stemmer: Option<Language>,
    /// Lengths of the word n-grams that become terms.
    pub ngram_range: NgramRange,
}

impl Default for AnalyzerConfig {
    /// Lowercase, English stop words, English stemmer, unigrams and bigrams.
    fn default() -> Self {
        AnalyzerConfig {
            lowercase: true,
            stop_words: StopWords::English,
            stemmer: Some(Language::English),
            ngram_range: NgramRange { min: 1, max: 2 },
        }
    }
}

/// The analysis chain built from an [`AnalyzerConfig`].
#[derive(Debug)]
pub struct Analyzer {
    /// Unique per analyzer: the key of the per-thread word memo.
    id: u64,
    config: AnalyzerConfig,
    lowercase: Option<Lowercase>,
    stop_words: StopWordFilter,
    stemmer: Option<StemFilter>,
}

impl Analyzer {
    /// Builds the chain, checking the configuration.
    pub fn new(config: AnalyzerConfig) -> Result<Self> {
        config.ngram_range.validate()?;
        Ok(Analyzer {
            id: NEXT_ANALYZER.fetch_add(1, Ordering::Relaxed),
            lowercase: config.lowercase.then_some(Lowercase),
            stop_words: StopWordFilter::new(&config.stop_words),
            stemmer: config.stemmer.map(StemFilter::new),
            config,
        })
    }

    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// The filtered tokens of `text` (before n-grams), with byte spans.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        self.filter(&mut tokens);
        tokens
    }

    /// The terms (n-grams of filtered tokens) of `text`, with byte spans.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        let tokens = self.tokens(text);
        let mut terms = Vec::with_capacity(tokens.len() * self.config.ngram_range.max);
        ngrams(&tokens, self.config.ngram_range, &mut terms);
        terms
    }

    /// The terms of `text` as strings only, for vectorising.
    pub fn term_texts(&self, text: &str) -> Vec<String> {
        let mut terms = Vec::new();
        self.for_each_term(text, &mut |term| terms.push(term.to_owned()));
        terms
    }

    /// Calls `visit` with each term of `text`, in the order of
    /// [`Analyzer::terms`], without allocating a string per term: the fast
    /// path for vectorising (training and classifying).
    ///
    /// Every stage after the tokenizer maps one token's text to a new text
    /// or drops it, whatever its neighbours, so the chain is a function of
    /// the raw word; this path looks each raw word up in a per-thread memo
    /// of that function ([`Analyzer::filter_word`]) instead of running the
    /// stages. `visit` must not analyse text itself (the memo is borrowed).
    pub fn for_each_term(&self, text: &str, visit: &mut dyn FnMut(&str)) {
        MEMO.with_borrow_mut(|memo| {
            if memo.analyzer != self.id || memo.words.len() >= MEMO_WORDS {
                memo.index.clear();
                memo.words.clear();
                memo.analyzer = self.id;
            }
            let mut kept: Vec<u32> = Vec::new();
            token_spans(text, &mut |start, end| {
                let raw = &text[start..end];
                let id = match memo.index.get(raw) {
                    Some(&id) => id,
                    None => {
                        let id = memo.words.len() as u32;
                        memo.words.push(self.filter_word(raw));
                        memo.index.insert(raw.to_owned(), id);
                        id
                    }
                };
                if memo.words[id as usize].is_some() {
                    kept.push(id);
                }
            });
            let words = &memo.words;
            let word = |i: usize| words[kept[i] as usize].as_deref().unwrap_or_default();
            join_ngrams(
                kept.len(),
                word,
                self.config.ngram_range,
                &mut |term, _, _| visit(term),
            );
        });
    }

    /// The chain after the tokenizer applied to one raw word: its term
    /// text, or `None` when a stage drops it (a stop word).
    fn filter_word(&self, raw: &str) -> Option<String> {
        let mut tokens = vec![Token {
            text: normalise(raw),
            start: 0,
            end: raw.len(),
        }];
        self.filter(&mut tokens);
        tokens.pop().map(|t| t.text)
    }

    /// Lowercase, stop words, stem: the stages after the tokenizer.
    fn filter(&self, tokens: &mut Vec<Token>) {
        if let Some(lowercase) = &self.lowercase {
            lowercase.apply(tokens);
        }
        self.stop_words.apply(tokens);
        if let Some(stemmer) = &self.stemmer {
            stemmer.apply(tokens);
        }
    }
}

/// Raw words memoised per thread before the memo is emptied (a few MB).
const MEMO_WORDS: usize = 100_000;

/// Gives each [`Analyzer`] its own memo key.
static NEXT_ANALYZER: AtomicU64 = AtomicU64::new(0);

/// One thread's memo of [`Analyzer::filter_word`], for one analyzer at a time.
#[derive(Default)]
struct Memo {
    analyzer: u64,
    /// Raw word -> index into `words`.
    index: FastMap<String, u32>,
    words: Vec<Option<String>>,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo {
        analyzer: u64::MAX,
        ..Memo::default()
    });
}

use ngrams::{join_ngrams, ngrams};
use tokenizer::{normalise, token_spans};

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_terms(analyzer: &Analyzer, text: &str, expected: &[&str]) {
        assert_eq!(analyzer.term_texts(text), expected, "analysing {text:?}");
    }

    #[test]
    fn default_chain_lowercases_drops_stop_words_and_stems() {
        let analyzer = Analyzer::new(AnalyzerConfig {
            ngram_range: NgramRange { min: 1, max: 1 },
            ..AnalyzerConfig::default()
        })
        .unwrap();
        assert_terms(
            &analyzer,
            "The Ministry DENIED that its jets struck the convoy",
            &["ministri", "deni", "jet", "struck", "convoy"],
        );
    }

    #[test]
    fn negations_survive_into_bigrams() {
        let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let terms = analyzer.term_texts("He was not responsible for the attack");
        assert!(terms.contains(&"not respons".to_owned()), "{terms:?}");
    }

    #[test]
    fn stages_can_be_switched_off() {
        let analyzer = Analyzer::new(AnalyzerConfig {
            lowercase: false,
            stop_words: StopWords::None,
            stemmer: None,
            ngram_range: NgramRange { min: 1, max: 1 },
        })
        .unwrap();
        assert_terms(&analyzer, "The Jets flew", &["The", "Jets", "flew"]);
    }

    #[test]
    fn term_spans_map_back_to_the_words() {
        let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let text = "Officials blamed rebels";
        let terms = analyzer.terms(text);
        let bigram = terms.iter().find(|t| t.text == "blame rebel").unwrap();
        assert_eq!(&text[bigram.start..bigram.end], "blamed rebels");
    }

    #[test]
    fn term_texts_are_the_terms_in_order() {
        let analyzer = Analyzer::new(AnalyzerConfig {
            ngram_range: NgramRange { min: 1, max: 3 },
            ..AnalyzerConfig::default()
        })
        .unwrap();
        let text = "Rebels denied that they shelled the Donetsk airport on Sunday";
        let terms: Vec<String> = analyzer.terms(text).into_iter().map(|t| t.text).collect();
        assert_eq!(analyzer.term_texts(text), terms);
        assert!(terms.contains(&"rebel deni shell".to_owned()), "{terms:?}");
    }

    #[test]
    fn config_round_trips_through_json() {
        let config = AnalyzerConfig {
            stop_words: StopWords::Custom(vec!["foo".into()]),
            stemmer: Some(Language::German),
            ..AnalyzerConfig::default()
        };
        let json = serde_json::to_string(&config).unwrap();
        let back: AnalyzerConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
    }

    #[test]
    fn invalid_ngram_range_is_rejected() {
        let config = AnalyzerConfig {
            ngram_range: NgramRange { min: 2, max: 1 },
            ..AnalyzerConfig::default()
        };
        assert!(Analyzer::new(config).is_err());
    }
}
