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

/// A vocabulary the analyzer can map terms to columns of, for the fused
/// analyse-and-look-up path ([`Analyzer::for_each_column`]).
///
/// Besides whole terms, it knows the words its unigrams and bigrams are made
/// of by a number, so that a bigram is found from two numbers without
/// building its text.
pub trait TermIndex {
    /// Unique per vocabulary: word numbers memoised for one index are never
    /// used with another.
    fn index_id(&self) -> u64;
    /// The column of `term`, if it is in the vocabulary.
    fn term_column(&self, term: &str) -> Option<u32>;
    /// The number of `word` if some unigram or bigram of the vocabulary
    /// contains it.
    fn word_number(&self, word: &str) -> Option<u32>;
    /// The column of the unigram of word number `word`.
    fn unigram_column(&self, word: u32) -> Option<u32>;
    /// The column of the bigram `first second`, by word numbers.
    fn bigram_column(&self, first: u32, second: u32) -> Option<u32>;
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
            memo.prepare(self.id, None);
            let kept = self.kept_words(memo, text);
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

    /// Calls `visit` with the vocabulary column of each term of `text` that
    /// `index` knows, as `index.term_column` would give for each term of
    /// [`Analyzer::for_each_term`]: the fast path of classification.
    ///
    /// For unigrams and bigrams the per-thread memo also keeps each word's
    /// column and each word pair's column, so that a word seen before costs
    /// one hash lookup of the raw word and no term string is built; longer
    /// n-grams take the general path.
    pub fn for_each_column(&self, text: &str, index: &impl TermIndex, visit: &mut dyn FnMut(u32)) {
        if self.config.ngram_range.max > 2 {
            self.for_each_term(text, &mut |term| {
                if let Some(column) = index.term_column(term) {
                    visit(column);
                }
            });
            return;
        }
        let range = self.config.ngram_range;
        MEMO.with_borrow_mut(|memo| {
            memo.prepare(self.id, Some(index.index_id()));
            // The vocabulary word number of each kept word, NO_WORD if none.
            let mut numbers = self.kept_words(memo, text);
            for id in &mut numbers {
                *id = memo.word_number(*id, index);
            }
            for (i, &number) in numbers.iter().enumerate() {
                if number == NO_WORD {
                    continue;
                }
                let unigram = (range.min == 1)
                    .then(|| index.unigram_column(number))
                    .flatten();
                let next = numbers.get(i + 1).filter(|&&n| n != NO_WORD);
                let bigram = next
                    .filter(|_| range.max == 2)
                    .and_then(|&next| index.bigram_column(number, next));
                unigram.into_iter().chain(bigram).for_each(&mut *visit);
            }
        });
    }

    /// The memo slots of the words of `text` that the chain keeps, in order.
    fn kept_words(&self, memo: &mut Memo, text: &str) -> Vec<u32> {
        let mut kept = Vec::new();
        token_spans(text, &mut |start, end| {
            let id = memo.word_id(&text[start..end], |raw| self.filter_word(raw));
            if memo.words[id as usize].is_some() {
                kept.push(id);
            }
        });
        kept
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

/// Raw words up to this many bytes are memo keys without a heap string.
const INLINE_WORD: usize = 15;

/// A kept word that no vocabulary unigram or bigram contains.
const NO_WORD: u32 = u32::MAX;

/// A word whose vocabulary number has not been looked up yet.
const UNKNOWN_WORD: u32 = u32::MAX - 1;

/// Gives each [`Analyzer`] its own memo key.
static NEXT_ANALYZER: AtomicU64 = AtomicU64::new(0);

/// One thread's memo of [`Analyzer::filter_word`], for one analyzer at a
/// time, and of vocabulary word numbers, for one [`TermIndex`] at a time.
#[derive(Default)]
struct Memo {
    analyzer: u64,
    /// The index `numbers` belong to, if any.
    term_index: Option<u64>,
    /// Raw word of up to [`INLINE_WORD`] bytes, stored inline -> index into
    /// `words`. Most words are that short; keeping them out of the heap
    /// saves the pointer chase and the `memcmp` call of a `String` key,
    /// which were a third of classification time.
    short: FastMap<[u8; INLINE_WORD + 1], u32>,
    /// Longer raw word -> index into `words`.
    long: FastMap<String, u32>,
    words: Vec<Option<String>>,
    /// Word -> its [`TermIndex::word_number`], parallel to `words` once
    /// looked up.
    numbers: Vec<u32>,
}

impl Memo {
    /// Empties the memo if it belongs to another analyzer or index, or has
    /// grown past its bound.
    fn prepare(&mut self, analyzer: u64, term_index: Option<u64>) {
        let other_index = term_index.is_some() && term_index != self.term_index;
        if self.analyzer != analyzer || other_index || self.words.len() >= MEMO_WORDS {
            self.short.clear();
            self.long.clear();
            self.words.clear();
            self.numbers.clear();
            self.analyzer = analyzer;
            self.term_index = term_index;
        }
    }

    /// The memo slot of `raw`, filtering it with `filter` on first sight.
    fn word_id(&mut self, raw: &str, filter: impl FnOnce(&str) -> Option<String>) -> u32 {
        let next = self.words.len() as u32;
        let id = if raw.len() <= INLINE_WORD {
            // The length byte keeps words that differ only by trailing NULs apart.
            let mut key = [0u8; INLINE_WORD + 1];
            key[..raw.len()].copy_from_slice(raw.as_bytes());
            key[INLINE_WORD] = raw.len() as u8;
            *self.short.entry(key).or_insert(next)
        } else if let Some(&id) = self.long.get(raw) {
            id
        } else {
            self.long.insert(raw.to_owned(), next);
            next
        };
        if id == next {
            self.words.push(filter(raw));
        }
        id
    }

    /// The vocabulary word number of the kept word in slot `id`, or NO_WORD.
    fn word_number(&mut self, id: u32, index: &impl TermIndex) -> u32 {
        let slot = id as usize;
        if self.numbers.len() <= slot {
            self.numbers.resize(slot + 1, UNKNOWN_WORD);
        }
        if self.numbers[slot] == UNKNOWN_WORD {
            let word = self.words[slot].as_deref().unwrap_or_default();
            self.numbers[slot] = index.word_number(word).unwrap_or(NO_WORD);
        }
        self.numbers[slot]
    }
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
