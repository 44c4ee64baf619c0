//! MLLP load generator for the lab-feed benchmarks (`bench/hl7/ingest.sh`).
//!
//! It does what the peers' `mllp_send.py` does, on the same messages, and checks the same things,
//! at a fraction of the CPU: on a two-core machine the Python sender alone takes a whole core at
//! about 10,000 messages/s, which caps what any listener can be shown to acknowledge.
//!
//! ```text
//! mllp-load HOST PORT --count N --concurrency C [--timeout SECONDS] [--data DIR]
//! ```
//!
//! Messages: the files of `shared/data/hl7v2/messages` (by default the project's copy in
//! `crates/leuko-hl7/tests`, byte-identical, with its manifest) whose manifest row says `has_wbc` is
//! `True` and whose MSH-9 starts with `ORU^R01`, segment terminators normalised to CR, sent
//! round-robin with a unique MSH-10 per send. Each of C connections (a thread each, blocking
//! sockets, `TCP_NODELAY`) sends one message, waits for its ACK, then sends the next. An ACK counts
//! when MSA-1 is AA or CA and MSA-2 equals the control id sent; anything else is nacked. No ACK
//! within the timeout: timed out, and that connection is reopened. Only loopback addresses.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line tool reports on its terminal")]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The project's copy of `shared/data/hl7v2` (the same files and manifest, with provenance).
const BUNDLED_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../crates/leuko-hl7/tests");

// MLLP framing written here rather than taken from leuko-hl7: the sender is an independent check
// of the listener it measures (a framing or ACK-parsing mistake shared by both would pass).
const START: u8 = 0x0B;
const END: [u8; 2] = [0x1C, 0x0D];

struct Args {
    addr: SocketAddr,
    count: usize,
    concurrency: usize,
    timeout: Duration,
    data: PathBuf,
}

/// One message split around MSH-10, so a send is `head + control id + tail`.
struct Template {
    head: Vec<u8>,
    tail: Vec<u8>,
}

#[derive(Default)]
struct Tally {
    sent: usize,
    acked: usize,
    nacked: usize,
    timed_out: usize,
    errors: usize,
    latencies: Vec<Duration>,
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1).collect()) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("mllp-load: {message}");
            return ExitCode::from(2);
        }
    };
    let templates = match load_templates(&args.data) {
        Ok(t) if !t.is_empty() => Arc::new(t),
        Ok(_) => {
            eprintln!("mllp-load: no ORU^R01 message with a WBC in {}", args.data.display());
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("mllp-load: {}: {e}", args.data.display());
            return ExitCode::FAILURE;
        }
    };
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() % 1_000_000) as u32;
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..args.concurrency)
        .map(|_| {
            let (templates, next) = (Arc::clone(&templates), Arc::clone(&next));
            let (addr, count, timeout) = (args.addr, args.count, args.timeout);
            std::thread::spawn(move || connection(addr, &templates, &next, count, timeout, run_id))
        })
        .collect();
    let mut total = Tally::default();
    for worker in workers {
        let tally = worker.join().unwrap_or_default();
        total.sent += tally.sent;
        total.acked += tally.acked;
        total.nacked += tally.nacked;
        total.timed_out += tally.timed_out;
        total.errors += tally.errors;
        total.latencies.extend(tally.latencies);
    }
    let elapsed = started.elapsed().as_secs_f64();
    total.latencies.sort_unstable();
    let pct = |q: f64| {
        let n = total.latencies.len();
        if n == 0 { f64::NAN } else { total.latencies[((q * n as f64) as usize).min(n - 1)].as_secs_f64() * 1000.0 }
    };
    println!(
        "sent {}, acked {}, nacked {}, timed-out {}, errors {}; {elapsed:.2} s, {:.1} acked msg/s; \
         ACK latency p50 {:.3} ms, p99 {:.3} ms (concurrency {}, mllp-load)",
        total.sent,
        total.acked,
        total.nacked,
        total.timed_out,
        total.errors,
        total.acked as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        args.concurrency
    );
    if total.acked == args.count { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// One connection: send, wait for the ACK, check it, until the shared counter reaches `count`.
fn connection(
    addr: SocketAddr,
    templates: &[Template],
    next: &AtomicUsize,
    count: usize,
    timeout: Duration,
    run_id: u32,
) -> Tally {
    let mut tally = Tally::default();
    let mut stream: Option<TcpStream> = None;
    let mut frame = Vec::with_capacity(16 * 1024);
    let mut reply = Vec::with_capacity(1024);
    loop {
        let seq = next.fetch_add(1, Ordering::Relaxed);
        if seq >= count {
            return tally;
        }
        let socket = match stream.take().map_or_else(|| open(addr, timeout), Ok) {
            Ok(socket) => stream.insert(socket),
            Err(_) => {
                tally.errors += 1;
                continue;
            }
        };
        let control_id = format!("LR{run_id:06}{seq:09}");
        let template = &templates[seq % templates.len()];
        frame.clear();
        frame.push(START);
        frame.extend_from_slice(&template.head);
        frame.extend_from_slice(control_id.as_bytes());
        frame.extend_from_slice(&template.tail);
        frame.extend_from_slice(&END);
        let sent_at = Instant::now();
        tally.sent += 1;
        match exchange(socket, &frame, &mut reply) {
            Ok(()) if ack_accepts(&reply, control_id.as_bytes()) => {
                tally.acked += 1;
                tally.latencies.push(sent_at.elapsed());
            }
            Ok(()) => tally.nacked += 1,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                tally.timed_out += 1;
                stream = None;
            }
            Err(_) => {
                tally.errors += 1;
                stream = None;
            }
        }
    }
}

