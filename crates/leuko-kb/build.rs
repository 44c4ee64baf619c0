//! Generates the list of embedded knowledge-base files from the `kb/` folder, so that no file can
//! be left out of the binary by forgetting to list it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            files.push(relative.to_path_buf());
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("../../kb").canonicalize().expect("the kb/ folder exists at the workspace root");
    // Relative to the package root, so that clones sharing one target folder each track their own kb/.
    println!("cargo:rerun-if-changed=../../kb");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every file under `kb/`, as (path relative to `kb/`, contents).\npub(crate) static FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let relative = file.to_string_lossy().replace('\\', "/");
        let absolute = root.join(file);
        writeln!(out, "    ({relative:?}, include_str!({:?})),", absolute.to_string_lossy())
            .expect("writing to a String");
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("kb_files.rs"), out).expect("OUT_DIR is writable");
}
