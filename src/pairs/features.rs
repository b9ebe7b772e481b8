//! Features of a claim-article pair, as one sparse row:
//!
//! | columns | what |
//! |---|---|
//! | `0..V` | the claim's TF-IDF vector |
//! | `V..2V` | the body's TF-IDF vector |
//! | `2V..3V` | terms shared by claim and body (the claim's weight) |
//! | `3V..3V+F` | dense pair features, see [`PairFeaturizer::dense`] |
//!
//! where `V` is the vocabulary size. The dense features measure how much the
//! body is about the claim (TF-IDF cosine of claim and body, of claim and
//! its nearest sentences, overlap of stems and bigrams) and how the body
//! speaks of it: the sentence model's accusation / denial / neutral
//! probabilities for the sentences nearest the claim, refuting and hedging
//! words, and negation within a few words of a claim word.
//!
//! Whatever depends on the body alone is computed once per body
//! ([`BodyFeatures`]), so featurising FNC-1's 49,972 pairs analyses its
//! 1,683 bodies once each.

use std::collections::HashSet;

use crate::analysis::Analyzer;
use crate::features::{SparseRow, TfidfVectorizer};
use crate::pipeline::StanceModel;
use crate::sentences::split_sentences;

/// Sentences nearest the claim that the stance features look at.
pub const NEAREST_SENTENCES: usize = 3;
/// Words either side of a claim word in which a negation counts.
const NEGATION_WINDOW: usize = 4;

/// Words that signal the body disputes a claim (lowercase, unstemmed;
/// stemmed with the model's analyzer when the featurizer is built).
const REFUTING: &[&str] = &[
    "fake",
    "fraud",
    "hoax",
    "false",
    "deny",
    "denies",
    "denied",
    "despite",
    "nope",
    "doubt",
    "doubts",
    "bogus",
    "debunk",
    "debunked",
    "prank",
    "pranks",
    "retract",
    "retracted",
    "untrue",
    "fabricated",
    "myth",
    "satire",
    "baseless",
    "misleading",
    "rejected",
    "refuted",
];

/// Words that signal the body reports a claim without asserting it.
const HEDGING: &[&str] = &[
    "reportedly",
    "allegedly",
    "alleged",
    "claim",
    "claims",
    "claimed",
    "according",
    "unconfirmed",
    "unverified",
    "may",
    "might",
    "could",
    "possibly",
    "purportedly",
    "apparently",
    "supposedly",
    "rumor",
    "rumors",
    "rumour",
    "rumours",
    "suggest",
    "suggests",
    "speculation",
    "unclear",
];

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "none", "nothing", "neither", "nor", "without", "n't",
];

/// What is computed once per body.
#[derive(Debug, Clone)]
pub struct BodyFeatures {
    row: SparseRow,
    unigrams: HashSet<String>,
    bigrams: HashSet<String>,
    sentences: Vec<SentenceFeatures>,
    refuting_rate: f64,
    hedging_rate: f64,
    n_tokens: usize,
}

impl BodyFeatures {
    /// Sentence `index` of the body (an index from [`PairFeaturizer::nearest`]).
    pub fn sentence(&self, index: usize) -> &SentenceFeatures {
        &self.sentences[index]
    }
}

/// One body sentence: its span, vector, stems and stance.
#[derive(Debug, Clone)]
pub struct SentenceFeatures {
    pub start: usize,
    pub end: usize,
    row: SparseRow,
    stems: Vec<String>,
    /// The sentence model's probabilities, in its label order.
    pub stance: Vec<f64>,
    refuting: bool,
    hedging: bool,
}

/// What is computed once per claim.
#[derive(Debug, Clone)]
pub struct ClaimFeatures {
    row: SparseRow,
    unigrams: Vec<String>,
    bigrams: Vec<String>,
    refuting: bool,
    hedging: bool,
    question: bool,
}

/// Turns claims and bodies into pair rows.
pub struct PairFeaturizer<'a> {
    analyzer: &'a Analyzer,
    vectorizer: &'a TfidfVectorizer,
    sentence_model: &'a StanceModel,
    sentence_analyzer: &'a Analyzer,
    refuting: HashSet<String>,
    hedging: HashSet<String>,
    negations: HashSet<String>,
}

impl<'a> PairFeaturizer<'a> {
    pub fn new(
        analyzer: &'a Analyzer,
        vectorizer: &'a TfidfVectorizer,
        sentence_model: &'a StanceModel,
        sentence_analyzer: &'a Analyzer,
    ) -> Self {
        // Lexicons are matched on tokens as the analyzer leaves them
        // (lowercased, stemmed); words it drops as stop words drop out.
        let stems = |words: &[&str]| -> HashSet<String> {
            words
                .iter()
                .flat_map(|w| analyzer.tokens(w))
                .map(|t| t.text)
                .collect()
        };
        PairFeaturizer {
            analyzer,
            vectorizer,
            sentence_model,
            sentence_analyzer,
            refuting: stems(REFUTING),
            hedging: stems(HEDGING),
            negations: stems(NEGATIONS),
        }
    }

