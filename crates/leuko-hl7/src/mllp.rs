//! MLLP framing (`0x0B` message `0x1C 0x0D`) and HL7 acknowledgements (original mode: AA, AE
//! with ERR, AR), pure: the listener feeds bytes in and writes frames out.

use crate::parse::{Encoding, Message};

/// Start of a frame.
pub const START: u8 = 0x0B;
/// End of a frame (followed by [`CR`]).
pub const END: u8 = 0x1C;
/// Carriage return closing a frame.
pub const CR: u8 = 0x0D;

/// Wraps a message in an MLLP frame.
pub fn frame(message: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 3);
    out.push(START);
    out.extend_from_slice(message.as_bytes());
    out.push(END);
    out.push(CR);
    out
}

/// A framing problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A frame grew past the size limit.
    #[error("frame larger than {0} bytes")]
    TooLarge(usize),
    /// Bytes outside any frame (before a start byte) were discarded.
    #[error("{0} byte(s) outside any frame were discarded")]
    Garbage(usize),
}

/// Collects frames from a byte stream.
#[derive(Debug)]
pub struct Deframer {
    buffer: Vec<u8>,
    limit: usize,
}

impl Deframer {
    /// A deframer refusing frames larger than `limit` bytes.
    pub fn new(limit: usize) -> Deframer {
        Deframer { buffer: Vec::new(), limit }
    }

    /// Adds bytes; returns the complete frames' contents and any problems met (garbage is
    /// discarded and reported; an oversize frame is dropped and reported, and the stream goes on
    /// at the next start byte).
    pub fn push(&mut self, bytes: &[u8]) -> (Vec<Vec<u8>>, Vec<FrameError>) {
        self.buffer.extend_from_slice(bytes);
        let mut frames = Vec::new();
        let mut problems = Vec::new();
        // Scan with an offset and drop the consumed prefix once at the end (no shifting per frame).
        let mut at = 0;
        let garbage = |slice: &[u8]| slice.iter().filter(|b| !b.is_ascii_whitespace()).count();
        loop {
            let Some(start) = memchr::memchr(START, &self.buffer[at..]).map(|p| at + p) else {
                let skipped = garbage(&self.buffer[at..]);
                if skipped > 0 {
                    problems.push(FrameError::Garbage(skipped));
                }
                at = self.buffer.len();
                break;
            };
            let skipped = garbage(&self.buffer[at..start]);
            if skipped > 0 {
                problems.push(FrameError::Garbage(skipped));
            }
            at = start;
            match memchr::memmem::find(&self.buffer[start..], &[END, CR]).map(|p| start + p) {
                Some(end) => {
                    let content = &self.buffer[start + 1..end];
                    if content.len() > self.limit {
                        problems.push(FrameError::TooLarge(self.limit));
                    } else {
                        frames.push(content.to_vec());
                    }
                    at = end + 2;
                }
                None => {
                    if self.buffer.len() - start > self.limit + 3 {
                        problems.push(FrameError::TooLarge(self.limit));
                        // Skip to the next start byte after this one.
                        match memchr::memchr(START, &self.buffer[start + 1..]) {
                            Some(next) => {
                                at = start + 1 + next;
                                continue;
                            }
                            None => at = self.buffer.len(),
                        }
                    }
                    break;
                }
            }
        }
        self.buffer.drain(..at);
        (frames, problems)
    }
}

/// Acknowledgement codes (original mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// Accepted and committed.
    Accept,
    /// Understood but not processable (AE, with ERR).
    Error,
    /// Rejected (AR).
    Reject,
}

impl AckCode {
    fn code(self) -> &'static str {
        match self {
            AckCode::Accept => "AA",
            AckCode::Error => "AE",
            AckCode::Reject => "AR",
        }
    }
}

/// An ACK for `message` (MSA-2 echoes its MSH-10), from the receiver back to the sender; `text`
/// goes to MSA-3 and, for AE/AR, to an ERR segment. `control_id` is the ACK's own MSH-10 and
/// `now` its MSH-7 (`YYYYMMDDHHMMSS`).
pub fn ack(message: &Message, code: AckCode, text: Option<&str>, control_id: &str, now: &str) -> String {
    let e = message.encoding;
    let msh = message.segment("MSH");
    let get = |n: usize| msh.map_or("", |m| m.get(n, 1)).to_owned();
    let trigger = msh.map_or(String::new(), |m| m.get(9, 2).to_owned());
    let version = get(12);
    ack_text(
        &e,
        [get(5), get(6), get(3), get(4)],
        &trigger,
        &version,
        message.control_id(),
        code,
        text,
        control_id,
        now,
    )
}

