//! Checks on the shipped claim corpus (datasets/claims): size, label and
//! domain balance, no near-duplicate sentences, no test sentence that
//! shares an 8-word run with the training file, and (when ../shared is
//! beside the repo) no sentence that shares an 8-word run with the real
//! sentences of the dev set, which must never be copied into the corpus.

use std::collections::{HashMap, HashSet};
use std::path::Path;

struct Row {
    id: String,
    text: String,
    label: String,
    domain: String,
}

fn read(name: &str) -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets/claims")
        .join(name);
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, ["id", "text", "label", "domain"], "{name}");
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            Row {
                id: r[0].to_owned(),
                text: r[1].to_owned(),
                label: r[2].to_owned(),
                domain: r[3].to_owned(),
            }
        })
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn shares(rows: &[Row], key: impl Fn(&Row) -> &str) -> HashMap<String, f64> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for row in rows {
        *counts.entry(key(row).to_owned()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(k, n)| (k, n as f64 / rows.len() as f64))
        .collect()
}

#[test]
fn files_are_large_enough_and_balanced() {
    for (name, minimum) in [("train.csv", 4000), ("test.csv", 800)] {
        let rows = read(name);
        assert!(rows.len() >= minimum, "{name}: {} rows", rows.len());
        let labels = shares(&rows, |r| &r.label);
        let mut names: Vec<&String> = labels.keys().collect();
        names.sort();
        assert_eq!(names, ["accusation", "denial", "neutral"], "{name}");
        for (label, share) in &labels {
            assert!(*share >= 0.25, "{name}: {label} is {:.1}%", share * 100.0);
        }
        let domains = shares(&rows, |r| &r.domain);
        assert!(domains.len() >= 15, "{name}: {} domains", domains.len());
        for (domain, share) in &domains {
            assert!(*share <= 0.15, "{name}: {domain} is {:.1}%", share * 100.0);
        }
        let ids: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), rows.len(), "{name}: ids are unique");
        assert!(
            rows.iter().all(|r| !r.text.trim().is_empty()),
            "{name}: empty text"
        );
    }
}

fn runs(words: &[String], n: usize) -> impl Iterator<Item = &[String]> {
    words.windows(n)
}

/// Fails on the first row that shares an 8-word run with any of `texts`.
fn assert_no_shared_eight_word_run<'a>(
    rows: impl Iterator<Item = &'a Row>,
    texts: &[String],
    source: &str,
) {
    let text_words: Vec<Vec<String>> = texts.iter().map(|t| words(t)).collect();
    let known: HashSet<&[String]> = text_words.iter().flat_map(|w| runs(w, 8)).collect();
    for row in rows {
        let w = words(&row.text);
        let shared = runs(&w, 8).find(|run| known.contains(run));
        assert!(
            shared.is_none(),
            "{} shares {:?} with {source}",
            row.id,
            shared
        );
    }
}

#[test]
fn no_test_sentence_shares_an_eight_word_run_with_train() {
    let train: Vec<String> = read("train.csv").into_iter().map(|r| r.text).collect();
    assert_no_shared_eight_word_run(read("test.csv").iter(), &train, "train.csv");
}

#[test]
fn no_sentence_shares_an_eight_word_run_with_the_dev_set() {
    let dev_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/labels/dev.csv");
    if !dev_path.exists() {
        eprintln!("skipped: {} is missing", dev_path.display());
        return;
    }
    let mut reader = csv::Reader::from_path(&dev_path).unwrap();
    let dev: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
    assert!(dev.len() >= 100, "dev.csv has {} rows", dev.len());
    let corpus: Vec<Row> = read("train.csv")
        .into_iter()
        .chain(read("test.csv"))
        .collect();
    assert_no_shared_eight_word_run(corpus.iter(), &dev, "dev.csv");
}

/// Word-level edit distance, giving up (returning `cap + 1`) beyond `cap`.
fn edit_distance(a: &[String], b: &[String], cap: usize) -> usize {
    if a.len().abs_diff(b.len()) > cap {
        return cap + 1;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            current[j + 1] = (previous[j + 1] + 1)
                .min(current[j] + 1)
                .min(previous[j] + usize::from(x != y));
        }
        previous = current;
    }
    previous[b.len()]
}

#[test]
fn no_two_sentences_are_a_light_edit_apart() {
    let mut rows = read("train.csv");
    rows.extend(read("test.csv"));
    let tokens: Vec<Vec<String>> = rows.iter().map(|r| words(&r.text)).collect();
    // Candidate pairs share many word bigrams; only they get the exact check.
    let mut by_bigram: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, t) in tokens.iter().enumerate() {
        let bigrams: HashSet<(&str, &str)> = t
            .windows(2)
            .map(|w| (w[0].as_str(), w[1].as_str()))
            .collect();
        for bigram in bigrams {
            by_bigram.entry(bigram).or_default().push(i);
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for ids in by_bigram.values().filter(|ids| ids.len() <= 300) {
        for (k, &a) in ids.iter().enumerate() {
            for &b in &ids[k + 1..] {
                *shared.entry((a, b)).or_default() += 1;
            }
        }
    }
    let mut near = Vec::new();
    for ((a, b), n) in shared {
        let smaller = tokens[a].len().min(tokens[b].len()).saturating_sub(1);
        if smaller == 0 || (n as f64) < 0.5 * smaller as f64 {
            continue;
        }
        // A light edit: at most a fifth of the words (and at least 2) changed.
        let cap = (tokens[a].len().max(tokens[b].len()) / 5).max(2);
        if edit_distance(&tokens[a], &tokens[b], cap) <= cap {
            near.push(format!("{} ~ {}", rows[a].id, rows[b].id));
        }
    }
    assert!(near.is_empty(), "near-duplicates: {near:?}");
}

#[test]
fn edit_distance_counts_word_changes() {
    let a = words("the ministry denied the report");
    let b = words("the ministry rejected the report");
    assert_eq!(edit_distance(&a, &b, 5), 1);
    assert_eq!(edit_distance(&a, &words("a b"), 1), 2);
}
