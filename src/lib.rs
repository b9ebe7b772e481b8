//! `stance` finds the claims in news articles and labels each one's stance:
//! accusation, denial or neutral (or any label set a training CSV holds).
//!
//! Pipeline: [`sentences`] splits articles, [`analysis`] turns a sentence into
//! terms, [`features`] turns terms into TF-IDF vectors, [`model`] holds the
//! linfa classifiers, [`train`] fits a [`StanceModel`] from a labelled CSV read
//! by [`data`], [`persist`] saves and loads model files, [`evaluate`] measures
//! a model and [`classify`] labels the sentences of new articles.

pub mod analysis;
pub mod error;
pub mod sentences;

pub use error::{Error, Result};
pub use sentences::{SentenceSpan, split_sentences};
