//! Bag-of-words features: vocabulary, term counts, TF-IDF and L2 norm.
//!
//! A document is held as a [`SparseRow`] (sorted column indices and values),
//! because a sentence uses a few dozen of tens of thousands of terms, and a
//! training set as a [`SparseMatrix`] (the rows stacked, CSR). Dense ndarray
//! matrices, which linfa models take, are built only for a batch of rows at
//! a time ([`to_dense`], [`SparseMatrix::dense_rows`]), so neither training
//! nor classifying holds a document-by-vocabulary matrix (except for the
//! SVM, see [`crate::model::Classifier::fit_sparse`]).
//!
//! Columns are the selected terms in byte order, so the same training data
//! always gives the same columns, whatever the hash seed.

use std::sync::atomic::{AtomicU64, Ordering};

use foldhash::HashMap as FastMap;
use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::analysis::{Analyzer, TermIndex};
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

/// Document frequency and total count of every term of a set of documents:
/// what choosing a vocabulary needs, gathered one term at a time.
#[derive(Debug, Default)]
pub struct TermStats {
    terms: FastMap<String, TermCount>,
}

#[derive(Debug, Clone, Copy)]
struct TermCount {
    /// Documents the term occurs in.
    df: usize,
    /// Occurrences in all documents.
    count: usize,
    /// The last document counted in `df`.
    last_doc: usize,
}

impl TermStats {
    /// Counts one occurrence of `term` in document `doc`. A document's terms
    /// must all be added before the next document's (its number is how a
    /// repeated term is counted in `df` once).
    pub fn add(&mut self, doc: usize, term: &str) {
        match self.terms.get_mut(term) {
            Some(c) => {
                c.count += 1;
                if c.last_doc != doc {
                    c.df += 1;
                    c.last_doc = doc;
                }
            }
            None => {
                let first = TermCount {
                    df: 1,
                    count: 1,
                    last_doc: doc,
                };
                self.terms.insert(term.to_owned(), first);
            }
        }
    }

    /// Adds the counts of `other`, gathered over other documents.
    pub fn merge(mut self, other: TermStats) -> TermStats {
        let (mut large, small) = if self.terms.len() >= other.terms.len() {
            (std::mem::take(&mut self.terms), other.terms)
        } else {
            (other.terms, std::mem::take(&mut self.terms))
        };
        for (term, c) in small {
            large
                .entry(term)
                .and_modify(|l| {
                    l.df += c.df;
                    l.count += c.count;
                })
                .or_insert(c);
        }
        TermStats { terms: large }
    }

    /// Number of distinct terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
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
    /// Term -> column (foldhash: several times faster than SipHash on short
    /// keys; the vocabulary is not attacker-chosen).
    index: FastMap<String, u32>,
    /// Unique per vocabulary built: the key of the analyzer's column memo.
    id: u64,
    words: WordGrams,
}

/// Gives each [`TfidfVectorizer`] its own [`TermIndex::index_id`].
static NEXT_VECTORIZER: AtomicU64 = AtomicU64::new(0);

impl TermIndex for TfidfVectorizer {
    fn index_id(&self) -> u64 {
        self.id
    }

    fn term_column(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    fn word_number(&self, word: &str) -> Option<u32> {
        self.words.numbers.get(word).copied()
    }

    fn unigram_column(&self, word: u32) -> Option<u32> {
        Some(self.words.unigram_columns[word as usize]).filter(|&c| c != u32::MAX)
    }

    fn bigram_column(&self, first: u32, second: u32) -> Option<u32> {
        self.words.bigram_columns.get(&(first, second)).copied()
    }
}

/// The vocabulary's unigrams and bigrams by word number, so that a bigram's
/// column is found from its two words without building its text.
#[derive(Debug, Clone, Default)]
struct WordGrams {
    /// Word -> its number: every word of a one- or two-word term.
    numbers: FastMap<String, u32>,
    /// Word number -> the column of its unigram, `u32::MAX` if none.
    unigram_columns: Vec<u32>,
    /// (first, second) word numbers -> the column of the bigram.
    bigram_columns: FastMap<(u32, u32), u32>,
}

impl WordGrams {
    fn new(terms: &[String]) -> Self {
        let mut grams = WordGrams::default();
        for (column, term) in terms.iter().enumerate() {
            let column = column as u32;
            let mut words = term.split(' ');
            match (words.next(), words.next(), words.next()) {
                (Some(word), None, _) => {
                    let number = grams.number(word);
                    grams.unigram_columns[number as usize] = column;
                }
                (Some(first), Some(second), None) => {
                    let pair = (grams.number(first), grams.number(second));
                    grams.bigram_columns.insert(pair, column);
                }
                _ => {}
            }
        }
        grams
    }

