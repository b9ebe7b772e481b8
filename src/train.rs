//! Training: labelled texts in, a [`StanceModel`] out.
//!
//! Steps: analyse every text (in parallel), choose the vocabulary, build
//! TF-IDF rows, optionally rebalance the classes, fit the linfa classifier
//! on the sparse training matrix ([`Classifier::fit_sparse`]).
//! Everything is deterministic for a given configuration and seed: the
//! vocabulary is sorted, the rebalancing draws from a seeded ChaCha RNG, and
//! the solvers are deterministic.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::{Analyzer, AnalyzerConfig};
use crate::data::LabelledData;
use crate::error::{Error, Result};
use crate::features::{SparseMatrix, SparseRow, TermStats, TfidfVectorizer, VectorizerParams};
use crate::model::{Classifier, ClassifierParams};
use crate::pipeline::{ModelMetadata, StanceModel};
use crate::progress::Progress;

/// How to treat classes of different sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// Every row counts once.
    #[default]
    None,
    /// Every class counts as much as the largest: rows of smaller classes
    /// are repeated (drawn with a seeded RNG) until each class has as many
    /// rows as the largest. For these models this is the same as weighting
    /// the loss by class, which linfa's solvers do not offer.
    Balanced,
}

/// Everything that decides what a training run produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub analyzer: AnalyzerConfig,
    pub vectorizer: VectorizerParams,
    pub classifier: ClassifierParams,
    pub class_weight: ClassWeight,
    pub seed: u64,
    /// Pair models: folds of the out-of-fold predictions that per-label
    /// score offsets are tuned on for macro-F1 ([`crate::pairs::bias`]);
    /// 0 for none.
    #[serde(default)]
    pub bias_folds: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            analyzer: AnalyzerConfig::default(),
            vectorizer: VectorizerParams::default(),
            classifier: ClassifierParams::default(),
            class_weight: ClassWeight::None,
            seed: 42,
            bias_folds: 0,
        }
    }
}

impl TrainConfig {
    pub fn validate(&self) -> Result<()> {
        self.analyzer.ngram_range.validate()?;
        self.vectorizer.validate()?;
        if self.bias_folds == 1 {
            return Err(Error::InvalidParameter(
                "bias folds 1: tuning offsets needs at least 2 folds (or 0 for none)".to_owned(),
            ));
        }
        self.classifier.validate()
    }
}

/// The fitted parts of a model, before metadata is attached.
pub struct FittedParts {
    pub vectorizer: TfidfVectorizer,
    pub classifier: Classifier,
}

/// Each row label's index in `labels`, the sorted label list built from
/// those same rows (so every label is found).
pub(crate) fn label_indices<'a>(
    labels: &[String],
    row_labels: impl Iterator<Item = &'a str>,
) -> Vec<usize> {
    row_labels
        .map(|label| {
            labels
                .binary_search_by(|l| l.as_str().cmp(label))
                .expect("label list is built from these rows")
        })
        .collect()
}

/// Trains a model on a labelled CSV that has been read with
/// [`crate::data::read_labelled_csv`].
pub fn train(
    data: &LabelledData,
    config: &TrainConfig,
    progress: &dyn Progress,
) -> Result<StanceModel> {
    config.validate()?;
    let labels = data.labels();
    if labels.len() < 2 {
        let only = labels.first().map_or("", String::as_str);
        return Err(Error::data(
            &data.path,
            None,
            None,
            format!("every row has the label `{only}`: training needs at least 2 classes"),
        ));
    }
    let texts: Vec<&str> = data.examples.iter().map(|e| e.text.as_str()).collect();
    let targets = label_indices(&labels, data.examples.iter().map(|e| e.label.as_str()));
    let parts = fit(&texts, &targets, labels.len(), config, progress)?;
    let mut label_counts = vec![0; labels.len()];
    targets.iter().for_each(|&t| label_counts[t] += 1);
    Ok(StanceModel::new(
        config.analyzer.clone(),
        parts.vectorizer,
        labels,
        parts.classifier,
        ModelMetadata::trained_now(
            config,
            data.path.display().to_string(),
            data.sha256.clone(),
            data.examples.len(),
            label_counts,
        ),
    ))
}

