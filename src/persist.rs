//! Model files: one self-contained file per model.
//!
//! Layout (all integers little-endian):
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `STANCEMD` |
//! | 4 | format version (currently 1) |
//! | 8 | payload length in bytes |
//! | 32 | SHA-256 of the payload |
//! | n | payload: the [`StanceModel`] as JSON, or `{"pair": `[`PairModel`]`}` |
//!
//! JSON is data only: loading never executes anything from the file. Object
//! keys are written in sorted order (serde_json's map is a BTreeMap), which
//! with a sorted vocabulary and deterministic training makes the same data
//! and seed give a byte-identical file. Files are written to a temporary
//! file in the target directory and renamed into place, so an interrupted
//! save never leaves a half-written model where a good one was.

use std::fs;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::data::hex;
use crate::error::{Error, Result};
use crate::pairs::PairModel;
use crate::pipeline::StanceModel;

/// First bytes of every model file.
pub const MAGIC: &[u8; 8] = b"STANCEMD";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 32;

/// Serialises `model` to the bytes of a model file.
pub fn to_bytes(model: &StanceModel) -> Result<Vec<u8>> {
    // Through a Value so that map keys (linfa keeps some in HashMaps) are sorted.
    let value = serde_json::to_value(model)
        .map_err(|e| Error::Training(format!("cannot serialise the model: {e}")))?;
    let payload = serde_json::to_vec(&value)
        .map_err(|e| Error::Training(format!("cannot serialise the model: {e}")))?;
    Ok(frame(&payload))
}

/// Puts the header (magic, version, length, checksum) in front of a payload.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&Sha256::digest(payload));
    bytes.extend_from_slice(payload);
    bytes
}

/// Length of the header before the payload.
pub const HEADER_BYTES: usize = HEADER_LEN;

/// Writes `model` to `path` atomically (temporary file, then rename).
pub fn save(model: &StanceModel, path: &Path) -> Result<()> {
    let bytes = to_bytes(model)?;
    write_atomically(path, &bytes)
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(Error::io(path, std::io::Error::other("is a directory")));
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".stance-tmp");
    // A temporary file is private (0600); the finished file should be as
    // readable as any other output (0644, less the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Loads a model file, checking magic, version, length, checksum and shapes.
pub fn load(path: &Path) -> Result<StanceModel> {
    from_bytes(&read_model_file(path)?, path)
}

/// A model file of either kind.
#[derive(Debug, Clone)]
pub enum LoadedModel {
    /// Labels sentences.
    Sentence(Box<StanceModel>),
    /// Labels claim-article pairs.
    Pair(Box<PairModel>),
}

/// What a pair model's payload starts with: the model wrapped in an object
/// with the one key `pair`, so the two kinds cannot be mistaken.
const PAIR_PREFIX: &[u8] = br#"{"pair":"#;

#[derive(Serialize, Deserialize)]
struct PairFile {
    pair: PairModel,
}

/// Serialises a pair model to the bytes of a model file.
pub fn pair_to_bytes(model: &PairModel) -> Result<Vec<u8>> {
    let wrapped = serde_json::json!({ "pair": model });
    let payload = serde_json::to_vec(&wrapped)
        .map_err(|e| Error::Training(format!("cannot serialise the model: {e}")))?;
    Ok(frame(&payload))
}

/// Writes a pair model to `path` atomically.
pub fn save_pair(model: &PairModel, path: &Path) -> Result<()> {
    write_atomically(path, &pair_to_bytes(model)?)
}

/// Loads a model file of either kind.
pub fn load_any(path: &Path) -> Result<LoadedModel> {
    let bytes = read_model_file(path)?;
    let payload = checked_payload(&bytes, path)?;
    if payload.starts_with(PAIR_PREFIX) {
        parse_pair(payload, path).map(|m| LoadedModel::Pair(Box::new(m)))
    } else {
        parse_sentence(payload, path).map(|m| LoadedModel::Sentence(Box::new(m)))
    }
}

