//! The whole model that `classify` needs: analyzer configuration, fitted
//! vectorizer, label names, the fitted linfa classifier and metadata.

use std::sync::OnceLock;

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::{Analyzer, AnalyzerConfig};
use crate::error::Result;
use crate::features::{SparseRow, TfidfVectorizer, to_dense};
use crate::model::{Classifier, LinearScorer};
use crate::train::TrainConfig;

/// Rows per dense batch handed to the classifier: large enough for the
/// matrix product to run at speed, small enough that a batch of a large
/// vocabulary stays a few megabytes.
pub const BATCH_ROWS: usize = 256;

/// Where a model came from and how it was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelMetadata {
    /// The training configuration (algorithm and every hyperparameter).
    pub config: TrainConfig,
    /// The training CSV as named when training.
    pub training_data: String,
    /// SHA-256 of the training CSV's bytes.
    pub training_sha256: String,
    /// Rows in the training CSV.
    pub training_rows: usize,
    /// Rows per label in the training CSV, in label order.
    pub label_counts: Vec<usize>,
    /// Version of `stance` that trained the model.
    pub stance_version: String,
    /// When the model was made, RFC 3339 UTC (`SOURCE_DATE_EPOCH` if set).
    pub created: String,
}

impl ModelMetadata {
    /// Metadata of a model trained now with `config` on `training_rows`
    /// rows of `training_data` (hashed `training_sha256`).
    pub fn trained_now(
        config: &TrainConfig,
        training_data: String,
        training_sha256: String,
        training_rows: usize,
        label_counts: Vec<usize>,
    ) -> Self {
        ModelMetadata {
            config: config.clone(),
            training_data,
            training_sha256,
            training_rows,
            label_counts,
            stance_version: env!("CARGO_PKG_VERSION").to_owned(),
            created: crate::train::creation_time(),
        }
    }
}

/// A trained text classifier.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StanceModel {
    pub analyzer: AnalyzerConfig,
    pub vectorizer: TfidfVectorizer,
    /// Label names; class index `i` is `labels[i]`.
    pub labels: Vec<String>,
    pub classifier: Classifier,
    pub metadata: ModelMetadata,
    /// The classifier's decision function, read out once on first use.
    #[serde(skip)]
    scorer: OnceLock<LinearScorer>,
}

impl StanceModel {
    /// Builds the analyzer this model was trained with.
    pub fn analyzer(&self) -> Result<Analyzer> {
        Analyzer::new(self.analyzer.clone())
    }

    /// The feature row of one text.
    pub fn features(&self, analyzer: &Analyzer, text: &str) -> SparseRow {
        self.vectorizer.transform_text(analyzer, text)
    }

    /// Assembles a model from its parts.
    pub fn new(
        analyzer: AnalyzerConfig,
        vectorizer: TfidfVectorizer,
        labels: Vec<String>,
        classifier: Classifier,
        metadata: ModelMetadata,
    ) -> Self {
        StanceModel {
            analyzer,
            vectorizer,
            labels,
            classifier,
            metadata,
            scorer: OnceLock::new(),
        }
    }

    /// Class probabilities for `texts`: one row per text, one column per label.
    ///
    /// Texts are analysed and scored in parallel, each as a sparse row
    /// against the classifier's linear decision function
    /// ([`Classifier::linear_scorer`]); the result equals linfa's own
    /// prediction on dense rows ([`StanceModel::predict_proba_dense`]) up to
    /// floating-point rounding, without building rows as wide as the
    /// vocabulary.
    pub fn predict_proba<S: AsRef<str> + Sync>(
        &self,
        analyzer: &Analyzer,
        texts: &[S],
    ) -> Array2<f64> {
        let n_classes = self.labels.len();
        let scorer = self.scorer.get_or_init(|| {
            self.classifier
                .linear_scorer(self.vectorizer.n_features(), n_classes)
        });
        let rows: Vec<Vec<f64>> = texts
            .par_iter()
            .with_min_len(64)
            .map(|t| {
                let row = self.features(analyzer, t.as_ref());
                scorer.probabilities(&row.indices, &row.values)
            })
            .collect();
        let mut probs = Array2::zeros((texts.len(), n_classes));
        for (mut out, row) in probs.outer_iter_mut().zip(rows) {
            out.assign(&ndarray::Array1::from(row));
        }
        probs
    }

    /// Class probabilities computed by linfa's own `predict` on dense
    /// batches of [`BATCH_ROWS`] rows; slower, kept as the reference that
    /// [`StanceModel::predict_proba`] is tested against.
    pub fn predict_proba_dense<S: AsRef<str>>(
        &self,
        analyzer: &Analyzer,
        texts: &[S],
    ) -> Array2<f64> {
        let n_classes = self.labels.len();
        let mut probs = Array2::zeros((texts.len(), n_classes));
        for (batch_index, batch) in texts.chunks(BATCH_ROWS).enumerate() {
            let rows: Vec<SparseRow> = batch
                .iter()
                .map(|t| self.features(analyzer, t.as_ref()))
                .collect();
            let dense = to_dense(&rows, self.vectorizer.n_features());
            let batch_probs = self.classifier.predict_proba(dense.view(), n_classes);
            let offset = batch_index * BATCH_ROWS;
            probs
                .slice_mut(ndarray::s![offset..offset + batch.len(), ..])
                .assign(&batch_probs);
        }
        probs
    }

    /// The most probable label of each text.
    pub fn predict<S: AsRef<str> + Sync>(&self, analyzer: &Analyzer, texts: &[S]) -> Vec<String> {
        let probs = self.predict_proba(analyzer, texts);
        probs
            .outer_iter()
            .map(|row| self.labels[argmax(row.iter().copied())].clone())
            .collect()
    }
}

/// Index of the largest value; the first one on ties.
pub fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}
