//! What `stance classify --claim` prints per article: the article's stance
//! towards the claim, its scores, and the sentences that bear most on the
//! claim with their own sentence labels.

use std::io::{self, Read, Write};

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{PairPrediction, PairPredictor};
use crate::classify::open_article;
use crate::error::{Error, Result};
use crate::pipeline::argmax;

/// One article's verdict on a claim.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleStance {
    pub source: String,
    pub claim: String,
    pub label: String,
    pub confidence: f64,
    pub scores: Map<String, Value>,
    /// The sentences nearest the claim, nearest first.
    pub sentences: Vec<NearSentenceOutput>,
}

/// A sentence of the article near the claim.
#[derive(Debug, Clone, Serialize)]
pub struct NearSentenceOutput {
    /// Index of the sentence in the article, from 0.
    pub sentence: usize,
    /// Byte offsets into the article.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// TF-IDF cosine between the sentence and the claim.
    pub similarity: f64,
    /// The sentence model's label and probabilities.
    pub label: String,
    pub confidence: f64,
    pub scores: Map<String, Value>,
}

/// Reads a whole article (`-` is standard input) as UTF-8; invalid bytes
/// are an error naming the line.
pub fn read_article(path: &std::path::Path) -> Result<(String, String)> {
    let (source, mut input) = open_article(path)?;
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count() as u64;
        Error::data(
            path,
            Some(line),
            None,
            format!("invalid UTF-8 (byte 0x{:02x})", bytes[valid]),
        )
    })?;
    Ok((source, text))
}

/// Classifies `text` (named `source`) against `claim`, keeping `nearest`
/// sentences.
pub fn classify_article(
    predictor: &PairPredictor,
    claim: &str,
    source: &str,
    text: &str,
    nearest: usize,
) -> ArticleStance {
    let model = predictor.model();
    let PairPrediction {
        scores,
        label,
        nearest,
    } = predictor.predict(claim, text, nearest);
    let sentence_labels = &model.sentence_model.labels;
    let sentences = nearest
        .into_iter()
        .map(|near| {
            let best = argmax(near.stance.iter().copied());
            NearSentenceOutput {
                sentence: near.index,
                start: near.start,
                end: near.end,
                text: text[near.start..near.end].to_owned(),
                similarity: near.similarity,
                label: sentence_labels[best].clone(),
                confidence: near.stance[best],
                scores: score_map(sentence_labels, &near.stance),
            }
        })
        .collect();
    ArticleStance {
        source: source.to_owned(),
        claim: claim.to_owned(),
        label: model.labels[label].clone(),
        confidence: scores[label],
        scores: score_map(&model.labels, &scores),
        sentences,
    }
}

fn score_map(labels: &[String], scores: &[f64]) -> Map<String, Value> {
    labels
        .iter()
        .zip(scores)
        .map(|(l, &s)| (l.clone(), Value::from(s)))
        .collect()
}

/// Writes one article's verdict as a JSON line.
pub fn write_jsonl<W: Write>(out: &mut W, stance: &ArticleStance) -> io::Result<()> {
    serde_json::to_writer(&mut *out, stance).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

/// Writes one article's verdict for people: the label and scores, then the
/// nearest sentences with similarity and sentence label.
pub fn write_text<W: Write>(out: &mut W, stance: &ArticleStance) -> io::Result<()> {
    let scores: Vec<String> = stance
        .scores
        .iter()
        .map(|(l, s)| format!("{l} {:.2}", s.as_f64().unwrap_or(0.0)))
        .collect();
    writeln!(
        out,
        "{}: {} {:.2}  ({})",
        stance.source,
        stance.label,
        stance.confidence,
        scores.join(", ")
    )?;
    for s in &stance.sentences {
        writeln!(
            out,
            "  {:>4}  sim {:.2}  {:<10} {:.2}  {}",
            s.sentence,
            s.similarity,
            s.label,
            s.confidence,
            s.text.replace(['\n', '\r'], " ")
        )?;
    }
    Ok(())
}
