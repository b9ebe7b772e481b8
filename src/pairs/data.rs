//! Claim-article pairs: a claim, an article body and the body's stance
//! towards the claim, read from one CSV (claim, text and label columns) or
//! from FNC-1's two-file layout (stances joined to bodies on `Body ID`).
//!
//! Bodies are stored once and shared: FNC-1 pairs 1,683 bodies with 49,972
//! claims, and everything computed from a body (its sentences, their vectors
//! and stances) is then computed once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::data::{Column, open_csv, read_columns};
use crate::error::{Error, Result};

/// One labelled pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairExample {
    pub claim: String,
    /// Index into [`PairData::bodies`].
    pub body: usize,
    pub label: String,
    /// The line of the row in the (stances) CSV.
    pub line: u64,
}

/// Labelled pairs and the distinct bodies they refer to.
#[derive(Debug, Clone)]
pub struct PairData {
    /// The CSV the pairs were read from (the stances file for FNC-1).
    pub path: PathBuf,
    pub bodies: Vec<String>,
    pub examples: Vec<PairExample>,
    /// SHA-256 of the input: of the CSV, or for FNC-1 of the two files'
    /// hashes joined, so a change to either changes it.
    pub sha256: String,
}

impl PairData {
    /// The sorted, distinct labels.
    pub fn labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = self.examples.iter().map(|e| e.label.clone()).collect();
        labels.sort_unstable();
        labels.dedup();
        labels
    }

    /// The body text of `example`.
    pub fn body(&self, example: &PairExample) -> &str {
        &self.bodies[example.body]
    }
}

/// Column names of a one-file pair CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairColumns {
    pub claim: String,
    pub text: String,
    pub label: String,
}

/// Column names of FNC-1's layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fnc1Columns {
    /// In the stances file: the claim.
    pub claim: String,
    /// In both files: the body's id.
    pub body_id: String,
    /// In the stances file: the label.
    pub label: String,
    /// In the bodies file: the body text.
    pub body: String,
}

impl Default for Fnc1Columns {
    fn default() -> Self {
        Fnc1Columns {
            claim: "Headline".to_owned(),
            body_id: "Body ID".to_owned(),
            label: "Stance".to_owned(),
            body: "articleBody".to_owned(),
        }
    }
}

/// Reads a pair CSV: one row per pair, body text in its own column.
pub fn read_pair_csv(path: &Path, columns: &PairColumns) -> Result<PairData> {
    let table = read_columns(
        open_csv(path)?,
        path,
        &[
            Column::required("claim", &columns.claim),
            Column::required("text", &columns.text),
            Column::required("label", &columns.label),
        ],
    )?;
    let mut bodies = Vec::new();
    let mut body_index: HashMap<String, usize> = HashMap::new();
    let mut examples = Vec::with_capacity(table.rows.len());
    for row in table.rows {
        let [claim, text, label]: [String; 3] = row.fields.try_into().expect("three columns");
        let body = *body_index.entry(text).or_insert_with_key(|text| {
            bodies.push(text.clone());
            bodies.len() - 1
        });
        examples.push(PairExample {
            claim,
            body,
            label: label.trim().to_owned(),
            line: row.line,
        });
    }
    Ok(PairData {
        path: path.to_owned(),
        bodies,
        examples,
        sha256: table.sha256,
    })
}

