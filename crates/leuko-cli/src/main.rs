//! `leuko`: the command line of the leuko clinical decision-support engine for leukopenia.
//!
//! A thin shell: it reads files, builds the knowledge base, calls the pure core and prints.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line program prints")]

mod assess;
mod eval;
mod ingest;
mod kb;
mod render;
mod serve;
mod site;
mod timeline;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// mimalloc instead of the system allocator: assessment is allocation-heavy (many short strings),
/// and glibc malloc/free took about a sixth of the CPU of a CDS Hooks call under load
/// (bench/runs/2026-11-27-vm/README.md, session 5).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Clinical decision support for leukopenia: detection, grading and causes from lab results.
/// Decision support for clinicians, not a diagnosis.
#[derive(Debug, Parser)]
#[command(name = "leuko", version, about, long_about = None)]
struct Cli {
    /// Use the knowledge base in this kb/ folder instead of the bundled one (for reviewers
    /// trying a change, or a site's edited copy); it is validated like the bundled one.
    #[arg(long, global = true, value_name = "DIR")]
    kb: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Assess a patient record (FHIR R4 Bundle or NDJSON) and print the assessment.
    Assess(AssessArgs),
    /// Show a patient's history in time order: counts and grades, drug exposures, baseline,
    /// projected crossings, due and overdue tests, and the alerts raised as each count arrived.
    Timeline(AssessArgs),
    /// Serve CDS Hooks, the REST API and a FHIR R4 read facade over the stored history.
    Serve(serve::ServeArgs),
    /// Receive HL7 v2 results (MLLP listener or a file replay) into the stored history.
    Ingest(ingest::IngestArgs),
    /// Consume the HL7 queue (NATS JetStream) into the database.
    Worker(ingest::WorkerArgs),
    /// Score the engine on vignettes (shared/eval layout): accuracy, grades, urgency, actions.
    Eval {
        /// The vignettes (JSON list).
        vignettes: PathBuf,
        /// The folder of their FHIR bundles (`<id>.json`).
        bundles: PathBuf,
        /// Site reference intervals; default: the vignette set's stated LLNs (WBC 4.0, ANC 1.8).
        #[arg(long, value_name = "FILE")]
        site: Option<PathBuf>,
        /// Fail (exit 1) when a total falls below the levels recorded in this TOML file.
        #[arg(long, value_name = "FILE")]
        ratchet: Option<PathBuf>,
    },
    /// Inspect and validate the knowledge base.
    Kb {
        #[command(subcommand)]
        command: KbCommand,
    },
}

#[derive(Debug, clap::Args)]
struct AssessArgs {
    /// Fix "now" (RFC 3339); records dated later are left out. Default: the current time.
    #[arg(long, value_name = "RFC 3339")]
    as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The site's laboratory reference intervals (TOML, see docs/assessment.md), used for results
    /// that carry no range of their own.
    #[arg(long, value_name = "FILE")]
    site: Option<PathBuf>,
    /// Assess only the patient with this id (when the input holds several).
    #[arg(long, value_name = "ID")]
    patient: Option<String>,
    /// How many ranked causes to list, each with its evidence (the whole differential with a
    /// large number).
    #[arg(long, value_name = "N", default_value_t = leuko_core::AssessConfig::CAUSES_SHOWN)]
    causes: usize,
    /// FHIR R4 Bundle or NDJSON file, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    input: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For a clinician at a terminal.
    Text,
    /// The documented JSON contract (docs/assessment.md).
    Json,
}

#[derive(Debug, Subcommand)]
enum KbCommand {
    /// Validate the knowledge base (the bundled one, or a kb/ folder) and list every problem.
    Check {
        /// A kb/ folder to check instead of the bundled one.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the knowledge base's causes and drugs as Markdown (the source of docs/kb.md).
    Doc,
    /// Print one entry (cause, drug, finding, source, analyte) by id.
    Show {
        /// The entry's id.
        id: String,
    },
    /// Show which findings a free-text statement is read as, and the causes each one weighs
    /// (for checking and correcting the synonym tables).
    Match {
        /// The statement, as a record would carry it (e.g. "s/p Roux-en-Y gastric bypass").
        text: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let kb_dir = cli.kb.as_deref();
    let result = match cli.command {
        Command::Assess(args) => assess::run(kb_dir, &args),
        Command::Timeline(args) => timeline::run(kb_dir, &args),
        Command::Serve(args) => serve::run(kb_dir, &args),
        Command::Ingest(args) => ingest::run(&args),
        Command::Worker(args) => ingest::worker(&args),
        Command::Eval { vignettes, bundles, site, ratchet } => {
            eval::run(kb_dir, &vignettes, &bundles, site.as_deref(), ratchet.as_deref())
        }
        Command::Kb { command: KbCommand::Check { dir } } => kb::check(dir.as_deref().or(kb_dir)),
        Command::Kb { command: KbCommand::Show { id } } => kb::show(kb_dir, &id),
        Command::Kb { command: KbCommand::Match { text } } => kb::match_text(kb_dir, &text),
        Command::Kb { command: KbCommand::Doc } => kb::load(kb_dir).map(|kb| {
            print!("{}", kb::markdown(&kb));
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("leuko: error: {error:#}");
            ExitCode::from(2)
        }
    }
}
