//! `<data-dir>/publisher.json`: the transaction in flight, written before every broadcast and cleared
//! once it is settled, so that a restarted publisher finishes what it sent before it does anything else.

use std::{
    fs::{self, File, OpenOptions, TryLockError},
    io::Write as _,
    path::{Path, PathBuf},
};

use alloy::primitives::{Address, B256, Bytes};
use serde::{Deserialize, Serialize};

use crate::{Error, Result, Step};

/// Version of the progress file's layout.
const VERSION: u32 = 1;

/// A transaction the publisher signed and may have broadcast, with everything needed to re-sign it
/// (same nonce, same call, higher fees) after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InFlight {
    /// What the transaction does.
    pub(crate) step: Step,
    /// The operator's nonce it uses.
    pub(crate) nonce: u64,
    /// The contract called.
    pub(crate) to: Address,
    /// The calldata.
    pub(crate) input: Bytes,
    /// The gas limit.
    pub(crate) gas_limit: u64,
    /// The fee cap of the latest attempt.
    pub(crate) max_fee_per_gas: u128,
    /// The tip of the latest attempt.
    pub(crate) max_priority_fee_per_gas: u128,
    /// For a blob-carrying commit: the pubdata its blobs carry (the sidecar is rebuilt from it, the
    /// same, for every attempt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) blob_pubdata: Option<Bytes>,
    /// The blob fee cap of the latest attempt (blob-carrying commits only).
    #[serde(default)]
    pub(crate) max_fee_per_blob_gas: u128,
    /// The hash of every attempt, oldest first; whichever is mined settles the step.
    pub(crate) hashes: Vec<B256>,
}

/// Where a transaction in flight is kept while it is pending.
pub(crate) trait Journal {
    /// Durably records `in_flight` (or that nothing is in flight) before the caller goes on.
    fn record(&mut self, in_flight: Option<&InFlight>) -> Result<()>;
}

/// No journal: withdrawal finalization, which a rerun repeats safely (the vault refuses a second
/// finalization, and the finalizer checks `isWithdrawalFinalized` first).
pub(crate) struct NoJournal;

impl Journal for NoJournal {
    fn record(&mut self, _: Option<&InFlight>) -> Result<()> {
        Ok(())
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProgressFile {
    version: u32,
    chain_id: u64,
    settlement: Address,
    operator: Address,
    in_flight: Option<InFlight>,
}

/// The publisher's progress file, held under an exclusive lock of `<data-dir>/publisher.lock`.
#[derive(Debug)]
pub(crate) struct ProgressStore {
    path: PathBuf,
    file: ProgressFile,
    /// Held for the store's lifetime: the OS releases the lock when the file closes (or the process dies).
    _lock: File,
}

impl ProgressStore {
    /// Opens (or creates) the progress file of `dir` for this chain, settlement and operator.
    pub(crate) fn open(
        dir: &Path,
        chain_id: u64,
        settlement: Address,
        operator: Address,
    ) -> Result<Self> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Progress { path, source }
        };
        fs::create_dir_all(dir).map_err(io(dir))?;
        let lock_path = dir.join("publisher.lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(Error::Locked { path: lock_path }),
            Err(TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
        }
        let path = dir.join("publisher.json");
        let file = match fs::read(&path) {
            Ok(bytes) => {
                let file: ProgressFile =
                    serde_json::from_slice(&bytes).map_err(|source| Error::ProgressCorrupt {
                        path: path.clone(),
                        source,
                    })?;
                if file.chain_id != chain_id
                    || file.settlement != settlement
                    || file.operator != operator
                {
                    return Err(Error::ProgressForeign {
                        path,
                        chain_id: file.chain_id,
                        settlement: file.settlement,
                        operator: file.operator,
                        expected_chain_id: chain_id,
                        expected_settlement: settlement,
                        expected_operator: operator,
                    });
                }
                file
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ProgressFile {
                version: VERSION,
                chain_id,
                settlement,
                operator,
                in_flight: None,
            },
            Err(e) => return Err(io(&path)(e)),
        };
        Ok(Self {
            path,
            file,
            _lock: lock,
        })
    }

    /// The transaction in flight, if any.
    pub(crate) fn in_flight(&self) -> Option<&InFlight> {
        self.file.in_flight.as_ref()
    }

    /// Writes the file atomically: a temporary file, fsync, rename over the old one, fsync of the
    /// directory. A crash leaves either the old or the new contents, never a mix.
    fn save(&self) -> Result<()> {
        let io = |source| Error::Progress {
            path: self.path.clone(),
            source,
        };
        let json = serde_json::to_vec_pretty(&self.file).expect("the progress file serializes");
        let tmp = self.path.with_extension("json.tmp");
        let mut f = File::create(&tmp).map_err(io)?;
        f.write_all(&json).map_err(io)?;
        f.sync_all().map_err(io)?;
        drop(f);
        fs::rename(&tmp, &self.path).map_err(io)?;
        if let Some(dir) = self.path.parent() {
            File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
        }
        Ok(())
    }
}

impl Journal for ProgressStore {
    fn record(&mut self, in_flight: Option<&InFlight>) -> Result<()> {
        self.file.in_flight = in_flight.cloned();
        self.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Action;

    fn in_flight() -> InFlight {
        InFlight {
            step: Step::batches(Action::Commit, 3, 4),
            nonce: 7,
            to: Address::with_last_byte(1),
            input: Bytes::from_static(&[1, 2, 3]),
            gas_limit: 100_000,
            max_fee_per_gas: 2_000_000_000,
            max_priority_fee_per_gas: 1_000_000_000,
            blob_pubdata: Some(Bytes::from_static(&[9; 40])),
            max_fee_per_blob_gas: 3,
            hashes: vec![B256::with_last_byte(5), B256::with_last_byte(6)],
        }
    }

    #[test]
    fn survives_a_reopen_and_refuses_other_chains() {
        let dir = tempfile::tempdir().unwrap();
        let (settlement, operator) = (Address::with_last_byte(9), Address::with_last_byte(8));
        {
            let mut store = ProgressStore::open(dir.path(), 4242, settlement, operator).unwrap();
            assert_eq!(store.in_flight(), None);
            store.record(Some(&in_flight())).unwrap();
            // The directory is locked while the store is open.
            assert!(matches!(
                ProgressStore::open(dir.path(), 4242, settlement, operator),
                Err(Error::Locked { .. })
            ));
        }
        let mut store = ProgressStore::open(dir.path(), 4242, settlement, operator).unwrap();
        assert_eq!(store.in_flight(), Some(&in_flight()));
        store.record(None).unwrap();
        drop(store);
        assert!(matches!(
            ProgressStore::open(dir.path(), 4243, settlement, operator),
            Err(Error::ProgressForeign { chain_id: 4242, .. })
        ));
        assert!(!dir.path().join("publisher.json.tmp").exists());
    }

    #[test]
    fn a_corrupt_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("publisher.json"), "{ not json").unwrap();
        assert!(matches!(
            ProgressStore::open(dir.path(), 1, Address::ZERO, Address::ZERO),
            Err(Error::ProgressCorrupt { .. })
        ));
    }
}
