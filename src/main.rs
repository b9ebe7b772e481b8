//! The `stance` command line: parses arguments, turns them into library
//! configurations, calls the library and writes its results. Exit codes:
//! 0 success, 1 data or runtime error, 2 usage error; a closed output pipe
//! (`stance classify ... | head`) ends quietly with 0.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use stance::analysis::{AnalyzerConfig, Language, NgramRange, StopWords};
use stance::data::{CsvColumns, read_labelled_csv};
use stance::evaluate::{RowPrediction, evaluate_rows, predict_rows, write_row_predictions};
use stance::explain::{
    Misclassified, ModelCard, fields_text, misclassified, misclassified_unexplained,
};
use stance::features::VectorizerParams;
use stance::learning_curve::learning_curve;
use stance::pairs::output as pair_output;
use stance::pairs::{
    Fnc1Columns, PairColumns, PairData, PairModel, Stages, read_fnc1, read_pair_csv, train_pairs,
};
use stance::persist::LoadedModel;
use stance::pipeline::argmax;
use stance::{
    Algorithm, ClassWeight, ClassifierParams, Error, OutputFormat, PredictionWriter, Progress,
    Result, StanceModel, TrainConfig, classify_files, cross_validate, persist, report, train,
};

/// mimalloc: classify and train allocate many small strings (sentences,
/// terms, JSON), and it is markedly faster at that than the system malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "stance",
    version,
    about = "Find the claims in news articles and label their stance: accusation, denial or neutral."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on a labelled CSV and save it.
    Train(TrainCommand),
    /// Measure a model on a labelled CSV.
    Evaluate(EvaluateCommand),
    /// Estimate accuracy by stratified k-fold cross-validation.
    CrossValidate(CrossValidateCommand),
    /// Label every sentence of plain-text articles.
    Classify(ClassifyCommand),
    /// Show a model's card and, for sentence models, the terms that most favour each label
    Inspect(InspectCommand),
    /// Macro-F1 against training-set size, to see whether more data helps.
    LearningCurve(LearningCurveCommand),
}

#[derive(Args)]
struct LearningCurveCommand {
    /// Labelled CSV to draw training subsets from.
    #[arg(long, value_name = "FILE.csv")]
    data: PathBuf,
    /// Labelled CSV to score every point on [default: a stratified 20% held out of --data]
    #[arg(long, value_name = "FILE.csv")]
    eval: Option<PathBuf>,
    /// Training-set fractions, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0.1,0.25,0.5,0.75,1.0")]
    fractions: Vec<f64>,
    /// Number of seeds per fraction (the --seed and the ones after it).
    #[arg(long, default_value_t = 3)]
    repeats: u64,
    /// Also write the curve as an SVG chart.
    #[arg(long, value_name = "FILE.svg")]
    svg: Option<PathBuf>,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    settings: TrainArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

#[derive(Args)]
struct InspectCommand {
    /// Model file [default: the built-in default model]
    #[arg(long, value_name = "FILE.model")]
    model: Option<PathBuf>,
    /// Terms to show per label.
    #[arg(long, default_value_t = 15)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

#[derive(Clone, Copy, ValueEnum)]
enum TextOrJson {
    Text,
    Json,
}

#[derive(Args)]
struct TrainCommand {
    /// Labelled CSV with a header row.
    #[arg(long, value_name = "FILE.csv")]
    data: PathBuf,
    /// Where to write the model (atomically).
    #[arg(long, value_name = "FILE.model")]
    out: PathBuf,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    pairs: PairArgs,
    /// For pairs: the sentence model that scores the article's sentences
    /// [default: the built-in default model]
    #[arg(long, value_name = "FILE.model")]
    sentence_model: Option<PathBuf>,
    #[command(flatten)]
    settings: TrainArgs,
}

#[derive(Args)]
struct EvaluateCommand {
    /// Model file to evaluate.
    #[arg(long, value_name = "FILE.model")]
    model: PathBuf,
    /// Labelled CSV with a header row.
    #[arg(long, value_name = "FILE.csv")]
    data: PathBuf,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    pairs: PairArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Also write every row's gold and predicted label to this CSV.
    #[arg(long, value_name = "FILE.csv")]
    predictions: Option<PathBuf>,
    /// Also write an HTML report (report.html) and the figures
    /// (metrics.json) into this directory.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
}

#[derive(Args)]
struct CrossValidateCommand {
    /// Labelled CSV with a header row.
    #[arg(long, value_name = "FILE.csv")]
    data: PathBuf,
    /// Number of folds.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    #[command(flatten)]
    columns: ColumnArgs,
    #[command(flatten)]
    settings: TrainArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Also write an HTML report (report.html) and the figures
    /// (metrics.json) into this directory.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
}

#[derive(Args)]
struct ClassifyCommand {
    /// Model file [default: the model built into stance, trained on datasets/claims]
    #[arg(long, value_name = "FILE.model")]
    model: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ClassifyFormat::Text)]
    format: ClassifyFormat,
    /// Show, per sentence, the terms that pushed it towards its label and
    /// against the runner-up, with their contributions.
    #[arg(long)]
    explain: bool,
    /// Terms per explanation.
    #[arg(long, default_value_t = 5)]
    explain_terms: usize,
    /// Classify each article as a whole against this claim (needs a pair
    /// model): its stance and the sentences nearest the claim.
    #[arg(long)]
    claim: Option<String>,
    /// With --claim: sentences to show per article.
    #[arg(long, default_value_t = 3)]
    sentences: usize,
    /// Plain-text articles; `-` or none reads standard input.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Args)]
struct ColumnArgs {
    /// Name of the column that holds the text [default: text]
    #[arg(long)]
    text_column: Option<String>,
    /// Name of the column that holds the label [default: label; Stance with --bodies]
    #[arg(long)]
    label_column: Option<String>,
}

/// Claim-article pairs instead of sentences.
#[derive(Args)]
struct PairArgs {
    /// Pairs in one CSV: the column holding the claim (the article is in
    /// --text-column) [default with --bodies: Headline]
    #[arg(long)]
    claim_column: Option<String>,
    /// Pairs in FNC-1's layout: --data is the stances CSV (claim, body id,
    /// label) and this the bodies CSV, joined on --body-id-column.
    #[arg(long, value_name = "FILE.csv")]
    bodies: Option<PathBuf>,
    /// With --bodies: the body id column of both files.
    #[arg(long, default_value = "Body ID")]
    body_id_column: String,
    /// With --bodies: the body text column of the bodies file.
    #[arg(long, default_value = "articleBody")]
    body_column: String,
}

impl PairArgs {
    fn is_pair(&self) -> bool {
        self.claim_column.is_some() || self.bodies.is_some()
    }