    /// Width of a pair row: three vocabulary blocks and the dense block.
    pub fn n_features(&self) -> usize {
        3 * self.vectorizer.n_features() + self.n_dense()
    }

    /// Number of dense pair features.
    pub fn n_dense(&self) -> usize {
        DENSE_BASE + 2 * self.sentence_model.labels.len()
    }

    /// First column of the dense block.
    pub fn dense_offset(&self) -> usize {
        3 * self.vectorizer.n_features()
    }

    pub fn body(&self, text: &str) -> BodyFeatures {
        let tokens = self.analyzer.tokens(text);
        let unigrams: HashSet<String> = tokens.iter().map(|t| t.text.clone()).collect();
        let bigrams = tokens
            .windows(2)
            .map(|w| format!("{} {}", w[0].text, w[1].text))
            .collect();
        let refuting = tokens
            .iter()
            .filter(|t| self.refuting.contains(&t.text))
            .count();
        let hedging = tokens
            .iter()
            .filter(|t| self.hedging.contains(&t.text))
            .count();
        let spans = split_sentences(text);
        let sentence_texts: Vec<&str> = spans.iter().map(|s| s.text(text)).collect();
        let stances = self
            .sentence_model
            .predict_proba(self.sentence_analyzer, &sentence_texts);
        let sentences = spans
            .iter()
            .zip(stances.outer_iter())
            .map(|(span, stance)| {
                let sentence = span.text(text);
                let stems: Vec<String> = self
                    .analyzer
                    .tokens(sentence)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                SentenceFeatures {
                    start: span.start,
                    end: span.end,
                    row: self.vectorize(sentence),
                    refuting: stems.iter().any(|s| self.refuting.contains(s)),
                    hedging: stems.iter().any(|s| self.hedging.contains(s)),
                    stems,
                    stance: stance.to_vec(),
                }
            })
            .collect();
        let per_hundred =
            |count: usize| (100.0 * count as f64 / tokens.len().max(1) as f64).min(10.0) / 10.0;
        BodyFeatures {
            row: self.vectorize(text),
            unigrams,
            bigrams,
            sentences,
            refuting_rate: per_hundred(refuting),
            hedging_rate: per_hundred(hedging),
            n_tokens: tokens.len(),
        }
    }

    pub fn claim(&self, text: &str) -> ClaimFeatures {
        let tokens = self.analyzer.tokens(text);
        let unigrams: Vec<String> = tokens.iter().map(|t| t.text.clone()).collect();
        let bigrams = tokens
            .windows(2)
            .map(|w| format!("{} {}", w[0].text, w[1].text))
            .collect();
        ClaimFeatures {
            row: self.vectorize(text),
            refuting: unigrams.iter().any(|u| self.refuting.contains(u)),
            hedging: unigrams.iter().any(|u| self.hedging.contains(u)),
            question: text.contains('?'),
            unigrams,
            bigrams,
        }
    }

    fn vectorize(&self, text: &str) -> SparseRow {
        self.vectorizer.transform(&self.analyzer.term_texts(text))
    }

    /// Indices of the body's sentences nearest the claim (by TF-IDF cosine),
    /// nearest first, with their similarities.
    pub fn nearest(
        &self,
        claim: &ClaimFeatures,
        body: &BodyFeatures,
        k: usize,
    ) -> Vec<(usize, f64)> {
        let mut scored: Vec<(usize, f64)> = body
            .sentences
            .iter()
            .enumerate()
            .map(|(i, s)| (i, dot(&claim.row, &s.row)))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored.truncate(k);
        scored
    }

