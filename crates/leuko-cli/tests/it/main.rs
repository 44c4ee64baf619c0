//! End-to-end tests of the `leuko` binary: real files in, real processes, output checked.

mod assess;
mod kb;
mod serve;
mod timeline;
mod vignettes;

use std::path::PathBuf;
use std::process::{Command, Output};

pub(crate) fn test_data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data").join(relative)
}

pub(crate) fn leuko(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leuko")).args(args).output().expect("the leuko binary runs")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
