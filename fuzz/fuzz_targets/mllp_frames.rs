//! Any byte stream, cut into any chunks, through the MLLP deframer: no panic, no frame above the
//! limit, and every frame re-framed reads back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (Vec<u8>, Vec<u8>)| {
    let (stream, cuts) = input;
    let limit = 256;
    let mut deframer = leuko_hl7::mllp::Deframer::new(limit);
    let mut frames = Vec::new();
    let mut rest: &[u8] = &stream;
    for cut in cuts.iter().chain(std::iter::once(&u8::MAX)) {
        let at = (*cut as usize).min(rest.len());
        let (chunk, tail) = rest.split_at(at);
        frames.extend(deframer.push(chunk).0);
        rest = tail;
        if rest.is_empty() {
            break;
        }
    }
    frames.extend(deframer.push(rest).0);
    for content in frames {
        assert!(content.len() <= limit);
        let text = String::from_utf8_lossy(&content).into_owned();
        let (again, problems) = leuko_hl7::mllp::Deframer::new(limit * 4).push(&leuko_hl7::mllp::frame(&text));
        assert!(problems.is_empty());
        assert_eq!(again, vec![text.into_bytes()]);
    }
});
