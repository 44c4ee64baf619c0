//! Validation of the raw knowledge-base files into a [`KnowledgeBase`].
//!
//! Every check pushes a located [`KbError`] and carries on, so that one `leuko kb check` run lists
//! every problem. Checks: known file names, TOML syntax and field types, unique ids, every source
//! id registered, codes well-formed (LOINC check digit, ATC shape, ICD-10 shape, digits for
//! SNOMED CT and RxNorm), no dangling references, numbers in range and ordered.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use toml::Spanned;

use super::management::{
    ActionDef, Cisne, Contraindication, Decision, DrugRule, FebrileNeutropenia, Guard, Management, Mascc, Plan,
    PlanThresholds, Regimen, Supportive,
};
use super::raw::{self, SourceRef};
use super::{
    AnalyteDef, CauseDef, Citation, CtcaeTerm, CtcaeVersion, Cutoff, Cytopenias, DrugDef, EntrySnippet, EvidenceDef,
    FeverDef, FindingDef, IntervalDef, KbError, KbErrors, KbFile, KbNote, KnowledgeBase, LabRule, LoincDef, Lr,
    PatientStatusDefs, Population, Ranking, Reinterpret, RemarkDef, SeverityBand, Sex, Source, Temporal, TestDef,
    UnitDef, Verification,
};
use crate::analyte::{Analyte, Property};
use crate::findings::derived;
use crate::text::fold;

/// Category words of the output contract.
pub(crate) const CATEGORIES: [&str; 11] = [
    "drug",
    "marrow",
    "autoimmune",
    "infection",
    "nutritional",
    "toxic",
    "congenital",
    "constitutional",
    "hypersplenism",
    "spurious",
    "other",
];
const PRIORS: [&str; 5] = ["very-common", "common", "uncommon", "rare", "very-rare"];
const STRENGTHS: [&str; 4] = ["very-strong", "strong", "moderate", "weak"];
const DRUG_CLASSES: [&str; 21] = [
    "chemotherapy",
    "targeted-antineoplastic",
    "immunosuppressant",
    "antimetabolite",
    "biologic",
    "antipsychotic",
    "antidepressant",
    "anticonvulsant",
    "antithyroid",
    "antibiotic",
    "antiviral",
    "antifungal",
    "antiparasitic",
    "analgesic",
    "nsaid",
    "antiarrhythmic",
    "cardiovascular",
    "antiplatelet",
    "dmard",
    "chelator",
    "other",
];
const ASSOCIATIONS: [&str; 4] = ["strong", "moderate", "weak", "uncertain"];
const EVIDENCE_CODES: [&str; 5] = ["CC", "SR", "L", "Lab", "Pred"];
const LINEAGES: [&str; 5] = ["neutrophils", "lymphocytes", "red-cells", "platelets", "monocytes"];
const EXAMINATIONS: [&str; 3] = ["blood-film", "flow-cytometry", "bone-marrow"];

/// Folds a unit spelling for lookup: lower case, no spaces, µ/μ → u, superscripts to digits,
/// × → x, ^ → *, and a leading "x" dropped.
pub fn fold_unit(spelling: &str) -> String {
    let mut out = String::with_capacity(spelling.len());
    for ch in spelling.trim().chars() {
        match ch {
            ' ' | '\t' => {}
            'µ' | 'μ' => out.push('u'),
            '³' => out.push('3'),
            '⁹' => out.push('9'),
            '×' => out.push('x'),
            '^' => out.push('*'),
            _ => out.extend(ch.to_lowercase()),
        }
    }
    match out.strip_prefix('x') {
        Some(rest) if rest.starts_with("10") => rest.to_owned(),
        _ => out,
    }
}

/// Whether a LOINC code has the form `digits-checkdigit` with a correct mod-10 check digit.
pub(crate) fn loinc_is_valid(code: &str) -> bool {
    let Some((number, check)) = code.split_once('-') else { return false };
    if number.is_empty() || number.len() > 7 || check.len() != 1 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Some(check) = check.chars().next().and_then(|c| c.to_digit(10)) else { return false };
    let mut sum = 0;
    for (position, digit) in number.bytes().rev().map(|b| u32::from(b - b'0')).enumerate() {
        sum += if position % 2 == 0 {
            let doubled = digit * 2;
            doubled / 10 + doubled % 10
        } else {
            digit
        };
    }
    (10 - sum % 10) % 10 == check
}

fn atc_is_valid(code: &str) -> bool {
    let bytes = code.as_bytes();
    let shape = [b'A', b'9', b'9', b'A', b'A', b'9', b'9'];
    matches!(bytes.len(), 1 | 3 | 4 | 5 | 7)
        && bytes.iter().zip(shape).all(
            |(&b, kind)| {
                if kind == b'A' { b.is_ascii_uppercase() } else { b.is_ascii_digit() }
            },
        )
}

