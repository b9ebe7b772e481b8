//! Helpers shared by the unit tests of several modules.

use crate::data::{LabelledData, LabelledExample};
use crate::pipeline::StanceModel;
use crate::progress::NoProgress;
use crate::train::{TrainConfig, train};

/// Labelled data held in memory, as if read from `inline.csv`.
pub fn labelled(rows: &[(&str, &str)]) -> LabelledData {
    LabelledData {
        path: "inline.csv".into(),
        examples: rows
            .iter()
            .enumerate()
            .map(|(i, (text, label))| LabelledExample {
                text: (*text).to_owned(),
                label: (*label).to_owned(),
                line: i as u64 + 2,
            })
            .collect(),
        sha256: String::new(),
    }
}

/// A default-configured model trained on nine sentences, three per label.
pub fn tiny_model() -> StanceModel {
    let data = labelled(&[
        ("Police blamed the driver for the crash.", "accusation"),
        ("Critics blamed the mayor for the delays.", "accusation"),
        ("Unions blamed the company for the layoffs.", "accusation"),
        ("The driver rejected the claim as false.", "denial"),
        ("The mayor rejected the report as false.", "denial"),
        ("The company rejected the story as false.", "denial"),
        ("The bridge opens to traffic in March.", "neutral"),
        ("The mayor opens the new library in March.", "neutral"),
        ("The company opens a plant in March.", "neutral"),
    ]);
    train(&data, &TrainConfig::default(), &NoProgress).expect("tiny model trains")
}