/// Fits vectorizer and classifier on `texts` with class indices `targets`
/// (each in `0..n_classes`, every class present).
pub fn fit(
    texts: &[&str],
    targets: &[usize],
    n_classes: usize,
    config: &TrainConfig,
    progress: &dyn Progress,
) -> Result<FittedParts> {
    let analyzer = Analyzer::new(config.analyzer.clone())?;
    // Two passes over the texts, so that no document's terms are kept as
    // strings (they would be most of the memory on a large CSV): the first
    // counts terms for the vocabulary, the second analyses again and looks
    // the terms up. Counts are sums, so the parallel merge order does not
    // change them.
    progress.start("analysing", Some(texts.len() as u64));
    // Each parallel task folds its rows into a map of its own; rows per task
    // at least a share of the whole keeps those maps (the peak memory of a
    // large training run) few.
    let chunks = texts.len().div_ceil(1024);
    let stats = texts
        .par_chunks(1024)
        .enumerate()
        .with_min_len(chunks.div_ceil(rayon::current_num_threads()).max(1))
        .fold(TermStats::default, |mut stats, (chunk, texts)| {
            for (offset, text) in texts.iter().enumerate() {
                let doc = chunk * 1024 + offset;
                analyzer.for_each_term(text, &mut |term| stats.add(doc, term));
            }
            progress.advance(texts.len() as u64);
            stats
        })
        .reduce(TermStats::default, TermStats::merge);
    progress.finish();

    let vectorizer = TfidfVectorizer::fit_stats(stats, texts.len(), config.vectorizer.clone())?;
    if vectorizer.n_features() == 0 {
        return Err(Error::Training(format!(
            "the vocabulary is empty: no term occurs in at least {} rows (lower --min-df)",
            config.vectorizer.min_df
        )));
    }
    progress.start("vectorising", Some(texts.len() as u64));
    let rows: Vec<SparseRow> = texts
        .par_chunks(1024)
        .flat_map_iter(|chunk| {
            let rows: Vec<SparseRow> = chunk
                .iter()
                .map(|t| vectorizer.transform_each(|visit| analyzer.for_each_term(t, visit)))
                .collect();
            progress.advance(chunk.len() as u64);
            rows
        })
        .collect();
    progress.finish();

    progress.start("fitting", None);
    let classifier = fit_classifier(&rows, vectorizer.n_features(), targets, n_classes, config);
    progress.finish();
    Ok(FittedParts {
        vectorizer,
        classifier: classifier?,
    })
}

/// Fits `config`'s classifier on sparse `rows` (`n_features` wide) with
/// class indices `targets`, applying its class weighting.
pub(crate) fn fit_classifier(
    rows: &[SparseRow],
    n_features: usize,
    targets: &[usize],
    n_classes: usize,
    config: &TrainConfig,
) -> Result<Classifier> {
    let order = training_order(targets, n_classes, config.class_weight, config.seed);
    let x = SparseMatrix::from_rows(order.iter().map(|&i| &rows[i]), n_features);
    let selected_targets: Vec<usize> = order.iter().map(|&i| targets[i]).collect();
    Classifier::fit_sparse(&config.classifier, &x, &selected_targets, n_classes)
}

/// Row indices to train on: all rows, plus for [`ClassWeight::Balanced`]
/// seeded draws from smaller classes until every class matches the largest.
fn training_order(
    targets: &[usize],
    n_classes: usize,
    weight: ClassWeight,
    seed: u64,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..targets.len()).collect();
    if weight == ClassWeight::None {
        return order;
    }
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &t) in targets.iter().enumerate() {
        by_class[t].push(i);
    }
    let largest = by_class.iter().map(Vec::len).max().unwrap_or(0);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for rows in &by_class {
        if rows.is_empty() {
            continue;
        }
        let mut missing = largest - rows.len();
        while missing > 0 {
            let mut shuffled = rows.clone();
            shuffled.shuffle(&mut rng);
            let take = missing.min(shuffled.len());
            order.extend_from_slice(&shuffled[..take]);
            missing -= take;
        }
    }
    order
}

/// Now, or `SOURCE_DATE_EPOCH` when set, so that a documented rebuild of a
/// model can be byte-identical (the reproducible-builds convention).
pub(crate) fn creation_time() -> String {
    let time = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or_else(SystemTime::now, |secs| {
            UNIX_EPOCH + Duration::from_secs(secs)
        });
    humantime::format_rfc3339_seconds(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_order_evens_out_classes() {
        let targets = [0, 0, 0, 0, 1, 2, 2];
        let order = training_order(&targets, 3, ClassWeight::Balanced, 7);
        let mut counts = [0; 3];
        order.iter().for_each(|&i| counts[targets[i]] += 1);
        assert_eq!(counts, [4, 4, 4]);
        assert_eq!(order, training_order(&targets, 3, ClassWeight::Balanced, 7));
    }

    #[test]
    fn unweighted_order_is_every_row_once() {
        assert_eq!(
            training_order(&[1, 0, 1], 2, ClassWeight::None, 1),
            [0, 1, 2]
        );
    }
}
