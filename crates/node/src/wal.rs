//! The pending block's write-ahead log.
//!
//! The sequencer answers with a receipt as soon as a transaction has executed, before its block is
//! sealed. Each such transaction is first appended here and the file synced, so a crash loses no
//! answered transaction: on restart the log's transactions are executed again, in the same order, in a
//! block with the same number, parent and timestamp, which gives the same receipts.
//!
//! Layout: a header `"FRWAL" ‖ version 1 ‖ number (u64 BE) ‖ parent hash (32) ‖ timestamp (u64 BE)`,
//! then records `length (u32 BE) ‖ raw transaction ‖ keccak256(raw)[0..4]`. A torn or corrupt tail
//! (a crash while appending, before the sync that would have let anyone see a receipt) ends the log.

use std::{
    fs::{File, OpenOptions},
    io::{Read, Write},
    path::{Path, PathBuf},
};

use alloy_primitives::{B256, Bytes, keccak256};

use crate::{Error, Result};

const MAGIC: &[u8; 6] = b"FRWAL\x01";
const HEADER_LEN: usize = MAGIC.len() + 8 + 32 + 8;

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

/// What a log held when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    buf: Vec<u8>,
}

fn io(path: &Path, what: &str, e: &std::io::Error) -> Error {
    Error::Wal(format!("{what} {}: {e}", path.display()))
}

impl Wal {
    /// Opens (creating) the log at `path` and reads what it holds.
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
        Ok((
            Self {
                path,
                file,
                buf: Vec::new(),
            },
            contents,
        ))
    }

    /// Starts the log of a new pending block: truncates, writes the header and syncs.
    pub fn begin(&mut self, header: WalHeader) -> Result<()> {
        self.file
            .set_len(0)
            .map_err(|e| io(&self.path, "cannot truncate", &e))?;
        let mut bytes = Vec::with_capacity(HEADER_LEN);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&header.number.to_be_bytes());
        bytes.extend_from_slice(header.parent_hash.as_slice());
        bytes.extend_from_slice(&header.timestamp.to_be_bytes());
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
            buf.extend_from_slice(&keccak256(raw)[..4]);
        }
        let result = if buf.is_empty() {
            Ok(())
        } else {
            self.write_synced(&buf)
        };
        self.buf = buf;
        result
    }

    fn write_synced(&mut self, bytes: &[u8]) -> Result<()> {
        // The file is opened without O_APPEND; writes go to the end because nothing seeks.
        use std::io::{Seek, SeekFrom};
        self.file
            .seek(SeekFrom::End(0))
            .map_err(|e| io(&self.path, "cannot seek", &e))?;
        self.file
            .write_all(bytes)
            .map_err(|e| io(&self.path, "cannot write", &e))?;
        self.file
            .sync_data()
            .map_err(|e| io(&self.path, "cannot sync", &e))
    }
}

fn parse(bytes: &[u8]) -> WalContents {
    let mut contents = WalContents {
        header: None,
        transactions: Vec::new(),
    };
    if bytes.len() < HEADER_LEN || &bytes[..MAGIC.len()] != MAGIC {
        return contents;
    }
    let word = |at: usize| u64::from_be_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
    contents.header = Some(WalHeader {
        number: word(MAGIC.len()),
        parent_hash: B256::from_slice(&bytes[MAGIC.len() + 8..MAGIC.len() + 40]),
        timestamp: word(MAGIC.len() + 40),
    });
    let mut rest = &bytes[HEADER_LEN..];
    while rest.len() >= 4 {
        let len = u32::from_be_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
        let Some(record) = rest.get(4..4 + len + 4) else {
            break;
        };
        let (raw, check) = record.split_at(len);
        if keccak256(raw)[..4] != *check {
            break;
        }
        contents.transactions.push(Bytes::copy_from_slice(raw));
        rest = &rest[4 + len + 4..];
    }
    contents
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

    #[test]
    fn a_torn_or_corrupt_tail_ends_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.wal");
        let (mut wal, _) = Wal::open(&path).unwrap();
        wal.begin(header(1)).unwrap();
        wal.append([&b"kept"[..], &b"torn"[..]]).unwrap();
        drop(wal);
        let full = std::fs::read(&path).unwrap();
        // Cut inside the last record.
        std::fs::write(&path, &full[..full.len() - 3]).unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.transactions, vec![Bytes::from_static(b"kept")]);
        // Flip a byte of the last record's payload: its checksum fails.
        let mut corrupt = full;
        let at = corrupt.len() - 6;
        corrupt[at] ^= 1;
        std::fs::write(&path, &corrupt).unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.transactions, vec![Bytes::from_static(b"kept")]);
        // Garbage instead of a header: an empty log.
        std::fs::write(&path, b"not a log").unwrap();
        let (_, contents) = Wal::open(&path).unwrap();
        assert_eq!(contents.header, None);
    }
}
