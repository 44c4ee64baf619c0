//! Any bytes through the HL7 v2 decoder, parser and mapping, and the mapped records through the
//! assessment: no panic, escaping round-trips every parsed sub-component, and the header parse
//! agrees with the full parse.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = leuko_hl7::decode(data);
    // The listener answers from the header parse: it must accept and refuse what the full parse
    // does, and read MSH, PID and the raw text alike.
    let headers = leuko_hl7::parse_headers(&text);
    let Ok(messages) = leuko_hl7::parse(&text) else {
        assert!(headers.is_err());
        return;
    };
    let headers = headers.expect("the header parse accepts what the full parse accepts");
    assert_eq!(headers.len(), messages.len());
    for (h, m) in headers.iter().zip(&messages) {
        assert_eq!(h.raw, m.raw);
        assert_eq!(h.segment("MSH"), m.segment("MSH"));
        for site in [leuko_hl7::SiteCodes::default(), leuko_hl7::SiteCodes { sender_as_authority: true, ..Default::default() }] {
            assert_eq!(leuko_hl7::patient_id(h, &site), leuko_hl7::patient_id(m, &site));
        }
    }
    for message in &messages {
        for segment in &message.segments {
            for sub in segment.values() {
                if message.encoding.escape.is_some() {
                    let escaped = leuko_hl7::escape(sub, &message.encoding);
                    assert_eq!(leuko_hl7::unescape(&escaped, &message.encoding), sub);
                }
            }
        }
    }
    let as_of = chrono::DateTime::<chrono::Utc>::from_timestamp(1_900_000_000, 0).expect("a valid time");
    let config = leuko_core::AssessConfig::with_site_intervals(Vec::new());
    for mapped in leuko_hl7::map(&messages, &leuko_hl7::SiteCodes::default()) {
        let _ = leuko_core::assess(leuko_kb::bundled(), &mapped.record, as_of, &config);
    }
});
