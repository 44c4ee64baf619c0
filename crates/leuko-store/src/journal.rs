//! The lab feed's inbox on the embedded (SQLite) store: an append-only journal of received
//! messages beside the history, in segment files of fixed size (`PATH.journal/`).
//!
//! A group of messages is written with one `pwrite` and made durable with one `fdatasync`
//! before any of them is acknowledged. Segments are created filled with zeros and later reused,
//! so a sync overwrites blocks the file already has and need not change the file's size (here
//! 77 µs against 190 µs for a sync that appends 26 kB: bench/runs/2026-11-27-vm, session 8). Each
//! record carries its segment's number, its sequence number and a CRC-32 of its content, so
//! what a reused segment held before, or a write torn by a crash, is never read as a message.
//!
//! Sequence numbers continue the history's inbox cursor (`hl7_cursor`): processing moves
//! messages into the history and the cursor past them in one transaction; a segment whose
//! messages are all behind the cursor is reused once the history's files have been synced, so
//! no message leaves the journal before its processing is durable.

use std::collections::{HashMap, VecDeque};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::{InboxMessage, StoreError};

/// Marks the start of a record ("LKJ1").
const MAGIC: u32 = 0x4C4B_4A31;
/// A record's header: magic, segment number (u32), sequence number (u64), payload length (u32),
/// CRC-32 of segment number, sequence number, length and payload (u32).
const HEADER: usize = 24;
/// The size segments are created with (a larger message gets a segment of its own, grown).
pub(crate) const SEGMENT_SIZE: u64 = 64 << 20;

/// The journal: one writer (the lab feed's committer) and readers (processing).
pub(crate) struct Journal {
    dir: PathBuf,
    history: PathBuf,
    segment_size: u64,
    writer: Mutex<Writer>,
    index: Mutex<Index>,
    /// The history opened read-only: a message already stored there is a duplicate.
    stored: Mutex<rusqlite::Connection>,
    /// The lock that makes this process the journal's owner (None: another process owns it).
    owner: Option<File>,
}

struct Writer {
    current: u64,
    file: Arc<File>,
    offset: u64,
    next_seq: u64,
    /// The keys of the messages in the journal not yet behind the cursor given to `put`.
    keys: HashMap<String, u64>,
    /// Segments every message of which is behind the cursor, ready for reuse.
    spares: Vec<u64>,
    /// A write or sync failed: nothing more is accepted (the process must restart and recover).
    failed: Option<String>,
    /// The next segment (number `current + 1`), being created zero-filled on a thread of its
    /// own, so that a switch does not wait for 64 MiB to be written and synced.
    prepared: Option<std::thread::JoinHandle<Result<File, StoreError>>>,
}

/// Where each waiting message is, in sequence order, and the segments that hold them.
struct Index {
    entries: VecDeque<Entry>,
    segments: HashMap<u64, Arc<File>>,
}

struct Entry {
    seq: u64,
    segment: u64,
    /// Offset of the record (its header) in the segment.
    offset: u64,
    /// Length of the payload (the record is `HEADER` bytes longer).
    len: u32,
    key: String,
}

fn io(what: &str, path: &Path, error: &std::io::Error) -> StoreError {
    StoreError::Journal(format!("{what} {}: {error}", path.display()))
}

fn segment_name(dir: &Path, number: u64) -> PathBuf {
    dir.join(format!("{number:016}.seg"))
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| io("syncing the folder", dir, &e))
}

/// Appends one record to `buf`.
fn encode(buf: &mut Vec<u8>, segment: u64, seq: u64, key: &str, raw: &str) {
    let len = 4 + key.len() + raw.len();
    let start = buf.len();
    buf.extend_from_slice(&MAGIC.to_le_bytes());
    buf.extend_from_slice(&(segment as u32).to_le_bytes());
    buf.extend_from_slice(&seq.to_le_bytes());
    buf.extend_from_slice(&(len as u32).to_le_bytes());
    buf.extend_from_slice(&[0; 4]);
    buf.extend_from_slice(&(key.len() as u32).to_le_bytes());
    buf.extend_from_slice(key.as_bytes());
    buf.extend_from_slice(raw.as_bytes());
    let crc = checksum(&buf[start + 4..start + 20], &buf[start + HEADER..]);
    buf[start + 20..start + 24].copy_from_slice(&crc.to_le_bytes());
}

fn checksum(head: &[u8], payload: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(head);
    hasher.update(payload);
    hasher.finalize()
}

/// A record's header fields, if `header` starts a record of segment `number`: its sequence
/// number and payload length.
fn header_of(header: &[u8], number: u64) -> Option<(u64, usize)> {
    let word = |at: usize| header.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    if word(0)? != MAGIC || u64::from(word(4)?) != number & u64::from(u32::MAX) {
        return None;
    }
    let seq = u64::from_le_bytes(header.get(8..16)?.try_into().ok()?);
    // Sequence numbers are stored as SQLite integers (i64); a larger one is not ours.
    i64::try_from(seq).ok()?;
    Some((seq, word(16)? as usize))
}

