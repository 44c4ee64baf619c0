//! The floor of durable MLLP acknowledgement on a machine: a minimal listener that does nothing
//! but what "ACK after a synced write" needs, to put beside `leuko ingest --listen` in one run
//! (`bench/hl7/compare.sh`).
//!
//! ```text
//! mllp-floor ADDR FILE
//! ```
//!
//! A thread per connection (blocking sockets, `TCP_NODELAY`) reads MLLP frames; each frame's
//! bytes join the group waiting for the next sync; one connection at a time leads: it writes the
//! whole group with one `pwrite` at the end of what was written before and syncs it with one
//! `fdatasync`, and every connection of that group then answers AA with MSA-2 echoing MSH-10.
//! `FILE` is created zero-filled (256 MiB, synced) so that a sync overwrites blocks the file
//! already has, as leuko's journal segments do; writing wraps to its start when it is full. No
//! parsing beyond MSH-10, no duplicate check, no store, no processing: not a lab feed, a
//! measuring stick. Only loopback addresses.

#![allow(clippy::print_stderr, reason = "a command-line tool reports on its terminal")]

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::FileExt;
use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex};

/// The size `FILE` is created with.
const FILE_SIZE: u64 = 256 << 20;

/// Messages waiting for a sync, and how far syncing has come.
struct Groups {
    /// Bytes of the group being gathered (number `gathering`).
    waiting: Vec<u8>,
    gathering: u64,
    /// The last group synced.
    synced: u64,
    /// A connection is writing and syncing a group.
    leading: bool,
    /// Where the next group is written.
    offset: u64,
}

struct Log {
    groups: Mutex<Groups>,
    done: Condvar,
    file: File,
}

impl Log {
    /// Returns once `frame` is written and synced, with the group it joined.
    fn commit(&self, frame: &[u8]) {
        let mut groups = self.groups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        groups.waiting.extend_from_slice(frame);
        let mine = groups.gathering;
        while groups.synced < mine {
            if groups.leading {
                groups = self.done.wait(groups).unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            groups.leading = true;
            let bytes = std::mem::take(&mut groups.waiting);
            let number = groups.gathering;
            groups.gathering += 1;
            if groups.offset + bytes.len() as u64 > FILE_SIZE {
                groups.offset = 0;
            }
            let offset = groups.offset;
            groups.offset += bytes.len() as u64;
            drop(groups);
            // A failed write or sync ends the run: nothing written after it could be trusted.
            if let Err(e) = self.file.write_all_at(&bytes, offset).and_then(|()| self.file.sync_data()) {
                eprintln!("mllp-floor: writing the log: {e}");
                std::process::exit(1);
            }
            groups = self.groups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            groups.leading = false;
            groups.synced = number;
            self.done.notify_all();
        }
    }
}

/// MSH-10 of a frame's message (the field separator is the byte after `MSH`).
fn control_id(message: &[u8]) -> &[u8] {
    let first = message.split(|&b| b == b'\r').next().unwrap_or_default();
    let Some(&separator) = first.get(3) else { return b"" };
    first.split(|&b| b == separator).nth(9).unwrap_or_default()
}

fn ack(id: &[u8]) -> Vec<u8> {
    let mut out = b"\x0bMSH|^~\\&|FLOOR|FLOOR|||20260101000000||ACK|FLOOR".to_vec();
    out.extend_from_slice(id);
    out.extend_from_slice(b"|P|2.5\rMSA|AA|");
    out.extend_from_slice(id);
    out.extend_from_slice(b"\r\x1c\r");
    out
}

fn connection(mut stream: TcpStream, log: &Log) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        pending.extend_from_slice(&buffer[..n]);
        while let Some(end) = pending.windows(2).position(|w| w == [0x1c, 0x0d]) {
            let frame: Vec<u8> = pending.drain(..end + 2).collect();
            let start = frame.iter().position(|&b| b == 0x0b).map_or(0, |at| at + 1);
            log.commit(&frame);
            stream.write_all(&ack(control_id(&frame[start..end])))?;
        }
    }
}

fn serve(listener: &TcpListener, log: &Arc<Log>) {
    for stream in listener.incoming().flatten() {
        let log = Arc::clone(log);
        std::thread::spawn(move || connection(stream, &log));
    }
}

fn open(path: &str) -> std::io::Result<File> {
    let file = OpenOptions::new().create(true).truncate(true).read(true).write(true).open(path)?;
    let zeros = vec![0u8; 1 << 20];
    for at in (0..FILE_SIZE).step_by(zeros.len()) {
        file.write_all_at(&zeros, at)?;
    }
    file.sync_all()?;
    Ok(file)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, path] = args.as_slice() else {
        eprintln!("usage: mllp-floor ADDR FILE");
        return ExitCode::from(2);
    };
    let listener = match TcpListener::bind(addr) {
        Ok(l) if l.local_addr().is_ok_and(|a| a.ip().is_loopback()) => l,
        Ok(_) => {
            eprintln!("mllp-floor: only loopback addresses");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("mllp-floor: {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let file = match open(path) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("mllp-floor: {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let log = Arc::new(Log {
        groups: Mutex::new(Groups { waiting: Vec::new(), gathering: 1, synced: 0, leading: false, offset: 0 }),
        done: Condvar::new(),
        file,
    });
    eprintln!("mllp-floor: listening on {addr}, writing {path}");
    serve(&listener, &log);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledges_each_frame_after_its_bytes_are_in_the_file() {
        let dir = std::env::temp_dir().join(format!("mllp-floor-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log");
        let file = OpenOptions::new().create(true).truncate(true).read(true).write(true).open(&path).unwrap();
        file.set_len(1 << 20).unwrap();
        let log = Arc::new(Log {
            groups: Mutex::new(Groups { waiting: Vec::new(), gathering: 1, synced: 0, leading: false, offset: 0 }),
            done: Condvar::new(),
            file,
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = Arc::clone(&log);
        std::thread::spawn(move || serve(&listener, &server));
        let mut stream = TcpStream::connect(addr).unwrap();
        for id in ["A1", "B22"] {
            let frame = format!("\x0bMSH|^~\\&|LAB|H|||20260101||ORU^R01|{id}|P|2.5\rPID|1||X\r\x1c\r");
            stream.write_all(frame.as_bytes()).unwrap();
            let mut reply = Vec::new();
            while !reply.ends_with(b"\x1c\r") {
                let mut byte = [0u8; 256];
                let n = stream.read(&mut byte).unwrap();
                assert!(n > 0, "connection closed");
                reply.extend_from_slice(&byte[..n]);
            }
            let text = String::from_utf8(reply).unwrap();
            assert!(text.contains(&format!("\rMSA|AA|{id}\r")), "{text:?}");
            let mut written = vec![0u8; 4096];
            log.file.read_exact_at(&mut written, 0).unwrap();
            assert!(written.windows(id.len() + 2).any(|w| w == format!("|{id}|").as_bytes()), "{id} not in the file");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