/// Reads FNC-1's layout: a stances CSV (claim, body id, label) joined to a
/// bodies CSV (body id, body text). An id missing from the bodies, or given
/// twice there, is an error naming the line.
pub fn read_fnc1(stances: &Path, bodies_path: &Path, columns: &Fnc1Columns) -> Result<PairData> {
    let body_table = read_columns(
        open_csv(bodies_path)?,
        bodies_path,
        &[
            Column::required("body id", &columns.body_id),
            Column::required("body", &columns.body),
        ],
    )?;
    let mut bodies = Vec::with_capacity(body_table.rows.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for row in body_table.rows {
        let [id, text]: [String; 2] = row.fields.try_into().expect("two columns");
        let id = id.trim().to_owned();
        if by_id.insert(id.clone(), bodies.len()).is_some() {
            return Err(Error::data(
                bodies_path,
                Some(row.line),
                Some(&columns.body_id),
                format!("body id `{id}` appears twice"),
            ));
        }
        bodies.push(text);
    }
    let stance_table = read_columns(
        open_csv(stances)?,
        stances,
        &[
            Column::required("claim", &columns.claim),
            Column::required("body id", &columns.body_id),
            Column::required("label", &columns.label),
        ],
    )?;
    let examples = stance_table
        .rows
        .into_iter()
        .map(|row| {
            let [claim, id, label]: [String; 3] = row.fields.try_into().expect("three columns");
            let body = *by_id.get(id.trim()).ok_or_else(|| {
                Error::data(
                    stances,
                    Some(row.line),
                    Some(&columns.body_id),
                    format!(
                        "body id `{}` is not in {}",
                        id.trim(),
                        bodies_path.display()
                    ),
                )
            })?;
            Ok(PairExample {
                claim,
                body,
                label: label.trim().to_owned(),
                line: row.line,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let joined = format!("{}\n{}\n", stance_table.sha256, body_table.sha256);
    Ok(PairData {
        path: stances.to_owned(),
        bodies,
        examples,
        sha256: crate::data::hex(&Sha256::digest(joined.as_bytes())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, name: &str, content: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    #[test]
    fn pair_csv_shares_repeated_bodies() {
        let dir = tempfile::tempdir().unwrap();
        let path = file(
            dir.path(),
            "pairs.csv",
            "claim,text,label\nA did it,Body one.,agree\nB did it,Body one.,unrelated\nC,Body two.,discuss\n",
        );
        let columns = PairColumns {
            claim: "claim".into(),
            text: "text".into(),
            label: "label".into(),
        };
        let data = read_pair_csv(&path, &columns).unwrap();
        assert_eq!(data.bodies, ["Body one.", "Body two."]);
        assert_eq!(data.examples[1].body, 0);
        assert_eq!(data.body(&data.examples[2]), "Body two.");
        assert_eq!(data.labels(), ["agree", "discuss", "unrelated"]);
    }

    #[test]
    fn fnc1_layout_joins_on_body_id() {
        let dir = tempfile::tempdir().unwrap();
        let bodies = file(
            dir.path(),
            "bodies.csv",
            "Body ID,articleBody\n7,\"Seven, with a comma.\"\n9,Nine.\n",
        );
        let stances = file(
            dir.path(),
            "stances.csv",
            "Headline,Body ID,Stance\nClaim x,9,agree\nClaim y,7,disagree\n",
        );
        let data = read_fnc1(&stances, &bodies, &Fnc1Columns::default()).unwrap();
        assert_eq!(data.examples.len(), 2);
        assert_eq!(data.body(&data.examples[0]), "Nine.");
        assert_eq!(data.body(&data.examples[1]), "Seven, with a comma.");
        assert_eq!(data.examples[1].line, 3);
        assert_eq!(data.sha256.len(), 64);
    }

    #[test]
    fn fnc1_unknown_and_duplicate_ids_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let bodies = file(dir.path(), "b.csv", "Body ID,articleBody\n1,One.\n");
        let stances = file(
            dir.path(),
            "s.csv",
            "Headline,Body ID,Stance\nx,1,agree\ny,2,agree\n",
        );
        let err = read_fnc1(&stances, &bodies, &Fnc1Columns::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("s.csv:3: field `Body ID`: body id `2` is not in"),
            "{err}"
        );
        let twice = file(
            dir.path(),
            "b2.csv",
            "Body ID,articleBody\n1,One.\n1,Again.\n",
        );
        let err = read_fnc1(&stances, &twice, &Fnc1Columns::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("b2.csv:3: field `Body ID`: body id `1` appears twice"),
            "{err}"
        );
    }
}
