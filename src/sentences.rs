//! Sentence segmentation for English news text.
//!
//! Claims are labelled one sentence at a time, so the splitter decides what a
//! "claim" is. It is rule based, because wire copy is regular enough that a
//! few rules beat a trained splitter without its training data:
//!
//! - a sentence ends at `.`, `!`, `?`, `…` or `...`, plus any closing quotes
//!   and brackets that follow (`...said."`), when whitespace and a plausible
//!   sentence start (capital, digit, opening quote or bracket) come next;
//! - a period does not end a sentence after a title or short form (`Mr.`,
//!   `Gen.`, `Sept.`, `No. 5`), after an initial (`John F. Kennedy`), or after
//!   a dotted acronym (`U.S.`) unless a typical sentence opener follows;
//! - a blank line always ends a sentence, and so does a line break before a
//!   line that starts with a capital: headlines and datelines carry no stop;
//!   a line break before a lowercase word is taken as a hard wrap.
//!
//! Every sentence keeps the byte span of its text in the original input
//! (trimmed of surrounding whitespace), so a label can be shown on the exact
//! text it came from.

/// One sentence: a byte span into the text it was split from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
}

impl SentenceSpan {
    /// The sentence's text within `source`, the text it was split from.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }
}

/// Titles and short forms after which a period never ends a sentence.
const NON_TERMINAL_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "cpt", "sgt",
    "maj", "adm", "cmdr", "st", "ste", "mt", "ft", "rev", "fr", "hon", "pres", "supt", "insp",
    "det", "cpl", "pvt", "no", "nos", "vol", "vs", "v", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept", "est", "fig", "jr", "sr", "e.g",
    "i.e", "etc", "cf", "al", "ave", "blvd", "rd",
];

/// Words that, after a dotted acronym such as `U.S.`, show that a new
/// sentence has begun ("...fled to the U.S. He said..."), where a capitalised
/// noun usually continues it ("the U.S. Army said").
const SENTENCE_OPENERS: &[&str] = &[
    "a",
    "an",
    "the",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "its",
    "this",
    "that",
    "these",
    "those",
    "there",
    "but",
    "and",
    "however",
    "meanwhile",
    "in",
    "on",
    "at",
    "after",
    "before",
    "when",
    "while",
    "if",
    "as",
    "for",
    "some",
    "many",
    "officials",
    "police",
    "yet",
    "still",
    "so",
    "now",
    "then",
    "according",
];

/// Splits `text` into sentences, in order, as byte spans.
///
/// ```
/// let text = "Gen. Smith arrived on Sept. 3. He said \"we deny it.\" It rained 3.5 mm.";
/// let spans = stance::split_sentences(text);
/// let sentences: Vec<&str> = spans.iter().map(|s| s.text(text)).collect();
/// assert_eq!(
///     sentences,
///     ["Gen. Smith arrived on Sept. 3.", "He said \"we deny it.\"", "It rained 3.5 mm."]
/// );
/// ```
pub fn split_sentences(text: &str) -> Vec<SentenceSpan> {
    let mut spans = Vec::new();
    let mut start = 0;
    for end in boundaries(text) {
        push_trimmed(text, start, end, &mut spans);
        start = end;
    }
    push_trimmed(text, start, text.len(), &mut spans);
    spans
}

/// Byte offsets at which a sentence ends, in increasing order.
fn boundaries(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = match text[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let width = c.len_utf8();
        match c {
            '\n' => {
                if line_break_ends_sentence(text, i) {
                    found.push(i);
                }
                i += width;
            }
            '.' | '!' | '?' | '…' => {
                let end = end_of_terminator(text, i);
                if terminator_ends_sentence(text, i, c, end) {
                    found.push(end);
                }
                i = end;
            }
            _ => i += width,
        }
    }
    found
}

