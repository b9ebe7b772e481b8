//! `stance evaluate`: the JSON contract, the text and Markdown reports, and
//! broken model files.

mod common;

use common::{fixture, stance, stderr_of, stdout_of, train_model, write};

#[test]
fn json_report_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let output = stance()
        .args(["evaluate", "--format", "json", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(fixture("tiny.csv"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    assert_eq!(
        stdout.lines().count(),
        1,
        "exactly one JSON object: {stdout}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let keys: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "accuracy",
            "confusion",
            "macro_f1",
            "n",
            "per_class",
            "weighted_f1"
        ]
    );
    assert_eq!(report["n"], 36);
    let labels = ["accusation", "denial", "neutral"];
    assert_eq!(report["confusion"]["labels"], serde_json::json!(labels));
    let matrix = report["confusion"]["matrix"].as_array().unwrap();
    let total: u64 = matrix
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 36);
    for label in labels {
        let class = &report["per_class"][label];
        for key in ["precision", "recall", "f1"] {
            let v = class[key].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{label} {key} {v}");
        }
        assert_eq!(class["support"], 12);
        // Row sums of the confusion matrix are the supports.
        let row = labels.iter().position(|l| *l == label).unwrap();
        let sum: u64 = matrix[row]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(sum, 12);
    }
    // A model scored on its own training data should fit it well.
    assert!(report["accuracy"].as_f64().unwrap() > 0.8, "{report}");
}

#[test]
fn text_and_markdown_reports_carry_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let run = |format: &str| {
        let output = stance()
            .args(["evaluate", "--format", format, "--model"])
            .arg(&model)
            .arg("--data")
            .arg(fixture("tiny.csv"))
            .output()
            .unwrap();
        assert!(output.status.success());
        stdout_of(&output)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let accuracy = format!("{:.4}", json["accuracy"].as_f64().unwrap());
    let text = run("text");
    assert!(
        text.lines()
            .any(|l| l == format!("accuracy     {accuracy}")),
        "{text}"
    );
    let markdown = run("markdown");
    assert!(
        markdown.contains(&format!("| accuracy | {accuracy} |")),
        "{markdown}"
    );
    assert!(markdown.contains("| gold \\ predicted | accusation | denial | neutral |"));
}

#[test]
fn broken_model_files_give_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let good = std::fs::read(&model).unwrap();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x20;
    let mut future = good.clone();
    future[8] = 99;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.model", Vec::new(), "empty"),
        ("short.model", good[..30].to_vec(), "truncated"),
        ("cut.model", good[..good.len() - 100].to_vec(), "truncated"),
        ("flip.model", flipped, "checksum mismatch"),
        ("future.model", future, "newer than this stance supports"),
        (
            "foreign.model",
            b"PK\x03\x04 this is a zip file".to_vec(),
            "not a stance model file",
        ),
    ];
    for (name, bytes, expected) in cases {
        let path = write(dir.path(), name, &bytes);
        let output = stance()
            .args(["evaluate", "--model"])
            .arg(&path)
            .arg("--data")
            .arg(fixture("tiny.csv"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{name}");
        let err = stderr_of(&output);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(
            err.contains(name) && err.contains(expected),
            "{name}: {err}"
        );
    }
    let output = stance()
        .args(["evaluate", "--model"])
        .arg(dir.path())
        .arg("--data")
        .arg(fixture("tiny.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("is a directory"));
}
