//! Bag-of-words features: vocabulary, term counts, TF-IDF and L2 norm.
//!
//! A document is held as a [`SparseRow`] (sorted column indices and values),
//! because a sentence uses a few dozen of tens of thousands of terms. Dense
//! ndarray matrices, which linfa models take, are built only for a batch of
//! rows at a time ([`to_dense`]), so classifying a large input never holds a
//! document-by-vocabulary matrix for more than one batch.
//!
//! Columns are the selected terms in byte order, so the same training data
//! always gives the same columns, whatever the hash seed.

use std::collections::HashMap;

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How the vocabulary is chosen and how counts are weighted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VectorizerParams {
    /// Keep terms that occur in at least this many training documents.
    pub min_df: usize,
    /// Drop terms that occur in more than this fraction of training documents.
    pub max_df: f64,
    /// Keep at most this many terms, the most frequent in the training data.
    pub max_features: Option<usize>,
    /// Use `1 + ln(tf)` instead of the raw count.
    pub sublinear_tf: bool,
    /// Weight by inverse document frequency (smooth: `ln((1+n)/(1+df)) + 1`).
    pub use_idf: bool,
}

impl Default for VectorizerParams {
    fn default() -> Self {
        VectorizerParams {
            min_df: 2,
            max_df: 1.0,
            max_features: Some(50_000),
            sublinear_tf: true,
            use_idf: true,
        }
    }
}

impl VectorizerParams {
    /// Checks the values, naming the offending one.
    pub fn validate(&self) -> Result<()> {
        if self.min_df < 1 {
            return Err(Error::InvalidParameter(format!(
                "min_df {}: must be >= 1",
                self.min_df
            )));
        }
        if !(self.max_df > 0.0 && self.max_df <= 1.0) {
            return Err(Error::InvalidParameter(format!(
                "max_df {}: must be in (0, 1]",
                self.max_df
            )));
        }
        if self.max_features == Some(0) {
            return Err(Error::InvalidParameter(
                "max_features 0: must be >= 1".to_owned(),
            ));
        }
        Ok(())
    }
}

/// One document's feature vector: sorted column indices and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseRow {
    pub indices: Vec<u32>,
    pub values: Vec<f64>,
}

/// A fitted vectorizer: the vocabulary, its idf weights and the weighting.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "StoredVectorizer", into = "StoredVectorizer")]
pub struct TfidfVectorizer {
    params: VectorizerParams,
    terms: Vec<String>,
    idf: Vec<f64>,
    index: HashMap<String, u32>,
}

/// The saved form of a [`TfidfVectorizer`]: the lookup index is rebuilt on load.
#[derive(Serialize, Deserialize)]
struct StoredVectorizer {
    params: VectorizerParams,
    terms: Vec<String>,
    idf: Vec<f64>,
}

impl TryFrom<StoredVectorizer> for TfidfVectorizer {
    type Error = String;

    fn try_from(stored: StoredVectorizer) -> std::result::Result<Self, String> {
        if stored.terms.len() != stored.idf.len() {
            return Err(format!(
                "vocabulary has {} terms but {} idf weights",
                stored.terms.len(),
                stored.idf.len()
            ));
        }
        if stored.terms.windows(2).any(|w| w[0] >= w[1]) {
            return Err("vocabulary terms are not sorted and unique".to_owned());
        }
        if stored.idf.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return Err("idf weights must be finite and non-negative".to_owned());
        }
        Ok(TfidfVectorizer::from_parts(
            stored.params,
            stored.terms,
            stored.idf,
        ))
    }
}

impl From<TfidfVectorizer> for StoredVectorizer {
    fn from(v: TfidfVectorizer) -> Self {
        StoredVectorizer {
            params: v.params,
            terms: v.terms,
            idf: v.idf,
        }
    }
}

