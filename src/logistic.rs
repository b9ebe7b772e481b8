//! Multinomial logistic regression fitted on sparse rows.
//!
//! linfa-logistic 0.7 fits only dense `Array2` inputs, and a TF-IDF training
//! matrix is rows x vocabulary: 8,673 x 17,158 is 1.2 GB of f64 and 200,000
//! rows would not fit at all, while a sentence has a few dozen non-zero
//! entries. This module minimises exactly the objective linfa-logistic 0.7.1
//! minimises, with the optimiser it uses, but computes loss and gradient over
//! a [`SparseMatrix`]; the result is a linfa
//! [`MultiFittedLogisticRegression`], so prediction, persistence and
//! explanations are linfa's as before.
//!
//! The objective (linfa's `multi_logistic_loss`), with `H = X W + b`:
//!
//! `L(W, b) = -sum_i ln softmax(H_i)[y_i] + alpha / 2 * ||W||^2`
//!
//! summed (not averaged) over rows, the intercept `b` not regularised, and
//! `alpha = 1 / C` (see [`crate::model::ClassifierParams::c`]). Its gradient
//! is `X^T (P - Y) + alpha W` for `W` and `sum_i (P_i - Y_i)` for `b`, with
//! `P` the softmax probabilities and `Y` the one-hot targets. The solver is
//! argmin 0.9's L-BFGS with a More-Thuente line search and 10 stored
//! corrections, stopping when the gradient's L2 norm falls below the
//! tolerance (linfa's default 1e-4), when the cost stops changing (argmin's
//! default, machine epsilon) or after `max_iterations`, starting from zeros
//! and returning the best parameters seen, all as linfa-logistic does. The
//! parameters are laid out as linfa's: `(n_features + 1) x n_classes`, the
//! intercept in the last row (flattened row-major for the solver).
//!
//! One difference, deliberate: linfa's log-sum-exp subtracts the maximum of
//! the whole score matrix, this one each row's own maximum, which cannot
//! underflow; the two agree wherever linfa's does not underflow.
//!
//! Each evaluation makes two parallel passes, both deterministic whatever
//! the number of threads: over rows (scores, loss and `P - Y` per row, the
//! loss summed per fixed-size chunk and the chunk sums added in order), and
//! over columns through the transposed matrix (each gradient entry is summed
//! by one thread in row order). The same data therefore gives bit-identical
//! coefficients, and a byte-identical model file.

use std::sync::Mutex;

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use linfa_logistic::MultiFittedLogisticRegression;
use ndarray::{Array1, Array2};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::features::SparseMatrix;

/// linfa-logistic's default gradient tolerance.
pub const GRADIENT_TOLERANCE: f64 = 1e-4;
/// linfa-logistic's L-BFGS history length.
const LBFGS_MEMORY: usize = 10;
/// Rows per chunk of the row pass. Fixed, so that the loss is summed in the
/// same order on any number of threads.
const ROW_CHUNK: usize = 1024;
/// Gradient rows (features) per task of the column pass.
const COLUMN_CHUNK: usize = 512;

/// Fits multinomial logistic regression on `x` with class indices `y` (each
/// in `0..n_classes`), L2 penalty `alpha` (`1 / C`), at most
/// `max_iterations` L-BFGS iterations.
pub fn fit(
    x: &SparseMatrix,
    y: &[usize],
    n_classes: usize,
    alpha: f64,
    max_iterations: u64,
) -> Result<MultiFittedLogisticRegression<f64, usize>> {
    if x.n_rows() != y.len() {
        return Err(Error::Training(format!(
            "{} rows but {} targets",
            x.n_rows(),
            y.len()
        )));
    }
    if let Some(&bad) = y.iter().find(|&&t| t >= n_classes) {
        return Err(Error::Training(format!(
            "class index {bad} out of range for {n_classes} classes"
        )));
    }
    if !(alpha.is_finite() && alpha >= 0.0) {
        return Err(Error::Training(format!(
            "alpha {alpha}: must be finite and >= 0"
        )));
    }
    let n_params = (x.n_cols() + 1) * n_classes;
    let problem = Problem {
        x,
        xt: x.transpose(),
        y,
        n_classes,
        alpha,
        last: Mutex::new(None),
    };
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), LBFGS_MEMORY)
        .with_tolerance_grad(GRADIENT_TOLERANCE)
        .map_err(|e| Error::Training(e.to_string()))?;
    let result = Executor::new(problem, solver)
        .configure(|state| {
            state
                .param(Array1::zeros(n_params))
                .max_iters(max_iterations)
        })
        .run()
        .map_err(|e| Error::Training(format!("L-BFGS: {e}")))?;
    let best = result
        .state
        .best_param
        .unwrap_or_else(|| Array1::zeros(n_params));
    to_linfa(best, x.n_cols(), n_classes)
}

