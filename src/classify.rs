//! Classifying articles: split into sentences, label each sentence, and
//! write the results as JSON lines, CSV or aligned text for people.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;

use rayon::prelude::*;
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

/// Bytes read from the input at a time when streaming.
const READ_CHUNK: usize = 1 << 20;
/// Pending text beyond which a piece is cut even without a blank line.
const MAX_PIECE: usize = 16 << 20;
/// Reads gathered before classifying (4 MiB at a time).
const BATCH_READS: usize = 4;

/// Labels every sentence of an article read from `input`, in pieces, so that
/// memory stays bounded however large the input is: `emit` receives each
/// piece's predictions in order. Pieces end at blank lines, where a sentence
/// always ends, so the result is the same as classifying the whole text at
/// once; only a paragraph longer than 16 MiB is cut elsewhere (at its last
/// line break, else its last whitespace). `source` names the input in the
/// predictions and in errors; invalid UTF-8 is an error naming its line.
pub fn classify_reader<R: Read>(
    model: &StanceModel,
    analyzer: &Analyzer,
    source: &str,
    input: R,
    explain_terms: usize,
    emit: impl FnMut(&[SentencePrediction]) -> io::Result<()>,
) -> Result<()> {
    let limits = (READ_CHUNK, MAX_PIECE);
    classify_pieces(model, analyzer, source, input, explain_terms, limits, emit)
}

fn classify_pieces<R: Read>(
    model: &StanceModel,
    analyzer: &Analyzer,
    source: &str,
    mut input: R,
    explain_terms: usize,
    (read_chunk, max_piece): (usize, usize),
    mut emit: impl FnMut(&[SentencePrediction]) -> io::Result<()>,
) -> Result<()> {
    // Text is gathered into batches of about BATCH_READS reads, and each
    // batch is cut at blank lines into parts of about a quarter of a read,
    // labelled in parallel: splitting and assembling the results then use
    // every core too, not only the scoring inside `classify_text`. While a
    // batch is labelled, this thread emits the previous one.
    let batch = read_chunk.saturating_mul(BATCH_READS);
    let part = (read_chunk / 4).max(1);
    let mut pending: Vec<u8> = Vec::new();
    let mut consumed = 0usize; // bytes of the input before `pending`
    let mut lines = 1u64; // line number at the start of `pending`
    let mut sentences = 0usize; // sentences emitted so far
    let mut labelled: Option<Vec<Vec<SentencePrediction>>> = None; // not yet emitted
    let mut emit_batch = |parts: Option<Vec<Vec<SentencePrediction>>>| {
        for mut predictions in parts.unwrap_or_default() {
            for p in &mut predictions {
                p.sentence += sentences;
            }
            sentences += predictions.len();
            emit(&predictions).map_err(|e| Error::io("<stdout>", e))?;
        }
        Ok::<(), Error>(())
    };
    let mut chunk = vec![0u8; read_chunk];
    loop {
        let n = match input.read(&mut chunk) {
            Ok(n) => n,
            Err(e) => {
                emit_batch(labelled.take())?;
                return Err(Error::io(source, e));
            }
        };
        let at_end = n == 0;
        pending.extend_from_slice(&chunk[..n]);
        let cut = if at_end {
            pending.len()
        } else if pending.len() < batch.min(max_piece) {
            continue;
        } else {
            match piece_end(&pending, max_piece) {
                Some(cut) => cut,
                None => continue,
            }
        };
        let text = match utf8_prefix(&pending[..cut], source, lines) {
            Ok(text) => text,
            Err(e) => {
                emit_batch(labelled.take())?;
                return Err(e);
            }
        };
        let mut next = None;
        let mut emitted = Ok(());
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| {
                next = Some(label_parts(
                    model,
                    analyzer,
                    source,
                    text,
                    part,
                    consumed,
                    explain_terms,
                ));
            });
            emitted = emit_batch(labelled.take());
        });
        emitted?;
        labelled = next;
        lines += text.bytes().filter(|&b| b == b'\n').count() as u64;
        consumed += cut;
        pending.drain(..cut);
        if at_end {
            return emit_batch(labelled.take());
        }
    }
}

