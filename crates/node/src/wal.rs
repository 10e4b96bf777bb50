//! The pending block's write-ahead log.
//!
//! The sequencer answers with a receipt as soon as a transaction has executed, before its block is
//! sealed. Each such transaction is first appended here and the file synced, so a crash loses no
//! answered transaction: on restart the log's transactions are executed again, in the same order, in a
//! block with the same number, parent and timestamp, which gives the same receipts.
//!
//! Layout (version 2): a header `"FRWAL" ‖ 0x02 ‖ number (u64 BE) ‖ parent hash (32) ‖ timestamp
//! (u64 BE) ‖ seal`, where `seal = keccak256(the header's first 54 bytes)[0..8]`, then records
//! `length (u32 BE) ‖ raw transaction ‖ keccak256(seal ‖ raw)[0..8]`. The first record that does not
//! check ends the log: a torn tail (a crash while appending, before the sync that would have let
//! anyone see a receipt), the zeros after it, or a record of an earlier block.
//!
//! The file is never truncated or shrunk. It is filled with zeros ahead of use (256 KiB, doubling when a
//! block needs more), and each block overwrites it from the start. A sync then only writes the
//! appended bytes: the file's size does not change, so the file system has no metadata to commit,
//! and the sync does not wait for the journal (which also carries the block store's writes). Records
//! left over from an earlier block fail the check, because their check is keyed by that block's seal.
//!
//! Version 1 logs (truncated per block, `keccak256(raw)[0..4]` checks, no seal) are still read, so a
//! node upgraded after a crash recovers its pending block.

use std::{
    fs::{File, OpenOptions},
    io::Read,
    os::unix::fs::FileExt,
    path::{Path, PathBuf},
};

use alloy_primitives::{B256, Bytes, Keccak256, keccak256};

use crate::{Error, Result};

const MAGIC: &[u8; 5] = b"FRWAL";
const VERSION: u8 = 2;
/// The header's fields: magic, version, number, parent hash, timestamp.
const FIELDS_LEN: usize = MAGIC.len() + 1 + 8 + 32 + 8;
const SEAL_LEN: usize = 8;
const HEADER_LEN: usize = FIELDS_LEN + SEAL_LEN;
const CHECK_LEN: usize = 8;
/// Zeros written ahead of use when a log is opened.
const PREALLOCATED: u64 = 256 << 10;
/// Writes never cross a multiple of this, so that the page cache holds the file in single pages and
/// a sync writes only the pages an append touched. (A kernel that caches a file in large folios
/// would otherwise write a whole folio, up to all the zeros ahead, for a 100-byte append.)
const PAGE: u64 = 4096;

/// The block a log belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalHeader {
    /// The pending block's number.
    pub number: u64,
    /// Its parent's hash.
    pub parent_hash: B256,
    /// Its timestamp, fixed when the block opened.
    pub timestamp: u64,
}

impl WalHeader {
    /// The version 2 header bytes, seal included.
    fn encode(&self) -> [u8; HEADER_LEN] {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[..MAGIC.len()].copy_from_slice(MAGIC);
        bytes[MAGIC.len()] = VERSION;
        let mut at = MAGIC.len() + 1;
        bytes[at..at + 8].copy_from_slice(&self.number.to_be_bytes());
        at += 8;
        bytes[at..at + 32].copy_from_slice(self.parent_hash.as_slice());
        at += 32;
        bytes[at..at + 8].copy_from_slice(&self.timestamp.to_be_bytes());
        let seal = keccak256(&bytes[..FIELDS_LEN]);
        bytes[FIELDS_LEN..].copy_from_slice(&seal[..SEAL_LEN]);
        bytes
    }

    /// Reads the fields that follow the magic and version.
    fn decode_fields(fields: &[u8]) -> Self {
        let word = |at: usize| u64::from_be_bytes(fields[at..at + 8].try_into().expect("8 bytes"));
        Self {
            number: word(0),
            parent_hash: B256::from_slice(&fields[8..40]),
            timestamp: word(40),
        }
    }
}