    fn number(&mut self, word: &str) -> u32 {
        if let Some(&number) = self.numbers.get(word) {
            return number;
        }
        let number = self.unigram_columns.len() as u32;
        self.numbers.insert(word.to_owned(), number);
        self.unigram_columns.push(u32::MAX);
        number
    }
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
        let mut stats = TermStats::default();
        for (doc, terms) in documents.iter().enumerate() {
            terms.iter().for_each(|t| stats.add(doc, t));
        }
        TfidfVectorizer::fit_stats(stats, documents.len(), params)
    }

    /// As [`TfidfVectorizer::fit`], from the term counts of `n_docs`
    /// documents gathered in a [`TermStats`] (training analyses its texts
    /// straight into one, without keeping their terms).
    pub fn fit_stats(stats: TermStats, n_docs: usize, params: VectorizerParams) -> Result<Self> {
        params.validate()?;
        let max_df = (params.max_df * n_docs as f64).floor() as usize;
        let mut kept: Vec<(&str, usize, usize)> = stats
            .terms
            .iter()
            .filter(|(_, c)| c.df >= params.min_df && c.df <= max_df.max(1))
            .map(|(term, c)| (term.as_str(), c.df, c.count))
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
        let words = WordGrams::new(&terms);
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
            id: NEXT_VECTORIZER.fetch_add(1, Ordering::Relaxed),
            words,
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
        self.transform_each(|visit| terms.iter().for_each(|t| visit(t.as_ref())))
    }

    /// As [`TfidfVectorizer::transform`], for a document whose terms
    /// `terms` passes one at a time to the visitor it is given (as
    /// [`crate::analysis::Analyzer::for_each_term`] does), so that no term
    /// needs a string of its own.
    pub fn transform_each(&self, terms: impl FnOnce(&mut dyn FnMut(&str))) -> SparseRow {
        let mut columns: Vec<u32> = Vec::new();
        terms(&mut |term| {
            if let Some(&column) = self.index.get(term) {
                columns.push(column);
            }
        });
        self.row_from_columns(columns)
    }

    /// The vector of one document analysed with `analyzer`, through the
    /// analyzer's column memo ([`Analyzer::for_each_column`]): equal to
    /// `transform(&analyzer.term_texts(text))`, faster.
    pub fn transform_text(&self, analyzer: &Analyzer, text: &str) -> SparseRow {
        let mut columns: Vec<u32> = Vec::new();
        analyzer.for_each_column(text, self, &mut |column| columns.push(column));
        self.row_from_columns(columns)
    }

    /// The L2-normalised (TF-)IDF row of a document given the column of
    /// each of its in-vocabulary terms, in any order, repeats counted.
    fn row_from_columns(&self, mut columns: Vec<u32>) -> SparseRow {
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

/// Sparse rows stacked in compressed sparse row (CSR) form: the training
/// matrix, held in memory proportional to its non-zero entries instead of
/// rows x vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct SparseMatrix {
    /// Row `i` is `indices[indptr[i]..indptr[i + 1]]` (and `values` alike).
    indptr: Vec<usize>,
    indices: Vec<u32>,
    values: Vec<f64>,
    n_cols: usize,
}

impl SparseMatrix {
    /// Stacks `rows` (each with sorted column indices below `n_cols`).
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = &'a SparseRow>, n_cols: usize) -> Self {
        let mut matrix = SparseMatrix {
            indptr: vec![0],
            indices: Vec::new(),
            values: Vec::new(),
            n_cols,
        };
        for row in rows {
            debug_assert!(row.indices.iter().all(|&c| (c as usize) < n_cols));
            matrix.indices.extend_from_slice(&row.indices);
            matrix.values.extend_from_slice(&row.values);
            matrix.indptr.push(matrix.indices.len());
        }
        matrix
    }

    pub fn n_rows(&self) -> usize {
        self.indptr.len() - 1
    }

    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// Number of stored (non-zero) entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }

