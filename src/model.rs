//! The linfa classifiers behind a label: multinomial logistic regression
//! (the default), multinomial naive Bayes, and a one-vs-rest linear SVM.
//!
//! Classes are indices `0..n_classes` into the model's sorted label list, so
//! the classifiers never see label strings and any label set works.
//! [`Classifier::predict_proba`] returns one row per sample and one column per
//! class index, summing to 1:
//! - logistic regression: the model's softmax probabilities;
//! - naive Bayes: the posterior class probabilities;
//! - linear SVM: a softmax over the one-vs-rest decision values. These rank
//!   classes like the SVM does but are not calibrated probabilities.

use std::fmt;
use std::str::FromStr;

use linfa::prelude::*;
use linfa_bayes::{MultinomialNb, MultinomialNbParams};
use linfa_logistic::{MultiFittedLogisticRegression, MultiLogisticRegression};
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::features::SparseMatrix;

/// Rows per dense batch when fitting naive Bayes.
pub const NB_BATCH_ROWS: usize = 1024;

/// The learning algorithm, as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    LogisticRegression,
    NaiveBayes,
    LinearSvm,
}

impl Algorithm {
    pub const ALL: [Algorithm; 3] = [
        Algorithm::LogisticRegression,
        Algorithm::NaiveBayes,
        Algorithm::LinearSvm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::LogisticRegression => "logistic-regression",
            Algorithm::NaiveBayes => "naive-bayes",
            Algorithm::LinearSvm => "linear-svm",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.name()).collect();
                Error::InvalidParameter(format!(
                    "algorithm `{s}`: expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

/// Hyperparameters of the classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierParams {
    pub algorithm: Algorithm,
    /// Inverse regularisation strength for logistic regression and the SVM
    /// (as scikit-learn's `C`: larger fits the training data more closely).
    pub c: f64,
    /// Additive smoothing for naive Bayes.
    pub smoothing: f64,
    /// Iteration limit of the logistic regression solver (L-BFGS).
    pub max_iterations: u64,
}

impl Default for ClassifierParams {
    fn default() -> Self {
        ClassifierParams {
            algorithm: Algorithm::LogisticRegression,
            c: 1.0,
            smoothing: 0.1,
            max_iterations: 100,
        }
    }
}

impl ClassifierParams {
    pub fn validate(&self) -> Result<()> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(Error::InvalidParameter(format!(
                "c {}: must be a positive number",
                self.c
            )));
        }
        if !(self.smoothing.is_finite() && self.smoothing > 0.0) {
            return Err(Error::InvalidParameter(format!(
                "smoothing {}: must be a positive number",
                self.smoothing
            )));
        }
        if self.max_iterations == 0 {
            return Err(Error::InvalidParameter(
                "max_iterations 0: must be >= 1".to_owned(),
            ));
        }
        Ok(())
    }
}

/// A fitted linfa classifier over class indices.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Classifier {
    LogisticRegression(MultiFittedLogisticRegression<f64, usize>),
    NaiveBayes(NaiveBayes),
    /// One binary SVM per class, that class against the rest.
    LinearSvm(Vec<Svm<f64, bool>>),
}