    fn read(&self, data: &Path, columns: &ColumnArgs) -> Result<PairData> {
        match &self.bodies {
            Some(bodies) => {
                let defaults = Fnc1Columns::default();
                let fnc = Fnc1Columns {
                    claim: self.claim_column.clone().unwrap_or(defaults.claim),
                    body_id: self.body_id_column.clone(),
                    label: columns.label_column.clone().unwrap_or(defaults.label),
                    body: self.body_column.clone(),
                };
                read_fnc1(data, bodies, &fnc)
            }
            None => {
                let plain = columns.to_columns();
                let pair = PairColumns {
                    claim: self.claim_column.clone().unwrap_or_default(),
                    text: plain.text,
                    label: plain.label,
                };
                read_pair_csv(data, &pair)
            }
        }
    }
}

/// Training settings shared by `train` and `cross-validate`.
#[derive(Args)]
struct TrainArgs {
    /// Learning algorithm.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::LogisticRegression)]
    algorithm: AlgorithmArg,
    /// Seed for every random choice (class rebalancing, fold assignment).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Inverse regularisation strength (logistic regression, linear SVM).
    #[arg(long, default_value_t = ClassifierParams::default().c)]
    c: f64,
    /// Additive smoothing (naive Bayes).
    #[arg(long, default_value_t = ClassifierParams::default().smoothing)]
    smoothing: f64,
    /// Iteration limit of the logistic regression solver.
    #[arg(long, default_value_t = ClassifierParams::default().max_iterations)]
    max_iterations: u64,
    /// Rebalance classes of different sizes.
    #[arg(long, value_enum, default_value_t = ClassWeightArg::None)]
    class_weight: ClassWeightArg,
    /// Pair models: scale each label's score by a factor chosen for
    /// macro-F1 on out-of-fold predictions over this many folds (grouped by
    /// article), so that rare labels get predicted; 0: off.
    #[arg(long, default_value_t = 0, value_name = "FOLDS")]
    tune_bias: usize,
    /// Shortest word n-gram.
    #[arg(long, default_value_t = 1)]
    ngram_min: usize,
    /// Longest word n-gram.
    #[arg(long, default_value_t = 2)]
    ngram_max: usize,
    /// Keep terms found in at least this many training rows.
    #[arg(long, default_value_t = VectorizerParams::default().min_df)]
    min_df: usize,
    /// Drop terms found in more than this fraction of training rows.
    #[arg(long, default_value_t = VectorizerParams::default().max_df)]
    max_df: f64,
    /// Keep at most this many terms (0: no limit).
    #[arg(long, default_value_t = 50_000)]
    max_features: usize,
    /// Stop-word list.
    #[arg(long, value_enum, default_value_t = StopWordsArg::English)]
    stop_words: StopWordsArg,
    /// Snowball stemmer language, or `none`.
    #[arg(long, default_value = "english", value_parser = parse_stemmer)]
    stemmer: StemmerChoice,
    /// Keep case instead of lowercasing.
    #[arg(long)]
    no_lowercase: bool,
    /// Use raw term counts instead of 1 + ln(count).
    #[arg(long)]
    no_sublinear_tf: bool,
    /// Do not weight terms by inverse document frequency.
    #[arg(long)]
    no_idf: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum AlgorithmArg {
    LogisticRegression,
    NaiveBayes,
    LinearSvm,
}

#[derive(Clone, Copy, ValueEnum)]
enum ClassWeightArg {
    None,
    Balanced,
}

#[derive(Clone, Copy, ValueEnum)]
enum StopWordsArg {
    /// Function words; negations and stance words are kept
    English,
    /// The English list plus attribution words (say, said, told, according, ...)
    EnglishNews,
    /// Keep every word
    None,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum ClassifyFormat {
    Text,
    Jsonl,
    Csv,
}

/// A Snowball language or none (a newtype: clap reads `Option` as "optional").
#[derive(Clone, Copy)]
struct StemmerChoice(Option<Language>);

fn parse_stemmer(name: &str) -> std::result::Result<StemmerChoice, String> {
    if name == "none" {
        return Ok(StemmerChoice(None));
    }
    Language::from_name(name)
        .map(|l| StemmerChoice(Some(l)))
        .ok_or_else(|| {
            let names: Vec<&str> = Language::ALL.iter().map(|l| l.name()).collect();
            format!("expected `none` or one of {}", names.join(", "))
        })
}

impl TrainArgs {
    fn to_config(&self) -> Result<TrainConfig> {
        let config = TrainConfig {
            analyzer: AnalyzerConfig {
                lowercase: !self.no_lowercase,
                stop_words: match self.stop_words {
                    StopWordsArg::English => StopWords::English,
                    StopWordsArg::EnglishNews => StopWords::EnglishNews,
                    StopWordsArg::None => StopWords::None,
                },
                stemmer: self.stemmer.0,
                ngram_range: NgramRange::new(self.ngram_min, self.ngram_max)?,
            },
            vectorizer: VectorizerParams {
                min_df: self.min_df,
                max_df: self.max_df,
                max_features: (self.max_features > 0).then_some(self.max_features),
                sublinear_tf: !self.no_sublinear_tf,
                use_idf: !self.no_idf,
            },
            classifier: ClassifierParams {
                algorithm: match self.algorithm {
                    AlgorithmArg::LogisticRegression => Algorithm::LogisticRegression,
                    AlgorithmArg::NaiveBayes => Algorithm::NaiveBayes,
                    AlgorithmArg::LinearSvm => Algorithm::LinearSvm,
                },
                c: self.c,
                smoothing: self.smoothing,
                max_iterations: self.max_iterations,
            },
            class_weight: match self.class_weight {
                ClassWeightArg::None => ClassWeight::None,
                ClassWeightArg::Balanced => ClassWeight::Balanced,
            },
            seed: self.seed,
            bias_folds: self.tune_bias,
        };
        config.validate()?;
        Ok(config)
    }
}

impl ColumnArgs {
    fn to_columns(&self) -> CsvColumns {
        CsvColumns {
            text: self
                .text_column
                .clone()
                .unwrap_or_else(|| "text".to_owned()),
            label: self
                .label_column
                .clone()
                .unwrap_or_else(|| "label".to_owned()),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors exit with 2
    let result = match cli.command {
        Command::Train(cmd) => run_train(cmd),
        Command::Evaluate(cmd) => run_evaluate(cmd),
        Command::CrossValidate(cmd) => run_cross_validate(cmd),
        Command::Classify(cmd) => run_classify(cmd),
        Command::Inspect(cmd) => run_inspect(cmd),
        Command::LearningCurve(cmd) => run_learning_curve(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("stance: {err}");
            ExitCode::from(match err {
                Error::InvalidParameter(_) => 2,
                _ => 1,
            })
        }
    }
}

fn run_train(cmd: TrainCommand) -> Result<()> {
    if cmd.pairs.is_pair() {
        return run_train_pairs(cmd);
    }
    let config = cmd.settings.to_config()?;
    let started = Instant::now();
    let data = read_labelled_csv(&cmd.data, &cmd.columns.to_columns())?;
    let progress = TerminalProgress::new();
    let model = train(&data, &config, &progress)?;
    persist::save(&model, &cmd.out)?;
    let shape = format!("{} rows", data.examples.len());
    write_train_summary(
        &config,
        &shape,
        &model.labels,
        model.vectorizer.n_features(),
        started,
        &cmd.out,
    )
}

/// The one line `train` prints.
fn write_train_summary(
    config: &TrainConfig,
    shape: &str,
    labels: &[String],
    vocabulary: usize,
    started: Instant,
    out: &Path,
) -> Result<()> {
    let summary = format!(
        "trained {} on {shape}, {} classes ({}), vocabulary {vocabulary} terms, in {:.1} s -> {}\n",
        config.classifier.algorithm,
        labels.len(),
        labels.join(", "),
        started.elapsed().as_secs_f64(),
        out.display()
    );
    write_stdout(summary.as_bytes())
}

fn run_train_pairs(cmd: TrainCommand) -> Result<()> {
    let config = cmd.settings.to_config()?;
    let started = Instant::now();
    let data = cmd.pairs.read(&cmd.data, &cmd.columns)?;
    let sentence_model = load_model(cmd.sentence_model.as_deref())?;
    let progress = TerminalProgress::new();
    let model = train_pairs(&data, &config, sentence_model, &progress)?;
    persist::save_pair(&model, &cmd.out)?;
    let design = match model.stages {
        Stages::Single(_) => "one stage",
        Stages::TwoStage { .. } => "two stages",
    };
    let shape = format!(
        "{} pairs ({} bodies, {design})",
        data.examples.len(),
        data.bodies.len()
    );
    write_train_summary(
        &config,
        &shape,
        &model.labels,
        model.vectorizer.n_features(),
        started,
        &cmd.out,
    )
}

fn run_evaluate(cmd: EvaluateCommand) -> Result<()> {
    let model = match persist::load_any(&cmd.model)? {
        LoadedModel::Sentence(model) => *model,
        LoadedModel::Pair(model) => return run_evaluate_pairs(&cmd, &model),
    };
    if cmd.pairs.is_pair() {
        return Err(Error::InvalidParameter(format!(
            "{} is a sentence model; --claim-column and --bodies need a pair model",
            cmd.model.display()
        )));
    }
    let data = read_labelled_csv(&cmd.data, &cmd.columns.to_columns())?;
    let rows = predict_rows(&model, &data)?;
    finish_evaluation(
        &cmd,
        &rows,
        &data_summary(&data.path, data.examples.len(), &data.sha256),
        || {
            let analyzer = model.analyzer()?;
            Ok((
                ModelCard::new(&model, REPORT_TERMS).fields(),
                misclassified(&model, &analyzer, &rows, REPORT_TERMS),
            ))
        },
    )
}

/// Writes what `evaluate` writes for `rows`: the predictions CSV and the
/// report when asked for (`card_and_errors` makes the report's model card
/// and explained errors), and the metrics on stdout.
fn finish_evaluation(
    cmd: &EvaluateCommand,
    rows: &[RowPrediction],
    data: &report::DataSummary,
    card_and_errors: impl FnOnce() -> Result<(Vec<(&'static str, String)>, Vec<Misclassified>)>,
) -> Result<()> {
    if let Some(path) = &cmd.predictions {
        let mut bytes = Vec::new();
        write_row_predictions(&mut bytes, rows).map_err(|e| Error::io(path, e))?;
        persist::write_atomically(path, &bytes)?;
    }
    let evaluation = evaluate_rows(rows);
    if let Some(dir) = &cmd.report {
        let (card, errors) = card_and_errors()?;
        let html = report::evaluation_html(&card, data, &evaluation, &errors);
        report::write_report(dir, &html, &evaluation)?;
    }
    let report = match cmd.format {
        ReportFormat::Text => evaluation.to_text(),
        ReportFormat::Markdown => evaluation.to_markdown(),
        ReportFormat::Json => json_line(&evaluation),
    };
    write_stdout(report.as_bytes())
}

fn run_cross_validate(cmd: CrossValidateCommand) -> Result<()> {
    let config = cmd.settings.to_config()?;
    let data = read_labelled_csv(&cmd.data, &cmd.columns.to_columns())?;
    let progress = TerminalProgress::new();
    let result = cross_validate(&data, &config, cmd.folds, &progress)?;
    if let Some(dir) = &cmd.report {
        let html = report::cross_validation_html(
            &config,
            &data_summary(&data.path, data.examples.len(), &data.sha256),
            &result,
        );
        report::write_report(dir, &html, &result)?;
    }
    let report = match cmd.format {
        ReportFormat::Json => json_line(&result),
        ReportFormat::Text | ReportFormat::Markdown => result.to_text(),
    };
    write_stdout(report.as_bytes())
}

fn run_evaluate_pairs(cmd: &EvaluateCommand, model: &PairModel) -> Result<()> {
    if !cmd.pairs.is_pair() {
        return Err(Error::InvalidParameter(format!(
            "{} is a claim-article pair model: give --claim-column (one CSV) or --bodies (FNC-1 layout)",
            cmd.model.display()
        )));
    }
    let data = cmd.pairs.read(&cmd.data, &cmd.columns)?;
    let predictor = model.predictor()?;
    let probabilities = predictor.predict_data(&data);
    let rows: Vec<RowPrediction> = data
        .examples
        .iter()
        .zip(probabilities.outer_iter())
        .map(|(example, scores)| {
            let best = argmax(scores.iter().copied());
            RowPrediction {
                line: example.line,
                text: example.claim.clone(),
                gold: example.label.clone(),
                predicted: model.labels[best].clone(),
                confidence: scores[best],
            }
        })
        .collect();
    let summary = data_summary(&data.path, data.examples.len(), &data.sha256);
    // Pair errors are listed without term explanations: a pair's score is
    // not one linear function of the words.
    finish_evaluation(cmd, &rows, &summary, || {
        Ok((model.card_fields(), misclassified_unexplained(&rows)))
    })
}

fn run_classify_claim(cmd: &ClassifyCommand, claim: &str) -> Result<()> {
    let Some(path) = cmd.model.as_deref() else {
        return Err(Error::InvalidParameter(
            "--claim needs a pair model: pass --model FILE.model (see `stance train --claim-column`)"
                .to_owned(),
        ));
    };
    if claim.trim().is_empty() {
        return Err(Error::InvalidParameter("--claim is empty".to_owned()));
    }
    let model = persist::load_pair(path)?;
    let predictor = model.predictor()?;
    let mut out = BufWriter::new(io::stdout().lock());
    for file in &article_files(&cmd.files) {
        let (source, text) = pair_output::read_article(file)?;
        let stance =
            pair_output::classify_article(&predictor, claim, &source, &text, cmd.sentences);
        match cmd.format {
            ClassifyFormat::Jsonl => pair_output::write_jsonl(&mut out, &stance),
            ClassifyFormat::Text => pair_output::write_text(&mut out, &stance),
            ClassifyFormat::Csv => {
                return Err(Error::InvalidParameter(
                    "--claim prints text or jsonl, not csv".to_owned(),
                ));
            }
        }
        .map_err(|e| Error::io("<stdout>", e))?;
    }
    out.flush().map_err(|e| Error::io("<stdout>", e))
}

/// Terms shown per misclassified row in a report.
const REPORT_TERMS: usize = 6;

fn data_summary(path: &Path, rows: usize, sha256: &str) -> report::DataSummary {
    report::DataSummary {
        path: path.display().to_string(),
        rows,
        sha256: sha256.to_owned(),
    }
}

/// The article files to read: standard input when none are given.
fn article_files(files: &[PathBuf]) -> Vec<PathBuf> {
    if files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        files.to_vec()
    }
}

fn run_classify(cmd: ClassifyCommand) -> Result<()> {
    if let Some(claim) = &cmd.claim {
        return run_classify_claim(&cmd, claim);
    }
    let model = load_model(cmd.model.as_deref())?;
    let analyzer = model.analyzer()?;
    let format = match cmd.format {
        ClassifyFormat::Text => OutputFormat::Text,
        ClassifyFormat::Jsonl => OutputFormat::Jsonl,
        ClassifyFormat::Csv => OutputFormat::Csv,
    };
    let stdout = io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut writer = PredictionWriter::new(
        BufWriter::new(stdout.lock()),
        format,
        model.labels.clone(),
        color,
    );
    let files = article_files(&cmd.files);
    let explain_terms = if cmd.explain { cmd.explain_terms } else { 0 };
    classify_files(&model, &analyzer, &files, explain_terms, |predictions| {
        writer.write_article(predictions)
    })?;
    writer.flush().map_err(|e| Error::io("<stdout>", e))
}

fn run_learning_curve(cmd: LearningCurveCommand) -> Result<()> {
    let config = cmd.settings.to_config()?;
    if cmd.repeats == 0 {
        return Err(Error::InvalidParameter(
            "repeats 0: must be >= 1".to_owned(),
        ));
    }
    let columns = cmd.columns.to_columns();
    let data = read_labelled_csv(&cmd.data, &columns)?;
    let eval = cmd
        .eval
        .as_deref()
        .map(|path| read_labelled_csv(path, &columns))
        .transpose()?;
    let seeds: Vec<u64> = (0..cmd.repeats)
        .map(|i| config.seed.wrapping_add(i))
        .collect();
    let progress = TerminalProgress::new();
    let curve = learning_curve(
        &data,
        eval.as_ref(),
        &config,
        &cmd.fractions,
        &seeds,
        &progress,
    )?;
    if let Some(path) = &cmd.svg {
        persist::write_atomically(path, curve.to_svg().as_bytes())?;
    }
    let report = match cmd.format {
        TextOrJson::Text => curve.to_text(),
        TextOrJson::Json => json_line(&curve),
    };
    write_stdout(report.as_bytes())
}

fn run_inspect(cmd: InspectCommand) -> Result<()> {
    let model = match &cmd.model {
        Some(path) => persist::load_any(path)?,
        None => LoadedModel::Sentence(Box::new(load_model(None)?)),
    };
    let report = match model {
        LoadedModel::Sentence(model) => {
            let card = ModelCard::new(&model, cmd.top);
            match cmd.format {
                TextOrJson::Text => card.to_text(),
                TextOrJson::Json => json_line(&card),
            }
        }
        // A pair model's weights sit on pair features (shared terms,
        // similarities), so its card has no per-label term list.
        LoadedModel::Pair(model) => {
            let fields = model.card_fields();
            match cmd.format {
                TextOrJson::Text => fields_text(&fields),
                TextOrJson::Json => {
                    let card: serde_json::Map<String, serde_json::Value> = fields
                        .into_iter()
                        .map(|(key, value)| (key.to_owned(), value.into()))
                        .collect();
                    json_line(&card)
                }
            }
        }
    };
    write_stdout(report.as_bytes())
}

#[cfg(has_default_model)]
const DEFAULT_MODEL: Option<&[u8]> = Some(include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/models/default.model"
)));
#[cfg(not(has_default_model))]
const DEFAULT_MODEL: Option<&[u8]> = None;

fn load_model(path: Option<&Path>) -> Result<StanceModel> {
    match (path, DEFAULT_MODEL) {
        (Some(path), _) => persist::load(path),
        (None, Some(bytes)) => persist::from_bytes(bytes, Path::new("<built-in default model>")),
        (None, None) => Err(Error::InvalidParameter(
            "this stance was built without a default model; pass --model FILE".to_owned(),
        )),
    }
}

fn json_line<T: serde::Serialize>(value: &T) -> String {
    let mut line = serde_json::to_string(value).expect("metrics serialise to JSON");
    line.push('\n');
    line
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("<stdout>", e))
}

/// Progress bars on stderr, shown only when stderr is a terminal and a
/// phase has been running for more than a second.
struct TerminalProgress {
    bar: Mutex<Option<ProgressBar>>,
    enabled: bool,
}

impl TerminalProgress {
    fn new() -> Self {
        TerminalProgress {
            bar: Mutex::new(None),
            enabled: io::stderr().is_terminal(),
        }
    }
}

impl Progress for TerminalProgress {
    fn start(&self, phase: &str, total: Option<u64>) {
        if !self.enabled {
            return;
        }
        let bar = match total {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden())
                .with_style(
                    ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})")
                        .expect("valid template")
                        .progress_chars("=> "),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
                ProgressStyle::with_template("{msg:>10} {spinner} {elapsed}")
                    .expect("valid template"),
            ),
        };
        bar.set_message(phase.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn advance(&self, steps: u64) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.inc(steps);
        }
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}
