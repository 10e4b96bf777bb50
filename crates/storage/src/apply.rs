//! The write-path logic both stores share: block validation, applying a state diff while
//! recording the previous values, pruning, and resolving which state a read needs.

use std::collections::BTreeSet;

use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use fractal_primitives::{AccountInfo, StateDiff};

use crate::{Error, NewBlock, Result};

/// What one block changed: the keys of its changeset (values live in the history tables).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Changes {
    /// Accounts whose header fields changed.
    pub(crate) accounts: Vec<Address>,
    /// Storage slots whose value changed.
    pub(crate) slots: Vec<(Address, U256)>,
}

impl Changes {
    pub(crate) fn is_empty(&self) -> bool {
        self.accounts.is_empty() && self.slots.is_empty()
    }
}

/// Current state plus history, as the write path sees it.
pub(crate) trait StateTables {
    fn account(&mut self, address: &Address) -> Result<Option<AccountInfo>>;
    fn set_account(&mut self, address: &Address, info: Option<&AccountInfo>) -> Result<()>;
    fn storage(&mut self, address: &Address, slot: &U256) -> Result<U256>;
    /// Every non-zero slot of `address`, sorted by slot.
    fn storage_slots(&mut self, address: &Address) -> Result<Vec<(U256, U256)>>;
    /// Sets a slot; zero deletes it.
    fn set_storage(&mut self, address: &Address, slot: &U256, value: &U256) -> Result<()>;
    fn put_code(&mut self, hash: B256, code: &Bytes) -> Result<()>;
    /// Records that `block` changed the account, which held `old` before.
    fn record_account(
        &mut self,
        block: u64,
        address: &Address,
        old: Option<&AccountInfo>,
    ) -> Result<()>;
    /// Records that `block` changed the slot, which held `old` before.
    fn record_storage(
        &mut self,
        block: u64,
        address: &Address,
        slot: &U256,
        old: &U256,
    ) -> Result<()>;
    fn put_changes(&mut self, block: u64, changes: &Changes) -> Result<()>;
    /// Removes and returns the changesets of blocks `..=up_to`.
    fn take_changes(&mut self, up_to: u64) -> Result<Vec<(u64, Changes)>>;
    fn remove_account_record(&mut self, block: u64, address: &Address) -> Result<()>;
    fn remove_storage_record(&mut self, block: u64, address: &Address, slot: &U256) -> Result<()>;
}

/// Checks that `block` may follow `latest` (number and hash of the latest stored block).
pub(crate) fn validate(block: &NewBlock, latest: Option<(u64, B256)>) -> Result<()> {
    let number = block.number();
    match latest {
        None if number != 0 => {
            return Err(Error::NonSequentialBlock {
                expected: 0,
                got: number,
            });
        }
        None => {}
        Some((n, hash)) => {
            let expected = n + 1;
            if number != expected {
                return Err(Error::NonSequentialBlock {
                    expected,
                    got: number,
                });
            }
            if block.header.parent_hash != hash {
                return Err(Error::ParentHashMismatch {
                    block: number,
                    expected: hash,
                    got: block.header.parent_hash,
                });
            }
        }
    }
    if block.transactions.len() != block.receipts.len() {
        return Err(Error::ReceiptCountMismatch {
            block: number,
            transactions: block.transactions.len(),
            receipts: block.receipts.len(),
        });
    }
    let accounts = &block.diff.accounts;
    if !accounts.windows(2).all(|w| w[0].address < w[1].address) {
        let mut seen = BTreeSet::new();
        if let Some(a) = accounts.iter().find(|a| !seen.insert(a.address)) {
            return Err(Error::DuplicateAccount {
                block: number,
                address: a.address,
            });
        }
    }
    Ok(())
}

/// Applies `diff` as block `block`'s state changes, recording previous values (except for
/// genesis: no state precedes it) and the block's changeset.
pub(crate) fn apply_diff<T: StateTables>(t: &mut T, block: u64, diff: &StateDiff) -> Result<()> {
    let record = block > 0;
    let mut changes = Changes::default();
    for d in &diff.accounts {
        let address = &d.address;
        let old = t.account(address)?;
        if old != d.info {
            if record {
                t.record_account(block, address, old.as_ref())?;
                changes.accounts.push(*address);
            }
            t.set_account(address, d.info.as_ref())?;
        }

        let mut set_slot = |t: &mut T, slot: &U256, old: &U256, new: &U256| -> Result<()> {
            if old != new {
                if record {
                    t.record_storage(block, address, slot, old)?;
                    changes.slots.push((*address, *slot));
                }
                t.set_storage(address, slot, new)?;
            }
            Ok(())
        };
        if d.storage_cleared {
            let existing = t.storage_slots(address)?;
            for (slot, old) in &existing {
                let new = d.storage.get(slot).copied().unwrap_or_default();
                set_slot(t, slot, old, &new)?;
            }
            for (slot, new) in &d.storage {
                if existing.binary_search_by(|(s, _)| s.cmp(slot)).is_err() {
                    set_slot(t, slot, &U256::ZERO, new)?;
                }
            }
        } else {
            for (slot, new) in &d.storage {
                let old = t.storage(address, slot)?;
                set_slot(t, slot, &old, new)?;
            }
        }

        if let Some(code) = &d.code {
            let hash = keccak256(code);
            if d.info.is_some_and(|i| i.code_hash != hash) {
                tracing::warn!(block, %address, %hash, "deployed code does not match the account's code hash");
            }
            t.put_code(hash, code)?;
        }
    }
    if !changes.is_empty() {
        t.put_changes(block, &changes)?;
    }
    Ok(())
}

