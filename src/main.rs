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
use stance::evaluate::{evaluate_rows, predict_rows, write_row_predictions};
use stance::explain::ModelCard;
use stance::features::VectorizerParams;
use stance::learning_curve::learning_curve;
use stance::{
    Algorithm, ClassWeight, ClassifierParams, Error, OutputFormat, PredictionWriter, Progress,
    Result, StanceModel, TrainConfig, classify_files, cross_validate, persist, train,
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
    /// Show a model's card and the terms that most favour each label.
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Also write every row's gold and predicted label to this CSV.
    #[arg(long, value_name = "FILE.csv")]
    predictions: Option<PathBuf>,
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
    /// Plain-text articles; `-` or none reads standard input.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Args)]
struct ColumnArgs {
    /// Name of the column that holds the text.
    #[arg(long, default_value = "text")]
    text_column: String,
    /// Name of the column that holds the label.
    #[arg(long, default_value = "label")]
    label_column: String,
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
    English,
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
        };
        config.validate()?;
        Ok(config)
    }
}

impl ColumnArgs {
    fn to_columns(&self) -> CsvColumns {
        CsvColumns {
            text: self.text_column.clone(),
            label: self.label_column.clone(),
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
    let config = cmd.settings.to_config()?;
    let started = Instant::now();
    let data = read_labelled_csv(&cmd.data, &cmd.columns.to_columns())?;
    let progress = TerminalProgress::new();
    let model = train(&data, &config, &progress)?;
    persist::save(&model, &cmd.out)?;
    let summary = format!(
        "trained {} on {} rows, {} classes ({}), vocabulary {} terms, in {:.1} s -> {}\n",
        config.classifier.algorithm,
        data.examples.len(),
        model.labels.len(),
        model.labels.join(", "),
        model.vectorizer.n_features(),
        started.elapsed().as_secs_f64(),
        cmd.out.display()
    );
    write_stdout(summary.as_bytes())
}

fn run_evaluate(cmd: EvaluateCommand) -> Result<()> {
    let model = persist::load(&cmd.model)?;
    let data = read_labelled_csv(&cmd.data, &cmd.columns.to_columns())?;
    let rows = predict_rows(&model, &data)?;
    if let Some(path) = &cmd.predictions {
        let mut bytes = Vec::new();
        write_row_predictions(&mut bytes, &rows).map_err(|e| Error::io(path, e))?;
        persist::write_atomically(path, &bytes)?;
    }
    let evaluation = evaluate_rows(&rows);
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
    let report = match cmd.format {
        ReportFormat::Json => json_line(&result),
        ReportFormat::Text | ReportFormat::Markdown => result.to_text(),
    };
    write_stdout(report.as_bytes())
}

fn run_classify(cmd: ClassifyCommand) -> Result<()> {
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
    let stdin_only = [PathBuf::from("-")];
    let files = if cmd.files.is_empty() {
        &stdin_only[..]
    } else {
        &cmd.files[..]
    };
    let explain_terms = if cmd.explain { cmd.explain_terms } else { 0 };
    classify_files(&model, &analyzer, files, explain_terms, |predictions| {
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
    let model = load_model(cmd.model.as_deref())?;
    let card = ModelCard::new(&model, cmd.top);
    let report = match cmd.format {
        TextOrJson::Text => card.to_text(),
        TextOrJson::Json => json_line(&card),
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