impl TfidfVectorizer {
    /// Chooses the vocabulary from analysed training documents and computes idf.
    pub fn fit(documents: &[Vec<String>], params: VectorizerParams) -> Result<Self> {
        params.validate()?;
        let n_docs = documents.len();
        let mut stats: HashMap<&str, (usize, usize)> = HashMap::new(); // (df, total count)
        for doc in documents {
            let mut seen: Vec<&str> = doc.iter().map(String::as_str).collect();
            for term in &seen {
                stats.entry(term).or_default().1 += 1;
            }
            seen.sort_unstable();
            seen.dedup();
            for term in seen {
                stats.entry(term).or_default().0 += 1;
            }
        }
        let max_df = (params.max_df * n_docs as f64).floor() as usize;
        let mut kept: Vec<(&str, usize, usize)> = stats
            .into_iter()
            .filter(|&(_, (df, _))| df >= params.min_df && df <= max_df.max(1))
            .map(|(term, (df, count))| (term, df, count))
            .collect();
        if let Some(limit) = params.max_features {
            // Most frequent first; ties by term so the cut is deterministic.
            kept.sort_unstable_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
            kept.truncate(limit);
        }
        kept.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let idf = kept
            .iter()
            .map(|&(_, df, _)| smooth_idf(n_docs, df))
            .collect();
        let terms = kept.into_iter().map(|(t, _, _)| t.to_owned()).collect();
        Ok(TfidfVectorizer::from_parts(params, terms, idf))
    }

    fn from_parts(params: VectorizerParams, terms: Vec<String>, idf: Vec<f64>) -> Self {
        let index = terms
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        TfidfVectorizer {
            params,
            terms,
            idf,
            index,
        }
    }

    pub fn params(&self) -> &VectorizerParams {
        &self.params
    }

    /// Number of columns (vocabulary size).
    pub fn n_features(&self) -> usize {
        self.terms.len()
    }

    /// The term of column `index`.
    pub fn term(&self, index: usize) -> &str {
        &self.terms[index]
    }

    /// The column of `term`, if it is in the vocabulary.
    pub fn column(&self, term: &str) -> Option<usize> {
        self.index.get(term).map(|&i| i as usize)
    }

    /// The L2-normalised (TF-)IDF vector of one analysed document;
    /// all zeros when none of its terms is in the vocabulary.
    pub fn transform<S: AsRef<str>>(&self, terms: &[S]) -> SparseRow {
        let mut columns: Vec<u32> = terms
            .iter()
            .filter_map(|t| self.index.get(t.as_ref()).copied())
            .collect();
        columns.sort_unstable();
        let mut row = SparseRow::default();
        for column in columns {
            if row.indices.last() == Some(&column) {
                *row.values.last_mut().expect("values parallel indices") += 1.0;
            } else {
                row.indices.push(column);
                row.values.push(1.0);
            }
        }
        for (value, &column) in row.values.iter_mut().zip(&row.indices) {
            if self.params.sublinear_tf {
                *value = 1.0 + value.ln();
            }
            if self.params.use_idf {
                *value *= self.idf[column as usize];
            }
        }
        let norm = row.values.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.values.iter_mut().for_each(|v| *v /= norm);
        }
        row
    }
}

fn smooth_idf(n_docs: usize, df: usize) -> f64 {
    ((1.0 + n_docs as f64) / (1.0 + df as f64)).ln() + 1.0
}

