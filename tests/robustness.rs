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

/// Malformed CSV files: each is a one-line error naming file and line, exit 1.
#[test]
fn malformed_csv_files_give_one_line_errors_with_their_line() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "empty.csv",
            b"",
            "empty.csv:1: empty file: expected a header row",
        ),
        (
            "header.csv",
            b"text,label\n",
            "header.csv: no data rows after the header",
        ),
        (
            "misnamed.csv",
            b"Text,Label\na,b\n",
            "misnamed.csv:1: field `text`: missing column; the header has: Text, Label",
        ),
        (
            "blank.csv",
            b"text,label\na,x\n\"   \",y\n",
            "blank.csv:3: field `text`: empty text",
        ),
        (
            "nolabel.csv",
            b"text,label\na,x\nb,\n",
            "nolabel.csv:3: field `label`: empty label",
        ),
        (
            "utf8.csv",
            b"text,label\na,x\nb,y\nc\xc3\x28,z\n",
            "utf8.csv:4: field `text`: invalid UTF-8",
        ),
        (
            "ragged.csv",
            b"text,label\na,x\nb\n",
            "ragged.csv:3: row has 1 fields but the header has 2",
        ),
        (
            "unclosed.csv",
            b"text,label\n\"a,x\nb,y\n",
            "unclosed.csv:2: row has 1 fields but the header has 2 (a missing field, or a quote that is never closed?)",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, content, expected) in cases {
        let data = write(dir.path(), name, content);
        let out = dir.path().join("m.model");
        let output = run_train(&data, &out, &[]);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {}",
            stderr_of(&output)
        );
        let err = stderr_of(&output);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(!out.exists(), "{name}: no model is written");
    }
}

/// Well-formed but unusual CSV: BOM, CRLF, quoted commas, quotes and newlines.
#[test]
fn unusual_but_valid_csv_trains() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = std::fs::read_to_string(fixture("tiny.csv")).unwrap();
    let mut content = b"\xef\xbb\xbf".to_vec();
    content.extend(tiny.replace('\n', "\r\n").as_bytes());
    content.extend(b"t37,\"He said, \"\"no\"\"\r\nand left.\",denial\r\n");
    let data = write(dir.path(), "odd.csv", &content);
    let output = run_train(&data, &dir.path().join("m.model"), &[]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(common::stdout_of(&output).contains("on 37 rows"));
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::{BufRead, BufReader, Write};
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let article = "The bank disputed the claims. The market was busy.\n\n".repeat(20_000);
    let input = write(dir.path(), "long.txt", article.as_bytes());
    let mut child = Process::new(assert_cmd::cargo::cargo_bin("stance"))
        .args(["classify", "--format", "jsonl", "--model"])
        .arg(&model)
        .arg(&input)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'));
    // The reader is dropped here, as `| head -1` would.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(output.stderr.is_empty(), "{}", stderr_of(&output));
    let _ = std::io::stderr().flush();
}

#[test]
fn mixed_scripts_emoji_and_right_to_left_text_are_classified() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let article = "Критики обвинили министра. 🙂 The bank disputed the claims!\n\nالوزارة نفت التقرير. 東京の市場は忙しかった。\u{202E}reversed\u{202C} text.";
    let output = stance()
        .args(["classify", "--format", "jsonl", "--model"])
        .arg(&model)
        .write_stdin(article)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 3);
    for line in &lines {
        let (start, end) = (
            line["start"].as_u64().unwrap() as usize,
            line["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&article[start..end], line["text"].as_str().unwrap());
    }
}

#[test]
fn a_ten_megabyte_line_without_punctuation_is_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let words = [
        "market", "bank", "claims", "busy", "bridge", "opens", "the", "driver",
    ];
    let mut line = String::with_capacity(10 << 20);
    let mut i = 0;
    while line.len() < 10 << 20 {
        line.push_str(words[i % words.len()]);
        line.push(' ');
        i += 7;
    }
    let input = write(dir.path(), "line.txt", line.as_bytes());
    let output = stance()
        .args(["classify", "--format", "csv", "--model"])
        .arg(&model)
        .arg(&input)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let mut reader = csv::Reader::from_reader(&output.stdout[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][4].len(), line.trim_end().len());
}

/// A reader that produces a CSV of `rows` rows on the fly, so the test
/// holds no copy of the file, and counts the bytes it hands out.
struct GeneratedCsv {
    rows: usize,
    next: usize,
    pending: Vec<u8>,
    served: usize,
}

impl std::io::Read for GeneratedCsv {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            if self.next > self.rows {
                return Ok(0);
            }
            self.pending = if self.next == 0 {
                b"id,text,label\n".to_vec()
            } else {
                let label = ["accusation", "denial", "neutral"][self.next % 3];
                format!(
                    "r{},\"Row {} says, \"\"quoted\"\" things\",{label}\n",
                    self.next, self.next
                )
                .into_bytes()
            };
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.served += n;
        Ok(n)
    }
}

#[test]
fn a_million_rows_are_read_in_one_streaming_pass() {
    use stance::data::{CsvColumns, read_labelled};
    let mut source = GeneratedCsv {
        rows: 1_000_000,
        next: 0,
        pending: Vec::new(),
        served: 0,
    };
    let data = read_labelled(
        &mut source,
        std::path::Path::new("million.csv"),
        &CsvColumns::default(),
    )
    .unwrap();
    assert_eq!(data.examples.len(), 1_000_000);
    assert_eq!(data.examples[999_999].line, 1_000_001);
    assert_eq!(data.examples[41].text, "Row 42 says, \"quoted\" things");
    // Every byte was read exactly once (the hash is taken in the same pass).
    let mut again = GeneratedCsv {
        rows: 1_000_000,
        next: 0,
        pending: Vec::new(),
        served: 0,
    };
    let total = std::io::copy(&mut again, &mut std::io::sink()).unwrap() as usize;
    assert_eq!(source.served, total);
}