/// Extends a terminator over repeated stops (`?!`, `...`) and the closing
/// quotes and brackets after it, returning the byte offset just past them.
fn end_of_terminator(text: &str, at: usize) -> usize {
    let mut end = at;
    for c in text[at..].chars() {
        match c {
            '.' | '!' | '?' | '…' | '"' | '\'' | '”' | '’' | ')' | ']' | '»' => {
                end += c.len_utf8()
            }
            _ => break,
        }
    }
    end
}

fn terminator_ends_sentence(text: &str, at: usize, stop: char, end: usize) -> bool {
    let rest = &text[end..];
    // Only whitespace may follow a stop that ends a sentence: "3.5", "U.S"
    // and "e.g.," continue.
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let next_word = rest.split_whitespace().next();
    let Some(next_word) = next_word else {
        return true; // end of text
    };
    if !starts_like_sentence(next_word) {
        return false;
    }
    if stop == '.' && end_of_terminator_is_single_period(text, at, end) {
        return !period_is_abbreviation(text, at, next_word);
    }
    true
}

/// True when the terminator is one period (not an ellipsis), possibly
/// followed by closing quotes; only then can it belong to an abbreviation.
fn end_of_terminator_is_single_period(text: &str, at: usize, end: usize) -> bool {
    !text[at + 1..end].contains(['.', '!', '?', '…'])
}

fn starts_like_sentence(word: &str) -> bool {
    let first_letter_or_digit = word.chars().find(|c| {
        !matches!(
            c,
            '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '-' | '—' | '–'
        )
    });
    match first_letter_or_digit {
        // Scripts without case (Arabic, Hebrew, CJK, ...) can start a
        // sentence with any letter.
        Some(c) => c.is_uppercase() || c.is_numeric() || (c.is_alphabetic() && !c.is_lowercase()),
        None => false,
    }
}

/// Decides whether the period at byte `at` closes an abbreviation or
/// initial rather than a sentence, given the word that follows it.
fn period_is_abbreviation(text: &str, at: usize, next_word: &str) -> bool {
    let word = word_before(text, at);
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    if NON_TERMINAL_ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    let is_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    if is_initial {
        return true;
    }
    let is_dotted_acronym = word.contains('.')
        && word
            .split('.')
            .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic));
    if is_dotted_acronym {
        let opener = next_word
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        return !SENTENCE_OPENERS.contains(&opener.as_str());
    }
    false
}

/// The run of letters and inner periods just before byte `at`
/// ("U.S" before the final period of "U.S.", "Gen" before "Gen.").
fn word_before(text: &str, at: usize) -> &str {
    let head = &text[..at];
    let start = head
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic() || c == '.')
        .last()
        .map_or(at, |(i, _)| i);
    head[start..].trim_start_matches('.')
}

/// A newline ends a sentence at a blank line, or before a line that starts
/// like a sentence (headlines, datelines and bullet-less lists carry no stop).
fn line_break_ends_sentence(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t', '\r']);
    if before.is_empty() || before.ends_with('\n') {
        return false; // the previous newline already ended it
    }
    let after = &text[at + 1..];
    let next_line_start = after.trim_start_matches([' ', '\t', '\r']);
    if next_line_start.starts_with('\n') || next_line_start.is_empty() {
        return true; // blank line or end of text
    }
    match next_line_start.split_whitespace().next() {
        Some(word) => !word.starts_with(char::is_lowercase),
        None => true,
    }
}

