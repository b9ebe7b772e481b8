//! `stance inspect`: the model card and the strongest terms per label.

mod common;

use common::{fixture, stance, stderr_of, stdout_of, train_model};

#[test]
fn inspect_shows_the_card_and_terms_per_label() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(
        dir.path(),
        &fixture("tiny.csv"),
        "m.model",
        &["--algorithm", "naive-bayes"],
    );
    let output = stance()
        .args(["inspect", "--top", "4", "--model"])
        .arg(&model)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    assert!(text.starts_with("algorithm       naive-bayes\n"), "{text}");
    assert!(
        text.contains("labels          accusation (12), denial (12), neutral (12)"),
        "{text}"
    );
    assert!(text.contains("tiny.csv (36 rows, sha256 "), "{text}");
    for label in ["accusation", "denial", "neutral"] {
        assert!(
            text.contains(&format!("strongest terms for {label}:")),
            "{text}"
        );
    }
}

#[test]
fn inspect_json_lists_top_terms_for_every_label() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in ["logistic-regression", "linear-svm"] {
        let model = train_model(
            dir.path(),
            &fixture("tiny.csv"),
            "m.model",
            &["--algorithm", algorithm],
        );
        let output = stance()
            .args(["inspect", "--format", "json", "--top", "3", "--model"])
            .arg(&model)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        let card: serde_json::Value = serde_json::from_str(&stdout_of(&output)).unwrap();
        assert_eq!(card["algorithm"], algorithm);
        let groups = card["strongest_terms"].as_array().unwrap();
        assert_eq!(groups.len(), 3);
        for group in groups {
            let terms = group["terms"].as_array().unwrap();
            assert_eq!(terms.len(), 3);
            let weights: Vec<f64> = terms.iter().map(|t| t[1].as_f64().unwrap()).collect();
            assert!(
                weights.windows(2).all(|w| w[0] >= w[1]),
                "sorted: {weights:?}"
            );
        }
    }
}
