//! CSV loader: any bytes either load or give an error; never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::data::{CsvColumns, read_labelled};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(data) = read_labelled(bytes, Path::new("fuzz.csv"), &CsvColumns::default()) {
        assert!(!data.examples.is_empty());
        assert!(
            data.examples
                .iter()
                .all(|e| !e.text.trim().is_empty() && !e.label.is_empty())
        );
    }
});