/// Stacks sparse rows into a dense `rows x n_features` matrix for linfa.
pub fn to_dense(rows: &[SparseRow], n_features: usize) -> Array2<f64> {
    let mut dense = Array2::zeros((rows.len(), n_features));
    for (mut out, row) in dense.rows_mut().into_iter().zip(rows) {
        for (&column, &value) in row.indices.iter().zip(&row.values) {
            out[column as usize] = value;
        }
    }
    dense
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(texts: &[&str]) -> Vec<Vec<String>> {
        texts
            .iter()
            .map(|t| t.split_whitespace().map(str::to_owned).collect())
            .collect()
    }

    fn params(min_df: usize) -> VectorizerParams {
        VectorizerParams {
            min_df,
            ..VectorizerParams::default()
        }
    }

    #[test]
    fn vocabulary_is_sorted_and_respects_min_df() {
        let v = TfidfVectorizer::fit(&docs(&["b a c", "a b", "a d"]), params(2)).unwrap();
        assert_eq!(
            (0..v.n_features()).map(|i| v.term(i)).collect::<Vec<_>>(),
            ["a", "b"]
        );
    }

    #[test]
    fn max_df_drops_terms_in_too_many_documents() {
        let p = VectorizerParams {
            max_df: 0.5,
            ..params(1)
        };
        let v = TfidfVectorizer::fit(&docs(&["the x", "the y", "the z", "w"]), p).unwrap();
        assert_eq!(v.column("the"), None);
        assert!(v.column("x").is_some());
    }

    #[test]
    fn max_features_keeps_the_most_frequent_terms() {
        let p = VectorizerParams {
            max_features: Some(2),
            ..params(1)
        };
        let v = TfidfVectorizer::fit(&docs(&["a a a b b c", "c d"]), p).unwrap();
        assert_eq!(v.n_features(), 2);
        // a (3) and the b/c tie (2 each) broken by term order.
        assert_eq!(v.column("a"), Some(0));
        assert_eq!(v.column("b"), Some(1));
        assert_eq!(v.column("c"), None);
    }

    #[test]
    fn rows_are_l2_normalised_or_zero() {
        let v = TfidfVectorizer::fit(&docs(&["a b", "a c", "b c"]), params(1)).unwrap();
        let row = v.transform(&["a", "a", "b", "zzz"]);
        let norm: f64 = row.values.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-12);
        assert_eq!(row.indices, [0, 1]);
        assert!(v.transform(&["unknown"]).values.is_empty());
    }

    #[test]
    fn idf_down_weights_common_terms() {
        let v = TfidfVectorizer::fit(&docs(&["a b", "a c", "a d"]), params(1)).unwrap();
        let row = v.transform(&["a", "b"]);
        assert!(row.values[0] < row.values[1], "{row:?}");
    }

    #[test]
    fn same_data_gives_same_columns() {
        let data = docs(&["x y z", "z y", "q x", "y q"]);
        let a = TfidfVectorizer::fit(&data, params(1)).unwrap();
        let b = TfidfVectorizer::fit(&data, params(1)).unwrap();
        assert_eq!(a.terms, b.terms);
        assert_eq!(a.idf, b.idf);
    }

    #[test]
    fn dense_batch_places_values_in_their_columns() {
        let v = TfidfVectorizer::fit(&docs(&["a b", "b c"]), params(1)).unwrap();
        let rows = [v.transform(&["c"]), v.transform(&["a"])];
        let dense = to_dense(&rows, v.n_features());
        assert_eq!(dense.shape(), [2, 3]);
        assert_eq!(dense[[0, 2]], 1.0);
        assert_eq!(dense[[1, 0]], 1.0);
        assert_eq!(dense.sum(), 2.0);
    }

    #[test]
    fn stored_form_rejects_inconsistent_vocabularies() {
        let bad = r#"{"params":{"min_df":1,"max_df":1.0,"max_features":null,"sublinear_tf":false,"use_idf":true},"terms":["b","a"],"idf":[1.0,1.0]}"#;
        assert!(serde_json::from_str::<TfidfVectorizer>(bad).is_err());
        let short = r#"{"params":{"min_df":1,"max_df":1.0,"max_features":null,"sublinear_tf":false,"use_idf":true},"terms":["a"],"idf":[]}"#;
        assert!(serde_json::from_str::<TfidfVectorizer>(short).is_err());
    }

    #[test]
    fn invalid_params_are_named() {
        let err = VectorizerParams {
            max_df: 1.5,
            ..VectorizerParams::default()
        }
        .validate()
        .unwrap_err();
        assert!(err.to_string().contains("max_df 1.5"));
    }
}
