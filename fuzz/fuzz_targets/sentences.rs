//! Sentence splitter: any UTF-8 text gives ordered, disjoint spans on char
//! boundaries that cover every non-space character.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let spans = stance::split_sentences(text);
    let mut previous_end = 0;
    for span in &spans {
        assert!(span.start >= previous_end && span.start < span.end);
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        previous_end = span.end;
    }
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            assert!(spans.iter().any(|s| s.start <= i && i < s.end));
        }
    }
});