/// What a log held when it was opened.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WalContents {
    /// The block, if the header was complete.
    pub header: Option<WalHeader>,
    /// Transactions executed in that block, in order.
    pub transactions: Vec<Bytes>,
}

/// An open write-ahead log.
#[derive(Debug)]
pub struct Wal {
    path: PathBuf,
    file: File,
    /// The current block's seal (zero before the first `begin`).
    seal: [u8; SEAL_LEN],
    /// Where the next record goes.
    end: u64,
    /// The file's length: zeros ahead of `end`.
    capacity: u64,
    buf: Vec<u8>,
}

fn io(path: &Path, what: &str, e: &std::io::Error) -> Error {
    Error::Wal(format!("{what} {}: {e}", path.display()))
}

impl Wal {
    /// Opens (creating) the log at `path`, reads what it holds, and fills it with zeros ahead of use.
    pub fn open(path: impl Into<PathBuf>) -> Result<(Self, WalContents)> {
        let path = path.into();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| io(&path, "cannot open", &e))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|e| io(&path, "cannot read", &e))?;
        let contents = parse(&bytes);
        let mut wal = Self {
            path,
            file,
            seal: [0; SEAL_LEN],
            end: bytes.len() as u64,
            capacity: bytes.len() as u64,
            buf: Vec::new(),
        };
        // The zeros go after what the file holds, which stays readable until the next `begin`.
        wal.reserve(wal.capacity.max(PREALLOCATED))?;
        wal.sync()?;
        // Reading the file may have cached it in large folios; drop them (they are clean now).
        #[cfg(target_os = "linux")]
        rustix::fs::fadvise(&wal.file, 0, None, rustix::fs::Advice::DontNeed)
            .map_err(|e| io(&wal.path, "cannot drop the cache of", &e.into()))?;
        Ok((wal, contents))
    }

    /// Starts the log of a new pending block: writes its header over the start of the file and syncs.
    pub fn begin(&mut self, header: WalHeader) -> Result<()> {
        let bytes = header.encode();
        self.seal.copy_from_slice(&bytes[FIELDS_LEN..]);
        self.end = 0;
        self.write_synced(&bytes)
    }

    /// Appends transactions and syncs; returns once they are durable.
    pub fn append<'a>(&mut self, raws: impl IntoIterator<Item = &'a [u8]>) -> Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        for raw in raws {
            let len = u32::try_from(raw.len())
                .map_err(|_| Error::Wal(format!("a {}-byte transaction", raw.len())))?;
            buf.extend_from_slice(&len.to_be_bytes());
            buf.extend_from_slice(raw);
            buf.extend_from_slice(&record_check(&self.seal, raw));
        }
        let result = if buf.is_empty() {
            Ok(())
        } else {
            self.write_synced(&buf)
        };
        self.buf = buf;
        result
    }

    /// Writes `bytes` at the end of the log, making room first, and syncs.
    fn write_synced(&mut self, bytes: &[u8]) -> Result<()> {
        let needed = self.end + bytes.len() as u64;
        if needed > self.capacity {
            // Rare: a block larger than any before it. The sync below also commits the new length.
            self.reserve(needed.max(self.capacity * 2))?;
        }
        self.write_paged(bytes, self.end)
            .map_err(|e| io(&self.path, "cannot write", &e))?;
        self.end = needed;
        self.sync()
    }

    /// Writes `bytes` at `at` in pieces that do not cross a page boundary.
    fn write_paged(&self, mut bytes: &[u8], mut at: u64) -> std::io::Result<()> {
        while !bytes.is_empty() {
            let room = (PAGE - at % PAGE) as usize;
            let (piece, rest) = bytes.split_at(room.min(bytes.len()));
            self.file.write_all_at(piece, at)?;
            at += piece.len() as u64;
            bytes = rest;
        }
        Ok(())
    }

    /// Fills the file with zeros up to `capacity` bytes (real blocks, not a sparse hole or an
    /// unwritten extent, so that later overwrites change no metadata). Does not sync.
    fn reserve(&mut self, capacity: u64) -> Result<()> {
        let zeros = [0u8; PAGE as usize];
        let mut at = self.capacity;
        while at < capacity {
            let n = (capacity - at).min(PAGE - at % PAGE) as usize;
            self.file
                .write_all_at(&zeros[..n], at)
                .map_err(|e| io(&self.path, "cannot extend", &e))?;
            at += n as u64;
        }
        self.capacity = self.capacity.max(capacity);
        Ok(())
    }

    fn sync(&self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| io(&self.path, "cannot sync", &e))
    }
}