fn push_trimmed(text: &str, start: usize, end: usize, spans: &mut Vec<SentenceSpan>) {
    let piece = &text[start..end];
    let trimmed_start = piece.trim_start();
    let trimmed = trimmed_start.trim_end();
    if trimmed.is_empty() {
        return;
    }
    let start = start + (piece.len() - trimmed_start.len());
    spans.push(SentenceSpan {
        start,
        end: start + trimmed.len(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_sentences(text: &str, expected: &[&str]) {
        let spans = split_sentences(text);
        let got: Vec<&str> = spans.iter().map(|s| s.text(text)).collect();
        assert_eq!(got, expected, "splitting {text:?}");
    }

    #[test]
    fn splits_plain_sentences() {
        assert_sentences(
            "The talks ended. Both sides left! Why? Nobody knows.",
            &[
                "The talks ended.",
                "Both sides left!",
                "Why?",
                "Nobody knows.",
            ],
        );
    }

    #[test]
    fn keeps_titles_and_short_forms() {
        assert_sentences(
            "Mr. Lavrov met Sen. Ortiz and Gen. Haddad. Dr. Amal Reyes of St. Luke's said No. 10 agreed.",
            &[
                "Mr. Lavrov met Sen. Ortiz and Gen. Haddad.",
                "Dr. Amal Reyes of St. Luke's said No. 10 agreed.",
            ],
        );
    }

    #[test]
    fn keeps_month_abbreviations_before_dates() {
        assert_sentences(
            "The truce began on Sept. 12 and ended Jan. 3. Fighting resumed.",
            &[
                "The truce began on Sept. 12 and ended Jan. 3.",
                "Fighting resumed.",
            ],
        );
    }

    #[test]
    fn dotted_acronyms_split_only_before_an_opener() {
        assert_sentences(
            "The U.S. Army and the U.N. agreed. He fled to the U.S. The case closed.",
            &[
                "The U.S. Army and the U.N. agreed.",
                "He fled to the U.S.",
                "The case closed.",
            ],
        );
    }

    #[test]
    fn keeps_initials_and_decimals() {
        assert_sentences(
            "John F. Kennedy won 3.5 million votes. Growth was 0.7 percent.",
            &[
                "John F. Kennedy won 3.5 million votes.",
                "Growth was 0.7 percent.",
            ],
        );
    }

    #[test]
    fn closing_quotes_and_brackets_stay_with_the_sentence() {
        assert_sentences(
            "\"We never did it,\" he said. \"It is false.\" (The claim spread.) Later it ended.",
            &[
                "\"We never did it,\" he said.",
                "\"It is false.\"",
                "(The claim spread.)",
                "Later it ended.",
            ],
        );
        assert_sentences(
            "She called it “a lie.” Officials disagreed.",
            &["She called it “a lie.”", "Officials disagreed."],
        );
    }

    #[test]
    fn a_quote_followed_by_attribution_is_one_sentence() {
        assert_sentences(
            "\"Is it true?\" he asked. \"No!\" she said.",
            &["\"Is it true?\" he asked.", "\"No!\" she said."],
        );
    }

    #[test]
    fn ellipses_end_a_sentence_only_before_a_capital() {
        assert_sentences(
            "He paused... and went on. It was over... The next day came. Then… Silence.",
            &[
                "He paused... and went on.",
                "It was over...",
                "The next day came.",
                "Then…",
                "Silence.",
            ],
        );
    }

    #[test]
    fn headlines_and_paragraphs_without_a_stop() {
        assert_sentences(
            "Ministry rejects strike report\r\n\r\nBy Jane Doe\r\nThe ministry said on Monday it had not\r\nstruck the convoy.\r\n",
            &[
                "Ministry rejects strike report",
                "By Jane Doe",
                "The ministry said on Monday it had not\r\nstruck the convoy.",
            ],
        );
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "  First one.\n\nSecond one.  ";
        let spans = split_sentences(text);
        assert_eq!(
            spans,
            vec![
                SentenceSpan { start: 2, end: 12 },
                SentenceSpan { start: 14, end: 25 }
            ]
        );
    }

    #[test]
    fn empty_and_blank_text_has_no_sentences() {
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\r\n\t ").is_empty());
    }

    #[test]
    fn caseless_scripts_start_sentences() {
        assert_sentences(
            "الوزارة نفت التقرير. وقال المتحدث إنه كاذب.",
            &["الوزارة نفت التقرير.", "وقال المتحدث إنه كاذب."],
        );
    }

    #[test]
    fn multibyte_text_keeps_char_boundaries() {
        let text = "Zürich said “nein…” — Ärger! Ещё одно предложение. 東京.";
        for span in split_sentences(text) {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }
}
