//! Criterion benchmarks of the hot paths, on the project's own text (so they
//! run on any checkout): sentence splitting, the analyzer (tokenise, stop
//! words, stem, n-grams), vectorising, prediction with the default model,
//! classifying whole articles, and the training fit.
//!
//! Every path is measured twice over the same work, once with a throughput
//! in bytes (criterion prints MB/s) and once in sentences (elements/s).
//! Run: `cargo bench --bench pipeline` (a subset: `cargo bench -- analyzer`).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use stance::data::{CsvColumns, LabelledData, read_labelled_csv};
use stance::{NoProgress, StanceModel, TrainConfig, classify_text, persist, split_sentences};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Labelled sentences of the claim corpus (train and test).
fn corpus() -> (LabelledData, Vec<String>) {
    let train = read_labelled_csv(&repo("datasets/claims/train.csv"), &CsvColumns::default())
        .expect("datasets/claims/train.csv");
    let test = read_labelled_csv(&repo("datasets/claims/test.csv"), &CsvColumns::default())
        .expect("datasets/claims/test.csv");
    let sentences = train
        .examples
        .iter()
        .chain(&test.examples)
        .map(|e| e.text.clone())
        .collect();
    (train, sentences)
}

/// An article-shaped text: the corpus sentences in paragraphs of five, after
/// the example article.
fn article_text(sentences: &[String]) -> String {
    let mut text = std::fs::read_to_string(repo("datasets/examples/port-blockade-article.txt"))
        .expect("example article");
    for paragraph in sentences.chunks(5) {
        text.push_str("\n\n");
        text.push_str(&paragraph.join(" "));
    }
    text
}

/// Registers `f` under `name/bytes` and `name/sentences`.
fn both(
    group: &mut BenchmarkGroup<'_, WallTime>,
    bytes: usize,
    sentences: usize,
    mut f: impl FnMut(),
) {
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("bytes", |b| b.iter(&mut f));
    group.throughput(Throughput::Elements(sentences as u64));
    group.bench_function("sentences", |b| b.iter(&mut f));
}

fn group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group
}

fn default_model() -> StanceModel {
    persist::load(&repo("models/default.model")).expect("models/default.model")
}

fn benches(c: &mut Criterion) {
    let (train, sentences) = corpus();
    let bytes: usize = sentences.iter().map(String::len).sum();
    let n = sentences.len();
    let text = article_text(&sentences);
    let n_split = split_sentences(&text).len();
    let model = default_model();
    let analyzer = model.analyzer().unwrap();

    let mut g = group(c, "split_sentences");
    both(&mut g, text.len(), n_split, || {
        black_box(split_sentences(black_box(&text)));
    });
    g.finish();

    let mut g = group(c, "analyzer");
    both(&mut g, bytes, n, || {
        for s in &sentences {
            black_box(analyzer.term_texts(black_box(s)));
        }
    });
    g.finish();

    let terms: Vec<Vec<String>> = sentences.iter().map(|s| analyzer.term_texts(s)).collect();
    let mut g = group(c, "vectorize");
    both(&mut g, bytes, n, || {
        for t in &terms {
            black_box(model.vectorizer.transform(black_box(t)));
        }
    });
    g.finish();

    // Analyse, vectorise and score, in parallel as classify does.
    let mut g = group(c, "predict_proba");
    both(&mut g, bytes, n, || {
        black_box(model.predict_proba(&analyzer, black_box(&sentences)));
    });
    g.finish();

    // Everything classify does but reading and writing: split, predict,
    // assemble the per-sentence results.
    let mut g = group(c, "classify_text");
    both(&mut g, text.len(), n_split, || {
        black_box(classify_text(
            &model,
            &analyzer,
            "bench",
            black_box(&text),
            0,
        ));
    });
    g.finish();

    // The whole training run on datasets/claims/train.csv (the default
    // model's settings), counted in training rows.
    let config = TrainConfig {
        classifier: stance::ClassifierParams {
            c: 3.0,
            ..Default::default()
        },
        ..TrainConfig::default()
    };
    let train_bytes: usize = train.examples.iter().map(|e| e.text.len()).sum();
    let mut g = c.benchmark_group("train_claims");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    both(&mut g, train_bytes, train.examples.len(), || {
        black_box(stance::train(&train, &config, &NoProgress).unwrap());
    });
    g.finish();
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
