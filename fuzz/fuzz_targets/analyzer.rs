//! Analyzer: any UTF-8 text analyses without panicking, terms have valid
//! spans, and analysis is deterministic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stance::analysis::{Analyzer, AnalyzerConfig, NgramRange, StopWords};

fn analyzers() -> &'static [Analyzer] {
    static ANALYZERS: OnceLock<Vec<Analyzer>> = OnceLock::new();
    ANALYZERS.get_or_init(|| {
        vec![
            Analyzer::new(AnalyzerConfig::default()).unwrap(),
            Analyzer::new(AnalyzerConfig {
                lowercase: false,
                stop_words: StopWords::None,
                stemmer: None,
                ngram_range: NgramRange { min: 2, max: 4 },
            })
            .unwrap(),
        ]
    })
}

fuzz_target!(|text: &str| {
    for analyzer in analyzers() {
        let terms = analyzer.terms(text);
        for term in &terms {
            assert!(term.start < term.end && term.end <= text.len());
            assert!(text.is_char_boundary(term.start) && text.is_char_boundary(term.end));
        }
        assert_eq!(terms, analyzer.terms(text));
    }
});
