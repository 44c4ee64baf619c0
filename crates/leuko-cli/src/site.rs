//! The site's own reference intervals, read from a small TOML file:
//!
//! ```toml
//! [[interval]]
//! analyte = "wbc"   # an analyte id of kb/terminology/analytes.toml
//! low = 4.0         # canonical unit (10*9/L for counts)
//! high = 11.0
//! ```

use std::path::Path;

use anyhow::{Context as _, bail};
use leuko_core::{Analyte, SiteInterval};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    #[serde(default)]
    interval: Vec<RawInterval>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterval {
    analyte: String,
    low: Option<f64>,
    high: Option<f64>,
}

/// Reads a site interval file.
pub(crate) fn read(path: &Path) -> anyhow::Result<Vec<SiteInterval>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read site intervals {}", path.display()))?;
    parse(&text).with_context(|| format!("site intervals {}", path.display()))
}

pub(crate) fn parse(text: &str) -> anyhow::Result<Vec<SiteInterval>> {
    let file: SiteFile = toml::from_str(text)?;
    let mut intervals = Vec::new();
    for raw in file.interval {
        let Some(analyte) = Analyte::from_id(&raw.analyte) else { bail!("unknown analyte {:?}", raw.analyte) };
        if let (Some(low), Some(high)) = (raw.low, raw.high)
            && low.partial_cmp(&high) != Some(std::cmp::Ordering::Less)
        {
            bail!("{}: low {low} must be below high {high}", raw.analyte);
        }
        intervals.push(SiteInterval { analyte, low: raw.low, high: raw.high });
    }
    Ok(intervals)
}
