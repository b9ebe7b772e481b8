//! The sparse logistic regression fit (`stance::logistic`) against
//! linfa-logistic's own dense fit, on real rows of the claim corpus.

use std::path::Path;

use ndarray::Array2;
use stance::analysis::{Analyzer, AnalyzerConfig};
use stance::data::{CsvColumns, read_labelled_csv};
use stance::features::{SparseMatrix, SparseRow, TfidfVectorizer, VectorizerParams};
use stance::logistic::GRADIENT_TOLERANCE;
use stance::model::Classifier;
use stance::{Algorithm, ClassifierParams};

/// Rows of datasets/claims/train.csv to fit on: enough for a vocabulary of
/// a few thousand terms, few enough that linfa's dense fit takes seconds.
const ROWS: usize = 1200;

fn corpus_slice() -> (SparseMatrix, Vec<usize>, usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/claims/train.csv");
    let data = read_labelled_csv(&path, &CsvColumns::default()).unwrap();
    let examples = &data.examples[..ROWS];
    let labels = data.labels();
    let analyzer = Analyzer::new(AnalyzerConfig::default()).unwrap();
    let documents: Vec<Vec<String>> = examples
        .iter()
        .map(|e| analyzer.term_texts(&e.text))
        .collect();
    let vectorizer = TfidfVectorizer::fit(&documents, VectorizerParams::default()).unwrap();
    let rows: Vec<SparseRow> = documents.iter().map(|d| vectorizer.transform(d)).collect();
    let targets = examples
        .iter()
        .map(|e| labels.binary_search(&e.label).unwrap())
        .collect();
    let x = SparseMatrix::from_rows(&rows, vectorizer.n_features());
    (x, targets, labels.len())
}

fn max_abs_difference(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    assert_eq!(a.dim(), b.dim());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn sparse_fit_matches_linfas_dense_fit() {
    let (x, y, n_classes) = corpus_slice();
    assert!(x.n_cols() > 1000, "{} features", x.n_cols());
    let c = 3.0;
    let params = ClassifierParams {
        algorithm: Algorithm::LogisticRegression,
        c,
        // Enough that both solvers stop on the gradient tolerance, not the limit.
        max_iterations: 1000,
        ..ClassifierParams::default()
    };
    let dense_x = x.to_dense();
    let dense = Classifier::fit(&params, dense_x.view(), &y, n_classes).unwrap();
    let sparse = Classifier::fit_sparse(&params, &x, &y, n_classes).unwrap();
    let (Classifier::LogisticRegression(d), Classifier::LogisticRegression(s)) = (&dense, &sparse)
    else {
        panic!("both fits are logistic regression");
    };

    // Both solvers stop once the gradient's norm is below GRADIENT_TOLERANCE;
    // the L2 penalty makes the objective (1/C)-strongly convex in the
    // weights, so each fit is within about GRADIENT_TOLERANCE * C of the
    // optimum, and the two within twice that. (Observed: 1.7e-5 here; 6e-7
    // on the whole of train.csv.)
    let tolerance = 2.0 * GRADIENT_TOLERANCE * c;
    let weights = max_abs_difference(d.params(), s.params());
    assert!(weights < tolerance, "weights differ by {weights}");
    let largest = d.params().iter().fold(0.0f64, |m, w| m.max(w.abs()));
    assert!(largest > 1.0, "the fit learned something: {largest}");
    let intercepts = (d.intercept() - s.intercept())
        .iter()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(intercepts < tolerance, "intercepts differ by {intercepts}");

    // Same predictions on every training row, probabilities within rounding
    // of the coefficient difference.
    let pd = dense.predict_proba(dense_x.view(), n_classes);
    let ps = sparse.predict_proba(dense_x.view(), n_classes);
    assert!(max_abs_difference(&pd, &ps) < tolerance);
    let argmax = |p: &Array2<f64>| -> Vec<usize> {
        p.outer_iter()
            .map(|r| stance::pipeline::argmax(r.iter().copied()))
            .collect()
    };
    assert_eq!(argmax(&pd), argmax(&ps));
}

#[test]
fn sparse_fit_is_bit_identical_across_runs() {
    let (x, y, n_classes) = corpus_slice();
    let params = ClassifierParams::default();
    let a = Classifier::fit_sparse(&params, &x, &y, n_classes).unwrap();
    let b = Classifier::fit_sparse(&params, &x, &y, n_classes).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn naive_bayes_in_batches_matches_linfas_whole_fit() {
    let (x, y, n_classes) = corpus_slice();
    let params = ClassifierParams {
        algorithm: Algorithm::NaiveBayes,
        ..ClassifierParams::default()
    };
    let dense_x = x.to_dense();
    let whole = Classifier::fit(&params, dense_x.view(), &y, n_classes).unwrap();
    let batched = Classifier::fit_sparse(&params, &x, &y, n_classes).unwrap();
    let (Classifier::NaiveBayes(w), Classifier::NaiveBayes(b)) = (&whole, &batched) else {
        panic!("both fits are naive Bayes");
    };
    // Counts summed per batch instead of at once: equal up to rounding.
    assert!(max_abs_difference(&w.feature_log_prob, &b.feature_log_prob) < 1e-9);
    assert!(
        (&w.log_prior - &b.log_prior)
            .iter()
            .all(|d| d.abs() < 1e-12)
    );
}