impl Classifier {
    /// Fits a classifier on `x` (one row per sample) and class indices `y`,
    /// which must use every index in `0..n_classes`.
    pub fn fit(
        params: &ClassifierParams,
        x: ArrayView2<f64>,
        y: &[usize],
        n_classes: usize,
    ) -> Result<Self> {
        check_fit_inputs(params, n_classes)?;
        let targets = Array1::from(y.to_vec());
        // Views with a local lifetime: linfa's datasets tie records and targets together.
        let x = x.view();
        match params.algorithm {
            Algorithm::LogisticRegression => {
                let dataset = DatasetView::new(x, targets.view());
                MultiLogisticRegression::default()
                    .alpha(1.0 / params.c)
                    .max_iterations(params.max_iterations)
                    .fit(&dataset)
                    .map(Classifier::LogisticRegression)
                    .map_err(|e| Error::Training(e.to_string()))
            }
            Algorithm::NaiveBayes => {
                let dataset = DatasetView::new(x, targets.view());
                MultinomialNbParams::new()
                    .alpha(params.smoothing)
                    .fit(&dataset)
                    .map_err(|e| Error::Training(e.to_string()))
                    .and_then(|fitted| NaiveBayes::try_from(fitted).map_err(Error::Training))
                    .map(Classifier::NaiveBayes)
            }
            Algorithm::LinearSvm => (0..n_classes)
                .map(|class| {
                    let is_class: Array1<bool> = targets.mapv(|t| t == class);
                    let dataset = DatasetView::new(x.view(), is_class.view());
                    Svm::<f64, bool>::params()
                        .pos_neg_weights(params.c, params.c)
                        .linear_kernel()
                        .fit(&dataset)
                        .map_err(|e| Error::Training(e.to_string()))
                })
                .collect::<Result<Vec<_>>>()
                .map(Classifier::LinearSvm),
        }
    }