/// The sequence number and payload of a whole record of segment `number`, if its checksum holds.
fn check_record(record: &[u8], number: u64) -> Option<(u64, &[u8])> {
    let (seq, len) = header_of(record, number)?;
    let payload = record.get(HEADER..HEADER + len)?;
    let crc = u32::from_le_bytes(record.get(20..24)?.try_into().ok()?);
    (checksum(&record[4..20], payload) == crc).then_some((seq, payload))
}

/// The record at `offset` of segment `number` (a file of `size` bytes), if a whole, intact one of
/// this segment is there: its sequence number and payload.
fn read_record(file: &File, size: u64, number: u64, offset: u64) -> Option<(u64, Vec<u8>)> {
    let mut header = [0u8; HEADER];
    file.read_exact_at(&mut header, offset).ok()?;
    let (_, len) = header_of(&header, number)?;
    // A length beyond what the file holds is a torn or foreign header, not an allocation.
    if offset + (HEADER + len) as u64 > size {
        return None;
    }
    let mut record = vec![0u8; HEADER + len];
    record[..HEADER].copy_from_slice(&header);
    file.read_exact_at(&mut record[HEADER..], offset + HEADER as u64).ok()?;
    check_record(&record, number).map(|(seq, payload)| (seq, payload.to_vec()))
}

/// A payload's key and raw text.
fn decode(payload: &[u8]) -> Option<(String, String)> {
    let key_len = u32::from_le_bytes(payload.get(..4)?.try_into().ok()?) as usize;
    let key = std::str::from_utf8(payload.get(4..4 + key_len)?).ok()?;
    let raw = std::str::from_utf8(payload.get(4 + key_len..)?).ok()?;
    Some((key.to_owned(), raw.to_owned()))
}

/// Makes what the history has committed durable (its WAL and its file), so that a cursor read
/// from it can be trusted after a power loss.
fn sync_history(history: &Path) -> Result<(), StoreError> {
    for path in [PathBuf::from(format!("{}-wal", history.display())), history.to_owned()] {
        match File::open(&path) {
            Ok(file) => file.sync_all().map_err(|e| io("syncing", &path, &e))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("opening", &path, &e)),
        }
    }
    // SQLite creates the WAL file anew after its last connection closed: its name too.
    match history.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => sync_dir(parent),
        None => sync_dir(Path::new(".")),
    }
}

impl Drop for Journal {
    /// A segment still being prepared is finished before the lock is released: another owner
    /// opening the journal next must not find it half-written under a number it will use.
    fn drop(&mut self) {
        let mut w = self.writer.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(handle) = w.prepared.take() {
            let _ = handle.join();
        }
    }
}

/// What the segment files hold after `cursor`: read at open, and on each read by a store that
/// does not own the journal.
struct Scan {
    /// The waiting messages in sequence order.
    entries: Vec<Entry>,
    /// The segments holding a record (whether or not it waits): a segment whose records are all
    /// behind the cursor is reused only through [`Journal::forget`], after the history is synced.
    segments: HashMap<u64, Arc<File>>,
    /// Segments without a record, free for use.
    spares: Vec<u64>,
    /// The last segment with a record.
    last: Option<u64>,
    /// The highest sequence number seen (at least `cursor`).
    max_seq: u64,
}

fn scan(dir: &Path, cursor: u64, write: bool) -> Result<Scan, StoreError> {
    let mut numbers = Vec::new();
    for item in std::fs::read_dir(dir).map_err(|e| io("reading", dir, &e))? {
        let item = item.map_err(|e| io("reading", dir, &e))?;
        let name = item.file_name();
        if write && name.to_str().is_some_and(|n| n.ends_with(".seg.tmp")) {
            // A segment whose preparation a crash interrupted.
            std::fs::remove_file(item.path()).map_err(|e| io("removing", &item.path(), &e))?;
            continue;
        }
        // Only the names this journal writes (16 digits): another file is not read.
        let digits = name.to_str().and_then(|n| n.strip_suffix(".seg")).filter(|n| n.len() == 16);
        if let Some(number) = digits.filter(|n| n.bytes().all(|b| b.is_ascii_digit())).and_then(|n| n.parse().ok()) {
            numbers.push(number);
        }
    }
    numbers.sort_unstable();
    let mut out =
        Scan { entries: Vec::new(), segments: HashMap::new(), spares: Vec::new(), last: None, max_seq: cursor };
    for number in numbers {
        let path = segment_name(dir, number);
        let file = OpenOptions::new().read(true).write(write).open(&path).map_err(|e| io("opening", &path, &e))?;
        let size = file.metadata().map_err(|e| io("reading", &path, &e))?.len();
        let mut offset = 0;
        let mut any = false;
        while let Some((seq, payload)) = read_record(&file, size, number, offset) {
            any = true;
            out.max_seq = out.max_seq.max(seq);
            if seq > cursor {
                let (key, _) = decode(&payload).ok_or_else(|| {
                    StoreError::Journal(format!("record {seq} in {} is not a message", path.display()))
                })?;
                let len = payload.len() as u32;
                out.entries.push(Entry { seq, segment: number, offset, len, key });
            }
            offset += (HEADER + payload.len()) as u64;
        }
        if any {
            out.segments.insert(number, Arc::new(file));
            out.last = Some(number);
        } else {
            out.spares.push(number);
        }
    }
    out.entries.sort_by_key(|e| e.seq);
    Ok(out)
}

