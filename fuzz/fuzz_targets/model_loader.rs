//! Model loader: any bytes either load as a model that can predict, or give
//! an error; never a panic. Each input is tried as it is, and again with its
//! payload re-framed under a valid header and checksum, so that mutations of
//! the JSON payload get past the checksum and reach parsing and the shape
//! checks (a crafted file is the case the checksum cannot catch).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use stance::persist::{HEADER_BYTES, MAGIC, frame, from_bytes};

fn load_and_predict(bytes: &[u8]) {
    if let Ok(model) = from_bytes(bytes, Path::new("fuzz.model")) {
        if let Ok(analyzer) = model.analyzer() {
            let probs = model.predict_proba(&analyzer, &["The ministry denied the report."]);
            assert_eq!(probs.ncols(), model.labels.len());
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    load_and_predict(bytes);
    let payload = if bytes.starts_with(MAGIC) && bytes.len() >= HEADER_BYTES {
        &bytes[HEADER_BYTES..]
    } else {
        bytes
    };
    load_and_predict(&frame(payload));
});