/// A record's check: keyed by its block's seal, so records of an earlier block do not pass.
fn record_check(seal: &[u8; SEAL_LEN], raw: &[u8]) -> [u8; CHECK_LEN] {
    let mut hasher = Keccak256::new();
    hasher.update(seal);
    hasher.update(raw);
    hasher.finalize()[..CHECK_LEN].try_into().expect("8 bytes")
}

fn parse(bytes: &[u8]) -> WalContents {
    let empty = WalContents::default();
    if bytes.len() < MAGIC.len() + 1 || &bytes[..MAGIC.len()] != MAGIC {
        return empty;
    }
    match bytes[MAGIC.len()] {
        1 => parse_v1(bytes),
        VERSION if bytes.len() >= HEADER_LEN => {
            let seal: [u8; SEAL_LEN] = bytes[FIELDS_LEN..HEADER_LEN].try_into().expect("8 bytes");
            if keccak256(&bytes[..FIELDS_LEN])[..SEAL_LEN] != seal {
                return empty;
            }
            WalContents {
                header: Some(WalHeader::decode_fields(
                    &bytes[MAGIC.len() + 1..FIELDS_LEN],
                )),
                transactions: records(&bytes[HEADER_LEN..], CHECK_LEN, |raw| {
                    record_check(&seal, raw).to_vec()
                }),
            }
        }
        _ => empty,
    }
}

/// A version 1 log: an unsealed header, records checked by `keccak256(raw)[0..4]` up to the file's end.
fn parse_v1(bytes: &[u8]) -> WalContents {
    if bytes.len() < FIELDS_LEN {
        return WalContents::default();
    }
    WalContents {
        header: Some(WalHeader::decode_fields(
            &bytes[MAGIC.len() + 1..FIELDS_LEN],
        )),
        transactions: records(&bytes[FIELDS_LEN..], 4, |raw| keccak256(raw)[..4].to_vec()),
    }
}