impl Journal {
    /// Opens (or creates) the journal of the history at `history`, recovering what it holds:
    /// the messages after the history's cursor wait again, whatever a crash left half-written
    /// after the last whole record is ignored. One process owns a journal (a lock on
    /// `PATH.journal/lock`, released when it exits); a store opened beside it reads the
    /// journal afresh on each read and receives nothing.
    pub(crate) fn open(history: &Path, segment_size: u64) -> Result<Journal, StoreError> {
        let dir = PathBuf::from(format!("{}.journal", history.display()));
        if !dir.exists() {
            std::fs::create_dir_all(&dir).map_err(|e| io("creating", &dir, &e))?;
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                sync_dir(parent)?;
            }
        }
        let lock_path = dir.join("lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| io("opening", &lock_path, &e))?;
        let owner = match lock.try_lock() {
            Ok(()) => true,
            Err(std::fs::TryLockError::WouldBlock) => false,
            Err(std::fs::TryLockError::Error(e)) => return Err(io("locking", &lock_path, &e)),
        };
        let uri = format!(
            "file:{}?mode=ro",
            history.display().to_string().replace('%', "%25").replace('?', "%3f").replace('#', "%23")
        );
        let stored = rusqlite::Connection::open_with_flags(
            uri,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )?;
        stored.busy_timeout(std::time::Duration::from_secs(5))?;
        let cursor: i64 = stored.query_row(crate::READ_CURSOR, [], |row| row.get(0))?;
        let Scan { entries, segments, spares, last, max_seq } = scan(&dir, u64::try_from(cursor).unwrap_or(0), owner)?;
        let keys = entries.iter().map(|e| (e.key.clone(), e.seq)).collect();

        let (current, file, offset) = match last.and_then(|number| segments.get(&number).map(|f| (number, f))) {
            Some((number, file)) => {
                // Nothing more is written to the segment the last run wrote: after its last whole
                // record may lie a write a crash tore, and after that, whole records of the same
                // lost write (pages reach the disk in any order) that new records could make
                // readable again. Marked full, so that the next write starts a new segment and
                // every later scan of this one stops where this one did.
                (number, Arc::clone(file), segment_size.max(1))
            }
            // Nothing received yet: the first write creates (or reuses) a segment numbered above
            // every file there, so a store that is only read never writes one.
            None => {
                let placeholder = Arc::new(lock.try_clone().map_err(|e| io("opening", &lock_path, &e))?);
                (spares.iter().max().copied().unwrap_or(0), placeholder, segment_size.max(1))
            }
        };
        Ok(Journal {
            dir,
            history: history.to_owned(),
            segment_size,
            writer: Mutex::new(Writer {
                current,
                file,
                offset,
                next_seq: max_seq
                    .checked_add(1)
                    .ok_or_else(|| StoreError::Journal("sequence numbers exhausted".to_owned()))?,
                keys,
                spares,
                failed: (!owner).then(|| "another process owns this journal (it receives the lab feed)".to_owned()),
                prepared: None,
            }),
            index: Mutex::new(Index { entries: entries.into(), segments }),
            stored: Mutex::new(stored),
            owner: owner.then_some(lock),
        })
    }

    /// Receives messages (key, raw text), durably, in one write and one sync; for each, whether
    /// it was new — not already waiting here nor stored in the history. Messages up to
    /// `processed` (the cursor) are forgotten, their segments reused.
    pub(crate) fn put(&self, messages: &[(String, String)], processed: i64) -> Result<Vec<bool>, StoreError> {
        let mut w = self.writer.lock().map_err(|_| StoreError::Task("journal writer poisoned".to_owned()))?;
        if let Some(failed) = &w.failed {
            return Err(StoreError::Journal(format!("the journal stopped after a failed write: {failed}")));
        }
        // Which messages are new is decided before anything changes, so that a message too large
        // or a failed read of the history refuses this group only.
        let new = self.new_messages(&w, messages)?;
        // A failed sync of the history is not retried: after an I/O error a later sync may report
        // success for data that was dropped, and segments must not be reused on its word. A
        // failed write or sync of the journal stops it too.
        let result = self
            .forget(&mut w, u64::try_from(processed).unwrap_or(0))
            .and_then(|()| self.append(&mut w, messages, &new));
        if let Err(error) = &result {
            w.failed = Some(error.to_string());
        }
        result.map(|()| new)
    }

