//! Bad input and interrupted runs: clear errors, and nothing half-written.

mod common;

use std::process::Command as Process;
use std::time::Duration;

use common::{fixture, run_train, stance, stderr_of, train_model, write};

#[test]
fn an_interrupted_train_never_leaves_a_broken_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let old = std::fs::read(&out).unwrap();
    // A bigger training file, so that the run lasts long enough to be killed
    // at different points: reading, analysing, fitting, writing.
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/claims/train.csv");
    let binary = assert_cmd::cargo::cargo_bin("stance");
    for delay_ms in [5, 30, 100, 300, 1000] {
        let mut child = Process::new(&binary)
            .args(["train", "--max-iterations", "5", "--data"])
            .arg(&corpus)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read(&out).unwrap();
        if now != old {
            // The run finished its rename: the new file must be whole.
            stance::persist::from_bytes(&now, &out).expect("a complete model");
        }
    }
}

#[test]
fn nul_bytes_in_a_csv_are_reported_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "nul.csv", b"text,label\nfine,a\nbad\0text,b\n");
    let output = run_train(&data, &dir.path().join("m.model"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("nul.csv:3: field `text`: contains a NUL byte"));
}

#[test]
fn a_model_path_that_is_a_directory_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("models");
    std::fs::create_dir(&target).unwrap();
    let output = run_train(&fixture("tiny.csv"), &target, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("is a directory"),
        "{}",
        stderr_of(&output)
    );
    assert!(target.is_dir());
}

#[test]
fn binary_junk_as_an_article_is_a_clear_error() {
    let output = stance()
        .args(["classify", "--model"])
        .arg(train_model(
            tempfile::tempdir().unwrap().path(),
            &fixture("tiny.csv"),
            "m.model",
            &[],
        ))
        .write_stdin(vec![
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("invalid UTF-8"),
        "{}",
        stderr_of(&output)
    );
}
