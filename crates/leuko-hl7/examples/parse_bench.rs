//! Parse throughput on an MLLP-framed corpus (the one `shared/peers/hl7/parse_bench.py
//! --write-corpus` writes, so that python-hl7 and leuko time the same bytes in one run):
//! `cargo run --release -p leuko-hl7 --example parse_bench -- corpus.mllp`.
#![allow(clippy::print_stdout, reason = "an example prints")]

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_bench <corpus.mllp>");
    let bytes = std::fs::read(&path).expect("readable corpus");
    let (frames, problems) = leuko_hl7::mllp::Deframer::new(1 << 24).push(&bytes);
    assert!(problems.is_empty(), "{problems:?}");
    let total: usize = frames.iter().map(Vec::len).sum();
    for (label, map) in [("parse", false), ("parse + map to records", true)] {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let started = Instant::now();
            let mut segments = 0usize;
            for frame in &frames {
                let (text, _) = leuko_hl7::decode(frame);
                let messages = leuko_hl7::parse(&text).expect("the corpus parses");
                segments += messages.iter().map(|m| m.segments.len()).sum::<usize>();
                if map {
                    segments += leuko_hl7::map(&messages, &leuko_hl7::SiteCodes::default()).len();
                }
            }
            std::hint::black_box(segments);
            best = best.min(started.elapsed().as_secs_f64());
        }
        println!(
            "{label}: {} msgs in {best:.3} s = {:.0} msg/s, {:.1} MB/s (best of 3)",
            frames.len(),
            frames.len() as f64 / best,
            total as f64 / best / 1e6
        );
    }
}
