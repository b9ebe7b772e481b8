//! Claim-article pairs through the binary: training from one CSV and from
//! FNC-1's two-file layout, evaluation with the FNC score, classify --claim,
//! and the errors that mixing up model kinds gives.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, stance, stderr_of, stdout_of, train_model, write};
use serde_json::Value;

fn pairs(name: &str) -> PathBuf {
    fixture(&format!("pairs/{name}"))
}

/// Trains a pair model on the one-file fixture.
fn pair_model(dir: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["--claim-column", "claim", "--min-df", "1"];
    args.extend_from_slice(extra);
    train_model(dir, &pairs("pairs.csv"), "pairs.model", &args)
}

/// `evaluate --format json` of a pair model on the one-file fixture.
fn evaluate_fixture(model: &Path, extra: &[&str]) -> Value {
    let data = pairs("pairs.csv");
    let mut args = vec!["--claim-column", "claim", "--data", data.to_str().unwrap()];
    args.extend_from_slice(extra);
    evaluate_json(model, &args)
}

fn evaluate_json(model: &Path, args: &[&str]) -> Value {
    let output = stance()
        .args(["evaluate", "--format", "json", "--model"])
        .arg(model)
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    serde_json::from_str(&stdout_of(&output)).unwrap()
}

#[test]
fn one_csv_and_the_fnc1_layout_give_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let from_csv = pair_model(dir.path(), &[]);
    let from_fnc = dir.path().join("fnc.model");
    let output = stance()
        .args(["train", "--min-df", "1", "--data"])
        .arg(pairs("stances.csv"))
        .arg("--bodies")
        .arg(pairs("bodies.csv"))
        .arg("--out")
        .arg(&from_fnc)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let summary = stdout_of(&output);
    assert!(
        summary.contains("26 pairs (6 bodies, two stages)"),
        "{summary}"
    );
    // Same pairs, same features and seed: only the recorded file and hash differ.
    let csv_eval = evaluate_json(
        &from_csv,
        &[
            "--claim-column",
            "claim",
            "--data",
            pairs("pairs.csv").to_str().unwrap(),
        ],
    );
    let fnc_eval = evaluate_json(
        &from_fnc,
        &[
            "--claim-column",
            "claim",
            "--data",
            pairs("pairs.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(csv_eval, fnc_eval);
}

#[test]
fn evaluate_reports_the_fnc_score_beside_macro_f1() {
    let dir = tempfile::tempdir().unwrap();
    let model = pair_model(dir.path(), &[]);
    let report = evaluate_json(
        &model,
        &[
            "--data",
            pairs("stances.csv").to_str().unwrap(),
            "--bodies",
            pairs("bodies.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(report["n"], 26);
    let score = report["fnc_score"]
        .as_f64()
        .expect("fnc_score for FNC labels");
    assert!((0.0..=100.0).contains(&score));
    // recompute the official score from the printed confusion matrix
    let labels: Vec<&str> = report["confusion"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(labels, ["agree", "disagree", "discuss", "unrelated"]);
    let (mut got, mut best) = (0.0, 0.0);
    for (g, row) in report["confusion"]["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        for (p, count) in row.as_array().unwrap().iter().enumerate() {
            let count = count.as_f64().unwrap();
            best += if g == 3 { 0.25 } else { 1.0 } * count;
            if (g == 3) == (p == 3) {
                got += 0.25 * count;
            }
            if g != 3 && g == p {
                got += 0.75 * count;
            }
        }
    }
    assert!((score - 100.0 * got / best).abs() < 1e-9);
    // the training pairs are learnt
    assert!(report["macro_f1"].as_f64().unwrap() > 0.9, "{report}");
}

#[test]
fn a_pair_report_shows_the_fnc_score_and_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let model = pair_model(dir.path(), &["--c", "0.05"]);
    let report_dir = dir.path().join("report");
    let report = evaluate_fixture(&model, &["--report", report_dir.to_str().unwrap()]);
    let html = std::fs::read_to_string(report_dir.join("report.html")).unwrap();
    let score = report["fnc_score"].as_f64().unwrap();
    assert!(
        html.contains(&format!("FNC score<b>{score:.2}</b>")),
        "{html}"
    );
    assert!(html.contains("two stages (related or not, then the stance)"));
    let wrong = 26.0 - report["accuracy"].as_f64().unwrap() * 26.0;
    let wrong = wrong.round() as usize;
    assert!(html.contains(&format!("{wrong} of 26 rows are misclassified")));
    let rows = html
        .split(r#"<table class="errors">"#)
        .nth(1)
        .map_or(0, |t| t.matches("<tr><td").count());
    assert_eq!(rows, wrong);
}

#[test]
fn classify_with_a_claim_labels_each_article_and_shows_its_nearest_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let model = pair_model(dir.path(), &[]);
    let related = write(
        dir.path(),
        "bridge.txt",
        b"Engineers found cracks in the pillars of the old bridge.\n\nThe council confirmed the bridge will close in May. Repairs take a year.\n",
    );
    let other = write(
        dir.path(),
        "comet.txt",
        b"Astronomers say the comet will be visible next month without a telescope.",
    );
    let output = stance()
        .args([
            "classify",
            "--format",
            "jsonl",
            "--sentences",
            "2",
            "--model",
        ])
        .arg(&model)
        .args(["--claim", "The old bridge will close in May"])
        .arg(&related)
        .arg(&other)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let lines: Vec<Value> = stdout_of(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one line per article");
    let text = std::fs::read_to_string(&related).unwrap();
    let first = &lines[0];
    assert_eq!(first["claim"], "The old bridge will close in May");
    assert_ne!(first["label"], "unrelated", "{first}");
    let scores: f64 = first["scores"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((scores - 1.0).abs() < 1e-9);
    let sentences = first["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 2);
    // nearest first, spans into the article, a sentence label of its own
    let nearest = &sentences[0];
    let (start, end) = (
        nearest["start"].as_u64().unwrap() as usize,
        nearest["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], nearest["text"].as_str().unwrap());
    assert!(
        nearest["text"].as_str().unwrap().contains("close in May"),
        "{nearest}"
    );
    assert!(nearest["similarity"].as_f64() >= sentences[1]["similarity"].as_f64());
    assert!(["accusation", "denial", "neutral"].contains(&nearest["label"].as_str().unwrap()));
    assert_eq!(lines[1]["label"], "unrelated", "{}", lines[1]);

    let text_output = stance()
        .args(["classify", "--model"])
        .arg(&model)
        .args(["--claim", "The old bridge will close in May"])
        .arg(&related)
        .output()
        .unwrap();
    let shown = stdout_of(&text_output);
    assert!(
        shown.starts_with(&format!("{}: ", related.display())),
        "{shown}"
    );
    assert_eq!(shown.lines().count(), 1 + 3);
}

#[test]
fn labels_without_unrelated_train_one_stage() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(
        dir.path(),
        "two.csv",
        b"claim,text,label\nA is true,A is true says B.,agree\nA is true,A is false says B.,disagree\nC won,C won the match.,agree\nC won,C did not win.,disagree\n",
    );
    let output = stance()
        .args([
            "train",
            "--min-df",
            "1",
            "--claim-column",
            "claim",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(dir.path().join("m.model"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stdout_of(&output).contains("bodies, one stage)"));
    let report = evaluate_json(
        &dir.path().join("m.model"),
        &["--claim-column", "claim", "--data", data.to_str().unwrap()],
    );
    assert!(
        report.get("fnc_score").is_none(),
        "not FNC labels: {report}"
    );
}

#[test]
fn model_kinds_and_data_kinds_must_match() {
    let dir = tempfile::tempdir().unwrap();
    let pair = pair_model(dir.path(), &[]);
    // a pair model on sentence data
    let output = stance()
        .args(["evaluate", "--model"])
        .arg(&pair)
        .arg("--data")
        .arg(fixture("tiny.csv"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("is a claim-article pair model: give --claim-column"));
    // a pair model where a sentence model is expected
    let output = stance()
        .args(["classify", "--model"])
        .arg(&pair)
        .arg(fixture("article.txt"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("this is a claim-article pair model"));
    // a claim without a model, and with a sentence model
    let output = stance()
        .args(["classify", "--claim", "x"])
        .arg(fixture("article.txt"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("--claim needs a pair model"));
    let sentence = train_model(dir.path(), &fixture("tiny.csv"), "s.model", &[]);
    let output = stance()
        .args(["classify", "--claim", "x", "--model"])
        .arg(&sentence)
        .arg(fixture("article.txt"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("this is a sentence model"));
}

#[test]
fn fnc1_layout_errors_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let stances = write(
        dir.path(),
        "stances.csv",
        b"Headline,Body ID,Stance\nA claim,1,agree\nAnother,99,discuss\n",
    );
    let output = stance()
        .args(["train", "--data"])
        .arg(&stances)
        .arg("--bodies")
        .arg(pairs("bodies.csv"))
        .arg("--out")
        .arg(dir.path().join("m.model"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("stances.csv:3: field `Body ID`: body id `99` is not in"),
        "{stderr}"
    );
    assert!(!dir.path().join("m.model").exists());
}

/// How many rows a pair model predicts as `label` on the fixture.
fn predicted_count(model: &Path, label: &str) -> u64 {
    let report = evaluate_fixture(model, &[]);
    let labels = report["confusion"]["labels"].as_array().unwrap();
    let column = labels.iter().position(|l| l == label).unwrap();
    report["confusion"]["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[column].as_u64().unwrap())
        .sum()
}

#[test]
fn tune_bias_boosts_the_rarest_stance_and_the_card_says_by_how_much() {
    let dir = tempfile::tempdir().unwrap();
    let plain_dir = dir.path().join("plain");
    std::fs::create_dir(&plain_dir).unwrap();
    let plain = pair_model(&plain_dir, &["--c", "0.05"]);
    let tuned = pair_model(dir.path(), &["--c", "0.05", "--tune-bias", "2"]);
    let report_dir = dir.path().join("report");
    evaluate_fixture(&tuned, &["--report", report_dir.to_str().unwrap()]);
    let html = std::fs::read_to_string(report_dir.join("report.html")).unwrap();
    assert!(html.contains("tune_bias=2"), "{html}");
    // disagree and discuss tie as rarest (5 rows each): the first moves.
    let factors = html
        .split("label score factors</th><td><code>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap();
    assert!(factors.starts_with("agree x1.00, disagree x"), "{factors}");
    assert!(factors.ends_with(", discuss x1.00"), "{factors}");
    assert!(predicted_count(&tuned, "disagree") > predicted_count(&plain, "disagree"));
}

#[test]
fn tune_bias_with_a_fold_missing_a_label_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.model");
    let output = stance()
        .args(["train", "--claim-column", "claim", "--min-df", "1"])
        .args(["--tune-bias", "9", "--data"])
        .arg(pairs("pairs.csv"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("--tune-bias 9: fold 7 lacks a label or rows"),
        "{}",
        stderr_of(&output)
    );
    assert!(!out.exists());
}

#[test]
fn inspect_shows_a_pair_models_card() {
    let dir = tempfile::tempdir().unwrap();
    let model = pair_model(dir.path(), &["--c", "0.05", "--tune-bias", "2"]);
    let inspect = |format: &str| {
        let output = stance()
            .args(["inspect", "--format", format, "--model"])
            .arg(&model)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        stdout_of(&output)
    };
    let text = inspect("text");
    assert_eq!(
        text_field(&text, "design"),
        "claim-article pairs, two stages (related or not, then the stance)"
    );
    assert!(text_field(&text, "label score factors").starts_with("agree x1.00, disagree x"));
    assert!(text.contains("pairs.csv (26 pairs"), "{text}");
    assert!(!text.contains("strongest terms"), "{text}");

    let card: Value = serde_json::from_str(&inspect("json")).unwrap();
    assert_eq!(
        card["label score factors"],
        text_field(&text, "label score factors")
    );
    assert_eq!(card["design"], text_field(&text, "design"));
}

/// The value of one `name  value` line of a text card.
fn text_field(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|line| line.strip_prefix(name))
        .map(|rest| rest.trim().to_owned())
        .unwrap_or_default()
}
