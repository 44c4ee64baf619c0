//! `leuko eval <vignettes.json> <bundle-dir>`: scores the engine on vignettes (the layout of
//! shared/eval/README.md) — category and specific-cause accuracy, mean reciprocal rank, grade and
//! urgent agreement, recall of the must-do actions and violations of the must-not ones — per
//! vignette and in total, and checks the totals against a ratchet file.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use leuko_core::{AssessConfig, KnowledgeBase, SiteInterval};
use serde::Deserialize;

use crate::assess::{as_of, assess_fhir};
use crate::site;

/// The vignette set's conventions (shared/eval/README.md): day 0 is this instant, and every
/// patient's laboratory LLN is 4.0 (WBC) and 1.8 (ANC) x10^9/L.
const DAY_ZERO: &str = "2026-01-15T08:00:00Z";
const CONVENTION_SITE: &str =
    "[[interval]]\nanalyte = \"wbc\"\nlow = 4.0\n\n[[interval]]\nanalyte = \"anc\"\nlow = 1.8\n";

#[derive(Debug, Deserialize)]
struct Vignette {
    id: String,
    expected: Expected,
}

#[derive(Debug, Deserialize)]
struct Expected {
    cause_category: String,
    cause_id_keywords: Vec<String>,
    ctcae_wbc_grade: Option<u8>,
    ctcae_anc_grade: Option<u8>,
    urgent: bool,
    #[serde(default)]
    must: Vec<Action>,
    #[serde(default)]
    must_not: Vec<Action>,
}

#[derive(Debug, Deserialize)]
struct Action {
    phrase: String,
    kinds: Vec<String>,
    target: Option<String>,
}

/// Totals over a set, as fractions (0-1) except `vignettes`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Totals {
    pub(crate) vignettes: usize,
    pub(crate) category_top1: f64,
    pub(crate) category_top3: f64,
    pub(crate) cause_top1: f64,
    pub(crate) cause_top3: f64,
    pub(crate) mrr: f64,
    pub(crate) grade_agreement: f64,
    pub(crate) urgent_agreement: f64,
    pub(crate) must_recall: f64,
    pub(crate) must_not_violations: usize,
}

fn met(action: &Action, recommendations: &[leuko_api::Recommendation]) -> bool {
    recommendations.iter().any(|r| {
        action.kinds.contains(&r.kind)
            && action.target.as_ref().is_none_or(|t| {
                r.target.as_deref().is_some_and(|target| target.to_lowercase().contains(t.as_str()))
                    || r.text.to_lowercase().contains(t.as_str())
            })
    })
}

/// Scores a set; writes one line per vignette into `report`.
pub(crate) fn score(
    kb: &KnowledgeBase,
    vignettes_path: &Path,
    bundles: &Path,
    site_intervals: Vec<SiteInterval>,
    report: &mut String,
) -> anyhow::Result<Totals> {
    let text =
        std::fs::read_to_string(vignettes_path).with_context(|| format!("cannot read {}", vignettes_path.display()))?;
    let vignettes: Vec<Vignette> =
        serde_json::from_str(&text).with_context(|| format!("{} is not a vignette list", vignettes_path.display()))?;
    if vignettes.is_empty() {
        bail!("{} holds no vignette", vignettes_path.display());
    }
    let config = AssessConfig::with_site_intervals(site_intervals);
    let as_of = as_of(Some(DAY_ZERO))?;
    let mut sums = Totals { vignettes: vignettes.len(), ..Totals::default() };
    let (mut grades_total, mut grades_agree, mut must_total, mut must_met) = (0usize, 0usize, 0usize, 0usize);
    for vignette in &vignettes {
        let path = bundles.join(format!("{}.json", vignette.id));
        let bundle = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let assessment = assess_fhir(kb, &bundle, as_of, &config, None)
            .with_context(|| format!("{}: cannot assess", vignette.id))?
            .into_iter()
            .next()
            .context("no patient")?;
        let expected = &vignette.expected;
        let categories: Vec<&str> = assessment.causes.iter().map(|c| c.category.as_str()).collect();
        let category_rank = categories.iter().position(|c| *c == expected.cause_category);
        let cause_rank = assessment.causes.iter().position(|c| {
            let (label, id) = (c.label.to_lowercase(), c.id.to_lowercase());
            expected.cause_id_keywords.iter().any(|k| label.contains(k.as_str()) || id.contains(k.as_str()))
        });
        sums.category_top1 += f64::from(u8::from(category_rank == Some(0)));
        sums.category_top3 += f64::from(u8::from(category_rank.is_some_and(|r| r < 3)));
        sums.cause_top1 += f64::from(u8::from(cause_rank == Some(0)));
        sums.cause_top3 += f64::from(u8::from(cause_rank.is_some_and(|r| r < 3)));
        sums.mrr += cause_rank.map_or(0.0, |r| 1.0 / (r as f64 + 1.0));
        // Grades are compared on day-0 counts, as the set defines them.
        let day0 =
            |count: &Option<leuko_api::Count>| count.as_ref().is_some_and(|c| c.time.starts_with(&DAY_ZERO[..10]));
        let wbc = if day0(&assessment.counts.wbc) { assessment.grades.wbc.as_ref().map(|g| g.ctcae) } else { None };
        let anc = if day0(&assessment.counts.anc) { assessment.grades.anc.as_ref().map(|g| g.ctcae) } else { None };
        grades_total += 2;
        grades_agree += usize::from(wbc == expected.ctcae_wbc_grade) + usize::from(anc == expected.ctcae_anc_grade);
        sums.urgent_agreement += f64::from(u8::from(assessment.urgent == expected.urgent));
        let missed: Vec<&str> =
            expected.must.iter().filter(|a| !met(a, &assessment.recommendations)).map(|a| a.phrase.as_str()).collect();
        must_total += expected.must.len();
        must_met += expected.must.len() - missed.len();
        let violated: Vec<&str> = expected
            .must_not
            .iter()
            .filter(|a| met(a, &assessment.recommendations))
            .map(|a| a.phrase.as_str())
            .collect();
        sums.must_not_violations += violated.len();
        let top: Vec<String> = assessment.causes.iter().take(3).map(|c| c.id.clone()).collect();
        let _ = writeln!(
            report,
            "{:<8} cat {:<3} cause {:<3} grades {}/{} urgent {} must {}/{} must-not {}  top3 [{}]  expected {} {:?}{}{}",
            vignette.id,
            category_rank.map_or("-".to_owned(), |r| (r + 1).to_string()),
            cause_rank.map_or("-".to_owned(), |r| (r + 1).to_string()),
            usize::from(wbc == expected.ctcae_wbc_grade) + usize::from(anc == expected.ctcae_anc_grade),
            2,
            if assessment.urgent == expected.urgent { "ok" } else { "MISS" },
            expected.must.len() - missed.len(),
            expected.must.len(),
            violated.len(),
            top.join(", "),
            expected.cause_category,
            expected.cause_id_keywords,
            if missed.is_empty() { String::new() } else { format!("\n           missed: {}", missed.join(" | ")) },
            if violated.is_empty() {
                String::new()
            } else {
                format!("\n           VIOLATED: {}", violated.join(" | "))
            },
        );
    }
    let n = vignettes.len() as f64;
    Ok(Totals {
        vignettes: vignettes.len(),
        category_top1: sums.category_top1 / n,
        category_top3: sums.category_top3 / n,
        cause_top1: sums.cause_top1 / n,
        cause_top3: sums.cause_top3 / n,
        mrr: sums.mrr / n,
        grade_agreement: grades_agree as f64 / grades_total as f64,
        urgent_agreement: sums.urgent_agreement / n,
        must_recall: if must_total == 0 { 1.0 } else { must_met as f64 / must_total as f64 },
        must_not_violations: sums.must_not_violations,
    })
}

