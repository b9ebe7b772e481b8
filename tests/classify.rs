//! `stance classify`: JSON lines, CSV and text output, stdin, offsets and
//! the built-in default model.

mod common;

use common::{fixture, stance, stderr_of, stdout_of, train_model};

#[test]
fn jsonl_has_one_object_per_sentence_with_exact_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let article = std::fs::read_to_string(fixture("article.txt")).unwrap();
    let output = stance()
        .args(["classify", "--format", "jsonl", "--model"])
        .arg(&model)
        .arg(fixture("article.txt"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let lines: Vec<serde_json::Value> = stdout_of(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5, "headline + 4 sentences");
    for (i, line) in lines.iter().enumerate() {
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "confidence",
                "end",
                "label",
                "scores",
                "sentence",
                "source",
                "start",
                "text"
            ]
        );
        assert_eq!(line["sentence"], i);
        assert!(line["source"].as_str().unwrap().ends_with("article.txt"));
        let (start, end) = (
            line["start"].as_u64().unwrap() as usize,
            line["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&article[start..end], line["text"].as_str().unwrap());
        let scores = line["scores"].as_object().unwrap();
        let sum: f64 = scores.values().map(|v| v.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9);
        let label = line["label"].as_str().unwrap();
        assert_eq!(scores[label], line["confidence"]);
    }
    assert_eq!(lines[0]["text"], "City council weighs bridge repairs");
    assert_eq!(lines[2]["label"], "accusation", "{}", lines[2]);
    assert_eq!(lines[3]["label"], "denial", "{}", lines[3]);
}

#[test]
fn csv_output_has_a_score_column_per_label_and_reads_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let output = stance()
        .args(["classify", "--format", "csv", "--model"])
        .arg(&model)
        .write_stdin("The bank disputed the claims. The market was busy.")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "source",
            "sentence",
            "start",
            "end",
            "text",
            "label",
            "confidence",
            "score_accusation",
            "score_denial",
            "score_neutral"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "-");
    assert_eq!(&rows[1][4], "The market was busy.");
}

#[test]
fn text_output_is_plain_when_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let output = stance()
        .args(["classify", "--model"])
        .arg(&model)
        .arg(fixture("article.txt"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = stdout_of(&output);
    assert!(
        !stdout.contains('\x1b'),
        "no colour codes in a pipe: {stdout:?}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].ends_with("article.txt"));
    assert!(
        lines[3].trim_start().starts_with("3  accusation  "),
        "{stdout}"
    );
}

#[test]
fn the_default_model_classifies_without_model_option() {
    let output = stance()
        .args(["classify", "--format", "jsonl"])
        .write_stdin("The ministry rejected the report as false.")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let line: serde_json::Value = serde_json::from_str(stdout_of(&output).trim()).unwrap();
    assert_eq!(line["label"], "denial", "{line}");
}

#[test]
fn a_missing_article_file_is_named() {
    let output = stance()
        .args(["classify", "no-such-article.txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("no-such-article.txt"));
}

#[test]
fn explain_adds_terms_that_favour_the_label() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let output = stance()
        .args([
            "classify",
            "--explain",
            "--explain-terms",
            "3",
            "--format",
            "jsonl",
            "--model",
        ])
        .arg(&model)
        .write_stdin("The governor rejected the claims as baseless.")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let line: serde_json::Value = serde_json::from_str(stdout_of(&output).trim()).unwrap();
    let explanation = &line["explanation"];
    assert_eq!(explanation["label"], line["label"]);
    assert_ne!(explanation["runner_up"], line["label"]);
    let terms = explanation["terms"].as_array().unwrap();
    assert!(!terms.is_empty() && terms.len() <= 3);
    let text = line["text"].as_str().unwrap();
    for term in terms {
        assert!(text.contains(term["words"].as_str().unwrap()), "{term}");
    }
    assert!(
        terms[0]["contribution"].as_f64().unwrap() > 0.0,
        "{explanation}"
    );
}

#[test]
fn without_explain_there_is_no_explanation_key() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let output = stance()
        .args(["classify", "--format", "jsonl", "--model"])
        .arg(&model)
        .write_stdin("The market was busy.")
        .output()
        .unwrap();
    assert!(!stdout_of(&output).contains("explanation"));
}

#[test]
fn many_files_come_out_in_order_as_when_classified_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let article = std::fs::read_to_string(fixture("article.txt")).unwrap();
    let mut files = Vec::new();
    for i in 0..40 {
        // Different lengths, an empty file and a large one among them.
        let text = match i {
            7 => String::new(),
            20 => format!("{article}\n\n").repeat(30_000),
            _ => format!("{article}\n\n").repeat(1 + i % 4),
        };
        files.push(common::write(
            dir.path(),
            &format!("a{i:02}.txt"),
            text.as_bytes(),
        ));
    }
    let output = stance()
        .args(["classify", "--format", "jsonl"])
        .args(&files)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let mut one_by_one = String::new();
    for file in &files {
        let single = stance()
            .args(["classify", "--format", "jsonl"])
            .arg(file)
            .output()
            .unwrap();
        one_by_one.push_str(&stdout_of(&single));
    }
    assert!(one_by_one.lines().count() > 30_000 * 5);
    assert!(stdout_of(&output) == one_by_one, "outputs differ");
}

#[test]
fn an_unreadable_file_among_many_stops_after_the_ones_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let article = std::fs::read(fixture("article.txt")).unwrap();
    let first = common::write(dir.path(), "first.txt", &article);
    let bad = common::write(dir.path(), "bad.txt", b"Fine.\n\nNot \xff fine.\n");
    let last = common::write(dir.path(), "last.txt", &article);
    let output = stance()
        .args(["classify", "--format", "jsonl"])
        .args([&first, &bad, &last])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = stdout_of(&output);
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
    assert!(stdout.lines().all(|l| l.contains("first.txt")));
    assert!(
        stderr_of(&output).contains("bad.txt:3: invalid UTF-8 (byte 0xff)"),
        "{}",
        stderr_of(&output)
    );
}
