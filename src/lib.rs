//! `stance` finds the claims in news articles and labels each one's stance:
//! accusation, denial or neutral (or any label set a training CSV holds).
//!
//! Pipeline, one module per stage: [`sentences`] splits articles,
//! [`analysis`] turns a sentence into terms, [`features`] turns terms into
//! TF-IDF vectors, [`model`] holds the linfa classifiers ([`logistic`] fits
//! logistic regression on sparse rows), [`data`] reads
//! labelled CSV, [`train`] fits a [`StanceModel`], [`persist`] saves and loads
//! model files, [`evaluate`] measures a model, [`report`] draws its figures
//! for people and [`classify`] labels the sentences of new articles.
//!
//! ```
//! use stance::{classify_text, data::{LabelledData, LabelledExample}, train, NoProgress, TrainConfig};
//!
//! let rows = [
//!     ("Police blamed the driver for the crash.", "accusation"),
//!     ("Critics blamed the mayor for the delays.", "accusation"),
//!     ("The driver rejected the claim as false.", "denial"),
//!     ("The mayor rejected the claim as baseless.", "denial"),
//! ];
//! let data = LabelledData {
//!     path: "inline.csv".into(),
//!     examples: rows
//!         .iter()
//!         .enumerate()
//!         .map(|(i, (text, label))| LabelledExample { text: text.to_string(), label: label.to_string(), line: i as u64 + 2 })
//!         .collect(),
//!     sha256: String::new(),
//! };
//! let model = train(&data, &TrainConfig::default(), &NoProgress).unwrap();
//! let analyzer = model.analyzer().unwrap();
//! let labelled = classify_text(&model, &analyzer, "-", "Unions blamed the mayor. He rejected the claim as false.", 0);
//! assert_eq!(labelled[0].label, "accusation");
//! assert_eq!(labelled[1].label, "denial");
//! ```

pub mod analysis;
pub mod charts;
pub mod classify;
pub mod data;
pub mod error;
pub mod evaluate;
pub mod explain;
pub mod features;
pub mod learning_curve;
pub mod logistic;
pub mod model;
pub mod pairs;
pub mod persist;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod sentences;
pub mod train;

#[cfg(test)]
mod test_support;

pub use classify::{
    OutputFormat, PredictionWriter, SentencePrediction, classify_files, classify_reader,
    classify_text, open_article,
};
pub use error::{Error, Result};
pub use evaluate::{CrossValidation, Evaluation, cross_validate, evaluate};
pub use model::{Algorithm, ClassifierParams};
pub use pipeline::StanceModel;
pub use progress::{NoProgress, Progress};
pub use sentences::{SentenceSpan, split_sentences};
pub use train::{ClassWeight, TrainConfig, train};