/// The minimum levels recorded in the repository.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Ratchet {
    category_top1: f64,
    category_top3: f64,
    cause_top1: f64,
    cause_top3: f64,
    mrr: f64,
    grade_agreement: f64,
    urgent_agreement: f64,
    must_recall: f64,
    must_not_violations: usize,
}

pub(crate) fn run(
    kb_dir: Option<&Path>,
    vignettes: &Path,
    bundles: &Path,
    site_file: Option<&Path>,
    ratchet: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let kb = crate::kb::load(kb_dir)?;
    let site_intervals = match site_file {
        Some(path) => site::read(path)?,
        None => site::parse(CONVENTION_SITE)?,
    };
    let mut report = String::new();
    let totals = score(&kb, vignettes, bundles, site_intervals, &mut report)?;
    print!("{report}");
    let pct = |x: f64| format!("{:.1} %", 100.0 * x);
    println!("\nvignettes: {}", totals.vignettes);
    println!("category top-1 {}  top-3 {}", pct(totals.category_top1), pct(totals.category_top3));
    println!("cause    top-1 {}  top-3 {}  MRR {:.3}", pct(totals.cause_top1), pct(totals.cause_top3), totals.mrr);
    println!("grade agreement {}  urgent agreement {}", pct(totals.grade_agreement), pct(totals.urgent_agreement));
    println!("must recall {}  must-not violations {}", pct(totals.must_recall), totals.must_not_violations);
    let Some(path) = ratchet else { return Ok(ExitCode::SUCCESS) };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read ratchet {}", path.display()))?;
    let floor: Ratchet = toml::from_str(&text).with_context(|| format!("ratchet {}", path.display()))?;
    let mut failures = Vec::new();
    for (name, value, minimum) in [
        ("category_top1", totals.category_top1, floor.category_top1),
        ("category_top3", totals.category_top3, floor.category_top3),
        ("cause_top1", totals.cause_top1, floor.cause_top1),
        ("cause_top3", totals.cause_top3, floor.cause_top3),
        ("mrr", totals.mrr, floor.mrr),
        ("grade_agreement", totals.grade_agreement, floor.grade_agreement),
        ("urgent_agreement", totals.urgent_agreement, floor.urgent_agreement),
        ("must_recall", totals.must_recall, floor.must_recall),
    ] {
        if value + 1e-9 < minimum {
            failures.push(format!("{name} {value:.3} fell below the recorded {minimum:.3}"));
        }
    }
    if totals.must_not_violations > floor.must_not_violations {
        failures.push(format!(
            "must-not violations {} rose above the recorded {}",
            totals.must_not_violations, floor.must_not_violations
        ));
    }
    if failures.is_empty() {
        println!("ratchet {}: every metric at or above its record", path.display());
        Ok(ExitCode::SUCCESS)
    } else {
        for failure in &failures {
            eprintln!("ratchet: {failure}");
        }
        Ok(ExitCode::from(1))
    }
}
