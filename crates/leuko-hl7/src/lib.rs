//! HL7 v2 for leuko, pure (no I/O): the parser ([`parse()`], [`decode`], escapes) and the
//! mapping of result messages to the core's patient record ([`map()`]).

pub mod map;
pub mod mllp;
pub mod parse;

pub use map::{Mapped, SiteCodes, map, parse_ts, patient_id, patient_resource_id};
pub use parse::{Encoding, Hl7Error, Message, Segment, decode, escape, parse, parse_headers, unescape};
