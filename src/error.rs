//! The crate's one error type. Every variant that comes from user input or a
//! file carries the context a user needs to fix it: path, line and field.

use std::path::PathBuf;

/// Everything that can go wrong in `stance`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A hyperparameter or option is out of range; the message names the value.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),

    /// A file could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Input data (CSV or article text) is malformed.
    #[error("{path}{}: {message}", location(*.line, .field.as_deref()))]
    Data {
        path: PathBuf,
        line: Option<u64>,
        field: Option<String>,
        message: String,
    },

    /// A model file is not a valid `stance` model.
    #[error("{path}: not a usable stance model: {message}")]
    Model { path: PathBuf, message: String },

    /// The learning algorithm failed (for example it did not converge).
    #[error("training failed: {0}")]
    Training(String),
}

fn location(line: Option<u64>, field: Option<&str>) -> String {
    match (line, field) {
        (Some(line), Some(field)) => format!(":{line}: field `{field}`"),
        (Some(line), None) => format!(":{line}"),
        (None, Some(field)) => format!(": field `{field}`"),
        (None, None) => String::new(),
    }
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn data(
        path: impl Into<PathBuf>,
        line: Option<u64>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Error::Data {
            path: path.into(),
            line,
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    pub fn model(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Model {
            path: path.into(),
            message: message.into(),
        }
    }

    /// True when the error is a closed output pipe (`stance ... | head`),
    /// which a command-line tool should treat as a quiet, normal end.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// `Result` with the crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_error_names_file_line_and_field() {
        let err = Error::data("train.csv", Some(7), Some("text"), "empty text");
        assert_eq!(err.to_string(), "train.csv:7: field `text`: empty text");
    }

    #[test]
    fn data_error_without_location_names_file() {
        let err = Error::data("train.csv", None, None, "no rows");
        assert_eq!(err.to_string(), "train.csv: no rows");
    }
}
