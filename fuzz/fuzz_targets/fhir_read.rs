//! Fuzzes the FHIR reader and, for every input it accepts, the whole assessment: neither may
//! panic, whatever the bytes.

#![no_main]

use chrono::{TimeZone, Utc};
use leuko_core::AssessConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(input) = leuko_fhir::read(text) else { return };
    let kb = leuko_kb::bundled();
    let as_of = Utc.with_ymd_and_hms(2026, 1, 15, 8, 0, 0).unwrap();
    let config = AssessConfig::with_site_intervals(Vec::new());
    for record in &input.patients {
        let _ = leuko_core::assess(kb, record, as_of, &config);
    }
});