fn open(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    let socket = TcpStream::connect_timeout(&addr, timeout)?;
    socket.set_nodelay(true)?;
    socket.set_read_timeout(Some(timeout))?;
    socket.set_write_timeout(Some(timeout))?;
    Ok(socket)
}

/// Writes one frame and reads until the reply's `0x1C 0x0D`.
fn exchange(socket: &mut TcpStream, frame: &[u8], reply: &mut Vec<u8>) -> io::Result<()> {
    socket.write_all(frame)?;
    reply.clear();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk)?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        reply.extend_from_slice(&chunk[..n]);
        if reply.ends_with(&END) {
            return Ok(());
        }
    }
}

/// MSA-1 is AA or CA and MSA-2 is the control id sent.
fn ack_accepts(reply: &[u8], control_id: &[u8]) -> bool {
    let start = reply.iter().position(|&b| b == START).map_or(0, |i| i + 1);
    let message = &reply[start..reply.len().saturating_sub(END.len())];
    message.split(|&b| b == b'\r').filter(|seg| seg.starts_with(b"MSA") && seg.len() > 3).any(|seg| {
        let mut fields = seg.split(|&b| b == seg[3]).skip(1);
        matches!(fields.next(), Some(b"AA" | b"CA")) && fields.next() == Some(control_id)
    })
}

fn load_templates(data: &Path) -> io::Result<Vec<Template>> {
    let manifest = std::fs::read_to_string(data.join("manifest.csv"))?;
    let mut lines = manifest.lines();
    let header = csv_fields(lines.next().unwrap_or_default());
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| io::Error::other(format!("manifest has no {name} column")))
    };
    let (file, msg_type, has_wbc) = (column("file")?, column("msg_type")?, column("has_wbc")?);
    let mut templates = Vec::new();
    for line in lines {
        let row = csv_fields(line);
        let field = |i: usize| row.get(i).map_or("", String::as_str);
        if field(has_wbc) != "True" || !field(msg_type).starts_with("ORU^R01") {
            continue;
        }
        let bytes = std::fs::read(data.join("messages").join(field(file)))?;
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\r").replace('\n', "\r");
        let text = text.trim_matches([' ', '\t', '\r', '\n', '\x0b', '\x1c']);
        templates.push(split_at_control_id(text).ok_or_else(|| io::Error::other(format!("{}: no MSH", field(file))))?);
    }
    Ok(templates)
}

fn split_at_control_id(message: &str) -> Option<Template> {
    let (first, rest) = message.split_once('\r').unwrap_or((message, ""));
    let separator = first.strip_prefix("MSH")?.chars().next()?;
    let parts: Vec<&str> = first.split(separator).collect(); // parts[k] is MSH-(k+1), parts[9] is MSH-10
    let sep = separator.to_string();
    let head_parts = &parts[..parts.len().min(9)];
    let mut head = head_parts.join(&sep);
    for _ in head_parts.len()..9 {
        head.push_str(&sep);
    }
    head.push_str(&sep);
    let mut tail = String::new();
    if parts.len() > 10 {
        tail.push_str(&sep);
        tail.push_str(&parts[10..].join(&sep));
    }
    tail.push('\r');
    tail.push_str(rest);
    Some(Template { head: head.into_bytes(), tail: tail.into_bytes() })
}

