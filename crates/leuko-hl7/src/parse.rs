//! The HL7 v2 pipe-and-hat syntax: encoding characters from MSH-1/MSH-2, segment terminators
//! (CR, LF, CRLF), a leading BOM, fields, repetitions, components, sub-components, escape
//! sequences, declared character sets and batches (FHS/BHS/BTS/FTS).

/// Why a text could not be read as HL7 v2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Hl7Error {
    /// No MSH segment where a message must start.
    #[error("no MSH segment: a message must start with MSH (found {0:?})")]
    NoMsh(String),
    /// MSH-1/MSH-2 do not give usable encoding characters.
    #[error("MSH encoding characters {0:?} are not usable: {1}")]
    Encoding(String, &'static str),
    /// The input is empty.
    #[error("empty input")]
    Empty,
}

/// The delimiters of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encoding {
    /// Field separator (MSH-1), usually `|`.
    pub field: char,
    /// Component separator, usually `^`.
    pub component: char,
    /// Repetition separator, usually `~`.
    pub repetition: char,
    /// Escape character, usually `\`; none when MSH-2 leaves it out.
    pub escape: Option<char>,
    /// Sub-component separator, usually `&`.
    pub subcomponent: char,
    /// Truncation character (v2.7+), if declared.
    pub truncation: Option<char>,
}

impl Default for Encoding {
    fn default() -> Encoding {
        Encoding {
            field: '|',
            component: '^',
            repetition: '~',
            escape: Some('\\'),
            subcomponent: '&',
            truncation: None,
        }
    }
}

/// One segment: its id and its fields, each split into repetitions, components and
/// sub-components, unescaped. For MSH, field 1 is the field separator and field 2 the encoding
/// characters (kept verbatim), as the standard numbers them.
///
/// Stored flat: the unescaped text of every non-empty sub-component back to back in one string,
/// with one part per sub-component giving its position and span. Parsing a segment therefore
/// allocates three times (id, text, parts), whatever its number of fields. Positions are
/// 1-based, as HL7 numbers them; field 0 is the segment id.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Segment id (`MSH`, `PID`, `OBX`, `ZLR`, …).
    pub id: String,
    text: String,
    parts: Vec<Part>,
}

/// Where one non-empty sub-component sits (1-based field, repetition, component and
/// sub-component) and its span in the segment's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    field: u32,
    repetition: u32,
    component: u32,
    sub: u32,
    start: u32,
    end: u32,
}

impl Part {
    fn at(&self, field: usize, repetition: usize) -> bool {
        self.field as usize == field && self.repetition as usize == repetition
    }
}

impl Segment {
    /// Field `n`, first repetition, component `c` (1-based), sub-component 1; empty when absent.
    pub fn get(&self, n: usize, c: usize) -> &str {
        self.sub(n, 1, c, 1)
    }

    /// Field `n`, repetition `r`, component `c`, sub-component `s` (all 1-based); empty when
    /// absent.
    pub fn sub(&self, n: usize, r: usize, c: usize, s: usize) -> &str {
        self.parts
            .iter()
            .find(|p| p.at(n, r) && p.component as usize == c && p.sub as usize == s)
            .map_or("", |p| self.span(p))
    }

    fn span(&self, part: &Part) -> &str {
        &self.text[part.start as usize..part.end as usize]
    }

    /// The number of fields, the id (field 0) included, up to the last one with content.
    pub fn field_count(&self) -> usize {
        self.parts.last().map_or(1, |p| p.field as usize + 1)
    }

    /// The number of repetitions of field `n`, up to the last one with content.
    pub fn repetition_count(&self, n: usize) -> usize {
        self.parts.iter().filter(|p| p.field as usize == n).map(|p| p.repetition as usize).max().unwrap_or(0)
    }

    /// The sub-components of field `n`, repetition `r`, component `c`, empty ones included up to
    /// the last with content.
    pub fn subcomponents(&self, n: usize, r: usize, c: usize) -> Vec<&str> {
        let mut out = Vec::new();
        for part in self.parts.iter().filter(|p| p.at(n, r) && p.component as usize == c) {
            out.resize(part.sub as usize - 1, "");
            out.push(self.span(part));
        }
        out
    }

