//! The knowledge base bundled with leuko: every file under `kb/`, embedded at build time.
//!
//! Only the binaries, tests and benches call [`bundled`]; library code receives
//! `&KnowledgeBase` as an argument ("inputs are given, never fetched").

use std::sync::OnceLock;

use leuko_core::{KbErrors, KbFile, KnowledgeBase};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/kb_files.rs"));
}

/// The embedded files, as (path relative to `kb/`, contents).
pub fn files() -> Vec<KbFile<'static>> {
    embedded::FILES.iter().map(|&(path, text)| KbFile { path, text }).collect()
}

/// Builds the bundled knowledge base (validating it).
pub fn build() -> Result<KnowledgeBase, KbErrors> {
    KnowledgeBase::from_files(&files())
}

/// The bundled knowledge base, built once. Panics only if the bundled files are invalid, which
/// the tests of this crate rule out before any release.
pub fn bundled() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| match build() {
        Ok(kb) => kb,
        Err(errors) => panic!("the bundled knowledge base is invalid: {errors}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_knowledge_base_is_valid() {
        if let Err(errors) = build() {
            panic!("{errors}");
        }
    }

    #[test]
    fn every_kb_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
        let mut on_disk = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    on_disk.push(path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<String> = files().iter().map(|f| f.path.to_owned()).collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn version_is_stamped() {
        let kb = bundled();
        assert_eq!(kb.version(), include_str!("../../../kb/VERSION").trim());
    }
}