    /// For each message, whether it is new: neither waiting here, nor stored in the history, nor
    /// earlier in the same group.
    fn new_messages(&self, w: &Writer, messages: &[(String, String)]) -> Result<Vec<bool>, StoreError> {
        let stored = self.stored.lock().map_err(|_| StoreError::Task("journal reader poisoned".to_owned()))?;
        let mut in_history = stored.prepare_cached("SELECT 1 FROM hl7_messages WHERE key = ?1")?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(messages.len());
        for (key, raw) in messages {
            if u32::try_from(4 + key.len() + raw.len()).is_err() {
                return Err(StoreError::Journal(format!("message {key} is too large for the journal (4 GiB)")));
            }
            out.push(!w.keys.contains_key(key) && seen.insert(key.as_str()) && !in_history.exists([key])?);
        }
        Ok(out)
    }

    /// Writes the new messages, in one write and one sync (two when a segment fills up).
    fn append(&self, w: &mut Writer, messages: &[(String, String)], new: &[bool]) -> Result<(), StoreError> {
        let mut added = Vec::new();
        let mut buf = Vec::with_capacity(messages.iter().map(|(k, r)| HEADER + 4 + k.len() + r.len()).sum());
        let mut start = w.offset;
        for ((key, raw), _) in messages.iter().zip(new).filter(|(_, new)| **new) {
            let len = (HEADER + 4 + key.len() + raw.len()) as u64;
            if start + buf.len() as u64 + len > self.segment_size && start + buf.len() as u64 > 0 {
                if !buf.is_empty() {
                    self.write(w, &buf, start)?;
                    buf.clear();
                }
                self.next_segment(w)?;
                start = 0;
            }
            let seq = w.next_seq;
            let offset = start + buf.len() as u64;
            added.push(Entry {
                seq,
                segment: w.current,
                offset,
                len: (4 + key.len() + raw.len()) as u32,
                key: key.clone(),
            });
            encode(&mut buf, w.current, seq, key, raw);
            w.next_seq += 1;
            w.keys.insert(key.clone(), seq);
        }
        if !buf.is_empty() {
            self.write(w, &buf, start)?;
            w.offset = start + buf.len() as u64;
        }
        let mut index = self.index.lock().map_err(|_| StoreError::Task("journal index poisoned".to_owned()))?;
        index.entries.extend(added);
        Ok(())
    }

    /// Writes `buf` at `offset` of the current segment and syncs it.
    fn write(&self, w: &Writer, buf: &[u8], offset: u64) -> Result<(), StoreError> {
        let path = || segment_name(&self.dir, w.current);
        w.file.write_all_at(buf, offset).map_err(|e| io("writing", &path(), &e))?;
        w.file.sync_data().map_err(|e| io("syncing", &path(), &e))
    }

    /// Moves writing to a new segment: a reused one (renamed) or a new one, zero-filled; its
    /// name is durable before anything is written to it.
    fn next_segment(&self, w: &mut Writer) -> Result<(), StoreError> {
        let number = w.current + 1;
        let path = segment_name(&self.dir, number);
        // A file of that number may exist already: one a crash left before anything was written
        // to it (found empty at open, so a spare). It is used as it is.
        // A preparation that failed (a full disk, say) leaves the choice to what follows: a
        // segment waiting for reuse, or a new one created here (whose error then counts).
        let prepared = w.prepared.take().and_then(|handle| handle.join().ok()).and_then(Result::ok);
        let existing = w.spares.iter().position(|n| *n == number).map(|at| w.spares.swap_remove(at));
        let file = match prepared {
            Some(file) => file,
            None => match existing.or_else(|| w.spares.pop()) {
                Some(spare) if spare == number => {
                    OpenOptions::new().read(true).write(true).open(&path).map_err(|e| io("opening", &path, &e))?
                }
                Some(spare) => {
                    let from = segment_name(&self.dir, spare);
                    std::fs::rename(&from, &path).map_err(|e| io("renaming", &from, &e))?;
                    sync_dir(&self.dir)?;
                    OpenOptions::new().read(true).write(true).open(&path).map_err(|e| io("opening", &path, &e))?
                }
                None => create_segment(&self.dir, number, self.segment_size)?,
            },
        };
        let file = Arc::new(file);
        self.index
            .lock()
            .map_err(|_| StoreError::Task("journal index poisoned".to_owned()))?
            .segments
            .insert(number, Arc::clone(&file));
        w.current = number;
        w.file = file;
        w.offset = 0;
        self.prepare_next(w);
        Ok(())
    }

