//! Labelled CSV input: one example per row, text and label in named columns.
//!
//! Reading is one streaming pass that also hashes the file (SHA-256), so the
//! hash stored in a model's metadata is the hash of exactly the bytes trained
//! on. Every problem is reported with the file, the line and the column.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Names of the columns that hold the text and the label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvColumns {
    pub text: String,
    pub label: String,
}

impl Default for CsvColumns {
    fn default() -> Self {
        CsvColumns {
            text: "text".to_owned(),
            label: "label".to_owned(),
        }
    }
}

/// One labelled row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelledExample {
    pub text: String,
    pub label: String,
    /// The line the row starts on (1 is the header), for error messages.
    pub line: u64,
}

/// A labelled CSV file, read and hashed.
#[derive(Debug, Clone)]
pub struct LabelledData {
    pub path: PathBuf,
    pub examples: Vec<LabelledExample>,
    /// Lowercase hex SHA-256 of the file's bytes.
    pub sha256: String,
}

impl LabelledData {
    /// The sorted, distinct labels.
    pub fn labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = self.examples.iter().map(|e| e.label.clone()).collect();
        labels.sort_unstable();
        labels.dedup();
        labels
    }
}

/// Reads a labelled CSV file with a header row.
///
/// Errors name the file, line and column: a missing column (listing the
/// columns that exist), invalid UTF-8, a row with the wrong number of
/// fields, an empty text or label, or a file without data rows.
pub fn read_labelled_csv(path: &Path, columns: &CsvColumns) -> Result<LabelledData> {
    read_labelled(open_csv(path)?, path, columns)
}

/// Reads labelled CSV from any reader; `path` names it in errors.
pub fn read_labelled<R: Read>(input: R, path: &Path, columns: &CsvColumns) -> Result<LabelledData> {
    let table = read_columns(
        input,
        path,
        &[
            Column::required("text", &columns.text),
            Column::required("label", &columns.label),
        ],
    )?;
    let examples = table
        .rows
        .into_iter()
        .map(|row| {
            let [text, label]: [String; 2] = row.fields.try_into().expect("two columns read");
            LabelledExample {
                text,
                label: label.trim().to_owned(),
                line: row.line,
            }
        })
        .collect();
    Ok(LabelledData {
        path: path.to_owned(),
        examples,
        sha256: table.sha256,
    })
}

/// A column to read: its name in the header, and the role it plays, which
/// names it in messages ("empty text").
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub role: &'a str,
    pub name: &'a str,
    /// Whether an empty (or all-blank) value is an error.
    pub required: bool,
}

impl<'a> Column<'a> {
    /// A column whose every value must be non-blank.
    pub fn required(role: &'a str, name: &'a str) -> Self {
        Column {
            role,
            name,
            required: true,
        }
    }
}

/// One data row: the values of the requested columns, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// The line the row starts on (1 is the header).
    pub line: u64,
    pub fields: Vec<String>,
}

/// The requested columns of a CSV file, with the SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct CsvTable {
    pub rows: Vec<CsvRow>,
    pub sha256: String,
}

/// Reads `columns` of a CSV with a header row in one streaming pass that
/// also hashes the bytes.
///
/// Errors name the file, line and column: a missing column (listing the
/// columns that exist), invalid UTF-8, a NUL byte, a row with the wrong
/// number of fields, a blank required value, or a file without data rows.
pub fn read_columns<R: Read>(input: R, path: &Path, columns: &[Column]) -> Result<CsvTable> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(HashingReader::new(input));

    let headers = reader
        .byte_headers()
        .map_err(|e| csv_error(path, e))?
        .clone();
    if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
        return Err(Error::data(
            path,
            Some(1),
            None,
            "empty file: expected a header row",
        ));
    }
    let header_names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_owned())
        .collect();
    let indices = columns
        .iter()
        .map(|c| find_column(path, &header_names, c.name))
        .collect::<Result<Vec<usize>>>()?;

    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let mut fields = Vec::with_capacity(columns.len());
        for (column, &index) in columns.iter().zip(&indices) {
            let value = field(path, &record, index, column.name, line)?;
            if column.required && value.trim().is_empty() {
                return Err(Error::data(
                    path,
                    Some(line),
                    Some(column.name),
                    format!("empty {}", column.role),
                ));
            }
            fields.push(value);
        }
        rows.push(CsvRow { line, fields });
    }
    if rows.is_empty() {
        return Err(Error::data(
            path,
            None,
            None,
            "no data rows after the header",
        ));
    }
    Ok(CsvTable {
        rows,
        sha256: reader.into_inner().finish_hex(),
    })
}