    /// Fits a classifier on the sparse rows of `x` and class indices `y`,
    /// which must use every index in `0..n_classes`.
    ///
    /// Logistic regression is fitted on the sparse rows themselves
    /// ([`crate::logistic`]: linfa's objective and solver, memory
    /// proportional to the non-zero entries). Naive Bayes is fitted by
    /// linfa in dense batches of [`NB_BATCH_ROWS`] rows (its counts add up,
    /// so memory is one batch). The SVM gets the whole matrix dense, as
    /// linfa-svm needs; its SMO solver is quadratic in the rows anyway.
    pub fn fit_sparse(
        params: &ClassifierParams,
        x: &SparseMatrix,
        y: &[usize],
        n_classes: usize,
    ) -> Result<Self> {
        check_fit_inputs(params, n_classes)?;
        match params.algorithm {
            Algorithm::LogisticRegression => {
                crate::logistic::fit(x, y, n_classes, 1.0 / params.c, params.max_iterations)
                    .map(Classifier::LogisticRegression)
            }
            Algorithm::NaiveBayes => {
                let nb = MultinomialNbParams::new()
                    .alpha(params.smoothing)
                    .check()
                    .map_err(|e| Error::Training(e.to_string()))?;
                let mut fitted = None;
                for start in (0..x.n_rows()).step_by(NB_BATCH_ROWS) {
                    let end = (start + NB_BATCH_ROWS).min(x.n_rows());
                    let records = x.dense_rows(start..end);
                    let targets = Array1::from(y[start..end].to_vec());
                    let dataset = DatasetView::new(records.view(), targets.view());
                    fitted = nb
                        .fit_with(fitted, &dataset)
                        .map_err(|e| Error::Training(e.to_string()))?;
                }
                let fitted = fitted.ok_or_else(|| Error::Training("no rows".to_owned()))?;
                NaiveBayes::try_from(fitted)
                    .map_err(Error::Training)
                    .map(Classifier::NaiveBayes)
            }
            Algorithm::LinearSvm => Classifier::fit(params, x.to_dense().view(), y, n_classes),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        match self {
            Classifier::LogisticRegression(_) => Algorithm::LogisticRegression,
            Classifier::NaiveBayes(_) => Algorithm::NaiveBayes,
            Classifier::LinearSvm(_) => Algorithm::LinearSvm,
        }
    }

    /// Class probabilities (scores for the SVM): `x.nrows() x n_classes`.
    ///
    /// `x` must have the number of columns the model was trained with; a model
    /// loaded through [`crate::persist`] has been checked for that.
    pub fn predict_proba(&self, x: ArrayView2<f64>, n_classes: usize) -> Array2<f64> {
        match self {
            Classifier::LogisticRegression(model) => {
                let probs = model.predict_probabilities(&x);
                reorder_columns(&probs, model.classes(), n_classes)
            }
            Classifier::NaiveBayes(model) => {
                let mut joint = x.dot(&model.feature_log_prob) + &model.log_prior;
                joint
                    .axis_iter_mut(Axis(0))
                    .for_each(|mut row| softmax(&mut row));
                joint
            }
            Classifier::LinearSvm(models) => {
                let mut scores = Array2::zeros((x.nrows(), n_classes));
                for (class, svm) in models.iter().enumerate() {
                    for (row, sample) in x.outer_iter().enumerate() {
                        scores[[row, class]] = svm.weighted_sum(&sample) - svm.rho;
                    }
                }
                scores
                    .axis_iter_mut(Axis(0))
                    .for_each(|mut row| softmax(&mut row));
                scores
            }
        }
    }

    /// The classifier's decision function in linear form: class scores are
    /// `x . weights + bias`, and the probabilities (scores, for the SVM) that
    /// [`Classifier::predict_proba`] returns are their softmax. This holds for
    /// all three models; with it a sparse row is scored by touching only its
    /// non-zero entries, instead of a dense row as wide as the vocabulary.
    pub fn linear_scorer(&self, n_features: usize, n_classes: usize) -> LinearScorer {
        let (weights, bias) = match self {
            Classifier::LogisticRegression(model) => {
                (model.params().clone(), model.intercept().clone())
            }
            Classifier::NaiveBayes(model) => {
                (model.feature_log_prob.clone(), model.log_prior.clone())
            }
            Classifier::LinearSvm(models) => {
                let columns: Vec<usize> = (0..n_features).collect();
                let weights = self.term_weights(&columns, n_features, n_classes);
                (weights, models.iter().map(|svm| -svm.rho).collect())
            }
        };
        LinearScorer { weights, bias }
    }

    /// The weight of each feature in `columns` for each class
    /// (`columns.len() x n_classes`): the coefficient (logistic regression),
    /// the feature log-probability (naive Bayes) or the hyperplane entry
    /// (linear SVM). A class's score is linear in these; see [`crate::explain`].
    pub fn term_weights(
        &self,
        columns: &[usize],
        n_features: usize,
        n_classes: usize,
    ) -> Array2<f64> {
        let mut weights = Array2::zeros((columns.len(), n_classes));
        match self {
            Classifier::LogisticRegression(model) => {
                for (k, &j) in columns.iter().enumerate() {
                    weights.row_mut(k).assign(&model.params().row(j));
                }
            }
            Classifier::NaiveBayes(model) => {
                for (k, &j) in columns.iter().enumerate() {
                    weights.row_mut(k).assign(&model.feature_log_prob.row(j));
                }
            }
            Classifier::LinearSvm(models) => {
                // The hyperplane is private in linfa; read it off the decision
                // function, which is linear: w . e_j = w[j].
                let mut unit = Array1::zeros(n_features);
                for (k, &j) in columns.iter().enumerate() {
                    unit[j] = 1.0;
                    for (class, svm) in models.iter().enumerate() {
                        weights[[k, class]] = svm.weighted_sum(&unit);
                    }
                    unit[j] = 0.0;
                }
            }
        }
        weights
    }

    /// Checks that the classifier fits a model with `n_features` columns and
    /// `n_classes` classes, so that prediction cannot fail on shapes.
    pub fn check_shape(
        &self,
        n_features: usize,
        n_classes: usize,
    ) -> std::result::Result<(), String> {
        match self {
            Classifier::LogisticRegression(model) => {
                let (rows, cols) = model.params().dim();
                let classes_ok = model.classes().iter().copied().eq(0..n_classes);
                if rows != n_features
                    || cols != n_classes
                    || model.intercept().len() != n_classes
                    || !classes_ok
                {
                    return Err(format!(
                        "logistic regression has {rows}x{cols} weights for {n_features} features and {n_classes} classes"
                    ));
                }
            }
            Classifier::NaiveBayes(model) => {
                let (rows, cols) = model.feature_log_prob.dim();
                if rows != n_features || cols != n_classes {
                    return Err(format!(
                        "naive Bayes has {rows}x{cols} log-probabilities for {n_features} features and {n_classes} classes"
                    ));
                }
            }
            Classifier::LinearSvm(models) => {
                if models.len() != n_classes {
                    return Err(format!(
                        "{} one-vs-rest SVMs for {n_classes} classes",
                        models.len()
                    ));
                }
                // The hyperplane is private in linfa; check its serialised form.
                let value = serde_json::to_value(models).map_err(|e| e.to_string())?;
                check_array_lengths(&value, n_features)?;
            }
        }
        Ok(())
    }
}

/// What both fits require before touching the data.
fn check_fit_inputs(params: &ClassifierParams, n_classes: usize) -> Result<()> {
    params.validate()?;
    if n_classes < 2 {
        return Err(Error::Training(format!(
            "need at least 2 classes, found {n_classes}"
        )));
    }
    Ok(())
}

/// A linear decision function: `n_features x n_classes` weights and a bias
/// per class. See [`Classifier::linear_scorer`].
#[derive(Debug, Clone)]
pub struct LinearScorer {
    weights: Array2<f64>,
    bias: Array1<f64>,
}

impl LinearScorer {
    /// Softmax of `x . weights + bias` for one sparse row.
    pub fn probabilities(&self, indices: &[u32], values: &[f64]) -> Vec<f64> {
        let mut scores = self.bias.to_vec();
        for (&column, &value) in indices.iter().zip(values) {
            let row = self.weights.row(column as usize);
            for (score, weight) in scores.iter_mut().zip(row) {
                *score += value * weight;
            }
        }
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        scores.iter_mut().for_each(|s| *s = (*s - max).exp());
        let sum: f64 = scores.iter().sum();
        scores.iter_mut().for_each(|s| *s /= sum);
        scores
    }
}

/// Every one-dimensional ndarray in a serialised linfa model (weights,
/// feature log-probabilities, hyperplanes) must have one entry per feature.
fn check_array_lengths(
    value: &serde_json::Value,
    n_features: usize,
) -> std::result::Result<(), String> {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(dim), Some(_)) = (map.get("dim"), map.get("data")) {
                let dim: Vec<u64> = dim
                    .as_array()
                    .map_or(vec![], |d| d.iter().filter_map(|v| v.as_u64()).collect());
                if dim.len() == 1 && dim[0] as usize != n_features {
                    return Err(format!(
                        "a weight vector has {} entries for {n_features} features",
                        dim[0]
                    ));
                }
                if dim.len() == 2 {
                    return Err(
                        "a kernel SVM with stored support vectors is not supported".to_owned()
                    );
                }
                return Ok(());
            }
            map.values()
                .try_for_each(|v| check_array_lengths(v, n_features))
        }
        serde_json::Value::Array(items) => items
            .iter()
            .try_for_each(|v| check_array_lengths(v, n_features)),
        _ => Ok(()),
    }
}

