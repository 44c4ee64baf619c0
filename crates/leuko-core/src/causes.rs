//! Ranking the causes: prior odds times the likelihood ratios of the evidence present, for every
//! cause of the knowledge base and for every knowledge-base drug the patient takes or took, with
//! drug timing judged against the onset of the current episode. Causes are not mutually
//! exclusive (chemotherapy and sepsis may both be at work), so each gets its own posterior
//! probability; the list is ordered by it, ties broken by id.

use chrono::{DateTime, Duration, Utc};

use crate::assessment::{CauseCandidate, Counts, Evidence, Pattern};
use crate::episode::Episode;
use crate::findings::{DrugMatch, Facts, derived};
use crate::kb::{CauseDef, Citation, EvidenceDef, KnowledgeBase, Lr};
use crate::record::MedicationStatus;

/// The lineages that are low in this patient.
pub(crate) fn low_lineages(kb: &KnowledgeBase, counts: &Counts, pattern: Pattern) -> Vec<&'static str> {
    let mut lineages = Vec::new();
    if counts
        .anc
        .as_ref()
        .is_some_and(|c| c.below_reference().unwrap_or(c.result.value < kb.cytopenias.neutropenia.value))
    {
        lineages.push("neutrophils");
    }
    if counts.alc.as_ref().is_some_and(|c| c.below_reference() == Some(true)) {
        lineages.push("lymphocytes");
    }
    if pattern != Pattern::None {
        if counts.hemoglobin.as_ref().is_some_and(|c| c.result.value < kb.cytopenias.anemia.value) {
            lineages.push("red-cells");
        }
        if counts.platelets.as_ref().is_some_and(|c| c.result.value < kb.cytopenias.thrombocytopenia.value) {
            lineages.push("platelets");
        }
    }
    lineages
}

struct Scored<'k> {
    candidate: CauseCandidate,
    odds: f64,
    /// The cause to score again with its evidence texts, when they were left out.
    cause: Option<&'k CauseDef>,
}

fn odds(p: f64) -> f64 {
    p / (1.0 - p)
}

/// Applies a cause's evidence lines and lineage fit.
fn evidence(
    kb: &KnowledgeBase,
    cause: &CauseDef,
    facts: &Facts<'_>,
    lineages: &[&str],
    drug_name: Option<&str>,
    text: bool,
) -> Vec<Evidence> {
    let ranking = kb.ranking();
    let mut out = Vec::new();
    let label = |finding: &str| {
        if !text {
            return String::new();
        }
        let base = kb.finding(finding).map_or(finding.to_owned(), |f| f.label.clone());
        let detail = facts.hits.get(finding).map(|h| h.detail.clone()).unwrap_or_default();
        let base = drug_name.map_or(base.clone(), |name| base.replace("{drug}", name));
        format!("{base}: {detail}")
    };
    let doubt = ranking.doubtful_findings.iter().find(|f| facts.has(f)).filter(|_| cause.category != "spurious");
    let sides = [(&cause.evidence_for, true, &ranking.lr_for), (&cause.evidence_against, false, &ranking.lr_against)];
    for (lines, supports, ratios) in sides {
        let ratio = |line: &crate::kb::EvidenceDef| ratios.get(&line.strength).copied().unwrap_or(1.0);
        let in_doubt = |line: &crate::kb::EvidenceDef| {
            supports && doubt.is_some() && ranking.doubtful_read_from_count.contains(&line.finding)
        };
        for (at, line) in lines.iter().enumerate().filter(|(_, l)| facts.has(&l.finding)) {
            let discounted = in_doubt(line);
            // Another present line of the list states the same fact at least as strongly (the
            // first of equals counts; a line not counted itself counts for nothing here).
            let counted_by = line
                .same_fact
                .iter()
                .map(|&other_at| (other_at, &lines[other_at]))
                .filter(|(_, other)| facts.has(&other.finding) && !in_doubt(other))
                .find(|&(other_at, other)| {
                    let (mine, theirs) = (ratio(line).ln().abs(), ratio(other).ln().abs());
                    theirs > mine || (theirs == mine && other_at < at)
                })
                .map(|(_, other)| other.finding.as_str());
            let finding = label(&line.finding);
            out.push(Evidence {
                finding: match (discounted, counted_by) {
                    (true, _) if text => format!("{finding} (not counted: read from a count in doubt)"),
                    (false, Some(other)) if text => format!("{finding} (counted once, with {other}: the same fact)"),
                    _ => finding,
                },
                supports,
                weight: if discounted || counted_by.is_some() { 1.0 } else { ratio(line) },
                citation: line.citation.clone(),
            });
        }
    }
    if let Some(doubt) = doubt {
        out.push(Evidence {
            finding: said(text, || format!("the count itself is in doubt ({doubt}: {})", facts.hits[doubt].detail)),
            supports: false,
            weight: ranking.doubtful_against.0,
            citation: ranking.doubtful_citation.clone(),
        });
    }
    if !cause.affects.is_empty() && !lineages.is_empty() {
        let unexplained: Vec<&str> =
            lineages.iter().copied().filter(|l| !cause.affects.iter().any(|a| a == l)).collect();
        if !unexplained.is_empty() {
            out.push(Evidence {
                finding: said(text, || format!("low {} not typically lowered by this cause", unexplained.join(", "))),
                supports: false,
                weight: ranking.unexplained_lineage.0,
                citation: ranking.calibration.clone(),
            });
        } else if lineages.len() >= 2 {
            out.push(Evidence {
                finding: said(text, || format!("explains every low lineage ({})", lineages.join(", "))),
                supports: true,
                weight: ranking.all_lineages_explained.0,
                citation: ranking.calibration.clone(),
            });
        }
    }
    out
}

