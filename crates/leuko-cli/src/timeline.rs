//! `leuko timeline`: a patient's counts, grades, drug exposures, baseline, projected crossings,
//! due and overdue tests and the alerts the engine raised, in time order.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use leuko_core::PatientRecord;

use crate::{AssessArgs, Format};

pub(crate) fn run(kb_dir: Option<&std::path::Path>, args: &AssessArgs) -> anyhow::Result<ExitCode> {
    let (kb, as_of, config, text) = crate::assess::prepare(kb_dir, args)?;
    let input = leuko_fhir::read(&text).with_context(|| format!("cannot read {}", args.input.display()))?;
    let only = args.patient.as_deref();
    let patients: Vec<&PatientRecord> =
        input.patients.iter().filter(|p| only.is_none_or(|id| p.id.as_deref() == Some(id))).collect();
    if patients.is_empty() {
        bail!("no patient to show in {}", args.input.display());
    }
    for (index, record) in patients.into_iter().enumerate() {
        let timeline = leuko_api::Timeline::from(&leuko_core::timeline(&kb, record, as_of, &config));
        match args.format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&timeline)?),
            Format::Text => {
                if index > 0 {
                    println!();
                }
                print!("{}", text_of(&timeline));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The timeline for a clinician at a terminal.
pub(crate) fn text_of(timeline: &leuko_api::Timeline) -> String {
    let a = &timeline.assessment;
    let mut out = String::new();
    let _ = writeln!(out, "leuko timeline — {}", leuko_api::DISCLAIMER);
    let _ = writeln!(
        out,
        "Patient {} · as of {} · knowledge base {}",
        a.patient.id.as_deref().unwrap_or("(no id)"),
        a.as_of,
        a.knowledge_base.version
    );
    let mut past_now = false;
    for event in &timeline.events {
        if event.expected && !past_now {
            let _ = writeln!(out, "---------------- now ({}) ----------------", a.as_of);
            past_now = true;
        }
        let time = event.time.get(..16).unwrap_or(&event.time).replace('T', " ");
        let level = event.level.as_deref().map_or(String::new(), |l| format!("[{l}] "));
        let _ = writeln!(out, "{time}  {:<10} {level}{}", event.kind, event.text);
    }
    out
}