    /// Repetition `r` of field `n` as text, components joined by `component` and
    /// sub-components by `sub` (empty positions kept between values).
    pub fn repetition_text(&self, n: usize, r: usize, component: &str, sub: &str) -> String {
        let mut out = String::new();
        let (mut c, mut s) = (1, 1);
        for part in self.parts.iter().filter(|p| p.at(n, r)) {
            while c < part.component as usize {
                out.push_str(component);
                c += 1;
                s = 1;
            }
            while s < part.sub as usize {
                out.push_str(sub);
                s += 1;
            }
            out.push_str(self.span(part));
        }
        out
    }

    /// Every non-empty sub-component value, in order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|p| self.span(p))
    }

    fn push(
        &mut self,
        (field, repetition, component, sub): (usize, usize, usize, usize),
        text: &str,
        encoding: &Encoding,
    ) {
        let start = self.text.len();
        unescape_into(text, encoding, &mut self.text);
        self.push_span((field, repetition, component, sub), start);
    }

    fn push_span(&mut self, (field, repetition, component, sub): (usize, usize, usize, usize), start: usize) {
        let end = self.text.len();
        if end == start {
            return;
        }
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.parts.push(Part {
            field: narrow(field),
            repetition: narrow(repetition),
            component: narrow(component),
            sub: narrow(sub),
            start: narrow(start),
            end: narrow(end),
        });
    }
}

/// A parsed message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Its delimiters.
    pub encoding: Encoding,
    /// Its segments in order (Z-segments kept).
    pub segments: Vec<Segment>,
    /// Problems tolerated while reading (named, never silent).
    pub warnings: Vec<String>,
    /// The message text as received (after character decoding), segments joined by CR.
    pub raw: String,
}

impl Message {
    /// The first segment with this id.
    pub fn segment(&self, id: &str) -> Option<&Segment> {
        self.segments.iter().find(|s| s.id == id)
    }

    /// MSH-9 (message type), components joined by `^`.
    pub fn message_type(&self) -> String {
        self.segment("MSH").map(|msh| msh.repetition_text(9, 1, "^", "&")).unwrap_or_default()
    }

    /// MSH-10 (message control id).
    pub fn control_id(&self) -> &str {
        self.segment("MSH").map_or("", |msh| msh.get(10, 1))
    }

    /// MSH-4 (sending facility), its first component.
    pub fn sending_facility(&self) -> &str {
        self.segment("MSH").map_or("", |msh| msh.get(4, 1))
    }
}

/// Decodes the bytes of a message file: a UTF-8 BOM is dropped; UTF-8 is used when the bytes
/// are valid UTF-8, else ISO 8859-1 (what `8859/1` in MSH-18 declares, and a byte-safe
/// fallback), with a warning when the declaration disagrees.
pub fn decode(bytes: &[u8]) -> (String, Vec<String>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), Vec::new()),
        Err(_) => (
            bytes.iter().map(|&b| char::from(b)).collect(),
            vec!["the bytes are not UTF-8: read as ISO 8859-1".to_owned()],
        ),
    }
}

/// Splits a text into segments on CR, LF or CRLF (VT and FS framing bytes dropped), skipping
/// empty lines. The separators are found with `memchr`, not char by char: this runs over every
/// byte of every message received.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let ends = memchr::memchr2_iter(b'\r', b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    let mut start = 0;
    ends.map(move |end| {
        // CR and LF are ASCII: `start` and `end` fall on character boundaries.
        let line = &text[start..end];
        start = end + 1;
        line.trim_matches(['\u{0b}', '\u{1c}'])
    })
    .filter(|l| !l.trim().is_empty())
}

fn encoding_of(line: &str) -> Result<Encoding, Hl7Error> {
    let mut chars = line.chars().skip(3);
    let field = chars.next().ok_or_else(|| Hl7Error::Encoding(String::new(), "MSH-1 is missing"))?;
    let declared: String = chars.take_while(|&c| c != field).collect();
    let chars: Vec<char> = declared.chars().collect();
    if chars.len() < 2 {
        return Err(Hl7Error::Encoding(declared, "at least component and repetition separators are needed"));
    }
    let mut encoding = Encoding { field, ..Encoding::default() };
    encoding.component = chars[0];
    encoding.repetition = chars[1];
    match chars.len() {
        // `^~&`: no escape character (the third is the sub-component separator).
        3 if chars[2] != '\\' => {
            encoding.escape = None;
            encoding.subcomponent = chars[2];
        }
        3 => {
            encoding.escape = Some(chars[2]);
            encoding.subcomponent = '&';
        }
        2 => {
            encoding.escape = None;
            encoding.subcomponent = '&';
        }
        _ => {
            encoding.escape = Some(chars[2]);
            encoding.subcomponent = chars[3];
            encoding.truncation = chars.get(4).copied();
        }
    }
    let all = [
        Some(encoding.field),
        Some(encoding.component),
        Some(encoding.repetition),
        encoding.escape,
        Some(encoding.subcomponent),
    ];
    if all.iter().flatten().any(|c| c.is_alphanumeric() || c.is_whitespace() || c.is_control()) {
        return Err(Hl7Error::Encoding(
            declared,
            "delimiters must not be letters, digits, spaces or control characters",
        ));
    }
    let distinct: std::collections::BTreeSet<char> = all.iter().flatten().copied().collect();
    if distinct.len() != all.iter().flatten().count() {
        return Err(Hl7Error::Encoding(declared, "the delimiters must differ"));
    }
    Ok(encoding)
}