/// An evidence line's words, written only for the causes that are shown (`text`); the others
/// are scored without them.
fn said(text: bool, words: impl FnOnce() -> String) -> String {
    if text { words() } else { String::new() }
}

fn score(
    prior_word: &str,
    prior_citation: &Citation,
    kb: &KnowledgeBase,
    mut evidence: Vec<Evidence>,
    text: bool,
) -> (f64, Vec<Evidence>) {
    let prior = kb.ranking().priors.get(prior_word).copied().unwrap_or(0.001);
    let mut value = odds(prior);
    for item in &evidence {
        value *= item.weight;
    }
    evidence.insert(
        0,
        Evidence {
            finding: said(text, || format!("prior: {prior_word} ({prior})")),
            supports: true,
            weight: 1.0,
            citation: prior_citation.clone(),
        },
    );
    (value, evidence)
}

fn age_allows(cause: &CauseDef, age: Option<f64>) -> bool {
    let Some(age) = age else { return true };
    cause.age_years.0.is_none_or(|min| age >= min) && cause.age_years.1.is_none_or(|max| age < max)
}

/// An exposure timed against the episode onset: from its start, or from its last dose for
/// cyclic treatment and late-onset reactions.
struct Timed {
    /// Days from the reference dose to the onset (negative: the dose came after it).
    days: i64,
    /// `the start` or `the last dose`.
    since: &'static str,
    /// When the drug was stopped, if it was.
    stopped: Option<DateTime<Utc>>,
    /// A timing that settles the question without the latency window.
    settled: Option<Settled>,
}

/// A timing that decides on its own.
enum Settled {
    /// Cyclic treatment still given: the episode may be the current cycle's nadir.
    OngoingCycle,
    /// The drug started (or was last given) after the count was already low.
    StartedAfterOnset,
    /// The drug was stopped longer before the onset than its window (days before the onset,
    /// the window's maximum).
    StoppedBeyondWindow(i64, i64),
}