/// Builds linfa's fitted model from the solver's parameters through its serde
/// form (its constructor is private), as [`crate::model::NaiveBayes`] reads
/// linfa's naive Bayes tables.
fn to_linfa(
    flat: Array1<f64>,
    n_features: usize,
    n_classes: usize,
) -> Result<MultiFittedLogisticRegression<f64, usize>> {
    #[derive(Serialize)]
    struct Parts {
        intercept: Array1<f64>,
        params: Array2<f64>,
        classes: Vec<usize>,
    }
    let all = flat
        .into_shape((n_features + 1, n_classes))
        .map_err(|e| Error::Training(e.to_string()))?;
    let parts = Parts {
        intercept: all.row(n_features).to_owned(),
        params: all.slice(ndarray::s![..n_features, ..]).to_owned(),
        classes: (0..n_classes).collect(),
    };
    let value = serde_json::to_value(parts).map_err(|e| Error::Training(e.to_string()))?;
    serde_json::from_value(value).map_err(|e| Error::Training(e.to_string()))
}

/// The optimisation problem handed to argmin.
struct Problem<'a> {
    x: &'a SparseMatrix,
    /// `x` transposed, for the column pass of the gradient.
    xt: SparseMatrix,
    y: &'a [usize],
    n_classes: usize,
    alpha: f64,
    /// The last evaluation: argmin asks for the cost and then the gradient
    /// at the same point, and one pass computes both.
    last: Mutex<Option<Evaluation>>,
}

#[derive(Clone)]
struct Evaluation {
    param: Array1<f64>,
    cost: f64,
    gradient: Array1<f64>,
}

impl Problem<'_> {
    fn evaluate(&self, param: &Array1<f64>) -> Evaluation {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = last.as_ref().filter(|e| e.param == *param) {
            return hit.clone();
        }
        let evaluation = self.compute(param);
        *last = Some(evaluation.clone());
        evaluation
    }

    fn compute(&self, param: &Array1<f64>) -> Evaluation {
        // The class count as a constant for the common label sets, so that
        // the inner loops over classes are unrolled; same arithmetic.
        match self.n_classes {
            2 => self.compute_with::<2>(param),
            3 => self.compute_with::<3>(param),
            4 => self.compute_with::<4>(param),
            _ => self.compute_with::<0>(param),
        }
    }

    /// [`Problem::compute`] for `K` classes (`K == 0`: any number).
    fn compute_with<const K: usize>(&self, param: &Array1<f64>) -> Evaluation {
        let k = self.n_classes;
        let n_features = self.x.n_cols();
        let p = param.as_slice().expect("parameters are contiguous");
        let (weights, intercept) = p.split_at(n_features * k);

        // Row pass: residuals P - Y per row, and the data loss per chunk.
        let mut residual = vec![0.0; self.x.n_rows() * k];
        let chunk_losses: Vec<f64> = residual
            .par_chunks_mut(ROW_CHUNK * k)
            .enumerate()
            .map(|(chunk, out)| {
                let mut loss = 0.0;
                for (offset, r) in out.chunks_mut(k).enumerate() {
                    let i = chunk * ROW_CHUNK + offset;
                    r.copy_from_slice(intercept);
                    let (cols, vals) = self.x.row(i);
                    for (&c, &v) in cols.iter().zip(vals) {
                        axpy::<K>(r, v, &weights[c as usize * k..][..k]);
                    }
                    let target = self.y[i];
                    let max = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let target_score = r[target] - max;
                    let mut sum = 0.0;
                    r.iter_mut().for_each(|h| {
                        *h = (*h - max).exp();
                        sum += *h;
                    });
                    // -ln softmax(h)[y] = ln sum exp(h - max) - (h[y] - max)
                    loss += sum.ln() - target_score;
                    r.iter_mut().for_each(|e| *e /= sum);
                    r[target] -= 1.0;
                }
                loss
            })
            .collect();
        let data_loss: f64 = chunk_losses.iter().sum();

        // Column pass: gradient of W, one feature's row per entry of xt.
        let mut gradient = vec![0.0; (n_features + 1) * k];
        let (grad_w, grad_b) = gradient.split_at_mut(n_features * k);
        grad_w
            .par_chunks_mut(COLUMN_CHUNK * k)
            .enumerate()
            .for_each(|(chunk, out)| {
                for (offset, g) in out.chunks_mut(k).enumerate() {
                    let j = chunk * COLUMN_CHUNK + offset;
                    let (rows, vals) = self.xt.row(j);
                    for (&i, &v) in rows.iter().zip(vals) {
                        axpy::<K>(g, v, &residual[i as usize * k..][..k]);
                    }
                    let w = &weights[j * k..][..k];
                    g.iter_mut().zip(w).for_each(|(g, w)| *g += self.alpha * w);
                }
            });
        for r in residual.chunks(k) {
            grad_b.iter_mut().zip(r).for_each(|(g, r)| *g += r);
        }
        let penalty = 0.5 * self.alpha * weights.iter().map(|w| w * w).sum::<f64>();
        Evaluation {
            param: param.clone(),
            cost: data_loss + penalty,
            gradient: Array1::from(gradient),
        }
    }
}