/// Unescapes one sub-component: `\F\ \S\ \T\ \R\ \E\`, `\Xhh…\` (bytes, read as UTF-8 or else
/// ISO 8859-1), `\.br\` (a line break), highlight codes `\H\ \N\` (dropped), other formatting
/// commands (`\.sp\`, `\.in\`, …: a space); an unterminated or unknown sequence is kept as sent.
pub fn unescape(text: &str, encoding: &Encoding) -> String {
    let mut out = String::with_capacity(text.len());
    unescape_into(text, encoding, &mut out);
    out
}

/// [`unescape`], appending to `out`.
fn unescape_into(text: &str, encoding: &Encoding, out: &mut String) {
    let Some(escape) = encoding.escape else {
        out.push_str(text);
        return;
    };
    let mut rest = text;
    while let Some(at) = rest.find(escape) {
        out.push_str(&rest[..at]);
        let after = &rest[at + escape.len_utf8()..];
        let Some(end) = after.find(escape) else {
            out.push_str(&rest[at..]);
            return;
        };
        let code = &after[..end];
        match code {
            "F" => out.push(encoding.field),
            "S" => out.push(encoding.component),
            "T" => out.push(encoding.subcomponent),
            "R" => out.push(encoding.repetition),
            "E" => out.push(escape),
            "H" | "N" => {}
            ".br" => out.push('\n'),
            _ if code.starts_with('X')
                && code.len() > 1
                && code.len() % 2 == 1
                && code[1..].bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                let hex = &code[1..];
                let bytes: Option<Vec<u8>> =
                    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect();
                match bytes {
                    Some(bytes) => match String::from_utf8(bytes.clone()) {
                        Ok(text) => out.push_str(&text),
                        Err(_) => out.extend(bytes.iter().map(|&b| char::from(b))),
                    },
                    None => {
                        out.push(escape);
                        out.push_str(code);
                        out.push(escape);
                    }
                }
            }
            _ if code.starts_with('.') => out.push(' '),
            _ => {
                out.push(escape);
                out.push_str(code);
                out.push(escape);
            }
        }
        rest = &after[end + escape.len_utf8()..];
    }
    out.push_str(rest);
}

/// Escapes text for a field: the inverse of [`unescape`] for the delimiters and the escape
/// character itself (a line break becomes `\.br\`).
pub fn escape(text: &str, encoding: &Encoding) -> String {
    let Some(escape) = encoding.escape else { return text.to_owned() };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = if c == escape {
            Some("E")
        } else if c == encoding.field {
            Some("F")
        } else if c == encoding.component {
            Some("S")
        } else if c == encoding.subcomponent {
            Some("T")
        } else if c == encoding.repetition {
            Some("R")
        } else if c == '\n' {
            Some(".br")
        } else {
            None
        };
        match code {
            Some(code) => {
                out.push(escape);
                out.push_str(code);
                out.push(escape);
            }
            None => out.push(c),
        }
    }
    out
}

/// Splits field `n`'s text into its parts (an empty field adds nothing).
fn split_field(segment: &mut Segment, n: usize, text: &str, encoding: &Encoding) {
    if text.is_empty() {
        return;
    }
    for (r, rep) in text.split(encoding.repetition).enumerate() {
        for (c, comp) in rep.split(encoding.component).enumerate() {
            for (s, sub) in comp.split(encoding.subcomponent).enumerate() {
                segment.push((n, r + 1, c + 1, s + 1), sub, encoding);
            }
        }
    }
}

/// A segment line's id: its first field, without surrounding white space.
fn segment_id<'l>(line: &'l str, encoding: &Encoding) -> &'l str {
    line.split(encoding.field).next().unwrap_or_default().trim()
}