fn timed(kb: &KnowledgeBase, matched: &DrugMatch<'_>, episode: &Episode) -> Option<Timed> {
    let temporal = &kb.ranking().temporal;
    let exposure = matched.exposure;
    let start = exposure.start?;
    let stopped = exposure.end.filter(|_| !matches!(exposure.status, MedicationStatus::Active));
    // Cyclic treatment is timed from its most recent dose.
    let from_last_dose = temporal.from_last_dose.contains(&matched.drug.cause);
    // Late-onset reactions are timed from a last dose given before the onset.
    let last_dose_before_onset = exposure.end.filter(|end| *end <= episode.onset);
    let reference = match last_dose_before_onset {
        Some(end) if temporal.from_last_dose_when_ended.contains(&matched.drug.cause) => end,
        _ if from_last_dose => exposure.end.unwrap_or(start),
        _ => start,
    };
    let since = if reference == start { "the start" } else { "the last dose" };
    let days = (episode.onset - reference).num_days();
    let max = matched.drug.latency_days.and_then(|(_, _, max)| max);
    let settled = if from_last_dose && exposure.end.is_none() && days >= 0 {
        Some(Settled::OngoingCycle)
    } else if days < 0 {
        Some(Settled::StartedAfterOnset)
    } else {
        match (stopped, max) {
            (Some(end), Some(max)) if end + Duration::days(max) < episode.onset => {
                Some(Settled::StoppedBeyondWindow((episode.onset - end).num_days(), max))
            }
            _ => None,
        }
    };
    Some(Timed { days, since, stopped, settled })
}

/// Whether the timing rules the drug out as the cause of the current episode: it started after
/// the count was already low, or was stopped longer before the onset than its window.
pub(crate) fn ruled_out_by_timing(kb: &KnowledgeBase, matched: &DrugMatch<'_>, episode: Option<&Episode>) -> bool {
    episode
        .and_then(|episode| timed(kb, matched, episode))
        .is_some_and(|t| matches!(t.settled, Some(Settled::StartedAfterOnset | Settled::StoppedBeyondWindow(..))))
}

/// Timing of one drug exposure against the episode.
fn timing(kb: &KnowledgeBase, matched: &DrugMatch<'_>, episode: Option<&Episode>) -> Vec<Evidence> {
    let temporal = &kb.ranking().temporal;
    let Some(episode) = episode else { return Vec::new() };
    let Some(Timed { days, since, stopped, settled }) = timed(kb, matched, episode) else { return Vec::new() };
    let exposure = matched.exposure;
    let mut out = Vec::new();
    let push = |out: &mut Vec<Evidence>, finding: String, lr: Lr| {
        out.push(Evidence { finding, supports: lr.0 >= 1.0, weight: lr.0, citation: temporal.citation.clone() });
    };
    match settled {
        Some(Settled::OngoingCycle) => {
            push(
                &mut out,
                "treatment ongoing; the episode may be the nadir of the current cycle".to_owned(),
                temporal.within_window,
            );
            return out;
        }
        Some(Settled::StartedAfterOnset) => {
            push(
                &mut out,
                format!("started {} days after the count was already low", -days),
                temporal.started_after_onset,
            );
            return out;
        }
        Some(Settled::StoppedBeyondWindow(before, max)) => {
            push(
                &mut out,
                format!("stopped {before} days before the onset, beyond its {max}-day window"),
                temporal.stopped_long_before_onset,
            );
            return out;
        }
        None => {}
    }
    let (min, _typical, max) = matched.drug.latency_days.unwrap_or((None, None, None));
    match (min, max) {
        (Some(min), _) if days < min => push(
            &mut out,
            format!("onset {days} days after {since}, earlier than its usual {min} days"),
            temporal.before_window,
        ),
        (_, Some(max))
            if days > max
                && temporal.cumulative_while_taken.contains(&matched.drug.cause)
                && match exposure.end {
                    Some(end) => end >= episode.onset,
                    None => !matches!(exposure.status, MedicationStatus::Completed | MedicationStatus::Stopped),
                } =>
        {
            push(
                &mut out,
                format!(
                    "onset {days} days after {since}, beyond its usual {max} days but while still taken: dose- and duration-related toxicity accumulates"
                ),
                Lr(1.0),
            );
        }
        (_, Some(max)) if days > max && matched.drug.late_onset_possible => push(
            &mut out,
            format!(
                "onset {days} days after {since}, beyond its usual {max} days; late onset is described for this drug"
            ),
            Lr(1.0),
        ),
        (_, Some(max)) if days > max => {
            push(
                &mut out,
                format!("onset {days} days after {since}, later than its usual {max} days"),
                temporal.after_window,
            );
        }
        (Some(_), _) | (_, Some(_)) => push(
            &mut out,
            format!("onset {days} days after {since}, within its latency window"),
            temporal.within_window,
        ),
        (None, None) => {}
    }
    if let (Some(end), Some(recovered)) = (stopped, episode.recovered_at)
        && recovered > end
        && episode.last_low <= recovered
    {
        push(
            &mut out,
            format!("count recovered on {} after the drug was stopped on {}", recovered.date_naive(), end.date_naive()),
            temporal.dechallenge_recovery,
        );
    }
    out
}

