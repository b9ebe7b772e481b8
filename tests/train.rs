//! `stance train`: summary, model file, determinism, errors and exit codes.

mod common;

use common::{fixture, run_train, stance, stderr_of, stdout_of, train_model, write};

#[test]
fn train_prints_a_summary_and_writes_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tiny.model");
    let output = run_train(&fixture("tiny.csv"), &out, &[]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let summary = stdout_of(&output);
    assert!(
        summary.contains("on 36 rows, 3 classes (accusation, denial, neutral)"),
        "{summary}"
    );
    assert!(summary.contains("vocabulary"), "{summary}");
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..8], b"STANCEMD");
}

#[test]
fn same_data_and_seed_give_a_byte_identical_model() {
    let dir = tempfile::tempdir().unwrap();
    for algorithm in ["logistic-regression", "naive-bayes", "linear-svm"] {
        let args = [
            "--algorithm",
            algorithm,
            "--class-weight",
            "balanced",
            "--seed",
            "7",
        ];
        let a = train_model(dir.path(), &fixture("tiny.csv"), "a.model", &args);
        let b = train_model(dir.path(), &fixture("tiny.csv"), "b.model", &args);
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(b).unwrap(),
            "{algorithm}"
        );
    }
}

#[test]
fn the_model_records_its_training_data_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &["--c", "3.5"]);
    let bytes = std::fs::read(model).unwrap();
    let payload: serde_json::Value = serde_json::from_slice(&bytes[52..]).unwrap();
    let meta = &payload["metadata"];
    assert_eq!(meta["training_rows"], 36);
    assert_eq!(meta["training_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(meta["config"]["classifier"]["c"], 3.5);
    assert_eq!(meta["created"], "2023-11-14T22:13:20Z");
    assert_eq!(meta["stance_version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn missing_label_column_names_file_line_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "bad.csv", b"text,category\nHello there,x\n");
    let output = run_train(&data, &dir.path().join("m.model"), &[]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert!(err.starts_with("stance: "), "{err}");
    assert!(
        err.contains("bad.csv:1: field `label`: missing column; the header has: text, category"),
        "{err}"
    );
    assert!(!dir.path().join("m.model").exists());
}

#[test]
fn custom_column_names_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(fixture("tiny.csv")).unwrap();
    let renamed = original.replacen("id,text,label", "id,sentence,stance", 1);
    let data = write(dir.path(), "renamed.csv", renamed.as_bytes());
    train_model(
        dir.path(),
        &data,
        "m.model",
        &["--text-column", "sentence", "--label-column", "stance"],
    );
}

#[test]
fn empty_text_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "gap.csv", b"text,label\nfine,a\n\"\",b\n");
    let output = run_train(&data, &dir.path().join("m.model"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("gap.csv:3: field `text`: empty text"));
}

#[test]
fn a_single_class_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "one.csv",
        b"text,label\nfirst row,a\nsecond row,a\n",
    );
    let output = run_train(&data, &dir.path().join("m.model"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("at least 2 classes"));
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.model");
    let bad_algorithm = run_train(&fixture("tiny.csv"), &out, &["--algorithm", "forest"]);
    assert_eq!(bad_algorithm.status.code(), Some(2));
    let bad_range = run_train(&fixture("tiny.csv"), &out, &["--ngram-min", "0"]);
    assert_eq!(bad_range.status.code(), Some(2));
    assert!(stderr_of(&bad_range).contains("n-gram range (0, 2): min must be >= 1"));
    let missing = stance().args(["train"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn output_into_a_missing_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no/such/dir/m.model");
    let output = run_train(&fixture("tiny.csv"), &out, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("no/such/dir"),
        "{}",
        stderr_of(&output)
    );
}