fn segment(line: &str, encoding: &Encoding) -> Segment {
    read_segment(line, segment_id(line, encoding), encoding)
}

/// A segment from its line and its id ([`segment_id`], which the caller has already read).
fn read_segment(line: &str, id: &str, encoding: &Encoding) -> Segment {
    let mut fields = line.split(encoding.field);
    fields.next();
    let mut segment = Segment { text: String::with_capacity(line.len()), parts: Vec::new(), id: id.to_owned() };
    segment.text.push_str(id);
    segment.push_span((0, 1, 1, 1), 0);
    let mut n = 1;
    if matches!(segment.id.as_str(), "MSH" | "FHS" | "BHS") {
        // MSH-1 is the separator itself; MSH-2 the encoding characters, verbatim.
        let start = segment.text.len();
        segment.text.push(encoding.field);
        segment.push_span((1, 1, 1, 1), start);
        let start = segment.text.len();
        segment.text.push_str(fields.next().unwrap_or_default());
        segment.push_span((2, 1, 1, 1), start);
        n = 3;
    }
    match ascii_delimiters(encoding) {
        Some(delimiters) => {
            // One pass over the bytes of the remaining fields (every delimiter is ASCII, so a
            // delimiter byte is never inside a multi-byte character).
            let rest =
                &line[fields.next().map_or(line.len(), |first| first.as_ptr() as usize - line.as_ptr() as usize)..];
            scan(&mut segment, n, rest, encoding, delimiters);
        }
        None => {
            for field in fields {
                split_field(&mut segment, n, field, encoding);
                n += 1;
            }
        }
    }
    segment
}

/// Field, repetition, component, sub-component and escape bytes, when all are ASCII.
fn ascii_delimiters(encoding: &Encoding) -> Option<[u8; 5]> {
    let byte = |c: char| u8::try_from(c).ok().filter(u8::is_ascii);
    let escape = match encoding.escape {
        Some(c) => byte(c)?,
        None => 0,
    };
    Some([
        byte(encoding.field)?,
        byte(encoding.repetition)?,
        byte(encoding.component)?,
        byte(encoding.subcomponent)?,
        escape,
    ])
}

/// Adds the parts of `text` (fields from `first` on, separated by the field delimiter).
fn scan(
    segment: &mut Segment,
    first: usize,
    text: &str,
    encoding: &Encoding,
    [field, rep, comp, sub, escape]: [u8; 5],
) {
    let (mut f, mut r, mut c, mut s) = (first, 1, 1, 1);
    let mut start = 0;
    let mut escaped = false;
    let bytes = text.as_bytes();
    for (at, &b) in bytes.iter().enumerate() {
        if b != field && b != rep && b != comp && b != sub {
            escaped |= b == escape && escape != 0;
            continue;
        }
        flush(segment, (f, r, c, s), &text[start..at], escaped, encoding);
        start = at + 1;
        escaped = false;
        if b == field {
            (f, r, c, s) = (f + 1, 1, 1, 1);
        } else if b == rep {
            (r, c, s) = (r + 1, 1, 1);
        } else if b == comp {
            (c, s) = (c + 1, 1);
        } else {
            s += 1;
        }
    }
    flush(segment, (f, r, c, s), &text[start..], escaped, encoding);
}

fn flush(segment: &mut Segment, at: (usize, usize, usize, usize), value: &str, escaped: bool, encoding: &Encoding) {
    if value.is_empty() {
        return;
    }
    let start = segment.text.len();
    if escaped {
        unescape_into(value, encoding, &mut segment.text);
    } else {
        segment.text.push_str(value);
    }
    segment.push_span(at, start);
}