/// Evidence lines that are not about the pattern, age or sex: the cause's own hallmarks (strong
/// lines, and weaker ones the knowledge base marks `hallmark = true`).
fn is_hallmark(line: &EvidenceDef) -> bool {
    let finding = line.finding.as_str();
    (line.hallmark || matches!(line.strength.as_str(), "strong" | "very-strong"))
        && !finding.starts_with("pattern-")
        && !finding.starts_with("age-")
        && ![derived::FEMALE, derived::MALE].contains(&finding)
}

/// Whether a finding is an untested result: a lab rule or the documented Duffy phenotype, or a
/// finding of an examination (blood film, flow cytometry, marrow) that the record does not report.
/// Its absence means "not tested", not "not present", so it does not count as a missing hallmark.
fn is_untested(kb: &KnowledgeBase, finding: &str, examined: &[&str]) -> bool {
    finding == derived::DUFFY_NULL
        || kb.finding(finding).is_some_and(|f| {
            f.lab.is_some()
                || (!f.examination.is_empty() && !f.examination.iter().any(|e| examined.contains(&e.as_str())))
        })
}

/// The examinations the record reports: those with at least one of their findings present.
fn examinations_reported<'k>(kb: &'k KnowledgeBase, facts: &Facts<'_>) -> Vec<&'k str> {
    let mut examined: Vec<&str> = Vec::new();
    for finding in kb.findings().iter().filter(|f| !f.examination.is_empty() && facts.has(&f.id)) {
        examined.extend(finding.examination.iter().map(String::as_str));
    }
    examined.sort_unstable();
    examined.dedup();
    examined
}

fn hallmark_penalty(
    kb: &KnowledgeBase,
    cause: &CauseDef,
    facts: &Facts<'_>,
    examined: &[&str],
    text: bool,
) -> Option<Evidence> {
    let hallmarks: Vec<&str> =
        cause.evidence_for.iter().filter(|l| is_hallmark(l)).map(|l| l.finding.as_str()).collect();
    if hallmarks.iter().any(|f| facts.has(f)) {
        return None;
    }
    // A test result's absence means "not tested", not "not present".
    let hallmarks: Vec<&str> = hallmarks.into_iter().filter(|f| !is_untested(kb, f, examined)).collect();
    if hallmarks.is_empty() {
        return None;
    }
    Some(Evidence {
        finding: said(text, || format!("none of its characteristic findings is recorded ({})", hallmarks.join(", "))),
        supports: false,
        weight: kb.ranking().hallmark_absent.0,
        citation: kb.ranking().calibration.clone(),
    })
}