fn icd10_is_valid(code: &str) -> bool {
    let compact: String = code.chars().filter(|&c| c != '.').collect();
    let mut chars = compact.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && compact.len() <= 8
        && chars.all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

fn digits_only(code: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

struct Builder<'a> {
    errors: Vec<KbError>,
    notes: Vec<KbNote>,
    entries: BTreeMap<String, Vec<EntrySnippet>>,
    /// Source references to check once every source file is read: (file, line, id).
    pending_sources: Vec<(String, usize, String)>,
    file: &'a str,
    text: &'a str,
}

impl<'a> Builder<'a> {
    fn at(&mut self, file: &'a str, text: &'a str) {
        self.file = file;
        self.text = text;
    }

    fn error(&mut self, line: usize, message: impl Into<String>) {
        self.errors.push(KbError { file: self.file.to_owned(), line, message: message.into() });
    }

    fn note(&mut self, line: usize, message: impl Into<String>) {
        self.notes.push(KbNote { file: self.file.to_owned(), line, message: message.into() });
    }

    fn parse<T: DeserializeOwned>(&mut self) -> Option<T> {
        match toml::from_str::<T>(self.text) {
            Ok(value) => Some(value),
            Err(error) => {
                let line = error.span().map_or(1, |span| line_of(self.text, span.start));
                let message = error.message().to_owned();
                self.error(line, format!("cannot read file: {message}"));
                None
            }
        }
    }

    fn line<T>(&self, spanned: &Spanned<T>) -> usize {
        line_of(self.text, spanned.span().start)
    }

    fn register(&mut self, id: &str, kind: &'static str, spanned_line: usize, span: std::ops::Range<usize>) {
        let snippet = self.text.get(span).unwrap_or_default().to_owned();
        self.entries.entry(id.to_owned()).or_default().push(EntrySnippet {
            kind,
            file: self.file.to_owned(),
            line: spanned_line,
            text: snippet,
        });
    }

    fn citation(&mut self, line: usize, source: &SourceRef) -> Citation {
        let ids = source.ids();
        if ids.is_empty() {
            self.error(line, "`source` is empty: name a source id or \"uncited\"");
        }
        for id in &ids {
            if id != "uncited" {
                self.pending_sources.push((self.file.to_owned(), line, id.clone()));
            }
        }
        Citation::new(ids)
    }

    /// Reports each name that is not a category of the output contract.
    fn leading_categories(&mut self, line: usize, categories: &[String]) {
        for category in categories.iter().filter(|c| !CATEGORIES.contains(&c.as_str())) {
            self.error(line, format!("leading category {category:?} is not one of the output contract's"));
        }
    }

    /// Reports each name that is not a pattern word of the output contract (`Pattern::id`).
    fn pattern_words(&mut self, line: usize, rule: &str, patterns: &[String]) {
        let words: Vec<&str> = crate::assessment::Pattern::ALL.iter().map(|p| p.id()).collect();
        for pattern in patterns.iter().filter(|p| !words.contains(&p.as_str())) {
            self.error(line, format!("{rule}: {pattern:?} is not a pattern word ({})", words.join(", ")));
        }
    }

    fn verification(&mut self, line: usize, status: Option<&str>, what: &str) -> Verification {
        match status {
            None | Some("V") => Verification::Verified,
            Some("P") => Verification::Partial,
            Some("U") => {
                self.note(line, format!("{what} is unverified (status U): check it against the primary source"));
                Verification::Unverified
            }
            Some(other) => {
                self.error(line, format!("`status` must be \"V\", \"P\" or \"U\", found {other:?}"));
                Verification::Unverified
            }
        }
    }

    fn analyte(&mut self, line: usize, id: &str) -> Option<Analyte> {
        let analyte = Analyte::from_id(id);
        if analyte.is_none() {
            self.error(line, format!("unknown analyte {id:?}"));
        }
        analyte
    }
}

#[derive(Default)]
struct Parts {
    version: Option<String>,
    sources: BTreeMap<String, Source>,
    analytes: BTreeMap<Analyte, AnalyteDef>,
    loinc: BTreeMap<String, LoincDef>,
    panels: BTreeSet<String>,
    analyte_text: BTreeMap<String, (Analyte, Option<Property>)>,
    units: BTreeMap<(String, String), UnitDef>,
    intervals: Vec<IntervalDef>,
    ctcae: Vec<CtcaeTerm>,
    severity: Vec<SeverityBand>,
    agranulocytosis: Option<Cutoff>,
    chronic_days: Option<Cutoff>,
    cytopenias: Option<Cytopenias>,
    remarks: Vec<RemarkDef>,
    patient_status: Option<PatientStatusDefs>,
    drugs: Vec<(usize, String, DrugDef)>,
    findings: Vec<(usize, String, FindingDef)>,
    causes: Vec<(usize, String, CauseDef)>,
    differential_max: Option<Cutoff>,
    ranking: Option<Ranking>,
    febrile: Option<FebrileNeutropenia>,
    vitals_text: Vec<super::VitalText>,
    supportive: Option<Supportive>,
    thresholds: Option<(PlanThresholds, Vec<Guard>)>,
    drug_rules: Vec<(String, usize, DrugRule)>,
    plans: Vec<(String, usize, Plan)>,
    regimens: Vec<(String, usize, Regimen)>,
    risk_factors: Vec<String>,
    contraindications: Vec<Contraindication>,
    monitoring: Option<super::monitoring::Monitoring>,
    /// Finding references of management rules, checked once all findings are read.
    finding_refs: Vec<(String, usize, String)>,
    /// Causes named outside the cause files (file, line, id), checked once all are read.
    cause_refs: Vec<(String, usize, String)>,
    pending_labs: Vec<(String, usize, String, raw::RawLabRule)>,
    seen_files: BTreeSet<&'static str>,
}

pub(super) fn build(files: &[KbFile<'_>]) -> Result<KnowledgeBase, KbErrors> {
    let mut builder = Builder {
        errors: Vec::new(),
        notes: Vec::new(),
        entries: BTreeMap::new(),
        pending_sources: Vec::new(),
        file: "",
        text: "",
    };
    let mut parts = Parts::default();

    // Sources first, so that duplicates are reported in file order.
    let mut ordered: Vec<&KbFile<'_>> = files.iter().collect();
    ordered.sort_by_key(|file| (!file.path.starts_with("sources/"), file.path));

    for file in ordered {
        builder.at(file.path, file.text);
        read_file(&mut builder, &mut parts, file.path);
    }

    builder.file = "";
    for required in [
        "VERSION",
        "terminology/analytes.toml",
        "terminology/units.toml",
        "terminology/specimen-remarks.toml",
        "terminology/patient-status.toml",
        "reference-ranges.toml",
        "grading/ctcae.toml",
        "grading/severity.toml",
        "grading/cytopenias.toml",
        "ranking.toml",
        "management/febrile-neutropenia.toml",
        "management/supportive.toml",
        "management/thresholds.toml",
        "management/drug-rules.toml",
        "monitoring/programmes.toml",
    ] {
        if !parts.seen_files.contains(required) {
            builder.errors.push(KbError {
                file: required.to_owned(),
                line: 1,
                message: "required file is missing".to_owned(),
            });
        }
    }

    check_cross_references(&mut builder, &mut parts);

    for (file, line, id) in std::mem::take(&mut builder.pending_sources) {
        if !parts.sources.contains_key(&id) {
            builder.errors.push(KbError {
                file,
                line,
                message: format!("source {id:?} is not registered in kb/sources/"),
            });
        }
    }

    for analyte in Analyte::ALL {
        if !parts.analytes.contains_key(&analyte) && parts.seen_files.contains("terminology/analytes.toml") {
            builder.errors.push(KbError {
                file: "terminology/analytes.toml".to_owned(),
                line: 1,
                message: format!("analyte {:?} is not defined", analyte.id()),
            });
        }
    }
    for ctcae_need in [
        (CtcaeVersion::V5, Analyte::Wbc),
        (CtcaeVersion::V5, Analyte::Anc),
        (CtcaeVersion::V5, Analyte::Alc),
        (CtcaeVersion::V6, Analyte::Anc),
    ] {
        if parts.seen_files.contains("grading/ctcae.toml")
            && !parts.ctcae.iter().any(|term| (term.version, term.analyte) == ctcae_need)
        {
            builder.errors.push(KbError {
                file: "grading/ctcae.toml".to_owned(),
                line: 1,
                message: format!("no CTCAE {:?} term for {}", ctcae_need.0, ctcae_need.1),
            });
        }
    }

    let errors = builder.errors;
    let monitoring = parts.monitoring.take();
    match (
        errors.is_empty(),
        monitoring,
        parts.version,
        parts.agranulocytosis,
        parts.chronic_days,
        parts.cytopenias,
        parts.patient_status,
        parts.differential_max,
        parts.ranking,
        parts.febrile,
        parts.supportive,
        parts.thresholds,
    ) {
        (
            true,
            Some(monitoring),
            Some(version),
            Some(agranulocytosis),
            Some(chronic_days),
            Some(cytopenias),
            Some(patient_status),
            Some(differential_max),
            Some(ranking),
            Some(febrile),
            Some(supportive),
            Some((thresholds, guards)),
        ) => {
            let mut severity = parts.severity;
            severity.sort_by(|a, b| a.below.total_cmp(&b.below));
            Ok(KnowledgeBase {
                version,
                sources: parts.sources,
                analytes: Analyte::ALL.iter().filter_map(|a| parts.analytes.remove(a)).collect(),
                loinc: parts.loinc,
                panels: parts.panels,
                analyte_text: parts.analyte_text,
                units: parts.units,
                intervals: parts.intervals,
                ctcae: parts.ctcae,
                severity,
                agranulocytosis,
                chronic_days,
                cytopenias,
                differential_max,
                remarks: parts.remarks,
                patient_status,
                drug_name_index: drug_name_index(parts.drugs.iter().map(|(_, _, drug)| drug)),
                drugs: parts.drugs.into_iter().map(|(_, _, drug)| drug).collect(),
                phrase_index: phrase_index(&parts.findings),
                finding_index: parts.findings.iter().enumerate().map(|(i, (_, _, f))| (f.id.clone(), i)).collect(),
                findings: parts.findings.into_iter().map(|(_, _, finding)| finding).collect(),
                causes: parts
                    .causes
                    .into_iter()
                    .map(|(_, _, mut cause)| {
                        link_same_facts(&mut cause.evidence_for, &ranking.overlapping);
                        link_same_facts(&mut cause.evidence_against, &ranking.overlapping);
                        cause
                    })
                    .collect(),
                ranking,
                vitals_text: parts.vitals_text,
                management: Management {
                    febrile,
                    supportive,
                    thresholds,
                    guards,
                    drug_rules: parts.drug_rules.into_iter().map(|(_, _, r)| r).collect(),
                    plans: parts.plans.into_iter().map(|(_, _, p)| p).collect(),
                    regimens: parts.regimens.into_iter().map(|(_, _, r)| r).collect(),
                    risk_factors: parts.risk_factors,
                    contraindications: parts.contraindications,
                },
                monitoring,
                entries: builder.entries,
                notes: builder.notes,
            })
        }
        _ => {
            let mut errors = errors;
            if errors.is_empty() {
                errors.push(KbError {
                    file: "VERSION".to_owned(),
                    line: 1,
                    message: "knowledge base incomplete".to_owned(),
                });
            }
            Err(KbErrors(errors))
        }
    }
}

fn read_file(builder: &mut Builder<'_>, parts: &mut Parts, path: &str) {
    let known: &'static str = match path {
        "VERSION" => "VERSION",
        "terminology/analytes.toml" => "terminology/analytes.toml",
        "terminology/units.toml" => "terminology/units.toml",
        "terminology/specimen-remarks.toml" => "terminology/specimen-remarks.toml",
        "terminology/patient-status.toml" => "terminology/patient-status.toml",
        "reference-ranges.toml" => "reference-ranges.toml",
        "grading/ctcae.toml" => "grading/ctcae.toml",
        "grading/severity.toml" => "grading/severity.toml",
        "grading/cytopenias.toml" => "grading/cytopenias.toml",
        "ranking.toml" => "ranking.toml",
        "management/febrile-neutropenia.toml" => "management/febrile-neutropenia.toml",
        "terminology/vitals-text.toml" => "terminology/vitals-text.toml",
        "management/supportive.toml" => "management/supportive.toml",
        "management/thresholds.toml" => "management/thresholds.toml",
        "management/drug-rules.toml" => "management/drug-rules.toml",
        "management/cause-specific.toml" => "management/cause-specific.toml",
        "management/regimens.toml" => "management/regimens.toml",
        "monitoring/programmes.toml" => "monitoring/programmes.toml",
        _ if path.ends_with(".md") => return,
        _ if path.starts_with("sources/") && path.ends_with(".toml") => "sources/",
        _ if path.starts_with("drugs/") && path.ends_with(".toml") => "drugs/",
        _ if path.starts_with("findings/") && path.ends_with(".toml") => "findings/",
        _ if path.starts_with("causes/") && path.ends_with(".toml") => "causes/",
        _ => {
            builder.error(1, "file is not part of the knowledge-base layout (see kb/README.md)");
            return;
        }
    };
    parts.seen_files.insert(known);
    match known {
        "VERSION" => read_version(builder, parts),
        "sources/" => read_sources(builder, parts),
        "terminology/analytes.toml" => read_analytes(builder, parts),
        "terminology/units.toml" => read_units(builder, parts),
        "terminology/specimen-remarks.toml" => read_remarks(builder, parts),
        "terminology/patient-status.toml" => read_patient_status(builder, parts),
        "reference-ranges.toml" => read_intervals(builder, parts),
        "grading/ctcae.toml" => read_ctcae(builder, parts),
        "grading/severity.toml" => read_severity(builder, parts),
        "grading/cytopenias.toml" => read_cytopenias(builder, parts),
        "ranking.toml" => read_ranking(builder, parts),
        "management/febrile-neutropenia.toml" => read_febrile(builder, parts),
        "terminology/vitals-text.toml" => read_vitals_text(builder, parts),
        "management/supportive.toml" => read_supportive(builder, parts),
        "management/thresholds.toml" => read_thresholds(builder, parts),
        "management/drug-rules.toml" => read_drug_rules(builder, parts),
        "management/cause-specific.toml" => read_plans(builder, parts),
        "management/regimens.toml" => read_regimens(builder, parts),
        "monitoring/programmes.toml" => read_monitoring(builder, parts),
        "drugs/" => read_drugs(builder, parts),
        "findings/" => read_findings(builder, parts),
        _ => read_causes(builder, parts),
    }
}

fn read_version(builder: &mut Builder<'_>, parts: &mut Parts) {
    let version = builder.text.trim();
    let valid = version.split('.').count() == 2
        && version.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        parts.version = Some(version.to_owned());
    } else {
        builder.error(1, format!("VERSION must look like 2026.1, found {version:?}"));
    }
}

fn read_sources(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::SourcesFile>() else { return };
    for spanned in file.source {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let source = spanned.into_inner();
        if source.id.is_empty() || source.id == "uncited" {
            builder.error(line, format!("source id {:?} is reserved or empty", source.id));
            continue;
        }
        if source.title.trim().is_empty() {
            builder.error(line, format!("source {:?} has an empty title", source.id));
        }
        if parts.sources.contains_key(&source.id) {
            builder.error(line, format!("source id {:?} is defined twice", source.id));
            continue;
        }
        builder.register(&source.id, "source", line, span);
        let _ = (&source.locator, &source.note);
        parts.sources.insert(
            source.id.clone(),
            Source {
                id: source.id,
                title: source.title,
                publisher: source.publisher,
                year: source.year,
                url: source.url,
                doi: source.doi,
            },
        );
    }
}

fn read_analytes(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::AnalytesFile>() else { return };
    for spanned in file.analyte {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let raw = spanned.into_inner();
        let Some(analyte) = builder.analyte(line, &raw.id) else { continue };
        if parts.analytes.contains_key(&analyte) {
            builder.error(line, format!("analyte {:?} is defined twice", raw.id));
            continue;
        }
        builder.register(&raw.id, "analyte", line, span);
        let _ = &raw.note;
        builder.citation(line, &raw.source);
        let reinterpret = raw.reinterpret_above.as_ref().map(|guard| {
            if guard.value <= 0.0 || guard.factor <= 0.0 {
                builder.error(line, "`reinterpret_above` needs a positive value and factor");
            }
            if guard.verify_above.is_some_and(|verify| !(verify > 0.0 && verify < guard.value)) {
                builder.error(line, "`reinterpret_above.verify_above` must be positive and below its value");
            }
            let _ = &guard.note;
            Reinterpret {
                value: guard.value,
                factor: guard.factor,
                verify_above: guard.verify_above,
                citation: builder.citation(line, &guard.source),
            }
        });
        for (phrases, property) in [(&raw.text, None), (&raw.text_fraction, Some(Property::Fraction))] {
            for phrase in phrases {
                let key = fold(phrase);
                if let Some((other, _)) = parts.analyte_text.insert(key.clone(), (analyte, property)) {
                    builder.error(line, format!("text {key:?} names both {other} and {analyte}"));
                }
            }
        }
        for loinc in &raw.loinc {
            if !loinc_is_valid(&loinc.code) {
                builder.error(line, format!("LOINC code {:?} is malformed or fails its check digit", loinc.code));
            }
            let Some(property) = Property::from_id(&loinc.property) else {
                builder.error(
                    line,
                    format!(
                        "LOINC {}: property must be count, fraction or level, found {:?}",
                        loinc.code, loinc.property
                    ),
                );
                continue;
            };
            builder.verification(line, loinc.status.as_deref(), &format!("LOINC {}", loinc.code));
            let citation = builder.citation(line, &loinc.source);
            let _ = &loinc.note;
            // The LOINC long name also identifies the analyte when an observation carries text only.
            parts.analyte_text.entry(fold(&loinc.name)).or_insert((analyte, Some(property)));
            let def = LoincDef {
                code: loinc.code.clone(),
                analyte,
                property,
                name: loinc.name.clone(),
                preferred: loinc.preferred,
                citation,
            };
            if parts.loinc.insert(loinc.code.clone(), def).is_some() {
                builder.error(line, format!("LOINC code {} is mapped twice", loinc.code));
            }
        }
        parts.analytes.insert(
            analyte,
            AnalyteDef {
                analyte,
                label: raw.label,
                canonical_unit: raw.canonical_unit,
                unit_table: raw.unit_table,
                reinterpret_above: reinterpret,
            },
        );
    }
    for spanned in file.panel {
        let line = builder.line(&spanned);
        let panel = spanned.into_inner();
        if !loinc_is_valid(&panel.code) {
            builder.error(line, format!("LOINC code {:?} is malformed or fails its check digit", panel.code));
        }
        builder.verification(line, panel.status.as_deref(), &format!("panel {}", panel.code));
        builder.citation(line, &panel.source);
        let _ = &panel.name;
        parts.panels.insert(panel.code);
    }
    let line = builder.line(&file.differential);
    let differential = file.differential.into_inner();
    if differential.max_sum_percent <= 100.0 {
        builder.error(line, "differential.max_sum_percent must be above 100");
    }
    let _ = &differential.note;
    parts.differential_max =
        Some(Cutoff { value: differential.max_sum_percent, citation: builder.citation(line, &differential.source) });
}

