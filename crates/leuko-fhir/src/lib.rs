//! FHIR R4 adapter: reads a Bundle (any type, Synthea's transaction bundles included) or NDJSON of
//! resources into leuko's domain [`PatientRecord`](leuko_core::PatientRecord)s.
//!
//! Malformed JSON, and a resource that breaks FHIR's rules for the fields leuko reads, is an error
//! naming its location (entry, resource type and id, JSON path). Resource types leuko does not read
//! are skipped and counted; records excluded on purpose (entered-in-error, refuted, not taken)
//! are counted too. Nothing is dropped silently. This crate does no I/O.

#![deny(missing_docs)]

mod date;
pub mod model;
mod read;
mod write;

pub use date::parse_date_time;
pub use read::{FhirError, FhirInput, read};
pub use write::{WrittenResource, fhir_id, record_resources};