/// Labels `text` (which starts `offset` bytes into its input) in parts of
/// about `part` bytes cut at blank lines, in parallel; the predictions'
/// spans are offsets into the input, their sentence numbers count from 0 in
/// each part.
fn label_parts(
    model: &StanceModel,
    analyzer: &Analyzer,
    source: &str,
    text: &str,
    part: usize,
    offset: usize,
    explain_terms: usize,
) -> Vec<Vec<SentencePrediction>> {
    blank_line_parts(text, part)
        .into_par_iter()
        .map(|(start, end)| {
            let mut predictions =
                classify_text(model, analyzer, source, &text[start..end], explain_terms);
            for p in &mut predictions {
                p.start += offset + start;
                p.end += offset + start;
            }
            predictions
        })
        .collect()
}

/// Byte ranges that cover `text`, each ending just after the first blank
/// line (`\n\n`) at least `part` bytes after its start, or at the end: a
/// sentence always ends at a blank line, so labelling the ranges one by one
/// gives the sentences of the whole text.
fn blank_line_parts(text: &str, part: usize) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let from = start.saturating_add(part).min(bytes.len());
        let end = bytes[from..]
            .windows(2)
            .position(|w| w == b"\n\n")
            .map_or(bytes.len(), |i| from + i + 2);
        parts.push((start, end));
        start = end;
    }
    if parts.is_empty() {
        parts.push((0, 0));
    }
    parts
}

/// Where to end the next piece of `pending`: after its last blank line, or,
/// once it is longer than `max_piece`, after its last line break or
/// whitespace; `None` to read more first.
fn piece_end(pending: &[u8], max_piece: usize) -> Option<usize> {
    if let Some(i) = pending.windows(2).rposition(|w| w == b"\n\n") {
        return Some(i + 2);
    }
    if pending.len() < max_piece {
        return None;
    }
    let cut = pending
        .iter()
        .rposition(|&b| b == b'\n')
        .or_else(|| pending.iter().rposition(|b| b.is_ascii_whitespace()))
        .map_or(pending.len(), |i| i + 1);
    Some(char_boundary_at_or_before(pending, cut).max(1))
}

/// The largest index `<= cut` that does not fall inside a UTF-8 sequence
/// (a sequence cut short by the end of `bytes` counts as inside).
fn char_boundary_at_or_before(bytes: &[u8], cut: usize) -> usize {
    let is_continuation = |b: u8| (b & 0xC0) == 0x80;
    let mut start = cut;
    while start > 0 && (start == bytes.len() || is_continuation(bytes[start])) {
        start -= 1;
        if !is_continuation(bytes[start]) {
            break;
        }
    }
    if start == cut {
        return cut;
    }
    let lead = bytes[start];
    let width = match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    if start + width <= cut { cut } else { start }
}

fn utf8_prefix<'a>(bytes: &'a [u8], source: &str, first_line: u64) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = first_line + bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64;
        Error::data(
            source,
            Some(line),
            None,
            format!("invalid UTF-8 (byte {:#04x})", bytes[offset]),
        )
    })
}

/// Files up to this size are read whole and labelled several at a time.
const SMALL_FILE: u64 = 1 << 20;
/// At most this many bytes of small files are held at once.
const SMALL_FILES_BATCH: u64 = 8 << 20;

/// Labels every sentence of every article in `paths` (`-` is standard
/// input), calling `emit` with each article's predictions in the order of
/// `paths`, as [`classify_reader`] on each in turn would.
///
/// Runs of small files are read whole and labelled in parallel, one file
/// per task, so that many short articles use every core (a short article
/// alone has too few sentences to share out); other inputs are streamed by
/// [`classify_reader`]. An error (an unreadable file, invalid UTF-8) is
/// returned after the articles before it have been emitted.
pub fn classify_files(
    model: &StanceModel,
    analyzer: &Analyzer,
    paths: &[std::path::PathBuf],
    explain_terms: usize,
    mut emit: impl FnMut(&[SentencePrediction]) -> io::Result<()>,
) -> Result<()> {
    let small = |path: &Path| {
        path != Path::new("-")
            && std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() <= SMALL_FILE)
    };
    let mut rest = paths;
    while let Some(first) = rest.first() {
        if !small(first) {
            let (source, input) = open_article(first)?;
            classify_reader(model, analyzer, &source, input, explain_terms, &mut emit)?;
            rest = &rest[1..];
            continue;
        }
        let mut bytes = 0;
        let run = rest
            .iter()
            .take_while(|path| {
                let take = bytes < SMALL_FILES_BATCH && small(path);
                bytes += std::fs::metadata(path).map_or(0, |m| m.len());
                take
            })
            .count();
        let articles: Vec<Result<Vec<SentencePrediction>>> = rest[..run]
            .par_iter()
            .map(|path| {
                let source = path.display().to_string();
                let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
                let text = utf8_prefix(&bytes, &source, 1)?;
                Ok(classify_text(model, analyzer, &source, text, explain_terms))
            })
            .collect();
        for article in articles {
            emit(&article?).map_err(|e| Error::io("<stdout>", e))?;
        }
        rest = &rest[run..];
    }
    Ok(())
}