fn read_units(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::UnitsFile>() else { return };
    for spanned in file.unit {
        let line = builder.line(&spanned);
        let unit = spanned.into_inner();
        if !(unit.factor.is_finite() && unit.factor > 0.0 && unit.offset.is_finite()) {
            builder.error(line, format!("unit factor must be positive and finite, found {}", unit.factor));
            continue;
        }
        builder.verification(line, unit.status.as_deref(), &format!("unit {:?}", unit.spellings.first()));
        let citation = builder.citation(line, &unit.source);
        let _ = &unit.note;
        for spelling in &unit.spellings {
            let key = (unit.table.clone(), fold_unit(spelling));
            let def = UnitDef { factor: unit.factor, offset: unit.offset, citation: citation.clone() };
            if let Some(previous) = parts.units.get(&key) {
                if (previous.factor - def.factor).abs() > f64::EPSILON * previous.factor.abs()
                    || previous.offset != def.offset
                {
                    builder.error(
                        line,
                        format!("unit {spelling:?} in table {:?} has two different conversions", unit.table),
                    );
                }
                continue;
            }
            parts.units.insert(key, def);
        }
    }
}

fn read_remarks(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::RemarksFile>() else { return };
    for spanned in file.remark {
        let line = builder.line(&spanned);
        let remark = spanned.into_inner();
        builder.verification(line, remark.status.as_deref(), &format!("specimen remark {:?}", remark.kind));
        let citation = builder.citation(line, &remark.source);
        parts.remarks.push(RemarkDef {
            kind: remark.kind,
            phrases: remark.phrases.iter().map(|p| fold(p)).collect(),
            citation,
        });
    }
}

fn read_patient_status(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::PatientStatusFile>() else { return };
    let line = builder.line(&file.pregnancy);
    let pregnancy = file.pregnancy.into_inner();
    let pregnancy_citation = builder.citation(line, &pregnancy.source);
    let _ = &pregnancy.note;
    let line = builder.line(&file.duffy_null);
    let duffy = file.duffy_null.into_inner();
    let duffy_citation = builder.citation(line, &duffy.source);
    let line = builder.line(&file.duffy_test_suggestion);
    let suggestion = file.duffy_test_suggestion.into_inner();
    let duffy_test_citation = builder.citation(line, &suggestion.source);
    let _ = &suggestion.locator;
    if suggestion.anc_at_least < 0.0 || suggestion.chronic_min_days < 0 {
        builder.error(line, "duffy_test_suggestion values must not be negative");
    }
    let line = builder.line(&file.fever);
    let fever = file.fever.into_inner();
    if !(35.0..=42.0).contains(&fever.temperature_at_least) || fever.within_hours <= 0 {
        builder.error(line, "fever.temperature_at_least must be a body temperature in °C and within_hours positive");
    }
    let fever_citation = builder.citation(line, &fever.source);
    let fold_all = |list: &[String]| list.iter().map(|s| fold(s)).collect::<Vec<_>>();
    parts.patient_status = Some(PatientStatusDefs {
        pregnancy_snomed: pregnancy.snomed.clone(),
        pregnancy_icd10: pregnancy.icd10.iter().map(|c| c.replace('.', "").to_uppercase()).collect(),
        pregnancy_text: fold_all(&pregnancy.text),
        pregnancy_observation_loinc: pregnancy.observation_loinc.clone(),
        pregnancy_observation_true: fold_all(&pregnancy.observation_values_true),
        pregnancy_citation,
        duffy_observation_text: fold_all(&duffy.observation_text),
        duffy_phenotype_values: fold_all(&duffy.phenotype_values),
        duffy_genotype_values: fold_all(&duffy.genotype_values),
        duffy_condition_text: fold_all(&duffy.condition_text),
        duffy_citation,
        duffy_test_ancestry: fold_all(&suggestion.ancestry_text),
        duffy_rare_ancestry: fold_all(&suggestion.rare_ancestry_text),
        duffy_test_anc_at_least: suggestion.anc_at_least,
        duffy_test_chronic_days: suggestion.chronic_min_days,
        duffy_test_citation,
        fever: FeverDef {
            temperature_at_least: fever.temperature_at_least,
            within_hours: fever.within_hours,
            text: fold_all(&fever.text),
            citation: fever_citation,
        },
    });
}

fn read_intervals(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::RangesFile>() else { return };
    for spanned in file.interval {
        let line = builder.line(&spanned);
        let raw = spanned.into_inner();
        let Some(analyte) = builder.analyte(line, &raw.analyte) else { continue };
        let population = match raw.population.as_deref() {
            None | Some("general") => Population::General,
            Some("duffy-null") => Population::DuffyNull,
            Some(other) => {
                builder.error(line, format!("population must be \"general\" or \"duffy-null\", found {other:?}"));
                continue;
            }
        };
        let sex = match raw.sex.as_deref() {
            None | Some("any") => None,
            Some("female") => Some(Sex::Female),
            Some("male") => Some(Sex::Male),
            Some(other) => {
                builder.error(line, format!("sex must be \"female\", \"male\" or \"any\", found {other:?}"));
                continue;
            }
        };
        if !(raw.age_years.min >= 0.0 && raw.age_years.min < raw.age_years.max) {
            builder
                .error(line, format!("age band [{}, {}) is empty or negative", raw.age_years.min, raw.age_years.max));
        }
        match (raw.low, raw.high) {
            (None, None) => builder.error(line, "interval has neither `low` nor `high`"),
            (Some(low), Some(high)) if !(low >= 0.0 && low < high) => {
                builder.error(line, format!("interval low {low} must be >= 0 and below high {high}"));
            }
            _ => {}
        }
        let verification = builder.verification(line, raw.status.as_deref(), &format!("{} interval", raw.analyte));
        let citation = builder.citation(line, &raw.source);
        let _ = (&raw.locator, &raw.note);
        let overlapping = parts.intervals.iter().any(|other| {
            other.analyte == analyte
                && other.population == population
                && other.sex == sex
                && other.age_min_years < raw.age_years.max
                && raw.age_years.min < other.age_max_years
        });
        if overlapping {
            builder.error(line, format!("{} interval overlaps another for the same population and sex", raw.analyte));
        }
        parts.intervals.push(IntervalDef {
            analyte,
            population,
            sex,
            age_min_years: raw.age_years.min,
            age_max_years: raw.age_years.max,
            low: raw.low,
            high: raw.high,
            citation,
            verification,
        });
    }
}

fn read_ctcae(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::CtcaeFile>() else { return };
    for spanned in file.term {
        let line = builder.line(&spanned);
        let raw = spanned.into_inner();
        let version = match raw.version.as_str() {
            "5.0" => CtcaeVersion::V5,
            "6.0" => CtcaeVersion::V6,
            other => {
                builder.error(line, format!("CTCAE version must be \"5.0\" or \"6.0\", found {other:?}"));
                continue;
            }
        };
        let Some(analyte) = builder.analyte(line, &raw.analyte) else { continue };
        let mut thresholds: Vec<(u8, f64)> = raw.thresholds.iter().map(|t| (t.grade, t.below)).collect();
        thresholds.sort_by_key(|&(grade, _)| grade);
        let ordered = thresholds.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1);
        let grades_ok = thresholds.iter().all(|&(grade, below)| (1..=4).contains(&grade) && below > 0.0);
        if !ordered || !grades_ok || thresholds.is_empty() {
            builder.error(line, "CTCAE thresholds must be grades 1-4, each lower than the one before");
        }
        if parts.ctcae.iter().any(|t| t.version == version && t.analyte == analyte) {
            builder.error(line, format!("CTCAE {:?} term for {} defined twice", version, raw.analyte));
        }
        let citation = builder.citation(line, &raw.source);
        let _ = &raw.locator;
        parts.ctcae.push(CtcaeTerm {
            version,
            analyte,
            term: raw.term,
            grade_1_below_lln: raw.grade_1_below_lln,
            thresholds,
            citation,
        });
    }
}

fn read_severity(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::SeverityFile>() else { return };
    for spanned in file.severity {
        let line = builder.line(&spanned);
        let raw = spanned.into_inner();
        if !["mild", "moderate", "severe", "profound"].contains(&raw.word.as_str()) {
            builder
                .error(line, format!("severity word must be mild, moderate, severe or profound, found {:?}", raw.word));
        }
        builder.verification(line, raw.status.as_deref(), &format!("severity {:?}", raw.word));
        let citation = builder.citation(line, &raw.source);
        let _ = &raw.locator;
        parts.severity.push(SeverityBand { word: raw.word, below: raw.below, citation });
    }
    let line = builder.line(&file.agranulocytosis);
    let agranulocytosis = file.agranulocytosis.into_inner();
    parts.agranulocytosis =
        Some(Cutoff { value: agranulocytosis.below, citation: builder.citation(line, &agranulocytosis.source) });
    let line = builder.line(&file.chronic);
    let chronic = file.chronic.into_inner();
    builder.verification(line, chronic.status.as_deref(), "chronic neutropenia duration");
    if chronic.min_days <= 0 {
        builder.error(line, "chronic.min_days must be positive");
    }
    parts.chronic_days =
        Some(Cutoff { value: chronic.min_days as f64, citation: builder.citation(line, &chronic.source) });
}

fn read_cytopenias(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::CytopeniasFile>() else { return };
    let cutoff = |builder: &mut Builder<'_>, spanned: Spanned<raw::RawLabCutoff>, expected: Analyte| {
        let line = builder.line(&spanned);
        let raw = spanned.into_inner();
        if builder.analyte(line, &raw.analyte) != Some(expected) {
            builder.error(line, format!("expected analyte {expected}, found {:?}", raw.analyte));
        }
        let _ = &raw.unit;
        Cutoff { value: raw.below, citation: builder.citation(line, &raw.source) }
    };
    let anemia = cutoff(builder, file.anemia, Analyte::Hemoglobin);
    let thrombocytopenia = cutoff(builder, file.thrombocytopenia, Analyte::Platelets);
    let neutropenia = cutoff(builder, file.neutropenia, Analyte::Anc);
    parts.cytopenias = Some(Cytopenias { anemia, thrombocytopenia, neutropenia });
}

