//! Tokenizer: Unicode words (UAX #29) with their byte spans.
//!
//! UAX #29 already keeps `don't`, `U.S` and numbers such as `3.5` and
//! `1,000` whole. On top of it, words joined by a single hyphen
//! (`Russian-backed`, `co-founder`) are kept as one token, because in news
//! text the compound usually means something its parts do not; and the
//! typographic apostrophe is folded to `'` so that `didn’t` and `didn't` are
//! the same token.

use unicode_segmentation::UnicodeSegmentation;

/// A token: its (possibly normalised) text and the byte span it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Appends the tokens of `text` to `out`.
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    token_spans(text, &mut |start, end| push(text, (start, end), out));
}

/// Calls `visit(start, end)` with the byte span of each token of `text`, in
/// order, without building the tokens: a token's text is `text[start..end]`
/// with `’` folded to `'` ([`normalise`]).
pub fn token_spans(text: &str, visit: &mut dyn FnMut(usize, usize)) {
    let mut pending: Option<(usize, usize)> = None;
    for (start, word) in text.unicode_word_indices() {
        let end = start + word.len();
        pending = match pending {
            Some((p_start, p_end)) if joined_by_hyphen(text, p_end, start) => Some((p_start, end)),
            Some((p_start, p_end)) => {
                visit(p_start, p_end);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    if let Some((start, end)) = pending {
        visit(start, end);
    }
}

fn joined_by_hyphen(text: &str, previous_end: usize, next_start: usize) -> bool {
    &text[previous_end..next_start] == "-"
}

fn push(text: &str, (start, end): (usize, usize), out: &mut Vec<Token>) {
    out.push(Token {
        text: normalise(&text[start..end]),
        start,
        end,
    });
}

/// A token's text from its raw span: the typographic apostrophe folded.
pub fn normalise(raw: &str) -> String {
    if raw.contains('’') {
        raw.replace('’', "'")
    } else {
        raw.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_tokens(text: &str, expected: &[&str]) {
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        let got: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(got, expected, "tokenizing {text:?}");
    }

    #[test]
    fn keeps_contractions_acronyms_and_numbers() {
        assert_tokens(
            "They don't trust the U.S. with 3.5 million or 1,000 troops.",
            &[
                "They", "don't", "trust", "the", "U.S", "with", "3.5", "million", "or", "1,000",
                "troops",
            ],
        );
    }

    #[test]
    fn keeps_hyphenated_compounds_whole() {
        assert_tokens(
            "Russian-backed rebels - not co-founders - fled.",
            &["Russian-backed", "rebels", "not", "co-founders", "fled"],
        );
    }

    #[test]
    fn folds_typographic_apostrophes() {
        assert_tokens("He didn’t lie", &["He", "didn't", "lie"]);
    }

    #[test]
    fn spans_point_at_the_original_bytes() {
        let text = "Élan didn’t go";
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        assert_eq!(&text[tokens[0].start..tokens[0].end], "Élan");
        assert_eq!(&text[tokens[1].start..tokens[1].end], "didn’t");
    }

    #[test]
    fn punctuation_and_emoji_are_not_tokens() {
        assert_tokens("!!! 🙂 -- ...", &[]);
    }
}