    /// Starts creating the segment after the current one when no segment waits for reuse.
    fn prepare_next(&self, w: &mut Writer) {
        if w.spares.is_empty() && w.prepared.is_none() && w.failed.is_none() && self.owner.is_some() {
            let (dir, number, size) = (self.dir.clone(), w.current + 1, self.segment_size);
            let spawned = std::thread::Builder::new()
                .name("leuko-journal-segment".to_owned())
                .spawn(move || create_segment(&dir, number, size));
            // Without the thread the segment is created when it is needed.
            w.prepared = spawned.ok();
        }
    }

    /// Prepares the segment the first message will need (a listener calls this at start).
    pub(crate) fn prepare(&self) {
        if let Ok(mut w) = self.writer.lock() {
            self.prepare_next(&mut w);
        }
    }

    /// Forgets the messages up to `processed`; segments holding none of the rest become spares
    /// once the history (which holds them now) is synced.
    fn forget(&self, w: &mut Writer, processed: u64) -> Result<(), StoreError> {
        let mut index = self.index.lock().map_err(|_| StoreError::Task("journal index poisoned".to_owned()))?;
        while index.entries.front().is_some_and(|e| e.seq <= processed) {
            if let Some(entry) = index.entries.pop_front() {
                w.keys.remove(&entry.key);
            }
        }
        let oldest = index.entries.front().map_or(w.current, |e| e.segment);
        let done: Vec<u64> = index.segments.keys().copied().filter(|n| *n < oldest && *n != w.current).collect();
        if done.is_empty() {
            return Ok(());
        }
        drop(index);
        sync_history(&self.history)?;
        let mut index = self.index.lock().map_err(|_| StoreError::Task("journal index poisoned".to_owned()))?;
        for number in done {
            index.segments.remove(&number);
            w.spares.push(number);
        }
        Ok(())
    }

    /// Whether this process owns the journal (receives into it and processes it).
    pub(crate) fn owned(&self) -> bool {
        self.owner.is_some()
    }

    /// Moves what an inbox file of an earlier version (`PATH.inbox`, SQLite) still holds for
    /// processing into the journal, in its order, then removes that file.
    pub(crate) fn import_inbox(&self, inbox: &Path) -> Result<(), StoreError> {
        if !inbox.exists() || self.owner.is_none() {
            return Ok(());
        }
        let cursor: i64 = {
            let stored = self.stored.lock().map_err(|_| StoreError::Task("journal reader poisoned".to_owned()))?;
            stored.query_row(crate::READ_CURSOR, [], |row| row.get(0))?
        };
        let rows = {
            let old = rusqlite::Connection::open(inbox)?;
            let mut statement = old.prepare("SELECT key, raw FROM hl7_inbox WHERE seq > ?1 ORDER BY seq")?;
            statement
                .query_map([cursor], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?
        };
        self.put(&rows, cursor)?;
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", inbox.display()));
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io("removing", &path, &e)),
                _ => {}
            }
        }
        if let Some(parent) = inbox.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
        Ok(())
    }

    /// The oldest messages after `cursor` (at most `limit`), in arrival order.
    pub(crate) fn take(&self, cursor: i64, limit: usize) -> Result<Vec<InboxMessage>, StoreError> {
        let cursor = u64::try_from(cursor).unwrap_or(0);
        let locate = |e: &Entry, segments: &HashMap<u64, Arc<File>>| {
            segments.get(&e.segment).map(|f| (e.seq, e.segment, e.offset, e.len, Arc::clone(f)))
        };
        let wanted: Vec<_> = if self.owner.is_none() {
            let found = scan(&self.dir, cursor, false)?;
            found.entries.iter().take(limit).filter_map(|e| locate(e, &found.segments)).collect()
        } else {
            let index = self.index.lock().map_err(|_| StoreError::Task("journal index poisoned".to_owned()))?;
            let first = index.entries.partition_point(|e| e.seq <= cursor);
            index.entries.range(first..).take(limit).filter_map(|e| locate(e, &index.segments)).collect()
        };
        let mut out = Vec::with_capacity(wanted.len());
        for (seq, segment, offset, len, file) in wanted {
            let unreadable = || {
                StoreError::Journal(format!(
                    "message {seq} in {} cannot be read back",
                    segment_name(&self.dir, segment).display()
                ))
            };
            let mut record = vec![0u8; HEADER + len as usize];
            file.read_exact_at(&mut record, offset).map_err(|_| unreadable())?;
            let (read, payload) = check_record(&record, segment).ok_or_else(unreadable)?;
            let (key, raw) = decode(payload).filter(|_| read == seq).ok_or_else(unreadable)?;
            out.push(InboxMessage { seq: i64::try_from(seq).unwrap_or(i64::MAX), key, raw });
        }
        Ok(out)
    }

    /// How many messages after `cursor` wait.
    pub(crate) fn waiting(&self, cursor: i64) -> Result<u64, StoreError> {
        let cursor = u64::try_from(cursor).unwrap_or(0);
        if self.owner.is_none() {
            return Ok(scan(&self.dir, cursor, false)?.entries.len() as u64);
        }
        let index = self.index.lock().map_err(|_| StoreError::Task("journal index poisoned".to_owned()))?;
        Ok((index.entries.len() - index.entries.partition_point(|e| e.seq <= cursor)) as u64)
    }
}