#[test]
fn a_fifty_megabyte_field_is_read_whole() {
    use stance::data::{CsvColumns, read_labelled};
    let field = "word ".repeat(10 << 20);
    let csv = format!("text,label\n\"{field}\",big\nsmall,little\n");
    let data = read_labelled(
        csv.as_bytes(),
        std::path::Path::new("big.csv"),
        &CsvColumns::default(),
    )
    .unwrap();
    assert_eq!(data.examples[0].text.len(), field.len());
    assert_eq!(data.examples[1].line, 3);
}

#[test]
fn a_full_disk_on_stdout_is_a_one_line_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not a Linux-like system: nothing to simulate a full disk with
    };
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let output = Process::new(assert_cmd::cargo::cargo_bin("stance"))
        .args(["classify", "--format", "jsonl", "--model"])
        .arg(&model)
        .arg(fixture("article.txt"))
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("No space left on device"), "{err}");
}

/// Runs `stance` with `args` as a user that file permissions apply to: the
/// current user if it is subject to them, else `nobody` through `runuser`
/// (CI runs as root, which reads and writes anything). `None` when neither
/// can be arranged.
fn run_unprivileged(
    probe: &std::path::Path,
    args: &[&std::ffi::OsStr],
) -> Option<std::process::Output> {
    let binary = assert_cmd::cargo::cargo_bin("stance");
    if std::fs::read(probe).is_err() {
        return Some(Process::new(binary).args(args).output().unwrap());
    }
    let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())?;
    let output = Process::new(runuser)
        .args(["-u", "nobody", "--"])
        .arg(&binary)
        .args(args)
        .output()
        .ok()?;
    // runuser itself failing (no such user, no permission to switch) is not
    // what this test is about.
    let stderr = String::from_utf8_lossy(&output.stderr);
    (stderr.starts_with("stance: ") || output.status.success()).then_some(output)
}

/// A world-readable temporary directory, so that `nobody` can reach into it.
fn shared_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn an_unreadable_model_file_is_a_one_line_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = shared_tempdir();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    std::fs::set_permissions(&model, std::fs::Permissions::from_mode(0o000)).unwrap();
    let args = [
        std::ffi::OsStr::new("inspect"),
        "--model".as_ref(),
        model.as_os_str(),
    ];
    let Some(output) = run_unprivileged(&model, &args) else {
        return; // no way to drop privileges here
    };
    assert_eq!(output.status.code(), Some(1));
    let err = stderr_of(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("m.model") && err.contains("Permission denied"),
        "{err}"
    );
}

#[test]
fn an_unwritable_output_directory_is_a_one_line_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = shared_tempdir();
    let data = dir.path().join("tiny.csv");
    std::fs::copy(fixture("tiny.csv"), &data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o644)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = locked.join("m.model");
    let probe = dir.path().join("probe");
    std::fs::write(&probe, b"x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let args = [
        std::ffi::OsStr::new("train"),
        "--data".as_ref(),
        data.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ];
    let Some(output) = run_unprivileged(&probe, &args) else {
        return;
    };
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let err = stderr_of(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("locked") && err.contains("Permission denied"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_million_row_csv_is_evaluated_by_the_binary() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let path = dir.path().join("million.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(file, "id,text,label").unwrap();
    let labels = ["accusation", "denial", "neutral"];
    for i in 0..1_000_000 {
        writeln!(
            file,
            "r{i},\"Row {}, says \"\"the claims\"\" were false\",{}",
            i % 97,
            labels[i % 3]
        )
        .unwrap();
    }
    drop(file);
    let output = stance()
        .args(["evaluate", "--format", "json", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["n"], 1_000_000);
}

#[test]
fn a_fifty_megabyte_field_trains_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = b"text,label\n\"".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 50 << 20));
    csv.extend(b"\",a\nsmall text,b\nother text,a\nmore text,b\n");
    let data = write(dir.path(), "big.csv", &csv);
    let output = run_train(&data, &dir.path().join("m.model"), &["--min-df", "1"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(common::stdout_of(&output).contains("on 4 rows"));
}

#[test]
fn empty_and_whitespace_articles_give_no_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    for input in ["", " \n\r\n\t  \n\n   "] {
        let output = stance()
            .args(["classify", "--format", "jsonl", "--model"])
            .arg(&model)
            .write_stdin(input)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert!(output.stdout.is_empty(), "{input:?}");
    }
}

#[test]
fn a_model_truncated_anywhere_in_its_header_or_payload_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let model = train_model(dir.path(), &fixture("tiny.csv"), "m.model", &[]);
    let bytes = std::fs::read(&model).unwrap();
    for cut in [
        1,
        7,
        8,
        11,
        12,
        19,
        20,
        51,
        52,
        53,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let path = write(dir.path(), &format!("cut{cut}.model"), &bytes[..cut]);
        let output = stance()
            .args(["inspect", "--model"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "cut at {cut}");
        let err = stderr_of(&output);
        assert_eq!(err.lines().count(), 1, "cut at {cut}: {err}");
        assert!(err.contains(&format!("cut{cut}.model")), "{err}");
    }
}
