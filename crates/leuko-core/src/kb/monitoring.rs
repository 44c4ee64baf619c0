//! Validated early-detection knowledge (`kb/monitoring/programmes.toml`): the series-analysis
//! parameters, cyclic-neutropenia detection, the chemotherapy nadir window and the
//! drug-monitoring programmes.

use super::Citation;
use crate::analyte::Analyte;

/// Everything the trend and monitoring analysis reads from the knowledge base.
#[derive(Debug, Clone)]
pub struct Monitoring {
    /// Baseline, drop and projection parameters.
    pub trend: TrendParams,
    /// Cyclic-neutropenia detection.
    pub cyclic: CyclicParams,
    /// Expected course after a chemotherapy cycle.
    pub nadir: NadirParams,
    /// Drug-monitoring programmes.
    pub programmes: Vec<Programme>,
}

/// Personal baseline, steep drop, slope and projection.
#[derive(Debug, Clone)]
pub struct TrendParams {
    /// Fewest earlier values that make a baseline.
    pub baseline_min_values: usize,
    /// Values this close before the latest one are not part of the baseline (days).
    pub baseline_gap_days: i64,
    /// Values older than this before the latest one are not part of the baseline (days).
    pub baseline_window_days: i64,
    /// A fall from the baseline of at least this percentage is flagged within the range.
    pub steep_drop_pct: f64,
    /// Values of the last this many days make the slope.
    pub slope_window_days: i64,
    /// Crossings projected further ahead than this are not reported (days).
    pub projection_horizon_days: i64,
    /// Window for counting separate low runs (days).
    pub intermittent_window_days: i64,
    /// A low run that recovered within this many days of its start is transient.
    pub transient_days: i64,
    /// Source (uncited calibration).
    pub citation: Citation,
}

/// Cyclic-neutropenia detection by Lomb–Scargle periodogram.
#[derive(Debug, Clone)]
pub struct CyclicParams {
    /// Shortest period searched (days).
    pub period_min_days: f64,
    /// Longest period searched (days).
    pub period_max_days: f64,
    /// Fewest ANC values needed.
    pub min_values: usize,
    /// Shortest span of the series needed (days).
    pub min_span_days: i64,
    /// Only counts of the last this many days are searched.
    pub window_days: i64,
    /// Nadir that the definition asks for (x10^9/L).
    pub nadir_below: f64,
    /// Largest false-alarm probability reported as a period.
    pub false_alarm_max: f64,
    /// Source.
    pub citation: Citation,
}

/// Expected course after a chemotherapy cycle, in days from its start.
#[derive(Debug, Clone)]
pub struct NadirParams {
    /// Counts begin to fall.
    pub onset_days: (i64, i64),
    /// Nadir.
    pub nadir_days: (i64, i64),
    /// Recovery.
    pub recovery_days: (i64, i64),
    /// Source.
    pub citation: Citation,
}

/// One step of a routine schedule.
#[derive(Debug, Clone)]
pub struct ScheduleStep {
    /// The step lasts until this many days after the start of the course (none: to the end).
    pub until_days: Option<i64>,
    /// Interval between counts (none: the source gives no interval).
    pub every_days: Option<i64>,
    /// Phase shown in the output.
    pub phase: String,
}

/// Interval (and population) for a latest value in a band.
#[derive(Debug, Clone)]
pub struct Band {
    /// BEN / Duffy-null table.
    pub ben: bool,
    /// Lower bound, inclusive (x10^9/L).
    pub at_least: Option<f64>,
    /// Upper bound, exclusive (x10^9/L).
    pub below: Option<f64>,
    /// Interval (days).
    pub every_days: i64,
    /// Frequency shown in the output.
    pub frequency: String,
}

/// Closer monitoring for some weeks after a low count has recovered.
#[derive(Debug, Clone)]
pub struct AfterRecovery {
    /// BEN / Duffy-null table.
    pub ben: bool,
    /// Applies after a value below this (x10^9/L).
    pub below: f64,
    /// Recovered at this value or above; the weeks count from the first such value.
    pub recovered_at_least: f64,
    /// For this many weeks after recovery.
    pub weeks: i64,
    /// Interval (days).
    pub every_days: i64,
    /// Frequency shown in the output.
    pub frequency: String,
}

/// A drug-monitoring programme.
#[derive(Debug, Clone)]
pub struct Programme {
    /// Id (named by drugs' `monitoring`).
    pub id: String,
    /// Label.
    pub label: String,
    /// The analyte monitored.
    pub analyte: Analyte,
    /// Routine schedule by time since the start of the course.
    pub schedule: Vec<ScheduleStep>,
    /// Intervals by the latest value.
    pub bands: Vec<Band>,
    /// Closer monitoring after recovery from a low value (per population).
    pub after_recovery: Vec<AfterRecovery>,
    /// Severe: a value below this in the course, the drug given after it, restarts the schedule as
    /// for a new patient from the recovery to the table's `after_recovery` level (or from a new
    /// prescription after the value, if later).
    pub restart_after_below: Option<f64>,
    /// After the drug is stopped, monitoring continues until the value is at least this.
    pub after_stop_until_at_least: Option<f64>,
    /// A gap in treatment longer than this restarts the schedule (days).
    pub restart_after_gap_days: Option<i64>,
    /// A proposed start is allowed at or above this value.
    pub start_at_least: Option<f64>,
    /// The same for the BEN table.
    pub start_at_least_ben: Option<f64>,
    /// Baseline values the BEN table needs before a start.
    pub ben_baseline_values: usize,
    /// A low value is confirmed within this many hours.
    pub confirm_within_hours: Option<i64>,
    /// Findings that call for a count at once.
    pub on_symptoms: Vec<String>,
    /// The expected nadir after each cycle is reported.
    pub nadir: bool,
    /// Source.
    pub citation: Citation,
}