/// Ranks every candidate cause; the best `shown` are returned.
pub(crate) fn rank<'k>(
    kb: &'k KnowledgeBase,
    facts: &Facts<'_>,
    counts: &Counts,
    pattern: Pattern,
    episode: Option<&Episode>,
    age: Option<f64>,
    shown: usize,
) -> Vec<CauseCandidate> {
    let lineages = low_lineages(kb, counts, pattern);
    let examined = examinations_reported(kb, facts);
    // Every cause is scored without its evidence texts; only those shown are scored again with
    // them (the weights, hence the odds, are the same).
    let score_cause = |cause: &'k CauseDef, text: bool| -> Scored<'k> {
        let mut lines = evidence(kb, cause, facts, &lineages, None, text);
        lines.extend(hallmark_penalty(kb, cause, facts, &examined, text));
        if !cause.context_any.is_empty() && !cause.context_any.iter().any(|f| facts.has(f)) {
            lines.push(Evidence {
                finding: said(text, || {
                    format!("none of the context it needs is recorded ({})", cause.context_any.join(", "))
                }),
                supports: false,
                weight: kb.ranking().context_absent.0,
                citation: kb.ranking().calibration.clone(),
            });
        }
        let prior = age
            .and_then(|a| cause.prior_by_age.iter().find(|(below, _)| a < *below))
            .map_or(&cause.prior, |(_, word)| word);
        let (odds, evidence) = score(prior, &kb.ranking().calibration, kb, lines, text);
        Scored {
            candidate: CauseCandidate {
                id: cause.id.clone(),
                category: cause.category.clone(),
                label: cause.label.clone(),
                probability: odds / (1.0 + odds),
                evidence,
            },
            odds,
            cause: if text { None } else { Some(cause) },
        }
    };
    let mut scored: Vec<Scored<'_>> = Vec::new();
    for cause in kb.causes() {
        if cause.label.contains("{drug}") || !age_allows(cause, age) {
            continue;
        }
        if !cause.requires_any.is_empty() && !cause.requires_any.iter().any(|f| facts.has(f)) {
            continue;
        }
        scored.push(score_cause(cause, false));
    }
    // One candidate per matched drug: the exposure whose timing fits best.
    let mut best: Vec<(String, Scored<'_>)> = Vec::new();
    for matched in &facts.drugs {
        let Some(template) = kb.causes().iter().find(|c| c.id == matched.drug.cause) else {
            continue;
        };
        let name = matched.drug.label.clone();
        let mut lines = evidence(kb, template, facts, &lineages, Some(&name), true);
        lines.insert(
            0,
            Evidence {
                finding: format!("{} in {} ({})", name, matched.exposure.id, matched.how),
                supports: true,
                weight: 1.0,
                citation: matched.drug.citation.clone(),
            },
        );
        lines.extend(timing(kb, matched, episode));
        // The drug's own risk factors (renal impairment for methotrexate, …).
        for risk in matched.drug.risk_factors.iter().filter(|r| facts.has(&r.finding)) {
            let label = kb.finding(&risk.finding).map_or(risk.finding.as_str(), |f| &f.label);
            lines.push(Evidence {
                finding: format!("risk factor for {name} toxicity — {label}: {}", facts.hits[&risk.finding].detail),
                supports: true,
                weight: kb.ranking().lr_for.get(&risk.strength).copied().unwrap_or(1.0),
                citation: risk.citation.clone(),
            });
        }
        let prior_word =
            kb.ranking().drug_priors.get(&matched.drug.association).cloned().unwrap_or_else(|| "rare".to_owned());
        let (odds, evidence) = score(&prior_word, &kb.ranking().calibration, kb, lines, true);
        let candidate = CauseCandidate {
            id: format!("drug:{}", matched.drug.id),
            category: template.category.clone(),
            label: template.label.replace("{drug}", &name),
            probability: odds / (1.0 + odds),
            evidence,
        };
        match best.iter_mut().find(|(id, _)| *id == candidate.id) {
            Some((_, existing)) if existing.odds >= odds => {}
            Some((_, existing)) => *existing = Scored { candidate, odds, cause: None },
            None => best.push((format!("drug:{}", matched.drug.id), Scored { candidate, odds, cause: None })),
        }
    }
    scored.extend(best.into_iter().map(|(_, s)| s));
    scored.sort_by(|a, b| b.odds.total_cmp(&a.odds).then_with(|| a.candidate.id.cmp(&b.candidate.id)));
    scored
        .into_iter()
        .take(shown)
        .map(|s| match s.cause {
            Some(cause) => score_cause(cause, true).candidate,
            None => s.candidate,
        })
        .collect()
}
