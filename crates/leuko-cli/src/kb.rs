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
