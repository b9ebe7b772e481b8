//! Claim against article: does an article agree with a claim, disagree with
//! it, discuss it without taking a side, or is it unrelated? This is the
//! stance task of the Fake News Challenge (FNC-1), the article-level twin of
//! the sentence labels: [`data`] reads pairs, [`features`] turns a pair into
//! a row, [`model`] trains and applies the linfa classifiers, and [`bias`]
//! tunes per-label offsets for macro-F1.

pub mod bias;
pub mod data;
pub mod features;
pub mod model;
pub mod output;

pub use data::{Fnc1Columns, PairColumns, PairData, PairExample, read_fnc1, read_pair_csv};
pub use model::{PairModel, PairPrediction, PairPredictor, Stages, train_pairs};
