//! Snowball stemming (rust-stemmers), so that `denied`, `denies` and
//! `denying` count as one feature.

use std::cell::RefCell;

use foldhash::HashMap as FastMap;
use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use super::tokenizer::Token;

/// A Snowball stemmer language; stored in the model's analyzer configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

impl Language {
    /// Every supported language, for help text and parsing.
    pub const ALL: [Language; 18] = [
        Language::Arabic,
        Language::Danish,
        Language::Dutch,
        Language::English,
        Language::Finnish,
        Language::French,
        Language::German,
        Language::Greek,
        Language::Hungarian,
        Language::Italian,
        Language::Norwegian,
        Language::Portuguese,
        Language::Romanian,
        Language::Russian,
        Language::Spanish,
        Language::Swedish,
        Language::Tamil,
        Language::Turkish,
    ];

    /// The lowercase English name used in configuration and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Language::Arabic => "arabic",
            Language::Danish => "danish",
            Language::Dutch => "dutch",
            Language::English => "english",
            Language::Finnish => "finnish",
            Language::French => "french",
            Language::German => "german",
            Language::Greek => "greek",
            Language::Hungarian => "hungarian",
            Language::Italian => "italian",
            Language::Norwegian => "norwegian",
            Language::Portuguese => "portuguese",
            Language::Romanian => "romanian",
            Language::Russian => "russian",
            Language::Spanish => "spanish",
            Language::Swedish => "swedish",
            Language::Tamil => "tamil",
            Language::Turkish => "turkish",
        }
    }

    /// Parses a name as given by [`Language::name`].
    pub fn from_name(name: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.name() == name)
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Language::Arabic => Algorithm::Arabic,
            Language::Danish => Algorithm::Danish,
            Language::Dutch => Algorithm::Dutch,
            Language::English => Algorithm::English,
            Language::Finnish => Algorithm::Finnish,
            Language::French => Algorithm::French,
            Language::German => Algorithm::German,
            Language::Greek => Algorithm::Greek,
            Language::Hungarian => Algorithm::Hungarian,
            Language::Italian => Algorithm::Italian,
            Language::Norwegian => Algorithm::Norwegian,
            Language::Portuguese => Algorithm::Portuguese,
            Language::Romanian => Algorithm::Romanian,
            Language::Russian => Algorithm::Russian,
            Language::Spanish => Algorithm::Spanish,
            Language::Swedish => Algorithm::Swedish,
            Language::Tamil => Algorithm::Tamil,
            Language::Turkish => Algorithm::Turkish,
        }
    }
}

/// Replaces every token's text with its stem.
pub struct StemFilter {
    language: Language,
    stemmer: Stemmer,
}

/// Words stemmed per thread before the cache is emptied: news text repeats
/// its words, and a lookup is several times cheaper than the Snowball
/// algorithm; the bound keeps a thread's cache to a few megabytes.
const STEM_CACHE_WORDS: usize = 50_000;

thread_local! {
    /// This thread's stems: word -> stem, for one language at a time.
    static STEMS: RefCell<(Option<Language>, FastMap<String, String>)> =
        RefCell::new((None, FastMap::default()));
}

impl StemFilter {
    pub fn new(language: Language) -> Self {
        StemFilter {
            language,
            stemmer: Stemmer::create(language.algorithm()),
        }
    }

    pub fn apply(&self, tokens: &mut [Token]) {
        STEMS.with_borrow_mut(|(language, cache)| {
            if *language != Some(self.language) || cache.len() >= STEM_CACHE_WORDS {
                cache.clear();
                *language = Some(self.language);
            }
            for token in tokens {
                let stem = match cache.get(&token.text) {
                    Some(stem) => stem,
                    None => {
                        let stem = self.stemmer.stem(&token.text).into_owned();
                        cache.entry(token.text.clone()).or_insert(stem)
                    }
                };
                if *stem != token.text {
                    token.text.clone_from(stem);
                }
            }
        });
    }
}

impl std::fmt::Debug for StemFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StemFilter")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        let filter = StemFilter::new(Language::English);
        let mut tokens: Vec<Token> = ["denied", "denies", "denying"]
            .iter()
            .map(|w| Token {
                text: (*w).to_owned(),
                start: 0,
                end: 0,
            })
            .collect();
        filter.apply(&mut tokens);
        assert!(tokens.iter().all(|t| t.text == "deni"), "{tokens:?}");
    }

    #[test]
    fn cached_stems_follow_the_filter_language() {
        let stem = |language, word: &str| {
            let mut tokens = vec![Token {
                text: word.to_owned(),
                start: 0,
                end: 0,
            }];
            StemFilter::new(language).apply(&mut tokens);
            tokens.remove(0).text
        };
        let direct = |language: Language, word: &str| {
            Stemmer::create(language.algorithm())
                .stem(word)
                .into_owned()
        };
        for _ in 0..2 {
            for word in ["häuser", "running", "denied"] {
                for language in [Language::English, Language::German] {
                    assert_eq!(stem(language, word), direct(language, word), "{word}");
                }
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for language in Language::ALL {
            assert_eq!(Language::from_name(language.name()), Some(language));
        }
    }
}