/// `out += a * x` over `K` entries (`K == 0`: over the slices' length).
#[inline(always)]
fn axpy<const K: usize>(out: &mut [f64], a: f64, x: &[f64]) {
    if K > 0 {
        let out: &mut [f64; K] = out.try_into().expect("K entries");
        let x: &[f64; K] = x.try_into().expect("K entries");
        for i in 0..K {
            out[i] += a * x[i];
        }
    } else {
        out.iter_mut().zip(x).for_each(|(o, x)| *o += a * x);
    }
}

impl CostFunction for Problem<'_> {
    type Param = Array1<f64>;
    type Output = f64;

    fn cost(&self, param: &Self::Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(param).cost)
    }
}

impl Gradient for Problem<'_> {
    type Param = Array1<f64>;
    type Gradient = Array1<f64>;

    fn gradient(
        &self,
        param: &Self::Param,
    ) -> std::result::Result<Array1<f64>, argmin::core::Error> {
        Ok(self.evaluate(param).gradient)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::SparseRow;

    fn row(entries: &[(u32, f64)]) -> SparseRow {
        SparseRow {
            indices: entries.iter().map(|e| e.0).collect(),
            values: entries.iter().map(|e| e.1).collect(),
        }
    }

    /// Loss and gradient against central finite differences of the loss.
    #[test]
    fn gradient_matches_finite_differences() {
        let rows = [
            row(&[(0, 0.6), (2, 0.8)]),
            row(&[(1, 1.0)]),
            row(&[(0, 0.3), (1, 0.4), (3, 0.866)]),
            row(&[]),
        ];
        let x = SparseMatrix::from_rows(&rows, 4);
        // 2 and 3 classes take the unrolled loops, 5 the general ones.
        for k in [2, 3, 5] {
            let y = [0, 1, 2 % k, 1];
            let problem = Problem {
                x: &x,
                xt: x.transpose(),
                y: &y,
                n_classes: k,
                alpha: 0.5,
                last: Mutex::new(None),
            };
            let n = 5 * k;
            let param = Array1::from_iter((0..n).map(|i| ((i * 7) % 5) as f64 * 0.1 - 0.2));
            let at = problem.compute(&param);
            for j in 0..n {
                let h = 1e-6;
                let mut up = param.clone();
                up[j] += h;
                let mut down = param.clone();
                down[j] -= h;
                let numeric = (problem.compute(&up).cost - problem.compute(&down).cost) / (2.0 * h);
                assert!(
                    (numeric - at.gradient[j]).abs() < 1e-6,
                    "{k} classes, parameter {j}: numeric {numeric}, analytic {}",
                    at.gradient[j]
                );
            }
            // At zero every class has probability 1/k: the loss is n ln k.
            let zero = problem.compute(&Array1::zeros(n));
            assert!((zero.cost - 4.0 * (k as f64).ln()).abs() < 1e-12);
        }
    }

    #[test]
    fn out_of_range_targets_are_an_error() {
        let x = SparseMatrix::from_rows(&[row(&[(0, 1.0)])], 1);
        assert!(fit(&x, &[3], 2, 1.0, 10).is_err());
        assert!(fit(&x, &[0, 1], 2, 1.0, 10).is_err());
    }
}