/// A new segment filled with zeros, synced, its name synced in the folder.
///
/// Written under a temporary name and renamed when whole, so that a crash never leaves a short
/// segment (whose first use would append); a leftover temporary file is removed at open.
fn create_segment(dir: &Path, number: u64, size: u64) -> Result<File, StoreError> {
    let path = segment_name(dir, number);
    let temporary = path.with_extension("seg.tmp");
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temporary)
        .map_err(|e| io("creating", &temporary, &e))?;
    zero_range(&file, 0, size, &temporary)?;
    file.sync_all().map_err(|e| io("syncing", &temporary, &e))?;
    std::fs::rename(&temporary, &path).map_err(|e| io("renaming", &temporary, &e))?;
    sync_dir(dir)?;
    Ok(file)
}

fn zero_range(file: &File, from: u64, to: u64, path: &Path) -> Result<(), StoreError> {
    let zeros = vec![0u8; 1 << 20];
    let mut at = from;
    while at < to {
        let n = (to - at).min(zeros.len() as u64);
        file.write_all_at(&zeros[..n as usize], at).map_err(|e| io("writing", path, &e))?;
        at += n;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history file with its schema (removed with its journal on drop).
    struct History(PathBuf);

    impl History {
        fn new() -> History {
            let path = std::env::temp_dir().join(format!("leuko-journal-{}.db", uuid::Uuid::new_v4().simple()));
            let connection = rusqlite::Connection::open(&path).unwrap();
            connection.pragma_update(None, "journal_mode", "WAL").unwrap();
            connection.execute_batch(crate::SQLITE_SCHEMA).unwrap();
            History(path)
        }

        fn processed_through(&self, seq: u64) {
            let connection = rusqlite::Connection::open(&self.0).unwrap();
            connection
                .execute(
                    "INSERT INTO hl7_cursor (id, seq) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET seq = ?1",
                    [seq],
                )
                .unwrap();
        }

        fn dir(&self) -> PathBuf {
            PathBuf::from(format!("{}.journal", self.0.display()))
        }

        fn segments(&self) -> usize {
            std::fs::read_dir(self.dir())
                .unwrap()
                .filter(|f| f.as_ref().unwrap().file_name().to_string_lossy().ends_with(".seg"))
                .count()
        }
    }

    impl Drop for History {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(self.dir());
            for suffix in ["", "-wal", "-shm", ".inbox"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
            }
        }
    }

    fn messages<K: AsRef<str>>(keys: &[K]) -> Vec<(String, String)> {
        keys.iter().map(|k| (k.as_ref().to_owned(), format!("MSH|^~\\&|{}|{}", k.as_ref(), "x".repeat(200)))).collect()
    }

    /// Keys `A|first` … `A|last` (exclusive).
    fn numbered(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("A|{i}")).collect()
    }

    fn keys(taken: &[InboxMessage]) -> Vec<String> {
        taken.iter().map(|m| m.key.clone()).collect()
    }

    #[test]
    fn what_was_received_waits_again_after_a_restart_and_stays_a_duplicate() {
        let history = History::new();
        let journal = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        assert_eq!(history.segments(), 0, "a store that receives nothing writes no segment");
        assert_eq!(journal.put(&messages(&["A|1", "A|2", "A|1"]), 0).unwrap(), [true, true, false]);
        assert!((1..=2).contains(&history.segments()), "one in use, perhaps the next being prepared");
        drop(journal);

        let journal = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        let taken = journal.take(0, 10).unwrap();
        assert_eq!(keys(&taken), ["A|1", "A|2"]);
        assert_eq!(taken[1].raw, messages(&["A|2"])[0].1, "the message verbatim");
        assert_eq!(journal.put(&messages(&["A|2", "A|3"]), 0).unwrap(), [false, true]);
        assert_eq!(journal.waiting(taken[0].seq).unwrap(), 2);
        assert_eq!(keys(&journal.take(taken[0].seq, 10).unwrap()), ["A|2", "A|3"]);
    }

    #[test]
    fn a_torn_write_after_the_last_whole_record_is_ignored_and_overwritten() {
        let history = History::new();
        let journal = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        journal.put(&messages(&["A|1", "A|2"]), 0).unwrap();
        let (segment, end) = {
            let w = journal.writer.lock().unwrap();
            (w.current, w.offset)
        };
        drop(journal);
        // A crash in the middle of the next write: a whole header of this segment, half a
        // payload — and a copy of the first record after it, which must not be resurrected.
        let mut torn = Vec::new();
        encode(&mut torn, segment, 3, "A|3", "MSH|torn");
        let file = OpenOptions::new().write(true).open(segment_name(&history.dir(), segment)).unwrap();
        file.write_all_at(&torn[..torn.len() - 3], end).unwrap();
        let mut copy = Vec::new();
        encode(&mut copy, segment, 4, "A|1", "MSH|copy");
        file.write_all_at(&copy, end + torn.len() as u64).unwrap();
        drop(file);

        let journal = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        assert_eq!(keys(&journal.take(0, 10).unwrap()), ["A|1", "A|2"]);
        assert_eq!(journal.put(&messages(&["A|3"]), 0).unwrap(), [true], "the torn message was never received");
        drop(journal);
        let journal = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        let taken = journal.take(0, 10).unwrap();
        assert_eq!(keys(&taken), ["A|1", "A|2", "A|3"]);
        assert_eq!(taken.iter().map(|m| m.seq).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn segments_roll_over_and_are_reused_once_processed_without_resurrecting_old_messages() {
        let history = History::new();
        // Room for about four messages per segment.
        let journal = Journal::open(&history.0, 1200).unwrap();
        let first = numbered(0..12);
        assert!(journal.put(&messages(&first[..5]), 0).unwrap().iter().all(|new| *new));
        assert!(journal.put(&messages(&first[5..]), 0).unwrap().iter().all(|new| *new));
        let segments = history.segments();
        assert!(segments >= 3, "12 messages over {segments} segments");
        assert_eq!(keys(&journal.take(0, 100).unwrap()), first);

        // Processing has moved the first ten into the history: their segments are reused for
        // the next messages instead of new files.
        history.processed_through(10);
        let next = numbered(12..20);
        journal.put(&messages(&next[..1]), 10).unwrap();
        journal.put(&messages(&next[1..]), 10).unwrap();
        assert!(history.segments() <= segments + 1, "{} segments, were {segments}", history.segments());
        let waiting = [&first[10..], &next[..]].concat();
        assert_eq!(keys(&journal.take(10, 100).unwrap()), waiting);
        drop(journal);

        let journal = Journal::open(&history.0, 1200).unwrap();
        assert_eq!(keys(&journal.take(0, 100).unwrap()), waiting, "what a reused segment held is not read");
        assert_eq!(journal.waiting(10).unwrap(), waiting.len() as u64);
    }

    #[test]
    fn a_segment_a_crash_left_empty_is_used_for_its_number_not_overwritten_later() {
        let history = History::new();
        let journal = Journal::open(&history.0, 1200).unwrap();
        let first = numbered(0..8);
        journal.put(&messages(&first), 0).unwrap();
        let current = journal.writer.lock().unwrap().current;
        drop(journal);
        // A crash after the next segment was created, before anything was written to it; the
        // restart writes on in a new segment, which is that one.
        create_segment(&history.dir(), current + 1, 1200).unwrap();
        // Processing then frees the first segment (four messages to a segment here), so that a
        // freed segment is also waiting for reuse when the next segment is needed.
        history.processed_through(2);
        let journal = Journal::open(&history.0, 1200).unwrap();
        history.processed_through(4);
        let next = numbered(8..24);
        for key in &next {
            journal.put(&messages(&[key]), 4).unwrap();
        }
        let waiting = [&first[4..], &next[..]].concat();
        assert_eq!(keys(&journal.take(4, 100).unwrap()), waiting);
        drop(journal);
        let journal = Journal::open(&history.0, 1200).unwrap();
        assert_eq!(keys(&journal.take(4, 100).unwrap()), waiting, "nothing overwritten or renamed away");
    }

    #[test]
    fn the_next_segment_is_prepared_ahead_and_used_when_the_current_one_fills() {
        let history = History::new();
        let journal = Journal::open(&history.0, 1200).unwrap();
        journal.prepare();
        let wait = |journal: &Journal| {
            let handle = journal.writer.lock().unwrap().prepared.take().expect("a segment is being prepared");
            let file = handle.join().unwrap().unwrap();
            journal.writer.lock().unwrap().prepared = Some(std::thread::spawn(move || Ok(file)));
        };
        wait(&journal);
        assert_eq!(history.segments(), 1, "prepared before the first message");
        journal.put(&messages(&["A|1"]), 0).unwrap();
        wait(&journal);
        assert_eq!(history.segments(), 2, "the next one prepared as soon as the first is in use");
        let keys_in = numbered(2..10);
        for key in &keys_in {
            journal.put(&messages(&[key]), 0).unwrap();
        }
        drop(journal);
        let journal = Journal::open(&history.0, 1200).unwrap();
        assert_eq!(journal.take(0, 100).unwrap().len(), 9, "every message in the prepared segments");
    }

    #[test]
    fn a_segment_whose_preparation_a_crash_interrupted_is_removed_at_open() {
        let history = History::new();
        drop(Journal::open(&history.0, 1200).unwrap());
        let half = history.dir().join("0000000000000001.seg.tmp");
        std::fs::write(&half, [0u8; 100]).unwrap();
        let journal = Journal::open(&history.0, 1200).unwrap();
        assert!(!half.exists());
        assert_eq!(journal.put(&messages(&["A|1"]), 0).unwrap(), [true]);
        drop(journal);
        assert_eq!(keys(&Journal::open(&history.0, 1200).unwrap().take(0, 10).unwrap()), ["A|1"]);
    }

    #[test]
    fn damaged_segments_never_yield_a_message_that_was_not_written() {
        // Torn writes, flipped bits and cut files, at random places (a fixed-seed generator): the
        // journal opens, and every message it gives back is one that was written, under its own
        // sequence number, whole.
        let history = History::new();
        let journal = Journal::open(&history.0, 4096).unwrap();
        let written: Vec<(String, String)> =
            (0..40).map(|i| (format!("A|{i}"), format!("MSH|^~\\&|{i}|{}", "y".repeat(i * 7 % 150)))).collect();
        for group in written.chunks(3) {
            journal.put(group, 0).unwrap();
        }
        drop(journal);
        let pristine: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(history.dir())
            .unwrap()
            .map(|f| f.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "seg"))
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut random = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let mut returned = 0;
        for _ in 0..200 {
            for (path, bytes) in &pristine {
                let mut damaged = bytes.clone();
                match random(3) {
                    0 => damaged.truncate(random(bytes.len() + 1)),
                    1 => {
                        for _ in 0..1 + random(4) {
                            let at = random(bytes.len());
                            damaged[at] ^= 1 << random(8);
                        }
                    }
                    _ => {
                        let at = random(bytes.len());
                        let end = (at + random(64)).min(bytes.len());
                        damaged[at..end].fill(0);
                    }
                }
                std::fs::write(path, &damaged).unwrap();
            }
            let journal = Journal::open(&history.0, 4096).expect("a damaged journal still opens");
            if let Ok(taken) = journal.take(0, 1000) {
                returned += taken.len();
                for message in taken {
                    let seq = usize::try_from(message.seq).unwrap();
                    assert!(seq >= 1 && seq <= written.len(), "sequence {seq} was never written");
                    assert_eq!(
                        (message.key.as_str(), message.raw.as_str()),
                        (written[seq - 1].0.as_str(), written[seq - 1].1.as_str())
                    );
                }
            }
            drop(journal);
            for (path, bytes) in &pristine {
                std::fs::write(path, bytes).unwrap();
            }
        }
        // Damage before a record hides the rest of its segment, never more.
        assert!(returned > 200 * written.len() / 4, "{returned} messages read back in 200 damaged journals");
    }

    #[test]
    fn a_second_store_on_the_same_journal_reads_it_afresh_and_receives_nothing() {
        let history = History::new();
        let owner = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        owner.put(&messages(&["A|1"]), 0).unwrap();
        let beside = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        let refused = beside.put(&messages(&["A|2"]), 0).unwrap_err().to_string();
        assert!(refused.contains("another process owns this journal"), "{refused}");
        owner.put(&messages(&["A|3"]), 0).unwrap();
        assert_eq!(beside.waiting(0).unwrap(), 2, "the owner's later message is seen");
        assert_eq!(keys(&beside.take(1, 10).unwrap()), ["A|3"]);
        drop(owner);
        drop(beside);
        let next = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        assert_eq!(next.put(&messages(&["A|4"]), 0).unwrap(), [true], "the lock goes with its owner");
    }

    #[test]
    fn an_inbox_file_of_an_earlier_version_is_moved_into_the_journal() {
        let history = History::new();
        history.processed_through(1);
        let inbox = PathBuf::from(format!("{}.inbox", history.0.display()));
        let old = rusqlite::Connection::open(&inbox).unwrap();
        old.execute_batch(crate::SQLITE_INBOX_SCHEMA).unwrap();
        for key in ["A|1", "A|2", "A|3"] {
            old.execute("INSERT INTO hl7_inbox (key, raw, received) VALUES (?1, 'MSH|old', 'now')", [key]).unwrap();
        }
        drop(old);

        let journal = Journal::open(&history.0, SEGMENT_SIZE).unwrap();
        journal.import_inbox(&inbox).unwrap();
        assert!(!inbox.exists());
        let taken = journal.take(1, 10).unwrap();
        assert_eq!(keys(&taken), ["A|2", "A|3"], "A|1 was processed already");
        assert!(taken[0].seq > 1, "after the cursor");
    }
}
