//! Property tests: invariants that must hold for any input text.

use std::sync::OnceLock;

use proptest::prelude::*;
use stance::analysis::{Analyzer, AnalyzerConfig};
use stance::data::{LabelledData, LabelledExample};
use stance::{
    Algorithm, ClassifierParams, NoProgress, StanceModel, TrainConfig, persist, split_sentences,
    train,
};

/// Text that looks like news (words, stops, quotes, abbreviations, newlines)
/// mixed with arbitrary Unicode.
fn news_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[A-Z][a-z]{0,8}",
        "[a-z]{1,10}",
        Just(". ".to_owned()),
        Just("? ".to_owned()),
        Just("...".to_owned()),
        Just("\"".to_owned()),
        Just("”".to_owned()),
        Just("U.S.".to_owned()),
        Just("Mr.".to_owned()),
        Just("3.5".to_owned()),
        Just("\r\n".to_owned()),
        Just("\n\n".to_owned()),
        Just(" ".to_owned()),
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|parts| parts.concat())
}

fn tiny_model(algorithm: Algorithm) -> StanceModel {
    let csv = include_str!("fixtures/tiny.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let examples = reader
        .records()
        .enumerate()
        .map(|(i, r)| {
            let r = r.unwrap();
            LabelledExample {
                text: r[1].to_owned(),
                label: r[2].to_owned(),
                line: i as u64 + 2,
            }
        })
        .collect();
    let data = LabelledData {
        path: "tiny.csv".into(),
        examples,
        sha256: String::new(),
    };
    let config = TrainConfig {
        classifier: ClassifierParams {
            algorithm,
            ..ClassifierParams::default()
        },
        ..TrainConfig::default()
    };
    train(&data, &config, &NoProgress).unwrap()
}

fn models() -> &'static [StanceModel] {
    static MODELS: OnceLock<Vec<StanceModel>> = OnceLock::new();
    MODELS.get_or_init(|| Algorithm::ALL.iter().map(|&a| tiny_model(a)).collect())
}

proptest! {
    #[test]
    fn sentence_spans_are_ordered_disjoint_and_cover_all_text(text in news_like_text()) {
        let spans = split_sentences(&text);
        let mut previous_end = 0;
        for span in &spans {
            prop_assert!(span.start >= previous_end && span.start < span.end);
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            prop_assert_eq!(span.text(&text).trim(), span.text(&text));
            previous_end = span.end;
        }
        for (i, c) in text.char_indices() {
            if !c.is_whitespace() {
                prop_assert!(spans.iter().any(|s| s.start <= i && i < s.end), "byte {} ({:?}) uncovered", i, c);
            }
        }
    }

    #[test]
    fn memoised_term_texts_equal_the_stage_by_stage_terms(text in news_like_text()) {
        // term_texts runs the filter chain through a per-thread word memo;
        // terms runs every stage on every token. Twice, so that the second
        // pass reads the memo the first one filled.
        let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let staged: Vec<String> = analyzer.terms(&text).into_iter().map(|t| t.text).collect();
        prop_assert_eq!(&analyzer.term_texts(&text), &staged);
        prop_assert_eq!(&analyzer.term_texts(&text), &staged);
    }

    #[test]
    fn analysis_is_stable_and_spans_are_valid(text in news_like_text()) {
        let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
        let first = analyzer.terms(&text);
        prop_assert_eq!(&first, &analyzer.terms(&text));
        for term in &first {
            prop_assert!(term.start < term.end && term.end <= text.len());
            prop_assert!(text.is_char_boundary(term.start) && text.is_char_boundary(term.end));
            prop_assert!(!term.text.is_empty());
        }
    }

    #[test]
    fn vectors_are_unit_length_or_zero(text in news_like_text()) {
        for model in models() {
            let analyzer = model.analyzer().unwrap();
            let row = model.features(&analyzer, &text);
            let norm: f64 = row.values.iter().map(|v| v * v).sum();
            prop_assert!(row.values.is_empty() || (norm - 1.0).abs() < 1e-9, "norm {}", norm);
            prop_assert!(row.indices.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn class_probabilities_sum_to_one(text in news_like_text()) {
        for model in models() {
            let analyzer = model.analyzer().unwrap();
            let probs = model.predict_proba(&analyzer, &[text.as_str()]);
            let sum: f64 = probs.row(0).sum();
            prop_assert!((sum - 1.0).abs() < 1e-9, "{:?}: {}", model.classifier.algorithm(), sum);
            prop_assert!(probs.iter().all(|p| (0.0..=1.0).contains(p)));
        }
    }
}

proptest! {
    #[test]
    fn sparse_scoring_matches_linfa_dense_prediction(text in news_like_text()) {
        for model in models() {
            let analyzer = model.analyzer().unwrap();
            let texts = [text.as_str(), "The ministry rejected the report as false."];
            let sparse = model.predict_proba(&analyzer, &texts);
            let dense = model.predict_proba_dense(&analyzer, &texts);
            for (a, b) in sparse.iter().zip(dense.iter()) {
                prop_assert!((a - b).abs() < 1e-9, "{:?}: {} vs {}", model.classifier.algorithm(), a, b);
            }
        }
    }
}

#[test]
fn save_load_predict_gives_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let texts = [
        "The governor rejected the claims as baseless.",
        "Critics blamed the ministry for the outbreak.",
        "The market opens at nine.",
        "",
    ];
    for model in models() {
        let path = dir.path().join("m.model");
        persist::save(model, &path).unwrap();
        let loaded = persist::load(&path).unwrap();
        let analyzer = model.analyzer().unwrap();
        let before = model.predict_proba(&analyzer, &texts);
        let after = loaded.predict_proba(&loaded.analyzer().unwrap(), &texts);
        assert_eq!(before, after, "{:?}", model.classifier.algorithm());
        assert_eq!(
            persist::to_bytes(model).unwrap(),
            persist::to_bytes(&loaded).unwrap()
        );
    }
}
