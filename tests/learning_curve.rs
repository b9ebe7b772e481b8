//! `stance learning-curve`: JSON points per fraction and an SVG chart.

mod common;

use common::{fixture, stance, stderr_of, stdout_of};

#[test]
fn curve_json_and_svg_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("curve.svg");
    let output = stance()
        .args([
            "learning-curve",
            "--fractions",
            "0.5,1",
            "--repeats",
            "2",
            "--format",
            "json",
            "--data",
        ])
        .arg(fixture("tiny.csv"))
        .arg("--svg")
        .arg(&svg)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let curve: serde_json::Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert_eq!(curve["seeds"], serde_json::json!([42, 43]));
    let points = curve["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    let rows: Vec<u64> = points.iter().map(|p| p["rows"].as_u64().unwrap()).collect();
    assert!(rows[0] < rows[1], "{rows:?}");
    assert_eq!(rows[1], curve["train_rows"].as_u64().unwrap());
    for p in points {
        let f1 = p["macro_f1"]["mean"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&f1));
        assert_eq!(p["per_seed"].as_array().unwrap().len(), 2);
    }
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg") && chart.contains("macro-F1"));
}

#[test]
fn a_fraction_out_of_range_is_a_usage_error() {
    let output = stance()
        .args(["learning-curve", "--fractions", "1.5", "--data"])
        .arg(fixture("tiny.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("fraction 1.5: must be in (0, 1]"));
}