fn read_ranking(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::RankingFile>() else { return };
    let line = builder.line(&file.priors);
    let priors_raw = file.priors.into_inner();
    let calibration = builder.citation(line, &priors_raw.source);
    let _ = &priors_raw.note;
    let priors: BTreeMap<String, f64> = [
        ("very-common", priors_raw.very_common),
        ("common", priors_raw.common),
        ("uncommon", priors_raw.uncommon),
        ("rare", priors_raw.rare),
        ("very-rare", priors_raw.very_rare),
    ]
    .into_iter()
    .map(|(word, p)| (word.to_owned(), p))
    .collect();
    let values: Vec<f64> = PRIORS.iter().map(|word| priors[*word]).collect();
    if values.iter().any(|p| !(*p > 0.0 && *p < 1.0)) || values.windows(2).any(|w| w[0] <= w[1]) {
        builder.error(line, "priors must lie in (0, 1) and fall from very-common to very-rare");
    }
    let line = builder.line(&file.strengths);
    let strengths = file.strengths.into_inner();
    builder.citation(line, &strengths.source);
    let _ = &strengths.note;
    for word in STRENGTHS {
        match (strengths.for_.get(word), strengths.against.get(word)) {
            (Some(&up), Some(&down)) if up > 1.0 && down > 0.0 && down < 1.0 => {}
            _ => builder
                .error(line, format!("strength {word:?} needs a `for` ratio above 1 and an `against` ratio in (0, 1)")),
        }
    }
    for word in strengths.for_.keys().chain(strengths.against.keys()) {
        if !STRENGTHS.contains(&word.as_str()) {
            builder.error(line, format!("unknown strength word {word:?}"));
        }
    }
    let rule = |builder: &mut Builder<'_>, line: usize, rule: &raw::RawRule| -> Lr {
        let table = match rule.direction.as_str() {
            "for" => &strengths.for_,
            "against" => &strengths.against,
            other => {
                builder.error(line, format!("direction must be \"for\" or \"against\", found {other:?}"));
                return Lr(1.0);
            }
        };
        match table.get(&rule.strength) {
            Some(&lr) => Lr(lr),
            None => {
                builder.error(line, format!("unknown strength word {:?}", rule.strength));
                Lr(1.0)
            }
        }
    };
    let line = builder.line(&file.drug_priors);
    let drug = file.drug_priors.into_inner();
    builder.citation(line, &drug.source);
    let _ = &drug.note;
    let drug_priors: BTreeMap<String, String> =
        [("strong", drug.strong), ("moderate", drug.moderate), ("weak", drug.weak), ("uncertain", drug.uncertain)]
            .into_iter()
            .map(|(association, word)| (association.to_owned(), word))
            .collect();
    for word in drug_priors.values() {
        if !PRIORS.contains(&word.as_str()) {
            builder.error(line, format!("drug prior {word:?} is not a prior word"));
        }
    }
    let line = builder.line(&file.temporal);
    let temporal_raw = file.temporal.into_inner();
    let temporal = Temporal {
        within_window: rule(builder, line, &temporal_raw.within_window),
        before_window: rule(builder, line, &temporal_raw.before_window),
        after_window: rule(builder, line, &temporal_raw.after_window),
        started_after_onset: rule(builder, line, &temporal_raw.started_after_onset),
        stopped_long_before_onset: rule(builder, line, &temporal_raw.stopped_long_before_onset),
        dechallenge_recovery: rule(builder, line, &temporal_raw.dechallenge_recovery),
        from_last_dose: temporal_raw.from_last_dose.clone(),
        cumulative_while_taken: temporal_raw.cumulative_while_taken.clone(),
        from_last_dose_when_ended: temporal_raw.from_last_dose_when_ended.clone(),
        citation: builder.citation(line, &temporal_raw.source),
    };
    let line = builder.line(&file.lineage_fit);
    let lineage = file.lineage_fit.into_inner();
    builder.citation(line, &lineage.source);
    let _ = &lineage.note;
    let unexplained_lineage = rule(builder, line, &lineage.unexplained_lineage);
    let all_lineages_explained = rule(builder, line, &lineage.all_lineages_explained);
    let line = builder.line(&file.hallmark);
    let hallmark = file.hallmark.into_inner();
    builder.citation(line, &hallmark.source);
    let _ = &hallmark.note;
    let hallmark_absent = rule(builder, line, &hallmark.absent);
    let line = builder.line(&file.context);
    let context = file.context.into_inner();
    builder.citation(line, &context.source);
    let _ = &context.note;
    let context_absent = rule(builder, line, &context.absent);
    let line = builder.line(&file.overlapping);
    let overlapping = file.overlapping.into_inner();
    builder.citation(line, &overlapping.source);
    let _ = &overlapping.note;
    for group in &overlapping.groups {
        if group.len() < 2 {
            builder.error(line, "an overlapping group names at least two findings");
        }
        for finding in group {
            parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
        }
    }
    let line = builder.line(&file.doubtful_count);
    let doubtful = file.doubtful_count.into_inner();
    builder.verification(line, doubtful.status.as_deref(), "doubtful-count rule");
    for finding in doubtful.findings.iter().chain(&doubtful.read_from_the_count) {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    let doubtful_against = rule(builder, line, &doubtful.against_true_causes);
    let doubtful_citation = builder.citation(line, &doubtful.source);
    let line = builder.line(&file.next_tests);
    let next = file.next_tests.into_inner();
    builder.citation(line, &next.source);
    let _ = &next.note;
    let default_lr = match strengths.for_.get(&next.default_strength) {
        Some(&lr) => lr,
        None => {
            builder
                .error(line, format!("next_tests.default_strength {:?} is not a strength word", next.default_strength));
            1.0
        }
    };
    if !(0.0..1.0).contains(&next.min_probability) {
        builder.error(line, "next_tests.min_probability must lie in [0, 1)");
    }
    parts.ranking = Some(Ranking {
        priors,
        lr_for: strengths.for_,
        lr_against: strengths.against,
        calibration,
        drug_priors,
        temporal,
        unexplained_lineage,
        all_lineages_explained,
        hallmark_absent,
        context_absent,
        overlapping: overlapping.groups,
        doubtful_findings: doubtful.findings,
        doubtful_read_from_count: doubtful.read_from_the_count,
        doubtful_against,
        doubtful_citation,
        next_tests_max: next.max,
        next_tests_default_lr: default_lr,
        next_tests_min_probability: next.min_probability,
    });
}

/// The kinds a cause's next test may be proposed as.
const TEST_KINDS: [&str; 3] = ["order-test", "peripheral-smear", "bone-marrow-exam"];

const KINDS: [&str; 19] = [
    "empiric-antibiotics",
    "blood-cultures",
    "stop-drug",
    "repeat-cbc",
    "peripheral-smear",
    "order-test",
    "hematology-referral",
    "bone-marrow-exam",
    "rheumatology-referral",
    "g-csf",
    "neutropenic-precautions",
    "antimicrobial-prophylaxis",
    "supplement",
    "immunosuppression",
    "treat-infection",
    "remove-exposure",
    "transplant-evaluation",
    "monitoring",
    "reassurance",
];