    /// Column indices and values of row `i`.
    pub fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let range = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[range.clone()], &self.values[range])
    }

    /// The transpose, also in CSR form: its row `j` lists column `j` of
    /// `self`, with row indices in increasing order.
    pub fn transpose(&self) -> SparseMatrix {
        let mut counts = vec![0usize; self.n_cols + 1];
        for &c in &self.indices {
            counts[c as usize + 1] += 1;
        }
        for j in 0..self.n_cols {
            counts[j + 1] += counts[j];
        }
        let indptr = counts.clone();
        let mut next = counts;
        let mut indices = vec![0u32; self.nnz()];
        let mut values = vec![0.0; self.nnz()];
        for i in 0..self.n_rows() {
            let (cols, vals) = self.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                let slot = &mut next[c as usize];
                indices[*slot] = i as u32;
                values[*slot] = v;
                *slot += 1;
            }
        }
        SparseMatrix {
            indptr,
            indices,
            values,
            n_cols: self.n_rows(),
        }
    }

    /// Rows `range` as a dense `range.len() x n_cols` matrix for linfa.
    pub fn dense_rows(&self, range: std::ops::Range<usize>) -> Array2<f64> {
        let mut dense = Array2::zeros((range.len(), self.n_cols));
        for (mut out, i) in dense.rows_mut().into_iter().zip(range) {
            let (cols, vals) = self.row(i);
            for (&c, &v) in cols.iter().zip(vals) {
                out[c as usize] = v;
            }
        }
        dense
    }

    /// The whole matrix, dense.
    pub fn to_dense(&self) -> Array2<f64> {
        self.dense_rows(0..self.n_rows())
    }
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

    /// The fused path (word memo + word-number bigram table) must give the
    /// rows the plain path gives, for every n-gram range, with a vocabulary
    /// cut by max_df (so a bigram can be kept while one of its words is
    /// not), and when vectorizers and analyzers alternate on one thread.
    #[test]
    fn transform_text_equals_transform_of_term_texts() {
        use crate::analysis::{AnalyzerConfig, NgramRange, StopWords};
        let texts = [
            "The ministry denied that its jets struck the convoy on Tuesday.",
            "Police say the man defrauded investors; the man denied it.",
            "Officials blamed the crash on pilot error, not the weather.",
            "The ministry said the convoy was struck by rebels, not its jets.",
            "UPDATE: the ministry’s statement didn't mention the convoy at all",
            "ministry ministry ministry convoy convoy a-b-c 3.5 U.S. über-cool",
        ];
        for (min, max) in [(1, 1), (1, 2), (2, 2), (1, 3)] {
            for max_df in [1.0, 0.5] {
                let config = AnalyzerConfig {
                    ngram_range: NgramRange::new(min, max).unwrap(),
                    stop_words: StopWords::EnglishNews,
                    ..AnalyzerConfig::default()
                };
                let analyzer = Analyzer::new(config.clone()).unwrap();
                let other = Analyzer::new(config).unwrap();
                let documents: Vec<Vec<String>> =
                    texts.iter().map(|t| analyzer.term_texts(t)).collect();
                let p = VectorizerParams {
                    min_df: 1,
                    max_df,
                    ..VectorizerParams::default()
                };
                let first = TfidfVectorizer::fit(&documents[..3], p.clone()).unwrap();
                let second = TfidfVectorizer::fit(&documents, p).unwrap();
                for text in texts.iter().chain(texts.iter()) {
                    for (a, v) in [(&analyzer, &first), (&other, &second), (&analyzer, &second)] {
                        let expected = v.transform(&a.term_texts(text));
                        let fused = v.transform_text(a, text);
                        assert_eq!(fused.indices, expected.indices, "{min}-{max} {text}");
                        assert_eq!(fused.values, expected.values, "{min}-{max} {text}");
                    }
                }
            }
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
    fn term_stats_merged_from_parts_fit_the_same_vocabulary() {
        let data = docs(&["a b a c", "b b d", "a e", "c c c", "d a"]);
        let whole = TfidfVectorizer::fit(&data, params(2)).unwrap();
        let part = |range: std::ops::Range<usize>| {
            let mut stats = TermStats::default();
            for doc in range {
                data[doc].iter().for_each(|t| stats.add(doc, t));
            }
            stats
        };
        let merged = part(3..5).merge(part(0..3));
        assert_eq!(merged.len(), 5);
        let from_parts = TfidfVectorizer::fit_stats(merged, data.len(), params(2)).unwrap();
        assert_eq!(from_parts.terms, whole.terms);
        assert_eq!(from_parts.idf, whole.idf);
        // df counts a document once: "a" is in 3 documents, "c" in 2.
        assert_eq!(whole.terms, ["a", "b", "c", "d"]);
        assert!(whole.idf[0] < whole.idf[2]);
    }

    #[test]
    fn sparse_matrix_rows_transpose_and_dense_agree() {
        let v = TfidfVectorizer::fit(&docs(&["a b", "b c", "c d"]), params(1)).unwrap();
        let rows = [
            v.transform(&["c", "a"]),
            v.transform(&["zzz"]),
            v.transform(&["d", "b", "b"]),
        ];
        let matrix = SparseMatrix::from_rows(&rows, v.n_features());
        assert_eq!((matrix.n_rows(), matrix.n_cols(), matrix.nnz()), (3, 4, 4));
        assert_eq!(matrix.to_dense(), to_dense(&rows, v.n_features()));
        assert_eq!(matrix.row(1), (&[][..], &[][..]));
        let t = matrix.transpose();
        assert_eq!((t.n_rows(), t.n_cols()), (4, 3));
        assert_eq!(t.to_dense(), matrix.to_dense().t());
        assert_eq!(
            matrix.dense_rows(2..3),
            matrix.to_dense().slice(ndarray::s![2..3, ..])
        );
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