/// The records at the start of `rest`, up to the first that is cut short or fails its check.
fn records(mut rest: &[u8], check_len: usize, check: impl Fn(&[u8]) -> Vec<u8>) -> Vec<Bytes> {
    let mut transactions = Vec::new();
    while rest.len() >= 4 {
        let len = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        let Some(record) = rest.get(4..4 + len + check_len) else {
            break;
        };
        let (raw, stored) = record.split_at(len);
        if check(raw) != stored {
            break;
        }
        transactions.push(Bytes::copy_from_slice(raw));
        rest = &rest[4 + len + check_len..];
    }
    transactions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(number: u64) -> WalHeader {
        WalHeader {
            number,
            parent_hash: B256::repeat_byte(7),
            timestamp: 1_700_000_000,
        }
    }

    #[test]
    fn round_trips_and_restarts_per_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.wal");
        let (mut wal, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, None);
        wal.begin(header(5)).unwrap();
        wal.append([&b"one"[..], &b"two"[..]]).unwrap();
        wal.append([&b"three"[..]]).unwrap();
        drop(wal);
        let (mut wal, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, Some(header(5)));
        assert_eq!(
            contents.transactions,
            vec![
                Bytes::from_static(b"one"),
                Bytes::from_static(b"two"),
                Bytes::from_static(b"three")
            ]
        );
        wal.begin(header(6)).unwrap();
        drop(wal);
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, Some(header(6)));
        assert!(contents.transactions.is_empty());
    }

    /// Where the `n`-th record (0-based) of `raws` starts in a version 2 log.
    fn record_at(raws: &[&[u8]], n: usize) -> usize {
        HEADER_LEN
            + raws[..n]
                .iter()
                .map(|r| 4 + r.len() + CHECK_LEN)
                .sum::<usize>()
    }

    #[test]
    fn a_torn_or_corrupt_tail_ends_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.wal");
        let (mut wal, _) = Wal::open(&path).unwrap();
        wal.begin(header(1)).unwrap();
        let raws: [&[u8]; 2] = [b"kept", b"torn"];
        wal.append(raws).unwrap();
        drop(wal);
        let full = std::fs::read(&path).unwrap();
        let end = record_at(&raws, 2);
        // The file ends inside the last record.
        std::fs::write(&path, &full[..end - 3]).unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.transactions, vec![Bytes::from_static(b"kept")]);
        // The last record's end never reached the disk (zeros where its check goes).
        let mut torn = full.clone();
        torn[end - 3..end].fill(0);
        std::fs::write(&path, &torn).unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.transactions, vec![Bytes::from_static(b"kept")]);
        // Flip a byte of the last record's payload: its check fails.
        let mut corrupt = full.clone();
        corrupt[record_at(&raws, 1) + 5] ^= 1;
        std::fs::write(&path, &corrupt).unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.transactions, vec![Bytes::from_static(b"kept")]);
        // A header whose seal fails: no pending block.
        let mut unsealed = full;
        unsealed[MAGIC.len() + 1] ^= 1;
        std::fs::write(&path, &unsealed).unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, None);
        // Garbage instead of a header: an empty log.
        std::fs::write(&path, b"not a log").unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, None);
    }

    #[test]
    fn records_of_an_earlier_block_do_not_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.wal");
        let (mut wal, _) = Wal::open(&path).unwrap();
        wal.begin(header(1)).unwrap();
        // Same lengths, so block 3's single record ends exactly where block 1's second one starts.
        wal.append([&b"aaaa"[..], &b"bbbb"[..], &b"cccc"[..]])
            .unwrap();
        wal.begin(header(3)).unwrap();
        wal.append([&b"dddd"[..]]).unwrap();
        drop(wal);
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, Some(header(3)));
        assert_eq!(contents.transactions, vec![Bytes::from_static(b"dddd")]);
    }

    #[test]
    fn the_file_is_reused_and_grows_for_a_large_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.wal");
        let (mut wal, _) = Wal::open(&path).unwrap();
        let len = || std::fs::metadata(&path).unwrap().len();
        assert_eq!(len(), PREALLOCATED);
        wal.begin(header(1)).unwrap();
        wal.append([&[1u8; 1000][..]; 100]).unwrap();
        assert_eq!(
            len(),
            PREALLOCATED,
            "appends within the zeros keep the length"
        );
        let large = vec![2u8; 3 << 20];
        wal.append([large.as_slice()]).unwrap();
        assert!(len() >= 3 << 20);
        drop(wal);
        let (mut wal, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.transactions.len(), 101);
        assert_eq!(contents.transactions[100].as_ref(), large.as_slice());
        let grown = len();
        wal.begin(header(2)).unwrap();
        wal.append([&b"small"[..]]).unwrap();
        assert_eq!(len(), grown, "the file never shrinks");
    }

    #[test]
    fn reads_a_version_1_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.wal");
        let mut bytes = b"FRWAL\x01".to_vec();
        bytes.extend_from_slice(&9u64.to_be_bytes());
        bytes.extend_from_slice(B256::repeat_byte(7).as_slice());
        bytes.extend_from_slice(&1_700_000_000u64.to_be_bytes());
        for raw in [&b"one"[..], &b"two"[..]] {
            bytes.extend_from_slice(&(raw.len() as u32).to_be_bytes());
            bytes.extend_from_slice(raw);
            bytes.extend_from_slice(&keccak256(raw)[..4]);
        }
        std::fs::write(&path, &bytes).unwrap();
        let (mut wal, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, Some(header(9)));
        assert_eq!(
            contents.transactions,
            vec![Bytes::from_static(b"one"), Bytes::from_static(b"two")]
        );
        // The next block writes version 2 over it.
        wal.begin(header(10)).unwrap();
        wal.append([&b"three"[..]]).unwrap();
        drop(wal);
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, Some(header(10)));
        assert_eq!(contents.transactions, vec![Bytes::from_static(b"three")]);
    }
}
