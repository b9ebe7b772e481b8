//! Word n-grams over the filtered token stream, so that phrases such as
//! "not respons" or "no evid" become features of their own.

use serde::{Deserialize, Serialize};

use super::tokenizer::Token;
use crate::error::{Error, Result};

/// Inclusive range of n-gram lengths; `(1, 2)` means unigrams and bigrams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NgramRange {
    pub min: usize,
    pub max: usize,
}

/// The longest n-gram we accept: beyond this, features are almost all unique.
pub const MAX_NGRAM: usize = 6;

impl NgramRange {
    /// Checks the range, naming the offending values in the error.
    pub fn new(min: usize, max: usize) -> Result<Self> {
        let range = NgramRange { min, max };
        range.validate()?;
        Ok(range)
    }

    pub fn validate(&self) -> Result<()> {
        let (min, max) = (self.min, self.max);
        if min < 1 {
            return Err(Error::InvalidParameter(format!(
                "n-gram range ({min}, {max}): min must be >= 1"
            )));
        }
        if max < min {
            return Err(Error::InvalidParameter(format!(
                "n-gram range ({min}, {max}): max must be >= min"
            )));
        }
        if max > MAX_NGRAM {
            return Err(Error::InvalidParameter(format!(
                "n-gram range ({min}, {max}): max must be <= {MAX_NGRAM}"
            )));
        }
        Ok(())
    }
}

/// A term: one n-gram of token texts joined by a space, with the byte span
/// from its first token's start to its last token's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Appends the n-grams of `tokens` to `out`, shortest first at each position.
pub fn ngrams(tokens: &[Token], range: NgramRange, out: &mut Vec<Term>) {
    each_ngram(tokens, range, &mut |text, start, end| {
        out.push(Term {
            text: text.to_owned(),
            start,
            end,
        })
    });
}

/// Calls `visit(text, start, end)` for every n-gram, in the order of
/// [`ngrams`], building each in one reused buffer instead of a new string.
pub fn each_ngram(tokens: &[Token], range: NgramRange, visit: &mut dyn FnMut(&str, usize, usize)) {
    join_ngrams(
        tokens.len(),
        |i| &tokens[i].text,
        range,
        &mut |text, first, last| visit(text, tokens[first].start, tokens[last].end),
    );
}

/// The n-grams of the words `word(0..len)`: `visit(text, first, last)` with
/// the indices of each n-gram's first and last word, in [`ngrams`] order.
pub fn join_ngrams<'a>(
    len: usize,
    word: impl Fn(usize) -> &'a str,
    range: NgramRange,
    visit: &mut dyn FnMut(&str, usize, usize),
) {
    let mut text = String::new();
    for first in 0..len {
        text.clear();
        for n in 1..=range.max {
            let last = first + n - 1;
            if last >= len {
                break;
            }
            if n > 1 {
                text.push(' ');
            }
            text.push_str(word(last));
            if n >= range.min {
                visit(&text, first, last);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(words: &[&str]) -> Vec<Token> {
        let mut offset = 0;
        words
            .iter()
            .map(|w| {
                let token = Token {
                    text: (*w).to_owned(),
                    start: offset,
                    end: offset + w.len(),
                };
                offset += w.len() + 1;
                token
            })
            .collect()
    }

    #[test]
    fn unigrams_and_bigrams_with_spans() {
        let mut out = Vec::new();
        ngrams(
            &tokens(&["not", "guilti", "plea"]),
            NgramRange::new(1, 2).unwrap(),
            &mut out,
        );
        let texts: Vec<&str> = out.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            ["not", "not guilti", "guilti", "guilti plea", "plea"]
        );
        assert_eq!((out[1].start, out[1].end), (0, 10));
    }

    #[test]
    fn min_above_one_skips_short_grams() {
        let mut out = Vec::new();
        ngrams(
            &tokens(&["a", "b", "c"]),
            NgramRange::new(2, 3).unwrap(),
            &mut out,
        );
        let texts: Vec<&str> = out.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["a b", "a b c", "b c"]);
    }

    #[test]
    fn invalid_ranges_name_their_values() {
        let err = NgramRange::new(0, 2).unwrap_err().to_string();
        assert!(err.contains("(0, 2): min must be >= 1"), "{err}");
        assert!(NgramRange::new(3, 2).is_err());
        assert!(NgramRange::new(1, MAX_NGRAM + 1).is_err());
    }
}
