//! `leuko kb check` and `leuko kb show`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use leuko_core::{KbFile, KnowledgeBase};

fn files_in(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).with_context(|| format!("cannot read {}", current.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir)?.to_string_lossy().replace('\\', "/");
                let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
                out.push((relative, text));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Validates the knowledge base; exit code 1 when it has problems.
pub(crate) fn check(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let owned = match dir {
        Some(dir) => files_in(dir)?,
        None => leuko_kb::files().iter().map(|f| (f.path.to_owned(), f.text.to_owned())).collect(),
    };
    let files: Vec<KbFile<'_>> = owned.iter().map(|(path, text)| KbFile { path, text }).collect();
    match KnowledgeBase::from_files(&files) {
        Ok(kb) => {
            for note in kb.notes() {
                println!("note: kb/{}:{}: {}", note.file, note.line, note.message);
            }
            println!(
                "knowledge base {} is valid: {} files, {} sources, {} LOINC codes, {} drugs, {} findings, {} causes ({} notes)",
                kb.version(),
                files.len(),
                kb.sources().len(),
                kb.loinc_codes().count(),
                kb.drugs().len(),
                kb.findings().len(),
                kb.causes().len(),
                kb.notes().len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for error in &errors.0 {
                eprintln!("error: {error}");
            }
            eprintln!("knowledge base is invalid: {} problem(s)", errors.0.len());
            Ok(ExitCode::from(1))
        }
    }
}

/// The bundled knowledge base, or the one in `dir`.
pub(crate) fn load(dir: Option<&Path>) -> anyhow::Result<KnowledgeBase> {
    let built = match dir {
        None => leuko_kb::build(),
        Some(dir) => {
            let owned = files_in(dir)?;
            let files: Vec<KbFile<'_>> = owned.iter().map(|(path, text)| KbFile { path, text }).collect();
            KnowledgeBase::from_files(&files)
        }
    };
    built.map_err(|errors| anyhow::anyhow!("{errors}"))
}

/// Prints the entries registered under an id.
pub(crate) fn show(dir: Option<&Path>, id: &str) -> anyhow::Result<ExitCode> {
    let kb = load(dir)?;
    let entries = kb.entry(id);
    if entries.is_empty() {
        eprintln!("no knowledge-base entry has the id {id:?}");
        return Ok(ExitCode::from(1));
    }
    for entry in entries {
        println!("# {} {id:?} — kb/{}:{}", entry.kind, entry.file, entry.line);
        println!("{}", entry.text.trim_end());
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the findings a statement is read as, each with the causes whose evidence lists it.
pub(crate) fn match_text(dir: Option<&Path>, text: &str) -> anyhow::Result<ExitCode> {
    let kb = load(dir)?;
    let found = leuko_core::match_text(&kb, text);
    if found.is_empty() {
        println!("no finding of the knowledge base is read from {text:?} (a negated statement reads as none)");
        return Ok(ExitCode::SUCCESS);
    }
    for (id, detail, result) in found {
        // Derived findings (fever, chronic course) have no entry of their own.
        let label = kb.finding(&id).map_or(String::new(), |f| format!(" — {}", f.label));
        let kind = if result { " (a test result, read as normal or negative)" } else { "" };
        println!("{id}{label}{kind}: {detail}");
        for cause in kb.causes() {
            let lines = cause
                .evidence_for
                .iter()
                .map(|l| ("for", l))
                .chain(cause.evidence_against.iter().map(|l| ("against", l)));
            for (side, line) in lines.filter(|(_, l)| l.finding == id) {
                println!("    {side} {} ({}): {}", cause.id, line.strength, cause.label);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The knowledge base as a Markdown document for clinical reviewers (`docs/kb.md`): every cause
/// with its prior and evidence, and every drug, each with its sources.
pub(crate) fn markdown(kb: &KnowledgeBase) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(out, "# leuko knowledge base {} — causes and drugs\n", kb.version());
    let _ = writeln!(out, "Generated from `kb/` by `leuko kb doc`; a test fails when this file is out of date.");
    let _ = writeln!(
        out,
        "Strength words map to likelihood ratios in `kb/ranking.toml`. Decision support for clinicians, not a diagnosis.\n"
    );
    let mut categories: Vec<&str> = kb.causes().iter().map(|c| c.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    for category in categories {
        let _ = writeln!(out, "## {category}\n");
        for cause in kb.causes().iter().filter(|c| c.category == category) {
            let _ = writeln!(out, "### {} (`{}`)\n", cause.label, cause.id);
            let _ = writeln!(out, "{}\n", cause.summary);
            let _ = writeln!(out, "- prior: {}; source: {}", cause.prior, cause.citation.joined());
            if !cause.requires_any.is_empty() {
                let _ = writeln!(out, "- considered only with: {}", cause.requires_any.join(", "));
            }
            if !cause.context_any.is_empty() {
                let _ = writeln!(out, "- context it needs: {}", cause.context_any.join(", "));
            }
            for (word, lines) in [("for", &cause.evidence_for), ("against", &cause.evidence_against)] {
                for line in lines.iter() {
                    let _ = writeln!(out, "- {word}: {} ({}; {})", line.finding, line.strength, line.citation.joined());
                }
            }
            let tests: Vec<String> = cause
                .next_tests
                .iter()
                .map(|t| t.loinc.as_ref().map_or(t.name.clone(), |code| format!("{} (LOINC {code})", t.name)))
                .collect();
            if !tests.is_empty() {
                let _ = writeln!(out, "- next tests: {}", tests.join("; "));
            }
            let _ = writeln!(out);
        }
    }
    let _ = writeln!(out, "## Drugs\n");
    let _ = writeln!(out, "| drug | class | ATC | association | cause template | latency (days) | sources |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for drug in kb.drugs() {
        let latency = drug.latency_days.map_or("—".to_owned(), |(min, typical, max)| {
            let show = |v: Option<i64>| v.map_or("?".to_owned(), |v| v.to_string());
            format!("{}–{} (typical {})", show(min), show(max), show(typical))
        });
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            drug.label,
            drug.class,
            drug.atc.join(", "),
            drug.association,
            drug.cause,
            latency,
            drug.citation.joined()
        );
    }
    out
}
