//! `leuko assess`: read a FHIR record, assess each patient, print text or the JSON contract.

use std::io::Read as _;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use leuko_core::{AssessConfig, KnowledgeBase, PatientRecord};

use crate::{AssessArgs, Format, render, site};

/// Reads the input named on the command line (`-` for standard input).
pub(crate) fn read_input(path: &std::path::Path) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("cannot read standard input")?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

/// Parses `--as-of`, or takes the current time.
pub(crate) fn as_of(text: Option<&str>) -> anyhow::Result<DateTime<Utc>> {
    match text {
        Some(text) => Ok(DateTime::parse_from_rfc3339(text)
            .with_context(|| format!("--as-of {text:?} is not an RFC 3339 time (e.g. 2026-01-15T08:00:00Z)"))?
            .with_timezone(&Utc)),
        None => Ok(Utc::now()),
    }
}

/// Assesses every patient of a FHIR input and converts to the JSON contract, adding the
/// adapter's own notes (skipped resource types, excluded records) as warnings.
pub(crate) fn assess_fhir(
    kb: &KnowledgeBase,
    text: &str,
    as_of: DateTime<Utc>,
    config: &AssessConfig,
    only: Option<&str>,
) -> anyhow::Result<Vec<leuko_api::Assessment>> {
    let input = leuko_fhir::read(text)?;
    let patients: Vec<&PatientRecord> =
        input.patients.iter().filter(|p| only.is_none_or(|id| p.id.as_deref() == Some(id))).collect();
    if patients.is_empty() {
        match only {
            Some(id) => bail!("no Patient with id {id:?} in the input"),
            None => bail!("the input holds no patient data (no Patient and no clinical resource)"),
        }
    }
    let mut shared = Vec::new();
    if !input.skipped.is_empty() {
        let list: Vec<String> = input.skipped.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        shared.push(leuko_api::Warning {
            code: "fhir-skipped".to_owned(),
            message: format!("resource types leuko does not read were skipped: {}", list.join(", ")),
            subject: None,
        });
    }
    for excluded in &input.excluded {
        shared.push(leuko_api::Warning {
            code: "fhir-excluded".to_owned(),
            message: format!("left out: {excluded}"),
            subject: None,
        });
    }
    for warning in &input.warnings {
        shared.push(leuko_api::Warning { code: "fhir-warning".to_owned(), message: warning.clone(), subject: None });
    }
    Ok(patients
        .into_iter()
        .map(|record| {
            let assessment = leuko_core::assess(kb, record, as_of, config);
            let mut out = leuko_api::Assessment::from(&assessment);
            out.warnings.extend(shared.iter().cloned());
            out
        })
        .collect())
}

/// What `assess` and `timeline` share: the knowledge base, "now", the site's intervals and the
/// input text.
pub(crate) fn prepare(
    kb_dir: Option<&std::path::Path>,
    args: &AssessArgs,
) -> anyhow::Result<(KnowledgeBase, DateTime<Utc>, AssessConfig, String)> {
    let kb = crate::kb::load(kb_dir)?;
    let as_of = as_of(args.as_of.as_deref())?;
    let site_intervals = match &args.site {
        Some(path) => site::read(path)?,
        None => Vec::new(),
    };
    Ok((kb, as_of, AssessConfig { site_intervals, causes_shown: args.causes }, read_input(&args.input)?))
}

pub(crate) fn run(kb_dir: Option<&std::path::Path>, args: &AssessArgs) -> anyhow::Result<ExitCode> {
    let (kb, as_of, config, text) = prepare(kb_dir, args)?;
    let assessments = assess_fhir(&kb, &text, as_of, &config, args.patient.as_deref())
        .with_context(|| format!("cannot assess {}", args.input.display()))?;
    match args.format {
        Format::Json if assessments.len() == 1 => {
            println!("{}", serde_json::to_string_pretty(&assessments[0])?)
        }
        Format::Json => {
            for assessment in &assessments {
                println!("{}", serde_json::to_string(assessment)?);
            }
        }
        Format::Text => {
            for (index, assessment) in assessments.iter().enumerate() {
                if index > 0 {
                    println!();
                }
                print!("{}", render::text(assessment));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