/// Fields of one CSV line (double-quoted fields may hold commas; `""` is a quote).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

fn parse_args(args: Vec<String>) -> Result<Args, String> {
    let usage = "usage: mllp-load HOST PORT --count N --concurrency C [--timeout SECONDS] [--data DIR]";
    let mut positional = Vec::new();
    let (mut count, mut concurrency, mut timeout) = (None, 1usize, 10.0f64);
    let mut data = PathBuf::from(BUNDLED_DATA);
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value; {usage}"));
        match arg.as_str() {
            "--count" => count = Some(value("--count")?.parse().map_err(|e| format!("--count: {e}"))?),
            "--concurrency" => {
                concurrency = value("--concurrency")?.parse().map_err(|e| format!("--concurrency: {e}"))?
            }
            "--timeout" => timeout = value("--timeout")?.parse().map_err(|e| format!("--timeout: {e}"))?,
            "--data" => data = PathBuf::from(value("--data")?),
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}; {usage}")),
            _ => positional.push(arg),
        }
    }
    let [host, port] = <[String; 2]>::try_from(positional).map_err(|_| usage.to_owned())?;
    let count: usize = count.ok_or_else(|| usage.to_owned())?;
    let in_bounds =
        (1..=1_000_000).contains(&count) && (1..=256).contains(&concurrency) && timeout > 0.0 && timeout <= 600.0;
    if !in_bounds {
        return Err("bounds: 1 <= count <= 1000000, 1 <= concurrency <= 256, 0 < timeout <= 600".to_owned());
    }
    let port: u16 = port.parse().map_err(|e| format!("port {port}: {e}"))?;
    let addrs: Vec<SocketAddr> =
        (host.as_str(), port).to_socket_addrs().map_err(|e| format!("cannot resolve {host}: {e}"))?.collect();
    if addrs.is_empty() || addrs.iter().any(|a| !a.ip().is_loopback()) {
        return Err(format!("refused: {host} is not only a loopback address (127.0.0.0/8 or ::1)"));
    }
    Ok(Args { addr: addrs[0], count, concurrency, timeout: Duration::from_secs_f64(timeout), data })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ack_counts_only_when_accepted_and_echoing_the_control_id() {
        let ack = |msa: &str| format!("\x0bMSH|^~\\&|LEUKO|||||20261127||ACK^R01|1|P|2.5\r{msa}\r\x1c\r");
        assert!(ack_accepts(ack("MSA|AA|LR1").as_bytes(), b"LR1"));
        assert!(ack_accepts(ack("MSA|CA|LR1").as_bytes(), b"LR1"));
        assert!(!ack_accepts(ack("MSA|AE|LR1").as_bytes(), b"LR1"));
        assert!(!ack_accepts(ack("MSA|AA|LR2").as_bytes(), b"LR1"));
        assert!(!ack_accepts(b"\x0bMSH|^~\\&|LEUKO\r\x1c\r", b"LR1"));
    }

    #[test]
    fn a_send_puts_the_control_id_in_msh_10_and_keeps_the_rest() {
        let t = split_at_control_id("MSH|^~\\&|LAB|H|||20260101||ORU^R01|OLD|P|2.5\rPID|1||42").unwrap();
        let sent = [t.head, b"NEW".to_vec(), t.tail].concat();
        assert_eq!(String::from_utf8(sent).unwrap(), "MSH|^~\\&|LAB|H|||20260101||ORU^R01|NEW|P|2.5\rPID|1||42");
    }

    #[test]
    fn manifest_fields_may_be_quoted() {
        assert_eq!(csv_fields(r#"a,"b, c",,"d ""e""""#), ["a", "b, c", "", r#"d "e""#]);
    }

    #[test]
    fn every_template_from_the_shared_data_is_a_result_message() {
        let data = PathBuf::from(BUNDLED_DATA);
        let templates = load_templates(&data).unwrap();
        assert!(templates.len() >= 5, "{} templates", templates.len());
        assert!(templates.iter().all(|t| t.head.starts_with(b"MSH") && t.tail.windows(4).any(|w| w == b"\rPID")));
        // Only the manifest's ORU^R01 messages with a WBC (the peers' choice), not every file.
        assert!(templates.iter().all(|t| t.head.windows(8).any(|w| w == b"|ORU^R01")));
    }
}
