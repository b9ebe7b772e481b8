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
        if let Some(lowercase) = &self.lowercase {
            lowercase.apply(&mut tokens);
        }
        self.stop_words.apply(&mut tokens);
        if let Some(stemmer) = &self.stemmer {
            stemmer.apply(&mut tokens);
        }
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
    /// path for looking terms up in a vocabulary.
    pub fn for_each_term(&self, text: &str, visit: &mut dyn FnMut(&str)) {
        let tokens = self.tokens(text);
        each_ngram(&tokens, self.config.ngram_range, &mut |term, _, _| {
            visit(term)
        });
    }
}

use ngrams::{each_ngram, ngrams};

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