fn valid_id(id: &str) -> bool {
    id.len() == 3 && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Parses a text holding one message, several, or a batch (FHS/BHS … BTS/FTS): one
/// [`Message`] per MSH. Batch envelope segments are dropped; a segment with an invalid id is
/// kept out of the message with a warning naming it; segments before the first MSH are an error.
pub fn parse(text: &str) -> Result<Vec<Message>, Hl7Error> {
    parse_segments(text, |_| true)
}

/// Reads only what receiving a message needs — the MSH and PID segments of each message — and
/// accepts or refuses exactly what [`parse`] does (refusal depends only on MSH and the batch
/// envelope): the other segments stay in `raw`, unsplit and unchecked, for a full [`parse`]
/// later.
pub fn parse_headers(text: &str) -> Result<Vec<Message>, Hl7Error> {
    parse_segments(text, |id| id == "PID")
}

fn parse_segments(text: &str, read: impl Fn(&str) -> bool) -> Result<Vec<Message>, Hl7Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut messages: Vec<Message> = Vec::new();
    let mut saw_any = false;
    for line in lines(text) {
        saw_any = true;
        let id = line.char_indices().nth(3).map_or(line, |(at, _)| &line[..at]);
        match id {
            "FHS" | "BHS" => {
                // The batch envelope's delimiters are checked; each message declares its own.
                encoding_of(line)?;
                continue;
            }
            "BTS" | "FTS" => continue,
            "MSH" => {
                let encoding = encoding_of(line)?;
                let mut warnings = Vec::new();
                if encoding.escape.is_none() {
                    warnings.push("MSH-2 declares no escape character: escape sequences are read as text".to_owned());
                }
                messages.push(Message {
                    encoding,
                    segments: vec![segment(line, &encoding)],
                    warnings,
                    raw: line.to_owned(),
                });
            }
            _ => {
                let Some(message) = messages.last_mut() else {
                    return Err(Hl7Error::NoMsh(line.chars().take(20).collect()));
                };
                message.raw.push('\r');
                message.raw.push_str(line);
                // The id the segment is read under (not the line's first three characters: a
                // line may begin with white space such as a form feed).
                let id = segment_id(line, &message.encoding);
                if !read(id) {
                    continue;
                }
                let seg = read_segment(line, id, &message.encoding);
                if valid_id(&seg.id) {
                    message.segments.push(seg);
                } else {
                    let shown: String = line.chars().take(20).collect();
                    message.warnings.push(format!("segment {shown:?} has no valid segment id and was not read"));
                }
            }
        }
    }
    if !saw_any {
        return Err(Hl7Error::Empty);
    }
    if messages.is_empty() {
        return Err(Hl7Error::NoMsh(text.chars().take(20).collect()));
    }
    Ok(messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_round_trip_for_every_delimiter() {
        let encoding = Encoding::default();
        // A deterministic sweep over strings built from the special characters and text.
        let alphabet = ['|', '^', '~', '\\', '&', 'a', 'Z', '0', ' ', 'é', '\n'];
        let mut state: u64 = 42;
        for _ in 0..2_000 {
            let len = (state % 12) as usize;
            let mut text = String::new();
            for _ in 0..len {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(state >> 33) as usize % alphabet.len()]);
            }
            state = state.wrapping_add(7);
            let escaped = escape(&text, &encoding);
            assert!(!escaped.contains(['|', '^', '~', '&', '\n']), "{escaped:?}");
            assert_eq!(unescape(&escaped, &encoding), text, "{escaped:?}");
            // And through a whole segment: one repetition, one component, one sub-component.
            let seg = segment(&format!("ZZZ|{escaped}"), &encoding);
            assert_eq!(seg.sub(1, 1, 1, 1), text, "{escaped:?}");
            assert_eq!(seg.repetition_count(1), usize::from(!text.is_empty()));
            assert_eq!(seg.values().count(), 1 + usize::from(!text.is_empty()));
        }
    }

    #[test]
    fn escape_sequences() {
        let e = Encoding::default();
        assert_eq!(unescape(r"a\F\b\S\c\T\d\R\e\E\f", &e), "a|b^c&d~e\\f");
        assert_eq!(unescape(r"line\.br\next", &e), "line\nnext");
        assert_eq!(unescape(r"\H\bold\N\ text", &e), "bold text");
        assert_eq!(unescape(r"\X0D0A\", &e), "\r\n");
        assert_eq!(unescape(r"caf\XC3A9\", &e), "café");
        assert_eq!(unescape(r"caf\XE9\", &e), "café", "a byte that is not UTF-8 is read as ISO 8859-1");
        assert_eq!(unescape(r"keep \Q\ and \unterminated", &e), r"keep \Q\ and \unterminated");
        // Found by fuzzing: a non-hex character (here two bytes long) inside `\X…\` is kept as sent.
        assert_eq!(unescape("\\X0\u{ff}0\\", &e), "\\X0\u{ff}0\\");
        let no_escape = Encoding { escape: None, ..e };
        assert_eq!(unescape(r"a\F\b", &no_escape), r"a\F\b");
    }

    #[test]
    fn encoding_characters_from_msh() {
        assert_eq!(encoding_of("MSH|^~\\&|x").unwrap(), Encoding::default());
        let dollar = encoding_of("MSH|^~\\$|x").unwrap();
        assert_eq!(dollar.subcomponent, '$');
        let five = encoding_of("MSH|^~\\&#|x").unwrap();
        assert_eq!(five.truncation, Some('#'));
        let no_escape = encoding_of("MSH|^~&|x").unwrap();
        assert_eq!((no_escape.escape, no_escape.subcomponent), (None, '&'));
        let custom = encoding_of("MSH*:!%@*x").unwrap();
        assert_eq!(
            (custom.field, custom.component, custom.repetition, custom.escape, custom.subcomponent),
            ('*', ':', '!', Some('%'), '@')
        );
        assert!(encoding_of("MSH|^").is_err());
        // Found by fuzzing: a letter as escape character cannot round-trip (`\T\` uses letters).
        assert!(encoding_of("MSH|^~T&|x").is_err());
        assert!(encoding_of("MSH|^~\\T|x").is_err());
        assert!(encoding_of("MSH|^^\\&|").is_err());
    }

    #[test]
    fn positions_are_one_based_and_empty_ones_are_kept_between_values() {
        let e = Encoding::default();
        let seg = segment("PID|1||123^^^HOSP&1.2.3&ISO~456^^^B||Doe^Jane", &e);
        assert_eq!((seg.get(0, 1), seg.get(1, 1), seg.get(2, 1), seg.get(3, 1)), ("PID", "1", "", "123"));
        assert_eq!(seg.repetition_count(3), 2);
        assert_eq!(seg.sub(3, 2, 1, 1), "456");
        assert_eq!(seg.subcomponents(3, 1, 4), ["HOSP", "1.2.3", "ISO"]);
        assert_eq!(seg.repetition_text(3, 1, "^", "&"), "123^^^HOSP&1.2.3&ISO");
        assert_eq!(seg.get(5, 2), "Jane");
        assert_eq!(seg.field_count(), 6);
        let range = segment("OBX|1|NM|||||&4.0", &e);
        assert_eq!(range.subcomponents(7, 1, 1), ["", "4.0"]);
        let msh = segment("MSH|^~\\&|LAB", &e);
        assert_eq!((msh.get(1, 1), msh.get(2, 1), msh.get(3, 1)), ("|", "^~\\&", "LAB"));
    }

    #[test]
    fn non_ascii_delimiters_parse_like_the_ascii_ones() {
        // The byte scan handles ASCII delimiters; any other character set takes the split path.
        // Both must read the same structure, escapes included.
        let ascii = "PID|1||123^^^HOSP&1.2.3&ISO~456^^^B||Do\\F\\e^Jane";
        let e = Encoding::default();
        let wide = Encoding {
            field: '¦',
            component: '·',
            repetition: '§',
            escape: Some('¤'),
            subcomponent: '°',
            ..Encoding::default()
        };
        assert!(ascii_delimiters(&wide).is_none());
        let other = ascii.replace('|', "¦").replace('^', "·").replace('~', "§").replace('&', "°").replace('\\', "¤");
        let (a, b) = (segment(ascii, &e), segment(&other, &wide));
        assert_eq!(a.field_count(), b.field_count());
        assert_eq!(a.repetition_count(3), b.repetition_count(3));
        assert_eq!(a.subcomponents(3, 1, 4), b.subcomponents(3, 1, 4));
        assert_eq!((a.sub(3, 2, 1, 1), b.sub(3, 2, 1, 1)), ("456", "456"));
        assert_eq!((a.get(5, 1), b.get(5, 1)), ("Do|e", "Do¦e"));
        assert_eq!(a.get(5, 2), b.get(5, 2));
    }

    #[test]
    fn terminators_and_batches() {
        let text = "\u{feff}BHS|^~\\&|x\r\nMSH|^~\\&|A|B|||20240101||ORU^R01|1|P|2.5\nPID|1||42\rMSH|^~\\&|A|B|||20240101||ORU^R01|2|P|2.5\r\nOBX|1|NM\r\nBTS|2\r\n";
        let messages = parse(text).unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].control_id(), "1");
        assert_eq!(messages[1].segments.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["MSH", "OBX"]);
        assert_eq!(messages[0].message_type(), "ORU^R01");
        assert!(matches!(parse("PID|1"), Err(Hl7Error::NoMsh(_))));
        assert!(matches!(parse("\r\n\r\n"), Err(Hl7Error::Empty)));
    }
}
