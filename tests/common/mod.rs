//! Shared helpers for the integration tests: run the real binary in a
//! temporary directory on the fixtures under tests/fixtures.
#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn stance() -> Command {
    let mut cmd = Command::cargo_bin("stance").expect("binary built");
    cmd.env_remove("NO_COLOR")
        .env("SOURCE_DATE_EPOCH", "1700000000");
    cmd
}

/// Runs `stance train` on `data` into `out` and returns its output.
pub fn run_train(data: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    stance()
        .args(["train", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run stance")
}

/// Trains a model on `data` into `dir/name`, asserting success.
pub fn train_model(dir: &Path, data: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    stance()
        .args(["train", "--data"])
        .arg(data)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    out
}

pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write test file");
    path
}

pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}