fn action(
    builder: &mut Builder<'_>,
    parts: &mut Parts,
    line: usize,
    raw: &raw::RawAction,
    fallback: &Citation,
    in_plan: bool,
) -> ActionDef {
    if !in_plan && !raw.for_drugs.is_empty() {
        builder.error(
            line,
            "for_drugs applies only to an action of a drug template's plan (management/cause-specific.toml)",
        );
    }
    if !KINDS.contains(&raw.kind.as_str()) {
        builder.error(line, format!("action kind {:?} is not one of the contract's kinds", raw.kind));
    }
    if !["immediate", "urgent", "routine"].contains(&raw.urgency.as_str()) {
        builder.error(line, format!("urgency must be immediate, urgent or routine, found {:?}", raw.urgency));
    }
    if let Some(target) = &raw.target
        && target.to_lowercase() != *target
    {
        builder.error(line, format!("target {target:?} must be lower case"));
    }
    for finding in raw.when_finding.iter().chain(&raw.unless_finding) {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    let _ = &raw.note;
    let citation = match &raw.source {
        Some(source) => builder.citation(line, source),
        None => fallback.clone(),
    };
    ActionDef {
        kind: raw.kind.clone(),
        target: raw.target.clone(),
        urgency: raw.urgency.clone(),
        text: raw.text.clone(),
        when_finding: raw.when_finding.clone(),
        unless_finding: raw.unless_finding.clone(),
        for_drugs: raw.for_drugs.clone(),
        citation,
    }
}

fn read_febrile(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::FebrileFile>() else { return };
    let line = builder.line(&file.fever);
    let fever = file.fever.into_inner();
    if !(fever.sustained_at_least <= fever.single_at_least && fever.sustained_minutes > 0 && fever.look_back_hours > 0)
    {
        builder.error(line, "fever: sustained threshold must not exceed the single one; durations positive");
    }
    let fever_citation = builder.citation(line, &fever.source);
    let line = builder.line(&file.neutropenia);
    let neutropenia = file.neutropenia.into_inner();
    if neutropenia.anc_below.partial_cmp(&neutropenia.expected_anc_below) != Some(std::cmp::Ordering::Less) {
        builder.error(line, "neutropenia: expected_anc_below must be above anc_below");
    }
    let neutropenia_citation = builder.citation(line, &neutropenia.source);
    for finding in &neutropenia.falling_findings {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    let _ = &neutropenia.note;
    let line = builder.line(&file.urgent);
    let urgent = file.urgent.into_inner();
    builder.verification(line, urgent.status.as_deref(), "urgent flag");
    let _ = &urgent.note;
    let urgent_citation = builder.citation(line, &urgent.source);
    for finding in urgent.sepsis_findings.iter().chain(&urgent.infection_findings).chain(&urgent.bleeding_findings) {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    let line = builder.line(&file.qsofa);
    let qsofa = file.qsofa.into_inner();
    for finding in qsofa.altered_mentation_findings.iter().chain(&qsofa.suspected_infection_findings) {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    let qsofa_citation = builder.citation(line, &qsofa.source);
    let line = builder.line(&file.nice_high_risk);
    let nice = file.nice_high_risk.into_inner();
    builder.verification(line, nice.status.as_deref(), "NICE sepsis high-risk criteria");
    for finding in &nice.findings {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    let nice_citation = builder.citation(line, &nice.source);
    let line = builder.line(&file.symptomatic_neutropenia);
    let symptomatic = file.symptomatic_neutropenia.into_inner();
    builder.verification(line, symptomatic.status.as_deref(), "symptomatic neutropenia");
    for finding in &symptomatic.findings {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    if !["immediate", "urgent", "routine"].contains(&symptomatic.urgency.as_str()) {
        builder.error(line, "symptomatic_neutropenia.urgency must be immediate, urgent or routine");
    }
    let symptomatic_citation = builder.citation(line, &symptomatic.source);
    let mut actions = Vec::new();
    for spanned in &file.action {
        let line = builder.line(spanned);
        let fallback = fever_citation.clone();
        actions.push(action(builder, parts, line, spanned.get_ref(), &fallback, false));
    }
    let line = builder.line(&file.mascc);
    let m = file.mascc.into_inner();
    let mascc = Mascc {
        low_risk_at_least: m.low_risk_at_least,
        burden_none_or_mild: m.burden_none_or_mild,
        burden_moderate: m.burden_moderate,
        burden_severe: m.burden_severe,
        no_hypotension: m.no_hypotension,
        systolic_below_is_hypotension: m.systolic_below_is_hypotension,
        no_copd: m.no_copd,
        solid_tumour_or_haematological_without_fungal: m.solid_tumour_or_haematological_without_fungal,
        no_dehydration: m.no_dehydration,
        outpatient: m.outpatient,
        age_under: m.age_under,
        age_points: m.age_points,
        citation: builder.citation(line, &m.source),
    };
    let maximum = mascc.burden_none_or_mild
        + mascc.no_hypotension
        + mascc.no_copd
        + mascc.solid_tumour_or_haematological_without_fungal
        + mascc.no_dehydration
        + mascc.outpatient
        + mascc.age_points;
    if maximum < mascc.low_risk_at_least {
        builder.error(line, format!("MASCC maximum {maximum} is below its low-risk cut-off"));
    }
    let line = builder.line(&file.cisne);
    let c = file.cisne.into_inner();
    if !(0 < c.intermediate_from && c.intermediate_from < c.high_from) {
        builder.error(line, "CISNE classes must satisfy 0 < intermediate_from < high_from");
    }
    let cisne = Cisne {
        ecog_2_or_more: c.ecog_2_or_more,
        stress_hyperglycaemia: c.stress_hyperglycaemia,
        glucose_at_least_mg_dl: c.glucose_at_least_mg_dl,
        glucose_at_least_mg_dl_if_diabetic_or_steroids: c.glucose_at_least_mg_dl_if_diabetic_or_steroids,
        copd: c.copd,
        chronic_cardiovascular_disease: c.chronic_cardiovascular_disease,
        mucositis_grade_2_or_more: c.mucositis_grade_2_or_more,
        monocytes_below: c.monocytes_below,
        monocytes_points: c.monocytes_points,
        intermediate_from: c.intermediate_from,
        high_from: c.high_from,
        citation: builder.citation(line, &c.source),
    };
    parts.febrile = Some(FebrileNeutropenia {
        single_at_least: fever.single_at_least,
        sustained_at_least: fever.sustained_at_least,
        sustained_minutes: fever.sustained_minutes,
        look_back_hours: fever.look_back_hours,
        fever_citation,
        anc_below: neutropenia.anc_below,
        expected_anc_below: neutropenia.expected_anc_below,
        falling_within_days: neutropenia.falling_within_days,
        falling_findings: neutropenia.falling_findings.clone(),
        neutropenia_citation,
        sepsis_findings: urgent.sepsis_findings,
        infection_findings: urgent.infection_findings,
        bleeding_findings: urgent.bleeding_findings,
        severe_thrombocytopenia_below: urgent.severe_thrombocytopenia_below,
        urgent_citation,
        qsofa_respiratory_rate_at_least: qsofa.respiratory_rate_at_least,
        qsofa_systolic_at_most: qsofa.systolic_at_most,
        qsofa_altered_mentation_findings: qsofa.altered_mentation_findings,
        qsofa_at_least: qsofa.at_least,
        suspected_infection_findings: qsofa.suspected_infection_findings,
        qsofa_citation,
        nice_respiratory_rate_at_least: nice.respiratory_rate_at_least,
        nice_heart_rate_at_least: nice.heart_rate_at_least,
        nice_systolic_at_most: nice.systolic_at_most,
        nice_findings: nice.findings,
        nice_citation,
        symptomatic_anc_below: symptomatic.anc_below,
        symptomatic_findings: symptomatic.findings,
        symptomatic_urgency: symptomatic.urgency,
        symptomatic_citation,
        actions,
        mascc,
        cisne,
    });
}

fn read_vitals_text(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::VitalsTextFile>() else { return };
    for spanned in file.vital {
        let line = builder.line(&spanned);
        let v = spanned.into_inner();
        let Some(analyte) = builder.analyte(line, &v.analyte) else { continue };
        builder.citation(line, &v.source);
        let mut phrases: Vec<String> = v.phrases.iter().map(|p| fold(p)).collect();
        phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        parts.vitals_text.push(super::VitalText { analyte, phrases, default_unit: v.default_unit });
    }
}

fn read_supportive(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::SupportiveFile>() else { return };
    let line = builder.line(&file.precautions);
    let p = file.precautions.into_inner();
    builder.verification(line, p.status.as_deref(), "neutropenic precautions");
    let precautions_citation = builder.citation(line, &p.source);
    let line = builder.line(&file.prophylaxis);
    let x = file.prophylaxis.into_inner();
    builder.verification(line, x.status.as_deref(), "prophylaxis");
    let profound_citation = builder.citation(line, &x.profound_source);
    let cd4_citation = builder.citation(line, &x.cd4_source);
    let line = builder.line(&file.g_csf);
    let g = file.g_csf.into_inner();
    if g.consider_risk_at_least.partial_cmp(&g.primary_risk_at_least) != Some(std::cmp::Ordering::Less) {
        builder.error(line, "g_csf: consider_risk_at_least must be below primary_risk_at_least");
    }
    let line = builder.line(&file.referral);
    let r = file.referral.into_inner();
    builder.verification(line, r.status.as_deref(), "haematology referral rule");
    for finding in r.findings.iter().chain(&r.with_neutropenia_findings) {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    if !["immediate", "urgent", "routine"].contains(&r.urgency.as_str()) {
        builder.error(line, "referral.urgency must be immediate, urgent or routine");
    }
    let referral_citation = builder.citation(line, &r.source);
    builder.leading_categories(line, &r.except_leading_categories);
    builder.pattern_words(line, "referral", &r.patterns);
    let line = builder.line(&file.hiv_screen);
    let h = file.hiv_screen.into_inner();
    builder.verification(line, h.status.as_deref(), "HIV screen");
    for finding in &h.unless_findings {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    builder.leading_categories(line, &h.except_leading_categories);
    builder.pattern_words(line, "hiv_screen", &h.patterns);
    let hiv_screen = super::management::HivScreen {
        patterns: h.patterns,
        unless_findings: h.unless_findings,
        except_leading_categories: h.except_leading_categories,
        target: h.target,
        text: h.text,
        citation: builder.citation(line, &h.source),
    };
    let line = builder.line(&file.unexplained);
    let u = file.unexplained.into_inner();
    builder.verification(line, u.status.as_deref(), "unexplained-neutropenia panel");
    for finding in &u.unless_findings {
        parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
    }
    builder.leading_categories(line, &u.except_leading_categories);
    for cause in &u.except_leading_causes {
        parts.cause_refs.push((builder.file.to_owned(), line, cause.clone()));
    }
    let panel_citation = builder.citation(line, &u.source);
    let unexplained = super::management::Unexplained {
        unless_findings: u.unless_findings,
        except_leading_categories: u.except_leading_categories,
        except_leading_causes: u.except_leading_causes,
        actions: u.actions.iter().map(|a| action(builder, parts, line, a, &panel_citation, false)).collect(),
    };
    let mut actions = Vec::new();
    for spanned in &file.action {
        let line = builder.line(spanned);
        let raw = spanned.get_ref();
        if raw.when_finding.is_none() {
            builder.error(line, "a supportive action needs when_finding (the finding that calls for it)");
        }
        let fallback = Citation::new(vec!["uncited".to_owned()]);
        actions.push(action(builder, parts, line, raw, &fallback, false));
    }
    parts.supportive = Some(Supportive {
        precautions_anc_below: p.anc_below,
        precautions_text: p.text,
        precautions_citation,
        profound_anc_below: x.profound_anc_below,
        profound_text: x.profound_text,
        profound_citation,
        cd4_below: x.cd4_below,
        cd4_text: x.cd4_text,
        cd4_citation,
        g_csf_primary_risk_at_least: g.primary_risk_at_least,
        g_csf_consider_risk_at_least: g.consider_risk_at_least,
        g_csf_primary_text: g.primary_text,
        g_csf_consider_text: g.consider_text,
        g_csf_secondary_text: g.secondary_text,
        g_csf_fn_high_risk_text: g.fn_high_risk_text,
        g_csf_fn_high_risk_age_over: g.fn_high_risk_age_over,
        g_csf_citation: builder.citation(line, &g.source),
        referral_anc_below: r.anc_below,
        referral_patterns: r.patterns,
        referral_findings: r.findings,
        referral_with_neutropenia_findings: r.with_neutropenia_findings,
        referral_except_leading_categories: r.except_leading_categories,
        referral_urgency: r.urgency,
        referral_text: r.text,
        referral_citation,
        hiv_screen,
        unexplained,
        actions,
    });
}

fn read_thresholds(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::ThresholdsFile>() else { return };
    let line = builder.line(&file.plans);
    let p = file.plans.into_inner();
    if !(0.0..=1.0).contains(&p.act_probability) || !(0.0..=1.0).contains(&p.stop_all_suspects_probability) {
        builder.error(line, "plan probabilities must lie in [0, 1]");
    }
    let _ = &p.note;
    let alerts_line = builder.line(&file.alerts);
    let a = file.alerts.into_inner();
    let _ = &a.note;
    let mut alert_levels = [crate::assessment::AlertLevel::Info; 4];
    if a.level_by_grade.len() == 4 {
        for (slot, word) in alert_levels.iter_mut().zip(&a.level_by_grade) {
            match word.as_str() {
                "info" | "warning" | "critical" => *slot = crate::assessment::AlertLevel::from_id(word),
                _ => builder.error(alerts_line, format!("alert level {word:?} is not info, warning or critical")),
            }
        }
    } else {
        builder.error(alerts_line, "level_by_grade needs one level for each CTCAE grade 1-4");
    }
    let thresholds = PlanThresholds {
        act_probability: p.act_probability,
        stop_all_suspects_probability: p.stop_all_suspects_probability,
        citation: builder.citation(line, &p.source),
        alert_levels,
        alert_citation: builder.citation(alerts_line, &a.source),
    };
    let mut guards = Vec::new();
    for spanned in file.guard {
        let line = builder.line(&spanned);
        let g = spanned.into_inner();
        for category in &g.leading_categories {
            if !CATEGORIES.contains(&category.as_str()) {
                builder.error(line, format!("unknown category {category:?}"));
            }
        }
        for kind in &g.forbid_kinds {
            if !KINDS.contains(&kind.as_str()) {
                builder.error(line, format!("unknown kind {kind:?}"));
            }
        }
        for finding in &g.when_findings {
            parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
        }
        let _ = &g.note;
        guards.push(Guard {
            leading_categories: g.leading_categories,
            leading_causes: g.leading_causes,
            when_findings: g.when_findings,
            forbid_kinds: g.forbid_kinds,
            citation: builder.citation(line, &g.source),
        });
    }
    for spanned in file.contraindication {
        let line = builder.line(&spanned);
        let c = spanned.into_inner();
        parts.finding_refs.push((builder.file.to_owned(), line, c.when_finding.clone()));
        let citation = builder.citation(line, &c.source);
        parts.contraindications.push(Contraindication {
            targets: c.targets.iter().map(|t| fold(t)).collect(),
            when_finding: c.when_finding,
            text: c.text,
            citation,
        });
    }
    parts.thresholds = Some((thresholds, guards));
}

fn read_drug_rules(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::DrugRulesFile>() else { return };
    for spanned in file.drug_rule {
        let line = builder.line(&spanned);
        let r = spanned.into_inner();
        let ben = match r.population.as_str() {
            "general" => false,
            "ben" => true,
            other => {
                builder.error(line, format!("population must be general or ben, found {other:?}"));
                false
            }
        };
        let decision = match r.decision.as_str() {
            "continue" => Decision::Continue,
            "interrupt" => Decision::Interrupt,
            "discontinue" => Decision::Discontinue,
            other => {
                builder.error(line, format!("decision must be continue, interrupt or discontinue, found {other:?}"));
                Decision::Continue
            }
        };
        if let (Some(low), Some(high)) = (r.anc_at_least, r.anc_below)
            && low >= high
        {
            builder.error(line, "anc_at_least must be below anc_below");
        }
        let citation = builder.citation(line, &r.source);
        let actions = r.actions.iter().map(|a| action(builder, parts, line, a, &citation, false)).collect();
        let overlapping = parts.drug_rules.iter().any(|(_, _, other)| {
            other.drug == r.drug
                && other.ben == ben
                && other.anc_at_least.unwrap_or(f64::NEG_INFINITY) < r.anc_below.unwrap_or(f64::INFINITY)
                && r.anc_at_least.unwrap_or(f64::NEG_INFINITY) < other.anc_below.unwrap_or(f64::INFINITY)
        });
        if overlapping {
            builder.error(line, format!("drug rule for {:?} overlaps another ANC band", r.drug));
        }
        parts.drug_rules.push((
            builder.file.to_owned(),
            line,
            DrugRule {
                drug: r.drug,
                ben,
                anc_at_least: r.anc_at_least,
                anc_below: r.anc_below,
                decision,
                actions,
                citation,
            },
        ));
    }
}

/// Links each evidence line of a list to the other lines of the list whose findings share an
/// `[overlapping]` group with its own.
fn link_same_facts(lines: &mut [EvidenceDef], groups: &[Vec<String>]) {
    let grouped = |a: &str, b: &str| groups.iter().any(|g| g.iter().any(|f| f == a) && g.iter().any(|f| f == b));
    let links: Vec<Vec<usize>> = (0..lines.len())
        .map(|i| (0..lines.len()).filter(|&j| j != i && grouped(&lines[i].finding, &lines[j].finding)).collect())
        .collect();
    for (line, same) in lines.iter_mut().zip(links) {
        line.same_fact = same;
    }
}

/// Evidence lines (a cause's `evidence_for`/`evidence_against`, a drug's `risk_factors`), each
/// strength word checked; `owner` names the entry in errors.
fn evidence_lines(builder: &mut Builder<'_>, line: usize, owner: &str, list: &[raw::RawEvidence]) -> Vec<EvidenceDef> {
    list.iter()
        .map(|item| {
            if !STRENGTHS.contains(&item.strength.as_str()) {
                builder
                    .error(line, format!("{owner}: strength must be one of {STRENGTHS:?}, found {:?}", item.strength));
            }
            let _ = &item.note;
            EvidenceDef {
                finding: item.finding.clone(),
                strength: item.strength.clone(),
                hallmark: item.hallmark,
                citation: builder.citation(line, &item.source),
                same_fact: Vec::new(),
            }
        })
        .collect()
}

fn read_plans(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::PlansFile>() else { return };
    for spanned in file.plan {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let p = spanned.into_inner();
        if parts.plans.iter().any(|(_, _, other)| other.id == p.id) {
            builder.error(line, format!("plan id {:?} is defined twice", p.id));
            continue;
        }
        builder.verification(line, p.status.as_deref(), &format!("plan {:?}", p.id));
        let _ = &p.note;
        let citation = match &p.source {
            Some(source) => builder.citation(line, source),
            None => Citation::new(vec!["uncited".to_owned()]),
        };
        let actions = p.actions.iter().map(|a| action(builder, parts, line, a, &citation, true)).collect();
        let on_suspicion = p.on_suspicion.as_ref().map(|suspicion| {
            if suspicion.within_top == 0 {
                builder.error(line, format!("plan {:?}: on_suspicion.within_top must be at least 1", p.id));
            }
            if !(0.0..1.0).contains(&suspicion.min_probability) {
                builder.error(line, format!("plan {:?}: on_suspicion.min_probability must lie in [0, 1)", p.id));
            }
            let _ = &suspicion.note;
            super::management::Suspicion {
                within_top: suspicion.within_top,
                min_probability: suspicion.min_probability,
                citation: builder.citation(line, &suspicion.source),
            }
        });
        builder.register(&p.id, "plan", line, span);
        parts.plans.push((builder.file.to_owned(), line, Plan { id: p.id, causes: p.causes, actions, on_suspicion }));
    }
}

fn read_regimens(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::RegimensFile>() else { return };
    for spanned in file.regimen {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let r = spanned.into_inner();
        if !["high", "intermediate", "low"].contains(&r.band.as_str()) {
            builder.error(line, format!("band must be high, intermediate or low, found {:?}", r.band));
        }
        if let Some(range) = r.fn_risk_percent
            && !(0.0 <= range.low && range.low <= range.high && range.high <= 100.0)
        {
            builder.error(line, "fn_risk_percent must satisfy 0 <= low <= high <= 100");
        }
        builder.verification(line, r.status.as_deref(), &format!("regimen {:?}", r.id));
        let citation = builder.citation(line, &r.source);
        let _ = (&r.locator, &r.note);
        builder.register(&r.id, "regimen", line, span);
        parts.regimens.push((
            builder.file.to_owned(),
            line,
            Regimen {
                id: r.id,
                label: r.label,
                names: r.names.iter().map(|n| fold(n)).collect(),
                components: r.components,
                fn_risk_percent: r.fn_risk_percent.map(|x| (x.low, x.high)),
                band: r.band,
                citation,
            },
        ));
    }
    if let Some(spanned) = file.risk_factors {
        let line = builder.line(&spanned);
        let f = spanned.into_inner();
        builder.verification(line, f.status.as_deref(), "G-CSF risk factors");
        builder.citation(line, &f.source);
        parts.risk_factors = f.items;
    }
}

fn read_drugs(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::DrugsFile>() else { return };
    for spanned in file.drug {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let raw = spanned.into_inner();
        if raw.id.is_empty() || raw.id != raw.id.to_lowercase() {
            builder.error(line, format!("drug id {:?} must be lower case and not empty", raw.id));
        }
        if parts.drugs.iter().any(|(_, _, d)| d.id == raw.id) {
            builder.error(line, format!("drug id {:?} is defined twice", raw.id));
            continue;
        }
        if raw.names.is_empty() {
            builder.error(line, format!("drug {:?} has no names", raw.id));
        }
        if !DRUG_CLASSES.contains(&raw.class.as_str()) {
            builder.error(line, format!("drug {:?}: unknown class {:?}", raw.id, raw.class));
        }
        if !ASSOCIATIONS.contains(&raw.association.as_str()) {
            builder.error(
                line,
                format!("drug {:?}: association must be one of {ASSOCIATIONS:?}, found {:?}", raw.id, raw.association),
            );
        }
        for code in &raw.atc {
            if !atc_is_valid(code) {
                builder.error(line, format!("drug {:?}: ATC code {code:?} is malformed", raw.id));
            }
        }
        for code in &raw.rxnorm {
            if !digits_only(code, 1, 9) {
                builder.error(line, format!("drug {:?}: RxNorm code {code:?} must be digits", raw.id));
            }
        }
        for code in &raw.evidence {
            if !EVIDENCE_CODES.contains(&code.as_str()) {
                builder
                    .error(line, format!("drug {:?}: evidence code {code:?} is not one of {EVIDENCE_CODES:?}", raw.id));
            }
        }
        if let Some(latency) = raw.latency_days {
            let values: Vec<i64> = [latency.min, latency.typical, latency.max].into_iter().flatten().collect();
            if values.iter().any(|&v| v < 0) || values.windows(2).any(|w| w[0] > w[1]) {
                builder.error(
                    line,
                    format!("drug {:?}: latency_days must be non-negative and min <= typical <= max", raw.id),
                );
            }
        }
        builder.verification(line, raw.status.as_deref(), &format!("drug {:?}", raw.id));
        let citation = builder.citation(line, &raw.source);
        let _ = (&raw.locator, &raw.note, &raw.since);
        let risk_factors = evidence_lines(builder, line, &format!("drug {:?}", raw.id), &raw.risk_factors);
        builder.register(&raw.id, "drug", line, span);
        let cause = raw.cause.clone();
        parts.drugs.push((
            line,
            builder.file.to_owned(),
            DrugDef {
                label: raw.label.unwrap_or_else(|| {
                    let mut chars = raw.id.chars();
                    chars
                        .next()
                        .map(|first| first.to_uppercase().chain(chars).collect::<String>().replace('-', "/"))
                        .unwrap_or_default()
                }),
                id: raw.id,
                names: raw.names.iter().map(|n| fold(n)).collect(),
                atc: raw.atc,
                rxnorm: raw.rxnorm,
                class: raw.class,
                cause,
                association: raw.association,
                latency_days: raw.latency_days.map(|l| (l.min, l.typical, l.max)),
                late_onset_possible: raw.late_onset_possible,
                monitoring: raw.monitoring,
                risk_factors,
                citation,
            },
        ));
    }
}

fn read_findings(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::FindingsFile>() else { return };
    for spanned in file.finding {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let raw = spanned.into_inner();
        if derived::ALL.contains(&raw.id.as_str()) {
            builder.error(line, format!("finding id {:?} is derived by the engine and cannot be redefined", raw.id));
            continue;
        }
        if parts.findings.iter().any(|(_, _, f)| f.id == raw.id) {
            builder.error(line, format!("finding id {:?} is defined twice", raw.id));
            continue;
        }
        for code in &raw.icd10 {
            if !icd10_is_valid(code) {
                builder.error(line, format!("finding {:?}: ICD-10 code {code:?} is malformed", raw.id));
            }
        }
        for code in &raw.snomed {
            if !digits_only(code, 6, 18) {
                builder.error(line, format!("finding {:?}: SNOMED CT id {code:?} must be 6-18 digits", raw.id));
            }
        }
        if let Some(rule) = &raw.lab {
            parts.pending_labs.push((builder.file.to_owned(), line, raw.id.clone(), rule.clone()));
        }
        if let Some(below) = &raw.below_age {
            parts.finding_refs.push((builder.file.to_owned(), line, below.finding.clone()));
            if !(below.years > 0.0 && below.years < 150.0) {
                builder.error(line, format!("finding {:?}: below_age.years must lie in (0, 150)", raw.id));
            }
        }
        if let Some(target) = &raw.stands_for {
            // A derived finding, or one the knowledge base defines (checked with the other
            // references once every file is read).
            if !derived::ALL.contains(&target.as_str()) {
                parts.finding_refs.push((builder.file.to_owned(), line, target.clone()));
            }
            if target == &raw.id {
                builder.error(line, format!("finding {:?} cannot stand for itself", raw.id));
            }
        }
        if let Some(duration) = &raw.duration
            && (duration.words.is_empty() || duration.at_least_days == 0)
        {
            builder.error(line, format!("finding {:?}: a duration rule needs words and at_least_days > 0", raw.id));
        }
        let listed = raw.listed.as_ref().and_then(|listed| {
            let result = match listed.result.as_str() {
                "negative" => Some(super::ListedResult::Negative),
                "normal" => Some(super::ListedResult::Normal),
                other => {
                    builder.error(
                        line,
                        format!("finding {:?}: listed.result {other:?} is not negative or normal", raw.id),
                    );
                    None
                }
            };
            if listed.terms.is_empty() {
                builder.error(line, format!("finding {:?}: listed needs terms", raw.id));
            }
            result.map(|result| (result, listed.terms.iter().map(|t| fold(t)).collect::<Vec<_>>()))
        });
        for exam in &raw.examination {
            if !EXAMINATIONS.contains(&exam.as_str()) {
                builder.error(
                    line,
                    format!("finding {:?}: examination {exam:?} is not one of {}", raw.id, EXAMINATIONS.join(", ")),
                );
            }
        }
        if raw.text.is_empty()
            && raw.icd10.is_empty()
            && raw.snomed.is_empty()
            && raw.lab.is_none()
            && raw.duration.is_none()
            && raw.listed.is_none()
            && raw.below_age.is_none()
        {
            builder
                .error(line, format!("finding {:?} can never be recognised: give text, codes or a lab rule", raw.id));
        }
        builder.verification(line, raw.status.as_deref(), &format!("finding {:?}", raw.id));
        let citation = builder.citation(line, &raw.source);
        let _ = (&raw.locator, &raw.note, &raw.since);
        builder.register(&raw.id, "finding", line, span);
        parts.findings.push((
            line,
            builder.file.to_owned(),
            FindingDef {
                id: raw.id,
                label: raw.label,
                text: raw.text.iter().map(|t| fold(t)).collect(),
                text_words: raw.text.iter().map(|t| crate::text::phrase_words(&fold(t))).collect(),
                icd10: raw.icd10.iter().map(|c| c.replace('.', "").to_uppercase()).collect(),
                snomed: raw.snomed,
                negation_sensitive: raw.negation_sensitive.unwrap_or(true),
                lab: None,
                lab_within_days: raw.lab.as_ref().and_then(|rule| rule.within_days),
                duration: raw.duration.as_ref().map(|d| super::DurationRule {
                    words: d.words.iter().map(|w| fold(w)).collect(),
                    at_least_days: d.at_least_days,
                }),
                listed,
                below_age: raw.below_age.as_ref().map(|b| (b.finding.clone(), b.years)),
                stands_for: raw.stands_for.clone(),
                examination: raw.examination.clone(),
                citation,
            },
        ));
    }
}

fn lab_rule(
    errors: &mut Vec<KbError>,
    parts: &Parts,
    (file, line): (&str, usize),
    id: &str,
    rule: &raw::RawLabRule,
) -> Option<LabRule> {
    let mut fail = |message: String| errors.push(KbError { file: file.to_owned(), line, message });
    let Some(analyte) = Analyte::from_id(&rule.analyte) else {
        fail(format!("finding {id:?}: unknown analyte {:?}", rule.analyte));
        return None;
    };
    let chosen = [
        rule.below.is_some(),
        rule.above.is_some(),
        rule.below_reference == Some(true),
        rule.above_reference == Some(true),
    ]
    .iter()
    .filter(|&&set| set)
    .count();
    if chosen != 1 {
        fail(format!("finding {id:?}: a lab rule needs exactly one of below, above, below_reference, above_reference"));
        return None;
    }
    let threshold = rule.below.or(rule.above);
    let canonical = match threshold {
        None => None,
        Some(value) => {
            let unit = rule.unit.as_deref().unwrap_or_default();
            let table = parts.analytes.get(&analyte).map(|def| def.unit_table.clone()).unwrap_or_default();
            match parts.units.get(&(table, fold_unit(unit))) {
                Some(def) => Some(value * def.factor + def.offset),
                None => {
                    fail(format!("finding {id:?}: unit {unit:?} is not a known unit for {analyte}"));
                    return None;
                }
            }
        }
    };
    Some(match (rule.below, canonical) {
        (Some(_), Some(value)) => LabRule::Below(analyte, value),
        (None, Some(value)) => LabRule::Above(analyte, value),
        _ if rule.below_reference == Some(true) => LabRule::BelowReference(analyte),
        _ => LabRule::AboveReference(analyte),
    })
}

fn read_causes(builder: &mut Builder<'_>, parts: &mut Parts) {
    let Some(file) = builder.parse::<raw::CausesFile>() else { return };
    for spanned in file.cause {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let raw = spanned.into_inner();
        if raw.id.is_empty() || raw.id != raw.id.to_lowercase() || raw.id.contains(' ') {
            builder.error(line, format!("cause id {:?} must be lower case without spaces", raw.id));
        }
        if parts.causes.iter().any(|(_, _, c)| c.id == raw.id) {
            builder.error(line, format!("cause id {:?} is defined twice", raw.id));
            continue;
        }
        if !CATEGORIES.contains(&raw.category.as_str()) {
            builder.error(
                line,
                format!("cause {:?}: category must be one of {CATEGORIES:?}, found {:?}", raw.id, raw.category),
            );
        }
        if !PRIORS.contains(&raw.prior.as_str()) {
            builder.error(line, format!("cause {:?}: prior must be one of {PRIORS:?}, found {:?}", raw.id, raw.prior));
        }
        for band in &raw.prior_by_age {
            if !PRIORS.contains(&band.prior.as_str()) || band.below_years <= 0.0 {
                builder.error(
                    line,
                    format!("cause {:?}: prior_by_age needs a positive below_years and a prior word", raw.id),
                );
            }
            let _ = &band.note;
        }
        for lineage in &raw.affects {
            if !LINEAGES.contains(&lineage.as_str()) {
                builder.error(line, format!("cause {:?}: unknown lineage {lineage:?}", raw.id));
            }
        }
        if let Some(age) = raw.age_years
            && let (Some(min), Some(max)) = (age.min, age.max)
            && min.partial_cmp(&max) != Some(std::cmp::Ordering::Less)
        {
            builder.error(line, format!("cause {:?}: age_years min {min} must be below max {max}", raw.id));
        }
        let owner = format!("cause {:?}", raw.id);
        let evidence_for = evidence_lines(builder, line, &owner, &raw.evidence_for);
        let evidence_against = evidence_lines(builder, line, &owner, &raw.evidence_against);
        let next_tests = raw
            .next_tests
            .iter()
            .map(|test| {
                if let Some(code) = &test.loinc
                    && !loinc_is_valid(code)
                {
                    builder.error(
                        line,
                        format!("cause {:?}: LOINC code {code:?} is malformed or fails its check digit", raw.id),
                    );
                }
                let _ = &test.note;
                let kind = test.kind.clone().unwrap_or_else(|| "order-test".to_owned());
                if !TEST_KINDS.contains(&kind.as_str()) {
                    builder.error(
                        line,
                        format!("cause {:?}: next test kind {kind:?} is not one of {TEST_KINDS:?}", raw.id),
                    );
                }
                TestDef {
                    loinc: test.loinc.clone(),
                    name: test.name.clone(),
                    kind,
                    citation: builder.citation(line, &test.source),
                }
            })
            .collect();
        builder.verification(line, raw.status.as_deref(), &format!("cause {:?}", raw.id));
        let citation = builder.citation(line, &raw.source);
        let _ = (&raw.locator, &raw.note, &raw.since);
        builder.register(&raw.id, "cause", line, span);
        parts.causes.push((
            line,
            builder.file.to_owned(),
            CauseDef {
                id: raw.id,
                category: raw.category,
                label: raw.label,
                summary: raw.summary,
                why: raw.why,
                prior: raw.prior,
                prior_by_age: {
                    let mut bands: Vec<(f64, String)> =
                        raw.prior_by_age.iter().map(|b| (b.below_years, b.prior.clone())).collect();
                    bands.sort_by(|a, b| a.0.total_cmp(&b.0));
                    bands
                },
                age_years: raw.age_years.map_or((None, None), |a| (a.min, a.max)),
                requires_any: raw.requires_any,
                context_any: raw.context_any,
                affects: raw.affects,
                evidence_for,
                evidence_against,
                next_tests,
                known_limits: raw.known_limits,
                citation,
            },
        ));
    }
}

fn check_cross_references(builder: &mut Builder<'_>, parts: &mut Parts) {
    for (file, line, id, rule) in std::mem::take(&mut parts.pending_labs) {
        let lab = lab_rule(&mut builder.errors, parts, (&file, line), &id, &rule);
        if let Some(finding) = parts.findings.iter_mut().find(|(_, _, f)| f.id == id) {
            finding.2.lab = lab;
        }
    }
    let finding_ids: BTreeSet<&str> =
        parts.findings.iter().map(|(_, _, f)| f.id.as_str()).chain(derived::ALL.iter().copied()).collect();
    let cause_ids: BTreeSet<&str> = parts.causes.iter().map(|(_, _, c)| c.id.as_str()).collect();
    let drug_ids: BTreeSet<&str> = parts.drugs.iter().map(|(_, _, d)| d.id.as_str()).collect();
    let mut errors = Vec::new();
    // A finding the engine reads by name and no file defines would make its rule never fire,
    // silently (a knowledge base without findings files is checked for the rest only).
    if !parts.findings.is_empty() {
        for id in crate::findings::named::ALL.iter().filter(|id| !finding_ids.contains(*id)) {
            errors.push(KbError {
                file: "findings/".to_owned(),
                line: 1,
                message: format!("the engine reads finding {id:?}, which no file defines"),
            });
        }
    }
    if let Some(monitoring) = &parts.monitoring {
        for (line, file, drug) in &parts.drugs {
            if let Some(id) = &drug.monitoring
                && !monitoring.programmes.iter().any(|p| &p.id == id)
            {
                errors.push(KbError {
                    file: file.clone(),
                    line: *line,
                    message: format!("drug {:?} names unknown monitoring programme {id:?}", drug.id),
                });
            }
        }
    }
    for (file, line, finding) in &parts.finding_refs {
        if !finding_ids.contains(finding.as_str()) {
            errors.push(KbError { file: file.clone(), line: *line, message: format!("unknown finding {finding:?}") });
        }
    }
    for (file, line, cause) in &parts.cause_refs {
        if !cause_ids.contains(cause.as_str()) {
            errors.push(KbError { file: file.clone(), line: *line, message: format!("unknown cause {cause:?}") });
        }
    }
    let mut covered: BTreeMap<&str, &str> = BTreeMap::new();
    for (file, line, plan) in &parts.plans {
        for cause in &plan.causes {
            if !cause_ids.contains(cause.as_str()) {
                errors.push(KbError {
                    file: file.clone(),
                    line: *line,
                    message: format!("plan {:?} names unknown cause {cause:?}", plan.id),
                });
            } else if let Some(other) = covered.insert(cause.as_str(), plan.id.as_str()) {
                errors.push(KbError {
                    file: file.clone(),
                    line: *line,
                    message: format!("cause {cause:?} is covered by both plan {other:?} and plan {:?}", plan.id),
                });
            }
        }
    }
    // An action for named drugs fires only through a drug template of its plan: the plan must be
    // a drug template, and each drug must exist and be one that template covers.
    for (file, line, plan) in &parts.plans {
        let named: Vec<&String> = plan.actions.iter().flat_map(|a| &a.for_drugs).collect();
        if named.is_empty() {
            continue;
        }
        let drugs = || parts.drugs.iter().map(|(_, _, d)| d);
        if !drugs().any(|d| plan.causes.contains(&d.cause)) {
            errors.push(KbError {
                file: file.clone(),
                line: *line,
                message: format!(
                    "plan {:?} is not a drug template: its actions cannot name drugs (for_drugs)",
                    plan.id
                ),
            });
            continue;
        }
        for drug in named {
            let message = match drugs().find(|d| &d.id == drug).map(|d| plan.causes.contains(&d.cause)) {
                None => format!("plan {:?} has an action for unknown drug {drug:?}", plan.id),
                Some(false) => format!(
                    "plan {:?} has an action for drug {drug:?}, whose cause template is another plan's",
                    plan.id
                ),
                Some(true) => continue,
            };
            errors.push(KbError { file: file.clone(), line: *line, message });
        }
    }
    for (file, line, rule) in &parts.drug_rules {
        if !drug_ids.contains(rule.drug.as_str()) {
            errors.push(KbError {
                file: file.clone(),
                line: *line,
                message: format!("drug rule names unknown drug {:?}", rule.drug),
            });
        }
    }
    for (file, line, regimen) in &parts.regimens {
        for component in &regimen.components {
            if !drug_ids.contains(component.as_str()) {
                errors.push(KbError {
                    file: file.clone(),
                    line: *line,
                    message: format!("regimen {:?} names unknown drug {component:?}", regimen.id),
                });
            }
        }
    }
    for (line, file, cause) in &parts.causes {
        let referenced = cause
            .evidence_for
            .iter()
            .chain(&cause.evidence_against)
            .map(|e| e.finding.as_str())
            .chain(cause.requires_any.iter().map(String::as_str))
            .chain(cause.context_any.iter().map(String::as_str));
        for finding in referenced {
            if !finding_ids.contains(finding) {
                errors.push(KbError {
                    file: file.clone(),
                    line: *line,
                    message: format!("cause {:?} refers to unknown finding {finding:?}", cause.id),
                });
            }
        }
    }
    for (line, file, drug) in &parts.drugs {
        for risk in &drug.risk_factors {
            if !finding_ids.contains(risk.finding.as_str()) {
                errors.push(KbError {
                    file: file.clone(),
                    line: *line,
                    message: format!("drug {:?}: risk factor refers to unknown finding {:?}", drug.id, risk.finding),
                });
            }
        }
        if !cause_ids.contains(drug.cause.as_str()) && !parts.causes.is_empty() {
            errors.push(KbError {
                file: file.clone(),
                line: *line,
                message: format!("drug {:?} names unknown cause template {:?}", drug.id, drug.cause),
            });
        }
        if parts.causes.is_empty() {
            // Without any cause file the drug templates cannot be checked; say so once.
            continue;
        }
    }
    if !parts.drugs.is_empty() && parts.causes.is_empty() {
        builder.notes.push(KbNote {
            file: "drugs/".to_owned(),
            line: 1,
            message: "no causes are defined yet, so drug cause templates were not checked".to_owned(),
        });
    }
    // A drug's names must not collide with another drug's names.
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for (line, file, drug) in &parts.drugs {
        for name in &drug.names {
            if let Some(other) = names.insert(name.as_str(), drug.id.as_str())
                && other != drug.id
            {
                errors.push(KbError {
                    file: file.clone(),
                    line: *line,
                    message: format!("drug name {name:?} belongs to both {other:?} and {:?}", drug.id),
                });
            }
        }
    }
    builder.errors.extend(errors);
}

/// The first-word index of every drug name (see `KnowledgeBase::drug_name_index`).
fn drug_name_index<'d>(drugs: impl Iterator<Item = &'d DrugDef>) -> BTreeMap<String, Vec<(usize, usize)>> {
    let mut index: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (drug_index, drug) in drugs.enumerate() {
        for (name_index, name) in drug.names.iter().enumerate() {
            let words = crate::text::phrase_words(name);
            let Some(first) = words.first() else { continue };
            index.entry(first.clone()).or_default().push((drug_index, name_index));
            if let Some(stem) = first.strip_suffix('s') {
                index.entry(stem.to_owned()).or_default().push((drug_index, name_index));
            }
        }
    }
    index
}

/// The first-word index of every finding phrase (see `KnowledgeBase::phrase_index`).
fn phrase_index(findings: &[(usize, String, FindingDef)]) -> BTreeMap<String, Vec<(usize, usize)>> {
    let mut index: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (finding_index, (_, _, finding)) in findings.iter().enumerate() {
        for (phrase_index, words) in finding.text_words.iter().enumerate() {
            let Some(first) = words.first() else { continue };
            index.entry(first.clone()).or_default().push((finding_index, phrase_index));
            if let Some(stem) = first.strip_suffix('s') {
                index.entry(stem.to_owned()).or_default().push((finding_index, phrase_index));
            }
        }
    }
    index
}

fn read_monitoring(builder: &mut Builder<'_>, parts: &mut Parts) {
    use super::monitoring::{
        AfterRecovery, Band, CyclicParams, Monitoring, NadirParams, Programme, ScheduleStep, TrendParams,
    };
    let Some(file) = builder.parse::<raw::MonitoringFile>() else { return };
    let line = builder.line(&file.trend);
    let t = file.trend.into_inner();
    let _ = &t.note;
    if t.baseline_min_values == 0 || t.baseline_gap_days < 0 || t.baseline_window_days <= t.baseline_gap_days {
        builder.error(line, "trend: baseline_min_values >= 1 and 0 <= baseline_gap_days < baseline_window_days");
    }
    if !(0.0 < t.steep_drop_pct && t.steep_drop_pct < 100.0) {
        builder.error(line, "trend: steep_drop_pct must be in (0, 100)");
    }
    if t.slope_window_days <= 0
        || t.projection_horizon_days <= 0
        || t.intermittent_window_days <= 0
        || t.transient_days <= 0
    {
        builder.error(line, "trend: windows and horizon must be positive");
    }
    let trend = TrendParams {
        baseline_min_values: t.baseline_min_values,
        baseline_gap_days: t.baseline_gap_days,
        baseline_window_days: t.baseline_window_days,
        steep_drop_pct: t.steep_drop_pct,
        slope_window_days: t.slope_window_days,
        projection_horizon_days: t.projection_horizon_days,
        intermittent_window_days: t.intermittent_window_days,
        transient_days: t.transient_days,
        citation: builder.citation(line, &t.source),
    };
    let line = builder.line(&file.cyclic);
    let c = file.cyclic.into_inner();
    let _ = &c.note;
    if !(0.0 < c.period_min_days && c.period_min_days < c.period_max_days) {
        builder.error(line, "cyclic: 0 < period_min_days < period_max_days");
    }
    if !(0.0 < c.false_alarm_max && c.false_alarm_max < 1.0)
        || c.min_values < 4
        || c.min_span_days <= 0
        || c.window_days < c.min_span_days
    {
        builder.error(line, "cyclic: false_alarm_max in (0, 1), min_values >= 4, 0 < min_span_days <= window_days");
    }
    let cyclic = CyclicParams {
        period_min_days: c.period_min_days,
        period_max_days: c.period_max_days,
        min_values: c.min_values,
        min_span_days: c.min_span_days,
        window_days: c.window_days,
        nadir_below: c.nadir_below,
        false_alarm_max: c.false_alarm_max,
        citation: builder.citation(line, &c.source),
    };
    let line = builder.line(&file.nadir);
    let n = file.nadir.into_inner();
    builder.verification(line, n.status.as_deref(), "chemotherapy nadir window");
    let ordered = |[a, b]: [i64; 2]| a <= b;
    if !(ordered(n.onset_days) && ordered(n.nadir_days) && ordered(n.recovery_days)) {
        builder.error(line, "nadir: each window must be [low, high] with low <= high");
    }
    let nadir = NadirParams {
        onset_days: (n.onset_days[0], n.onset_days[1]),
        nadir_days: (n.nadir_days[0], n.nadir_days[1]),
        recovery_days: (n.recovery_days[0], n.recovery_days[1]),
        citation: builder.citation(line, &n.source),
    };
    let mut programmes: Vec<Programme> = Vec::new();
    for spanned in file.programme {
        let line = builder.line(&spanned);
        let span = spanned.span();
        let p = spanned.into_inner();
        let _ = &p.note;
        if programmes.iter().any(|other| other.id == p.id) {
            builder.error(line, format!("programme id {:?} is defined twice", p.id));
        }
        builder.verification(line, p.status.as_deref(), &format!("programme {:?}", p.id));
        builder.register(&p.id, "programme", line, span);
        let Some(analyte) = Analyte::from_id(&p.analyte) else {
            builder.error(line, format!("programme {:?}: unknown analyte {:?}", p.id, p.analyte));
            continue;
        };
        if p.schedule.is_empty() {
            builder.error(line, format!("programme {:?}: schedule needs at least one step", p.id));
        }
        let mut previous = 0;
        for (index, step) in p.schedule.iter().enumerate() {
            let last = index + 1 == p.schedule.len();
            match step.until_days {
                Some(until) if until <= previous => {
                    builder.error(line, format!("programme {:?}: schedule steps must end in increasing order", p.id));
                }
                Some(until) if last => {
                    builder.error(
                        line,
                        format!("programme {:?}: the last schedule step has no until_days ({until})", p.id),
                    );
                }
                None if !last => {
                    builder
                        .error(line, format!("programme {:?}: only the last schedule step may omit until_days", p.id));
                }
                Some(until) => previous = until,
                None => {}
            }
            if step.every_days.is_some_and(|days| days <= 0) {
                builder.error(line, format!("programme {:?}: every_days must be positive", p.id));
            }
        }
        let mut bands: Vec<Band> = Vec::new();
        for band in &p.bands {
            let ben = match band.population.as_str() {
                "general" => false,
                "ben" => true,
                other => {
                    builder.error(
                        line,
                        format!("programme {:?}: population must be general or ben, found {other:?}", p.id),
                    );
                    false
                }
            };
            if let (Some(low), Some(high)) = (band.anc_at_least, band.anc_below)
                && low >= high
            {
                builder.error(line, format!("programme {:?}: anc_at_least must be below anc_below", p.id));
            }
            if band.every_days <= 0 {
                builder.error(line, format!("programme {:?}: band every_days must be positive", p.id));
            }
            let low = band.anc_at_least.unwrap_or(f64::NEG_INFINITY);
            let high = band.anc_below.unwrap_or(f64::INFINITY);
            if bands.iter().any(|other| {
                other.ben == ben
                    && other.at_least.unwrap_or(f64::NEG_INFINITY) < high
                    && low < other.below.unwrap_or(f64::INFINITY)
            }) {
                builder.error(line, format!("programme {:?}: bands overlap", p.id));
            }
            bands.push(Band {
                ben,
                at_least: band.anc_at_least,
                below: band.anc_below,
                every_days: band.every_days,
                frequency: band.frequency.clone(),
            });
        }
        for after in &p.after_recovery {
            if !matches!(after.population.as_str(), "general" | "ben") || after.weeks <= 0 || after.every_days <= 0 {
                builder.error(
                    line,
                    format!("programme {:?}: after_recovery needs population general or ben and positive weeks and every_days", p.id),
                );
            }
        }
        for finding in &p.on_symptoms {
            parts.finding_refs.push((builder.file.to_owned(), line, finding.clone()));
        }
        let citation = builder.citation(line, &p.source);
        programmes.push(Programme {
            id: p.id,
            label: p.label,
            analyte,
            schedule: p
                .schedule
                .into_iter()
                .map(|s| ScheduleStep { until_days: s.until_days, every_days: s.every_days, phase: s.phase })
                .collect(),
            bands,
            after_recovery: p
                .after_recovery
                .into_iter()
                .map(|a| AfterRecovery {
                    ben: a.population == "ben",
                    below: a.below,
                    recovered_at_least: a.recovered_at_least,
                    weeks: a.weeks,
                    every_days: a.every_days,
                    frequency: a.frequency,
                })
                .collect(),
            restart_after_below: p.restart_after_below,
            after_stop_until_at_least: p.after_stop_until_at_least,
            restart_after_gap_days: p.restart_after_gap_days,
            start_at_least: p.start_anc_at_least,
            start_at_least_ben: p.start_anc_at_least_ben,
            ben_baseline_values: p.ben_baseline_values,
            confirm_within_hours: p.confirm_within_hours,
            on_symptoms: p.on_symptoms,
            nadir: p.nadir,
            citation,
        });
    }
    parts.monitoring = Some(Monitoring { trend, cyclic, nadir, programmes });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loinc_check_digits() {
        for valid in ["6690-2", "751-8", "26464-8", "770-8", "764-1", "2132-9", "742-7", "5905-5"] {
            assert!(loinc_is_valid(valid), "{valid}");
        }
        // Mapping errors seen in public code (clinical-tables §6.3).
        for invalid in ["742-4", "6690-3", "6690", "-2", "abc-1", "751-88"] {
            assert!(!loinc_is_valid(invalid), "{invalid}");
        }
    }

    #[test]
    fn atc_shapes() {
        assert!(atc_is_valid("N05AH02"));
        assert!(atc_is_valid("L01"));
        assert!(atc_is_valid("L01X"));
        assert!(!atc_is_valid("n05ah02"));
        assert!(!atc_is_valid("N05AH2"));
    }

    #[test]
    fn unit_folding() {
        assert_eq!(fold_unit("x10^9/L"), "10*9/l");
        assert_eq!(fold_unit("10*9/L"), "10*9/l");
        assert_eq!(fold_unit("K/µL"), "k/ul");
        assert_eq!(fold_unit("cells/mm³"), "cells/mm3");
        assert_eq!(fold_unit(" G/l "), "g/l");
    }
}