fn softmax(row: &mut ndarray::ArrayViewMut1<f64>) {
    let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    row.mapv_inplace(|v| (v - max).exp());
    let sum = row.sum();
    row.mapv_inplace(|v| v / sum);
}

/// A fitted linfa multinomial naive Bayes model, with its class priors and
/// feature log-probabilities read out as matrices.
///
/// linfa 0.7 gives only hard labels from outside the crate; the posterior it
/// would compute is `softmax(x . feature_log_prob + ln prior)`, which these
/// tables give directly (and they are what `--explain` needs too).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(
    try_from = "MultinomialNb<f64, usize>",
    into = "MultinomialNb<f64, usize>"
)]
pub struct NaiveBayes {
    fitted: MultinomialNb<f64, usize>,
    /// `ln(prior)` per class index.
    pub log_prior: Array1<f64>,
    /// `n_features x n_classes`.
    pub feature_log_prob: Array2<f64>,
}

impl TryFrom<MultinomialNb<f64, usize>> for NaiveBayes {
    type Error = String;

    fn try_from(fitted: MultinomialNb<f64, usize>) -> std::result::Result<Self, String> {
        #[derive(Deserialize)]
        struct ClassInfo {
            prior: f64,
            feature_log_prob: Array1<f64>,
        }
        #[derive(Deserialize)]
        struct Tables {
            class_info: std::collections::BTreeMap<usize, ClassInfo>,
        }
        let value = serde_json::to_value(&fitted).map_err(|e| e.to_string())?;
        let tables: Tables = serde_json::from_value(value).map_err(|e| e.to_string())?;
        let n_classes = tables.class_info.len();
        if !tables.class_info.keys().copied().eq(0..n_classes) {
            return Err("naive Bayes classes are not 0..n".to_owned());
        }
        let n_features = tables
            .class_info
            .values()
            .next()
            .map_or(0, |c| c.feature_log_prob.len());
        let mut log_prior = Array1::zeros(n_classes);
        let mut feature_log_prob = Array2::zeros((n_features, n_classes));
        for (class, info) in tables.class_info {
            if info.feature_log_prob.len() != n_features
                || !info.prior.is_finite()
                || info.prior <= 0.0
                || info.feature_log_prob.iter().any(|v| !v.is_finite())
            {
                return Err(format!("naive Bayes class {class} has inconsistent tables"));
            }
            log_prior[class] = info.prior.ln();
            feature_log_prob
                .column_mut(class)
                .assign(&info.feature_log_prob);
        }
        Ok(NaiveBayes {
            fitted,
            log_prior,
            feature_log_prob,
        })
    }
}

