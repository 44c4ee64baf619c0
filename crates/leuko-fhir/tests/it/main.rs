//! Integration tests of the FHIR adapter: real third-party bundles and every class of bad input.

mod malformed;
mod synthea;

use std::path::PathBuf;

/// Path of a file under this crate's `test_data/`.
pub(crate) fn test_data(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("test_data").join(relative)
}
