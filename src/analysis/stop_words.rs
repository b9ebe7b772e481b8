//! Stop-word filter.
//!
//! The default English list drops function words only. It deliberately keeps
//! negations (`not`, `no`, `never`, `nor`, `n't` forms) and every word that can
//! carry stance (`deny`, `against`, `false`, `blame`, ...): for this task
//! "did not" is the signal, not noise.

use foldhash::HashSet as FastSet;

use serde::{Deserialize, Serialize};

use super::tokenizer::Token;

/// Which stop words to remove; stored in the model's analyzer configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "words", rename_all = "snake_case")]
pub enum StopWords {
    /// Keep every token.
    None,
    /// The built-in English list ([`ENGLISH_STOP_WORDS`]).
    English,
    /// The English list plus the attribution words of news copy
    /// ([`ATTRIBUTION_WORDS`]).
    EnglishNews,
    /// A user-supplied list (matched after lowercasing, if lowercasing is on).
    Custom(Vec<String>),
}

/// Function words removed by [`StopWords::English`].
pub const ENGLISH_STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Attribution words removed by [`StopWords::EnglishNews`] on top of the
/// English list.
///
/// Nearly every news sentence carries one ("..., the ministry said"), whatever
/// its stance. A corpus in which accusations happen to be reported speech more
/// often than neutral facts teaches a model that "said" leans accusation, and
/// real copy, where most neutral sentences are attributed too, punishes it.
pub const ATTRIBUTION_WORDS: &[&str] = &[
    "according",
    "add",
    "added",
    "adding",
    "adds",
    "quoted",
    "say",
    "saying",
    "says",
    "said",
    "state",
    "stated",
    "tell",
    "telling",
    "tells",
    "told",
];

/// Removes the configured stop words from a token list.
#[derive(Debug, Clone)]
pub struct StopWordFilter {
    words: FastSet<String>,
}

impl StopWordFilter {
    pub fn new(config: &StopWords) -> Self {
        let words = match config {
            StopWords::None => FastSet::default(),
            StopWords::English => ENGLISH_STOP_WORDS.iter().map(|w| (*w).to_owned()).collect(),
            StopWords::EnglishNews => ENGLISH_STOP_WORDS
                .iter()
                .chain(ATTRIBUTION_WORDS)
                .map(|w| (*w).to_owned())
                .collect(),
            StopWords::Custom(list) => list.iter().cloned().collect(),
        };
        StopWordFilter { words }
    }

    pub fn apply(&self, tokens: &mut Vec<Token>) {
        if !self.words.is_empty() {
            tokens.retain(|token| !self.words.contains(&token.text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANCE_WORDS: &[&str] = &[
        "not", "no", "never", "nor", "don't", "didn't", "isn't", "wasn't", "deny", "denied",
        "against", "false", "blame", "accuse", "but", "without", "said",
    ];

    #[test]
    fn english_list_keeps_negations_and_stance_words() {
        for word in STANCE_WORDS {
            assert!(
                !ENGLISH_STOP_WORDS.contains(word),
                "{word} must not be a stop word"
            );
        }
    }

    #[test]
    fn filter_drops_only_listed_words() {
        let filter = StopWordFilter::new(&StopWords::English);
        let mut tokens: Vec<Token> = ["the", "ministry", "did", "not", "deny", "it"]
            .iter()
            .map(|w| Token {
                text: (*w).to_owned(),
                start: 0,
                end: 0,
            })
            .collect();
        filter.apply(&mut tokens);
        let kept: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(kept, ["ministry", "not", "deny"]);
    }
}