/// Opens an article file, or standard input for `-`, and returns the name to
/// show for it with a reader over its bytes.
pub fn open_article(path: &Path) -> Result<(String, Box<dyn Read>)> {
    if path == Path::new("-") {
        return Ok(("-".to_owned(), Box::new(io::stdin().lock())));
    }
    if path.is_dir() {
        return Err(Error::data(
            path,
            None,
            None,
            "is a directory, not an article",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok((path.display().to_string(), Box::new(file)))
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
    current_source: Option<String>,
}

impl<W: Write> PredictionWriter<W> {
    pub fn new(out: W, format: OutputFormat, labels: Vec<String>, color: bool) -> Self {
        PredictionWriter {
            out,
            format,
            labels,
            color,
            wrote_header: false,
            current_source: None,
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
        // An article arrives in pieces; its name heads its first piece only.
        if self.current_source.as_deref() != Some(first.source.as_str()) {
            if self.current_source.is_some() {
                writeln!(self.out)?;
            }
            let header = if self.color {
                format!("\x1b[1m{}\x1b[0m", first.source)
            } else {
                first.source.clone()
            };
            writeln!(self.out, "{header}")?;
            self.current_source = Some(first.source.clone());
        }
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
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::tiny_model as model;

    fn streamed(text: &str, limits: (usize, usize)) -> Result<Vec<SentencePrediction>> {
        let model = model();
        let analyzer = model.analyzer().unwrap();
        let mut all = Vec::new();
        classify_pieces(&model, &analyzer, "s", text.as_bytes(), 0, limits, |p| {
            all.extend_from_slice(p);
            Ok(())
        })?;
        Ok(all)
    }

    const ARTICLE: &str = "Bridge row\n\nPolice blamed the driver. He rejected the claim as false.\r\n\r\nThe bridge opens in March — “Zürich” 🙂.\n\n\nEnd";

    #[test]
    fn streaming_in_small_reads_matches_whole_text() {
        let model = model();
        let analyzer = model.analyzer().unwrap();
        let whole = classify_text(&model, &analyzer, "s", ARTICLE, 0);
        for read_chunk in [1, 3, 7, 64] {
            assert_eq!(
                streamed(ARTICLE, (read_chunk, 1 << 20)).unwrap(),
                whole,
                "reads of {read_chunk}"
            );
        }
    }

    #[test]
    fn parts_end_at_blank_lines_and_cover_the_text() {
        let text = "Aa.\n\nBb.\n\n\nCc é.\n\nDd";
        for part in [1, 2, 5, 100] {
            let parts = blank_line_parts(text, part);
            assert_eq!(parts.first().unwrap().0, 0);
            assert_eq!(parts.last().unwrap().1, text.len());
            for w in parts.windows(2) {
                assert_eq!(w[0].1, w[1].0);
                assert!(text[..w[0].1].ends_with("\n\n"), "{part}: {parts:?}");
            }
        }
        assert_eq!(blank_line_parts("", 4), [(0, 0)]);
    }

    #[test]
    fn overlong_paragraphs_are_cut_at_whitespace_with_true_offsets() {
        let text = "word ".repeat(40) + "and more words without any stop";
        let predictions = streamed(&text, (16, 50)).unwrap();
        assert!(predictions.len() > 1);
        for (i, p) in predictions.iter().enumerate() {
            assert_eq!(p.sentence, i);
            assert_eq!(&text[p.start..p.end], p.text);
        }
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let text = "é".repeat(100);
        let predictions = streamed(&text, (7, 31)).unwrap();
        let joined: String = predictions.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn invalid_utf8_names_its_line_across_pieces() {
        let model = model();
        let analyzer = model.analyzer().unwrap();
        let bytes = b"One.\n\nTwo.\n\nThree \xff here.\n";
        let err = classify_pieces(
            &model,
            &analyzer,
            "in.txt",
            &bytes[..],
            0,
            (4, 1 << 20),
            |_| Ok(()),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "in.txt:5: invalid UTF-8 (byte 0xff)");
    }
}
