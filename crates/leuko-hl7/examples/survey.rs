//! Prints what the parser and the mapping make of each file of `tests/messages` (a survey for
//! maintainers): messages, segments, OBX rows, WBC/ANC values, unmapped rows and warnings.
#![allow(clippy::print_stdout, reason = "an example prints")]

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/messages");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("the folder exists").flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let bytes = std::fs::read(&path).expect("readable");
        let (text, _) = leuko_hl7::decode(&bytes);
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        match leuko_hl7::parse(&text) {
            Err(error) => println!("{name}: ERROR {error}"),
            Ok(messages) => {
                let segments: usize = messages.iter().map(|m| m.segments.len()).sum();
                let obx: usize = messages.iter().map(|m| m.segments.iter().filter(|s| s.id == "OBX").count()).sum();
                let mapped = leuko_hl7::map(&messages, &leuko_hl7::SiteCodes::default());
                let counts: Vec<String> = mapped
                    .iter()
                    .flat_map(|m| m.record.observations.iter())
                    .filter(|o| {
                        o.codes
                            .iter()
                            .any(|c| ["6690-2", "26464-8", "751-8", "26499-4", "804-5"].contains(&c.code.as_str()))
                    })
                    .map(|o| format!("{}={:?}", o.codes[0].code, o.value))
                    .collect();
                let warnings: usize = mapped.iter().map(|m| m.warnings.len()).sum();
                let unmapped: usize = mapped.iter().map(|m| m.unmapped.len()).sum();
                println!(
                    "{name}: {} msg, {segments} seg, {obx} obx, {unmapped} unmapped, {warnings} warnings; {}",
                    messages.len(),
                    counts.join(" ")
                );
            }
        }
    }
}