/// Drops the changesets no longer needed to serve state at `oldest` and later; returns how many
/// blocks' changesets were removed.
pub(crate) fn prune<T: StateTables>(t: &mut T, oldest: u64) -> Result<usize> {
    let taken = t.take_changes(oldest)?;
    for (block, changes) in &taken {
        for address in &changes.accounts {
            t.remove_account_record(*block, address)?;
        }
        for (address, slot) in &changes.slots {
            t.remove_storage_record(*block, address, slot)?;
        }
    }
    Ok(taken.len())
}

/// The oldest block whose state must stay readable once `latest` is stored.
pub(crate) fn oldest_after(latest: u64, keep_blocks: u64, previous_oldest: u64) -> u64 {
    latest.saturating_sub(keep_blocks).max(previous_oldest)
}

/// Checks a read at `at` against the stored range; returns the block whose later changes must
/// be undone, or `None` to read the current state.
pub(crate) fn resolve_at(at: Option<u64>, latest: Option<u64>, oldest: u64) -> Result<Option<u64>> {
    let Some(block) = at else { return Ok(None) };
    match latest {
        Some(l) if block > l => Err(Error::UnknownBlock { block, latest }),
        None => Err(Error::UnknownBlock { block, latest }),
        Some(_) if block < oldest => Err(Error::HistoryPruned {
            requested: block,
            oldest,
        }),
        Some(l) if block == l => Ok(None),
        Some(_) => Ok(Some(block)),
    }
}

/// Clamps a log query's range to `latest` and checks its size; `None` if nothing is stored in it.
pub(crate) fn log_range(
    from: u64,
    to: u64,
    latest: Option<u64>,
) -> Result<Option<std::ops::RangeInclusive<u64>>> {
    if from > to {
        return Err(Error::InvalidLogRange { from, to });
    }
    let Some(latest) = latest else {
        return Ok(None);
    };
    let end = to.min(latest);
    if from > end {
        return Ok(None);
    }
    if end - from >= crate::LogQuery::MAX_BLOCK_RANGE {
        return Err(Error::LogRangeTooLarge {
            from,
            to,
            max: crate::LogQuery::MAX_BLOCK_RANGE,
        });
    }
    Ok(Some(from..=end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_at_covers_every_case() {
        assert_eq!(resolve_at(None, None, 0).unwrap(), None);
        assert!(matches!(
            resolve_at(Some(0), None, 0),
            Err(Error::UnknownBlock {
                block: 0,
                latest: None
            })
        ));
        assert!(matches!(
            resolve_at(Some(6), Some(5), 0),
            Err(Error::UnknownBlock { block: 6, .. })
        ));
        assert!(matches!(
            resolve_at(Some(1), Some(5), 2),
            Err(Error::HistoryPruned {
                requested: 1,
                oldest: 2
            })
        ));
        assert_eq!(resolve_at(Some(5), Some(5), 2).unwrap(), None);
        assert_eq!(resolve_at(Some(2), Some(5), 2).unwrap(), Some(2));
    }

    #[test]
    fn oldest_never_moves_back() {
        assert_eq!(oldest_after(5, 10, 0), 0);
        assert_eq!(oldest_after(15, 10, 0), 5);
        assert_eq!(
            oldest_after(15, 100, 5),
            5,
            "a larger window cannot bring pruned history back"
        );
        assert_eq!(oldest_after(15, 0, 5), 15);
    }

    #[test]
    fn log_ranges_are_clamped_and_capped() {
        assert!(matches!(
            log_range(3, 2, Some(9)),
            Err(Error::InvalidLogRange { .. })
        ));
        assert_eq!(log_range(0, 5, None).unwrap(), None);
        assert_eq!(log_range(7, 9, Some(5)).unwrap(), None);
        assert_eq!(log_range(2, 9, Some(5)).unwrap(), Some(2..=5));
        let max = crate::LogQuery::MAX_BLOCK_RANGE;
        assert_eq!(
            log_range(0, max - 1, Some(u64::MAX)).unwrap(),
            Some(0..=max - 1)
        );
        assert!(matches!(
            log_range(0, max, Some(u64::MAX)),
            Err(Error::LogRangeTooLarge { .. })
        ));
    }
}
