//! `stance cross-validate`: fold summary in JSON and errors for labels that
//! cannot be stratified.

mod common;

use common::{fixture, stance, stderr_of, stdout_of, write};

#[test]
fn json_summary_has_mean_and_std_per_metric() {
    let output = stance()
        .args([
            "cross-validate",
            "--folds",
            "3",
            "--format",
            "json",
            "--data",
        ])
        .arg(fixture("tiny.csv"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: serde_json::Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert_eq!(report["folds"], 3);
    let folds = report["per_fold"].as_array().unwrap();
    assert_eq!(folds.len(), 3);
    let n: u64 = folds.iter().map(|f| f["n"].as_u64().unwrap()).sum();
    assert_eq!(n, 36, "every row is tested exactly once");
    let mean: f64 = folds
        .iter()
        .map(|f| f["macro_f1"].as_f64().unwrap())
        .sum::<f64>()
        / 3.0;
    assert!((report["macro_f1"]["mean"].as_f64().unwrap() - mean).abs() < 1e-12);
    assert!(report["accuracy"]["std"].as_f64().unwrap() >= 0.0);
}

#[test]
fn a_label_seen_once_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = std::fs::read_to_string(fixture("tiny.csv")).unwrap();
    csv.push_str("t37,A lone sentence with its own label.,rare\n");
    let data = write(dir.path(), "rare.csv", csv.as_bytes());
    let output = stance()
        .args(["cross-validate", "--folds", "3", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert!(
        err.contains("rare.csv:38: field `label`: label `rare` has only one row"),
        "{err}"
    );
}

#[test]
fn too_few_folds_is_a_usage_error() {
    let output = stance()
        .args(["cross-validate", "--folds", "1", "--data"])
        .arg(fixture("tiny.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("folds 1: must be >= 2"));
}