/// An AR for bytes that could not be parsed at all: MSA-2 carries whatever MSH-10 could be read.
pub fn reject_unparsed(raw: &str, reason: &str, control_id: &str, now: &str) -> String {
    // Best effort: the tenth field of a line starting with MSH.
    let msh = raw.split(['\r', '\n']).find(|l| l.starts_with("MSH")).unwrap_or("");
    let separator = msh.chars().nth(3).unwrap_or('|');
    let fields: Vec<&str> = msh.split(separator).collect();
    let echoed = fields.get(9).copied().unwrap_or("").split('^').next().unwrap_or("");
    ack_text(
        &Encoding::default(),
        [String::new(), String::new(), String::new(), String::new()],
        "",
        "2.5.1",
        echoed,
        AckCode::Reject,
        Some(reason),
        control_id,
        now,
    )
}

#[allow(clippy::too_many_arguments, reason = "the ACK's fields, each named")]
fn ack_text(
    e: &Encoding,
    [sending_app, sending_facility, receiving_app, receiving_facility]: [String; 4],
    trigger: &str,
    version: &str,
    echoed: &str,
    code: AckCode,
    text: Option<&str>,
    control_id: &str,
    now: &str,
) -> String {
    let f = e.field;
    let c = e.component;
    let encoding: String =
        [Some(e.component), Some(e.repetition), e.escape, Some(e.subcomponent)].into_iter().flatten().collect();
    let clean = |s: &str| crate::parse::escape(s, e);
    let mut out = format!(
        "MSH{f}{encoding}{f}{}{f}{}{f}{}{f}{}{f}{now}{f}{f}ACK{c}{}{c}ACK{f}{}{f}P{f}{}\rMSA{f}{}{f}{}",
        clean(&sending_app),
        clean(&sending_facility),
        clean(&receiving_app),
        clean(&receiving_facility),
        clean(trigger),
        clean(control_id),
        clean(if version.is_empty() { "2.5.1" } else { version }),
        code.code(),
        clean(echoed),
    );
    if let Some(text) = text {
        out.push(f);
        out.push_str(&clean(text));
        if code != AckCode::Accept {
            // ERR-3 error code (HL70357: 207 application internal error, 100 segment sequence
            // error for a rejection), ERR-4 severity E, ERR-8 user message.
            let error_code = if code == AckCode::Reject { "100" } else { "207" };
            out.push_str(&format!("\rERR{f}{f}{f}{error_code}{f}E{f}{f}{f}{f}{}", clean(text)));
        }
    }
    out.push('\r');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_across_reads_and_several_in_one() {
        let mut deframer = Deframer::new(1024);
        let one = frame("MSH|^~\\&|A\rPID|1");
        let two = frame("MSH|^~\\&|B");
        let mut stream = one.clone();
        stream.extend(&two);
        let (first, problems) = deframer.push(&stream[..5]);
        assert!(first.is_empty() && problems.is_empty());
        let (rest, problems) = deframer.push(&stream[5..]);
        assert!(problems.is_empty());
        assert_eq!(rest, vec![b"MSH|^~\\&|A\rPID|1".to_vec(), b"MSH|^~\\&|B".to_vec()]);
    }

    #[test]
    fn garbage_and_oversize_frames_are_reported_not_fatal() {
        let mut deframer = Deframer::new(8);
        let mut stream = b"junk".to_vec();
        stream.extend(frame("0123456789ABCDEF"));
        stream.extend(frame("small"));
        let (frames, problems) = deframer.push(&stream);
        assert_eq!(frames, vec![b"small".to_vec()]);
        assert!(problems.contains(&FrameError::Garbage(4)));
        assert!(problems.contains(&FrameError::TooLarge(8)));
    }

    #[test]
    fn ack_echoes_the_control_id_and_swaps_the_parties() {
        let message =
            &crate::parse::parse("MSH|^~\\&|LAB|HOSP|LEUKO|SITE|20240101||ORU^R01|MSG-42|P|2.5.1\rPID|1").unwrap()[0];
        let text = ack(message, AckCode::Accept, None, "ACK-1", "20240101120000");
        let parsed = &crate::parse::parse(&text).unwrap()[0];
        let msh = parsed.segment("MSH").unwrap();
        assert_eq!((msh.get(3, 1), msh.get(4, 1), msh.get(5, 1), msh.get(6, 1)), ("LEUKO", "SITE", "LAB", "HOSP"));
        assert_eq!(parsed.message_type(), "ACK^R01^ACK");
        let msa = parsed.segment("MSA").unwrap();
        assert_eq!((msa.get(1, 1), msa.get(2, 1)), ("AA", "MSG-42"));
        let error = ack(message, AckCode::Error, Some("no PID|patient"), "ACK-2", "20240101120000");
        let parsed = &crate::parse::parse(&error).unwrap()[0];
        assert_eq!(parsed.segment("MSA").unwrap().get(1, 1), "AE");
        assert_eq!(parsed.segment("ERR").unwrap().get(8, 1), "no PID|patient", "the text is escaped and read back");
        let rejected = reject_unparsed("MSH|^~\\&|A|B|C|D|2024||ORU^R01|XYZ|P|2.5\rgarbage", "bad", "ACK-3", "2024");
        assert!(rejected.contains("MSA|AR|XYZ|bad"), "{rejected}");
    }
}
