//! HTML reports from `evaluate --report` and `cross-validate --report`: the
//! files, their figures, and the page as a real browser renders it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use common::{fixture, stance, stderr_of, stdout_of, train_model};
use serde_json::Value;

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("read json")).expect("valid json")
}

/// Runs `stance evaluate --report DIR` of the shipped default model on a
/// labelled CSV, returning the `--format json` output.
fn evaluate_default_model(data: &Path, dir: &Path) -> Value {
    let output = stance()
        .args(["evaluate", "--format", "json", "--model"])
        .arg(repo_file("models/default.model"))
        .arg("--data")
        .arg(data)
        .arg("--report")
        .arg(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    serde_json::from_str(&stdout_of(&output)).unwrap()
}

#[test]
fn evaluate_report_holds_the_same_figures_as_the_json_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("reports/test");
    let printed = evaluate_default_model(&repo_file("datasets/claims/test.csv"), &dir);
    assert_eq!(json_file(&dir.join("metrics.json")), printed);

    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert_eq!(html.matches("<svg").count(), 2, "heatmap and bars");
    let labels = printed["confusion"]["labels"].as_array().unwrap().len();
    assert_eq!(html.matches(r#"class="cell""#).count(), labels * labels);
    assert_eq!(html.matches(r#"class="bar""#).count(), labels * 3);
    // the model card and the data's identity
    assert!(html.contains("datasets/claims/train.csv"));
    assert!(html.contains(printed_sha256(&repo_file("datasets/claims/test.csv")).as_str()));
    // one table row per misclassified row, up to the cap
    let n = printed["n"].as_u64().unwrap();
    let correct: u64 = (0..labels)
        .map(|i| printed["confusion"]["matrix"][i][i].as_u64().unwrap())
        .sum();
    let wrong = n - correct;
    assert!(html.contains(&format!("{wrong} of {n} rows are misclassified")));
    let table = html.split(r#"<table class="errors">"#).nth(1).unwrap();
    assert_eq!(
        table.matches("<tr><td").count() as u64,
        wrong.min(200),
        "error rows"
    );
}

/// SHA-256 of a file in lowercase hex, as reports print it.
fn printed_sha256(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(std::fs::read(path).unwrap());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn cross_validate_report_shows_every_fold() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cv");
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
        .arg("--report")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let printed: Value = serde_json::from_str(&stdout_of(&output)).unwrap();
    assert_eq!(json_file(&dir.join("metrics.json")), printed);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("3-fold cross-validation"));
    let folds = html.split("<h2>Folds</h2>").nth(1).unwrap();
    let folds = folds.split("</table>").next().unwrap();
    assert_eq!(folds.matches("<tr><td").count(), 3);
    // error bars over folds, one per bar
    assert_eq!(
        html.matches(r#"stroke="black""#).count(),
        html.matches(r#"class="bar""#).count()
    );
    let mean = printed["macro_f1"]["mean"].as_f64().unwrap();
    assert!(html.contains(&format!("{mean:.3} ±")));
}

#[test]
fn an_unwritable_report_directory_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let model = train_model(tmp.path(), &fixture("tiny.csv"), "m.model", &[]);
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let output = stance()
        .args(["evaluate", "--model"])
        .arg(&model)
        .arg("--data")
        .arg(fixture("tiny.csv"))
        .arg("--report")
        .arg(blocker.join("report"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("file/report"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// The browser to render with: `STANCE_CHROMIUM`, else the first of the
/// usual names on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("STANCE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| {
            ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
        })
        .find(|candidate| candidate.is_file())
}

/// Renders `page` headless; returns the DOM after load, and the browser's
/// log lines that carry console messages (errors, CSP violations, failed
/// loads). Also writes a screenshot to `screenshot`.
fn render(browser: &Path, page: &Path, screenshot: &Path) -> (String, Vec<String>) {
    let profile = tempfile::tempdir().unwrap();
    let run = |mode: &[&str]| {
        let output = Process::new(browser)
            .args([
                "--headless",
                "--no-sandbox", // CI runs as root
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-extensions",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
                "--window-size=1280,2000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(mode)
            .arg(format!("file://{}", page.display()))
            .output()
            .expect("run the browser");
        assert!(output.status.success(), "{}", stderr_of(&output));
        output
    };
    let dom = run(&["--dump-dom"]);
    let shot = format!("--screenshot={}", screenshot.display());
    let shot_run = run(&[shot.as_str()]);
    let console = [&dom, &shot_run]
        .iter()
        .flat_map(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .filter(|l| l.contains(":CONSOLE"))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    (stdout_of(&dom), console)
}

/// CI installs Chromium and sets `STANCE_REQUIRE_BROWSER=1`, so there the
/// browser check cannot be skipped; elsewhere it runs when a browser is
/// installed.
#[test]
fn report_renders_in_headless_chromium_without_console_errors() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("STANCE_REQUIRE_BROWSER").is_none(),
            "STANCE_REQUIRE_BROWSER is set but no chromium was found"
        );
        eprintln!("skipped: no chromium on PATH (set STANCE_CHROMIUM)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut datasets = vec![repo_file("datasets/claims/test.csv")];
    // The project's real-news dev set, when it sits beside the repository.
    let dev = repo_file("../shared/labels/dev.csv");
    if dev.is_file() {
        datasets.push(dev);
    }
    for (i, data) in datasets.iter().enumerate() {
        let dir = tmp.path().join(format!("report-{i}"));
        let printed = evaluate_default_model(data, &dir);
        let screenshot = tmp.path().join(format!("report-{i}.png"));
        let (dom, console) = render(&browser, &dir.join("report.html"), &screenshot);
        assert!(console.is_empty(), "console messages: {console:?}");
        assert_eq!(dom.matches("<svg").count(), 2, "both charts in the DOM");
        let labels = printed["confusion"]["labels"].as_array().unwrap().len();
        assert_eq!(dom.matches(r#"class="cell""#).count(), labels * labels);
        assert!(dom.contains("Misclassified rows"));
        let png = std::fs::read(&screenshot).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG screenshot");
        assert!(png.len() > 20_000, "a page with content, not a blank one");
    }
}
