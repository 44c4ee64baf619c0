//! leuko's domain core: the lab model, units, the knowledge-base schema and every clinical
//! reasoning step, as pure functions.
//!
//! **Architecture invariant:** this crate does no I/O and reads no clock. Time enters only as
//! `as_of`, knowledge only as `&KnowledgeBase`, configuration only as [`AssessConfig`] (which has no
//! `Default`). Assessment never fails: bad or implausible data yields an [`Assessment`] carrying
//! [`DataQualityFlag`]s. Only knowledge-base construction returns `Result`.

#![warn(clippy::disallowed_methods, reason = "leuko-core is pure: no clock, no environment, no file system")]
#![deny(missing_docs)]

mod alerts;
pub mod analyte;
mod assess;
pub mod assessment;
mod causes;
mod episode;
mod findings;
pub mod grading;
pub mod kb;
mod labs;
mod management;
mod monitoring;
mod next_tests;
mod patient;
pub mod pattern;
pub mod record;
mod reference;
pub mod text;
mod timeline;
mod trend;
mod vitals_text;

pub use alerts::{RaisedKey, new_alerts, new_alerts_since};
pub use analyte::{Analyte, Property};
pub use assess::assess;
pub use assessment::*;
pub use findings::match_text;
pub use kb::{KbError, KbErrors, KbFile, KnowledgeBase};
pub use record::*;
pub use timeline::{Timeline, TimelineEvent, timeline};

/// How an assessment is configured. Deliberately without `Default`: every caller states its choices.
#[derive(Debug, Clone)]
pub struct AssessConfig {
    /// The site's own laboratory reference intervals, used for results that carry none (they
    /// take precedence over the knowledge base's population intervals).
    pub site_intervals: Vec<SiteInterval>,
    /// How many ranked causes the assessment lists, with their evidence.
    pub causes_shown: usize,
}

impl AssessConfig {
    /// The number of ranked causes an assessment lists unless the caller asks for more.
    pub const CAUSES_SHOWN: usize = 10;

    /// These site intervals (none: `Vec::new()`), listing the default number of causes.
    pub fn with_site_intervals(site_intervals: Vec<SiteInterval>) -> AssessConfig {
        AssessConfig { site_intervals, causes_shown: Self::CAUSES_SHOWN }
    }
}

/// A site's reference interval for one analyte (canonical unit).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteInterval {
    /// Analyte.
    pub analyte: Analyte,
    /// Lower limit of normal.
    pub low: Option<f64>,
    /// Upper limit of normal.
    pub high: Option<f64>,
}