/// Opens a CSV file for [`read_columns`], refusing a directory.
pub fn open_csv(path: &Path) -> Result<BufReader<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(Error::data(
            path,
            None,
            None,
            "is a directory, not a CSV file",
        ));
    }
    Ok(BufReader::new(file))
}

fn find_column(path: &Path, headers: &[String], name: &str) -> Result<usize> {
    let found = headers
        .iter()
        .position(|h| h.trim_start_matches('\u{feff}') == name);
    found.ok_or_else(|| {
        Error::data(
            path,
            Some(1),
            Some(name),
            format!("missing column; the header has: {}", headers.join(", ")),
        )
    })
}

fn field(
    path: &Path,
    record: &csv::ByteRecord,
    index: usize,
    name: &str,
    line: u64,
) -> Result<String> {
    let bytes = record
        .get(index)
        .ok_or_else(|| Error::data(path, Some(line), Some(name), "row has no such field"))?;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::data(
            path,
            Some(line),
            Some(name),
            format!("invalid UTF-8 at byte {} of the field", e.valid_up_to()),
        )
    })?;
    if text.contains('\0') {
        return Err(Error::data(
            path,
            Some(line),
            Some(name),
            "contains a NUL byte",
        ));
    }
    Ok(text.to_owned())
}

fn csv_error(path: &Path, error: csv::Error) -> Error {
    let line = error.position().map(|p| p.line());
    match error.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(path, e),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            let hint = if len < expected_len {
                " (a missing field, or a quote that is never closed?)"
            } else {
                " (an unquoted comma?)"
            };
            Error::data(
                path,
                line,
                None,
                format!("row has {len} fields but the header has {expected_len}{hint}"),
            )
        }
        csv::ErrorKind::Utf8 { err, .. } => Error::data(
            path,
            line,
            None,
            format!("invalid UTF-8 in field {}", err.field() + 1),
        ),
        other => Error::data(path, line, None, format!("{other:?}")),
    }
}

/// A reader that hashes everything read through it.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
        }
    }

    /// Reads whatever the CSV parser left unread, then returns the hex digest.
    fn finish_hex(mut self) -> String {
        let mut rest = Vec::new();
        // A read error here can only shorten the hash input; the rows were
        // already parsed without error, so the file was readable to its end.
        let _ = self.read_to_end(&mut rest);
        hex(&self.hasher.finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Lowercase hexadecimal of a byte string.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn csv_file(content: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(content).unwrap();
        file
    }

    fn read(content: &[u8]) -> Result<LabelledData> {
        let file = csv_file(content);
        read_labelled_csv(file.path(), &CsvColumns::default())
    }

    #[test]
    fn reads_rows_with_lines_and_hash() {
        let data =
            read(b"id,text,label\n1,\"Hello, world\",neutral\n2,\"Two\nlines\",denial\n").unwrap();
        assert_eq!(data.examples.len(), 2);
        assert_eq!(data.examples[0].text, "Hello, world");
        assert_eq!(data.examples[1].line, 3);
        assert_eq!(data.labels(), ["denial", "neutral"]);
        assert_eq!(data.sha256.len(), 64);
    }

    #[test]
    fn hash_is_of_the_file_bytes() {
        let content = b"text,label\na,x\nb,y\n";
        let data = read(content).unwrap();
        assert_eq!(data.sha256, hex(&Sha256::digest(content)));
    }

    #[test]
    fn missing_column_lists_the_header() {
        let err = read(b"id,sentence,label\n1,a,x\n").unwrap_err().to_string();
        assert!(
            err.contains(":1: field `text`: missing column; the header has: id, sentence, label"),
            "{err}"
        );
    }

    #[test]
    fn empty_text_names_line_and_field() {
        let err = read(b"text,label\na,x\n  ,y\n").unwrap_err().to_string();
        assert!(err.ends_with(":3: field `text`: empty text"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = read(b"text,label\na,x\nb\xff,y\n").unwrap_err().to_string();
        assert!(err.contains(":3: field `text`: invalid UTF-8"), "{err}");
    }

    #[test]
    fn ragged_rows_are_reported() {
        let err = read(b"text,label\na,x\nb,y,z\n").unwrap_err().to_string();
        assert!(
            err.contains(":3: row has 3 fields but the header has 2"),
            "{err}"
        );
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let data = read(b"\xef\xbb\xbftext,label\r\na,x\r\nb,y\r\n").unwrap();
        assert_eq!(data.examples[1].text, "b");
        assert_eq!(data.examples[1].label, "y");
    }

    #[test]
    fn empty_and_header_only_files_are_errors() {
        assert!(read(b"").unwrap_err().to_string().contains("empty file"));
        assert!(
            read(b"text,label\n")
                .unwrap_err()
                .to_string()
                .contains("no data rows")
        );
    }
}