impl From<NaiveBayes> for MultinomialNb<f64, usize> {
    fn from(model: NaiveBayes) -> Self {
        model.fitted
    }
}

/// Puts the columns of `probs`, which follow `classes`, in class-index order.
fn reorder_columns(probs: &Array2<f64>, classes: &[usize], n_classes: usize) -> Array2<f64> {
    let mut out = Array2::zeros((probs.nrows(), n_classes));
    for (column, &class) in classes.iter().enumerate() {
        if class < n_classes {
            out.column_mut(class).assign(&probs.column(column));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Three separable classes on three features.
    fn toy() -> (Array2<f64>, Vec<usize>) {
        let x = array![
            [1.0, 0.0, 0.0],
            [0.9, 0.1, 0.0],
            [0.8, 0.0, 0.2],
            [0.0, 1.0, 0.0],
            [0.1, 0.9, 0.0],
            [0.0, 0.8, 0.2],
            [0.0, 0.0, 1.0],
            [0.2, 0.0, 0.8],
            [0.0, 0.1, 0.9],
        ];
        (x, vec![0, 0, 0, 1, 1, 1, 2, 2, 2])
    }

    fn fit_toy(algorithm: Algorithm) -> Classifier {
        let (x, y) = toy();
        let params = ClassifierParams {
            algorithm,
            ..ClassifierParams::default()
        };
        Classifier::fit(&params, x.view(), &y, 3).unwrap()
    }

    #[test]
    fn every_algorithm_learns_separable_classes() {
        let (x, y) = toy();
        for algorithm in Algorithm::ALL {
            let model = fit_toy(algorithm);
            model.check_shape(3, 3).unwrap();
            let probs = model.predict_proba(x.view(), 3);
            for (row, &gold) in probs.outer_iter().zip(&y) {
                assert!((row.sum() - 1.0).abs() < 1e-9, "{algorithm}: {row}");
                let best = row
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .unwrap()
                    .0;
                assert_eq!(best, gold, "{algorithm}: {row}");
            }
        }
    }

    #[test]
    fn check_shape_rejects_a_wrong_width() {
        for algorithm in Algorithm::ALL {
            let model = fit_toy(algorithm);
            assert!(model.check_shape(4, 3).is_err(), "{algorithm}");
        }
    }

    #[test]
    fn algorithm_names_parse() {
        for algorithm in Algorithm::ALL {
            assert_eq!(algorithm.name().parse::<Algorithm>().unwrap(), algorithm);
        }
        assert!("forest".parse::<Algorithm>().is_err());
    }

    #[test]
    fn invalid_params_are_named() {
        let err = ClassifierParams {
            c: -1.0,
            ..ClassifierParams::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("c -1"));
    }
}