/// Loads a pair model file.
pub fn load_pair(path: &Path) -> Result<PairModel> {
    match load_any(path)? {
        LoadedModel::Pair(model) => Ok(*model),
        LoadedModel::Sentence(_) => Err(Error::model(
            path,
            "this is a sentence model; a claim needs a pair model (trained with --claim-column or --bodies)",
        )),
    }
}

fn read_model_file(path: &Path) -> Result<Vec<u8>> {
    if path.is_dir() {
        return Err(Error::model(path, "is a directory, not a model file"));
    }
    fs::read(path).map_err(|e| Error::io(path, e))
}

/// Parses the bytes of a sentence model file; `origin` names it in errors.
pub fn from_bytes(bytes: &[u8], origin: &Path) -> Result<StanceModel> {
    let payload = checked_payload(bytes, origin)?;
    if payload.starts_with(PAIR_PREFIX) {
        return Err(Error::model(
            origin,
            "this is a claim-article pair model; use it with --claim (classify) or pair data (evaluate)",
        ));
    }
    parse_sentence(payload, origin)
}

fn parse_sentence(payload: &[u8], origin: &Path) -> Result<StanceModel> {
    let fail = |message: String| Error::model(origin, message);
    let model: StanceModel =
        serde_json::from_slice(payload).map_err(|e| fail(format!("malformed model: {e}")))?;
    check(&model).map_err(fail)?;
    Ok(model)
}

fn parse_pair(payload: &[u8], origin: &Path) -> Result<PairModel> {
    let fail = |message: String| Error::model(origin, message);
    let file: PairFile =
        serde_json::from_slice(payload).map_err(|e| fail(format!("malformed model: {e}")))?;
    check(&file.pair.sentence_model).map_err(|e| fail(format!("its sentence model: {e}")))?;
    file.pair.check().map_err(fail)?;
    Ok(file.pair)
}

/// Checks magic, version, length and checksum; returns the payload.
fn checked_payload<'b>(bytes: &'b [u8], origin: &Path) -> Result<&'b [u8]> {
    let fail = |message: String| Error::model(origin, message);
    if bytes.is_empty() {
        return Err(fail("the file is empty".to_owned()));
    }
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(fail(
            "wrong magic bytes: this is not a stance model file".to_owned(),
        ));
    }
    if bytes.len() < HEADER_LEN {
        return Err(fail(format!(
            "truncated: {} bytes, shorter than the {HEADER_LEN}-byte header",
            bytes.len()
        )));
    }
    let [v0, v1, v2, v3] = [bytes[8], bytes[9], bytes[10], bytes[11]];
    let version = u32::from_le_bytes([v0, v1, v2, v3]);
    if version > FORMAT_VERSION {
        return Err(fail(format!(
            "format version {version} is newer than this stance supports ({FORMAT_VERSION}); upgrade stance"
        )));
    }
    if version != FORMAT_VERSION {
        return Err(fail(format!("unknown format version {version}")));
    }
    let mut length = [0u8; 8];
    length.copy_from_slice(&bytes[12..20]);
    let declared = u64::from_le_bytes(length);
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != declared {
        return Err(fail(format!(
            "truncated or padded: payload is {} bytes, header says {declared}",
            payload.len()
        )));
    }
    if Sha256::digest(payload).as_slice() != &bytes[20..52] {
        return Err(fail(format!(
            "checksum mismatch (payload SHA-256 {}): the file is corrupt",
            hex(&Sha256::digest(payload))
        )));
    }
    Ok(payload)
}

/// Consistency checks that make prediction on a loaded model panic-free.
fn check(model: &StanceModel) -> std::result::Result<(), String> {
    model
        .analyzer
        .ngram_range
        .validate()
        .map_err(|e| e.to_string())?;
    if model.labels.len() < 2 {
        return Err(format!(
            "{} labels; a model needs at least 2",
            model.labels.len()
        ));
    }
    if model.labels.windows(2).any(|w| w[0] >= w[1]) {
        return Err("labels are not sorted and unique".to_owned());
    }
    model
        .classifier
        .check_shape(model.vectorizer.n_features(), model.labels.len())
}
