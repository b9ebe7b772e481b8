//! Classifying articles: split into sentences, label each sentence, and
//! write the results as JSON lines, CSV or aligned text for people.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;

use serde::Serialize;

use crate::analysis::Analyzer;
use crate::error::{Error, Result};
use crate::explain::{Explanation, explain};
use crate::pipeline::{StanceModel, argmax};
use crate::sentences::split_sentences;

/// The label of one sentence of an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentencePrediction {
    /// Where the article came from (a file name, or `-` for stdin).
    pub source: String,
    /// Index of the sentence in the article, from 0.
    pub sentence: usize,
    /// Byte offset of the sentence in the article.
    pub start: usize,
    /// Byte offset one past the sentence's end.
    pub end: usize,
    pub text: String,
    pub label: String,
    /// Probability (score, for the SVM) of `label`.
    pub confidence: f64,
    /// Probability of every label.
    pub scores: BTreeMap<String, f64>,
    /// Why: the terms behind the label (with `--explain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// Labels every sentence of `text`; with `explain_terms > 0`, each label
/// comes with that many of the terms that decided it.
pub fn classify_text(
    model: &StanceModel,
    analyzer: &Analyzer,
    source: &str,
    text: &str,
    explain_terms: usize,
) -> Vec<SentencePrediction> {
    let spans = split_sentences(text);
    let sentences: Vec<&str> = spans.iter().map(|s| s.text(text)).collect();
    let probs = model.predict_proba(analyzer, &sentences);
    spans
        .iter()
        .zip(probs.outer_iter())
        .enumerate()
        .map(|(index, (span, row))| {
            let best = argmax(row.iter().copied());
            SentencePrediction {
                source: source.to_owned(),
                sentence: index,
                start: span.start,
                end: span.end,
                text: span.text(text).to_owned(),
                label: model.labels[best].clone(),
                confidence: row[best],
                scores: model
                    .labels
                    .iter()
                    .cloned()
                    .zip(row.iter().copied())
                    .collect(),
                explanation: (explain_terms > 0).then(|| {
                    let probabilities: Vec<f64> = row.iter().copied().collect();
                    explain(
                        model,
                        analyzer,
                        span.text(text),
                        &probabilities,
                        explain_terms,
                    )
                }),
            }
        })
        .collect()
}

/// Reads an article file, or standard input for `-`: returns the name to
/// show for it and its text. Invalid UTF-8 is an error naming line and byte.
pub fn read_article(path: &Path) -> Result<(String, String)> {
    let (source, bytes) = if path == Path::new("-") {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("<stdin>", e))?;
        ("-".to_owned(), bytes)
    } else {
        if path.is_dir() {
            return Err(Error::data(
                path,
                None,
                None,
                "is a directory, not an article",
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        (path.display().to_string(), bytes)
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok((source, text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
                + 1;
            Err(Error::data(
                &source,
                Some(line),
                None,
                format!("invalid UTF-8 at byte {offset}"),
            ))
        }
    }
}

/// Output formats of `classify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Aligned columns for people.
    Text,
    /// One JSON object per sentence.
    Jsonl,
    /// CSV with a header and one `score_<label>` column per label.
    Csv,
}

/// Writes predictions in one of the output formats; `labels` fixes the CSV
/// score columns and `color` turns on ANSI colours in the text format.
pub struct PredictionWriter<W: Write> {
    out: W,
    format: OutputFormat,
    labels: Vec<String>,
    color: bool,
    wrote_header: bool,
}

impl<W: Write> PredictionWriter<W> {
    pub fn new(out: W, format: OutputFormat, labels: Vec<String>, color: bool) -> Self {
        PredictionWriter {
            out,
            format,
            labels,
            color,
            wrote_header: false,
        }
    }

    /// Writes the predictions of one article.
    pub fn write_article(&mut self, predictions: &[SentencePrediction]) -> io::Result<()> {
        match self.format {
            OutputFormat::Jsonl => {
                for p in predictions {
                    serde_json::to_writer(&mut self.out, p)?;
                    self.out.write_all(b"\n")?;
                }
            }
            OutputFormat::Csv => self.write_csv(predictions)?,
            OutputFormat::Text => self.write_text(predictions)?,
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn write_csv(&mut self, predictions: &[SentencePrediction]) -> io::Result<()> {
        let mut writer = csv::WriterBuilder::new().from_writer(&mut self.out);
        if !self.wrote_header {
            let mut header = vec![
                "source".to_owned(),
                "sentence".into(),
                "start".into(),
                "end".into(),
                "text".into(),
                "label".into(),
                "confidence".into(),
            ];
            header.extend(self.labels.iter().map(|l| format!("score_{l}")));
            if predictions.iter().any(|p| p.explanation.is_some()) {
                header.push("explanation".into());
            }
            writer.write_record(&header)?;
            self.wrote_header = true;
        }
        for p in predictions {
            let mut record = vec![
                p.source.clone(),
                p.sentence.to_string(),
                p.start.to_string(),
                p.end.to_string(),
                p.text.clone(),
                p.label.clone(),
                format!("{:.4}", p.confidence),
            ];
            record.extend(
                self.labels
                    .iter()
                    .map(|l| format!("{:.4}", p.scores.get(l).copied().unwrap_or(0.0))),
            );
            if let Some(explanation) = &p.explanation {
                record.push(explanation_summary(explanation));
            }
            writer.write_record(&record)?;
        }
        writer.flush()
    }

    fn write_text(&mut self, predictions: &[SentencePrediction]) -> io::Result<()> {
        let Some(first) = predictions.first() else {
            return Ok(());
        };
        let width = self
            .labels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        let bold = |s: &str| {
            if self.color {
                format!("\x1b[1m{s}\x1b[0m")
            } else {
                s.to_owned()
            }
        };
        writeln!(self.out, "{}", bold(&first.source))?;
        for p in predictions {
            let label = format!("{:width$}", p.label);
            let label = if self.color {
                format!("{}{label}\x1b[0m", label_color(&p.label))
            } else {
                label
            };
            let text = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
            writeln!(
                self.out,
                "{:>4}  {label}  {:.2}  {text}",
                p.sentence + 1,
                p.confidence
            )?;
            if let Some(explanation) = &p.explanation {
                writeln!(
                    self.out,
                    "      {:width$}        vs {}: {}",
                    "",
                    explanation.runner_up,
                    explanation_summary(explanation)
                )?;
            }
        }
        writeln!(self.out)
    }
}

/// `words (+0.83), other words (-0.12)`: the terms and their contributions.
fn explanation_summary(explanation: &Explanation) -> String {
    explanation
        .terms
        .iter()
        .map(|t| format!("{} ({:+.2})", t.words, t.contribution))
        .collect::<Vec<_>>()
        .join(", ")
}

/// ANSI colour of a label: accusations red, denials blue, the rest plain.
fn label_color(label: &str) -> &'static str {
    match label {
        "accusation" => "\x1b[1;31m",
        "denial" => "\x1b[1;34m",
        "neutral" => "\x1b[2m",
        _ => "\x1b[1m",
    }
}