    /// The dense pair features, each scaled to about `0..=1`.
    pub fn dense(&self, claim: &ClaimFeatures, body: &BodyFeatures) -> Vec<f64> {
        let nearest = self.nearest(claim, body, NEAREST_SENTENCES);
        let cosine = dot(&claim.row, &body.row);
        let best = nearest.first().map_or(0.0, |n| n.1);
        let mean_top = mean(nearest.iter().map(|n| n.1));
        let lead = body
            .sentences
            .iter()
            .take(NEAREST_SENTENCES)
            .map(|s| dot(&claim.row, &s.row))
            .fold(0.0, f64::max);
        let coverage = |set: &HashSet<String>, items: &[String]| {
            if items.is_empty() {
                0.0
            } else {
                items.iter().filter(|u| set.contains(*u)).count() as f64 / items.len() as f64
            }
        };
        let unigram_coverage = coverage(&body.unigrams, &claim.unigrams);
        let bigram_coverage = coverage(&body.bigrams, &claim.bigrams);
        let best_sentence_coverage = nearest.first().map_or(0.0, |&(i, _)| {
            let stems: HashSet<String> = body.sentences[i].stems.iter().cloned().collect();
            coverage(&stems, &claim.unigrams)
        });
        let claim_set: HashSet<&String> = claim.unigrams.iter().collect();
        let union = body.unigrams.len() + claim_set.len()
            - claim_set
                .iter()
                .filter(|u| body.unigrams.contains(**u))
                .count();
        let jaccard = if union == 0 {
            0.0
        } else {
            claim_set
                .iter()
                .filter(|u| body.unigrams.contains(**u))
                .count() as f64
                / union as f64
        };
        let near: Vec<&SentenceFeatures> =
            nearest.iter().map(|&(i, _)| &body.sentences[i]).collect();
        let fraction = |f: fn(&SentenceFeatures) -> bool| {
            if near.is_empty() {
                0.0
            } else {
                near.iter().filter(|s| f(s)).count() as f64 / near.len() as f64
            }
        };
        let refuting_near = fraction(|s| s.refuting);
        let hedging_near = fraction(|s| s.hedging);
        let negated = near
            .iter()
            .map(|s| self.negations_near(s, &claim_set))
            .sum::<usize>();
        let negation_near = (negated as f64 / 3.0).min(1.0);

        let mut features = vec![
            cosine,
            best,
            mean_top,
            lead,
            unigram_coverage,
            bigram_coverage,
            best_sentence_coverage,
            jaccard,
            body.refuting_rate,
            body.hedging_rate,
            refuting_near,
            hedging_near,
            negation_near,
            f64::from(u8::from(claim.refuting)),
            f64::from(u8::from(claim.hedging)),
            f64::from(u8::from(claim.question)),
            ((1 + body.n_tokens) as f64).ln() / 8.0,
            // How the body speaks matters only when it speaks of the claim.
            best * refuting_near,
            best * hedging_near,
            best * negation_near,
        ];
        debug_assert_eq!(features.len(), DENSE_BASE);
        let n_labels = self.sentence_model.labels.len();
        let total: f64 = nearest.iter().map(|n| n.1).sum();
        for label in 0..n_labels {
            let weighted = if total > 0.0 {
                nearest
                    .iter()
                    .map(|&(i, sim)| sim * body.sentences[i].stance[label])
                    .sum::<f64>()
                    / total
            } else {
                mean(near.iter().map(|s| s.stance[label]))
            };
            features.push(weighted);
        }
        for label in 0..n_labels {
            features.push(near.iter().map(|s| s.stance[label]).fold(0.0, f64::max));
        }
        features
    }

    /// Negations within [`NEGATION_WINDOW`] stems of a claim stem.
    fn negations_near(&self, sentence: &SentenceFeatures, claim: &HashSet<&String>) -> usize {
        let stems = &sentence.stems;
        stems
            .iter()
            .enumerate()
            .filter(|(_, s)| self.negations.contains(*s))
            .filter(|&(i, _)| {
                let lo = i.saturating_sub(NEGATION_WINDOW);
                let hi = (i + NEGATION_WINDOW + 1).min(stems.len());
                stems[lo..hi].iter().any(|s| claim.contains(s))
            })
            .count()
    }

    /// The full pair row (see the module documentation for its layout).
    pub fn row(&self, claim: &ClaimFeatures, body: &BodyFeatures) -> SparseRow {
        let v = self.vectorizer.n_features() as u32;
        let mut indices = Vec::new();
        let mut values = Vec::new();
        indices.extend(claim.row.indices.iter().copied());
        values.extend(claim.row.values.iter().copied());
        indices.extend(body.row.indices.iter().map(|&c| c + v));
        values.extend(body.row.values.iter().copied());
        for (&c, &w) in claim.row.indices.iter().zip(&claim.row.values) {
            if body.row.indices.binary_search(&c).is_ok() {
                indices.push(c + 2 * v);
                values.push(w);
            }
        }
        let offset = self.dense_offset() as u32;
        for (j, value) in self.dense(claim, body).into_iter().enumerate() {
            if value != 0.0 {
                indices.push(offset + j as u32);
                values.push(value);
            }
        }
        SparseRow { indices, values }
    }

    /// The relatedness row: the shared-terms and dense blocks only, shifted
    /// to start at column 0. Whether a body is about a claim does not
    /// depend on which words the body uses, only on which it shares.
    pub fn relatedness_row(row: &SparseRow, n_vocabulary: usize) -> SparseRow {
        let from = (2 * n_vocabulary) as u32;
        let (indices, values) = row
            .indices
            .iter()
            .zip(&row.values)
            .filter(|(c, _)| **c >= from)
            .map(|(c, v)| (c - from, *v))
            .unzip();
        SparseRow { indices, values }
    }
}

/// Dense features before the per-label sentence stance features.
pub(crate) const DENSE_BASE: usize = 20;

/// Dot product of two sparse rows with sorted indices.
fn dot(a: &SparseRow, b: &SparseRow) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.indices.len() && j < b.indices.len() {
        match a.indices[i].cmp(&b.indices[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a.values[i] * b.values[j];
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / n as f64 }
}
