//! The mempool: per-sender nonce queues, replacement by fee, size limits and the standard rejections,
//! served to the sequencer in arrival order (a centralized sequencer is first come, first served).
//!
//! Nonce gaps are refused rather than parked: the sequencer answers with a receipt right away, so a
//! transaction that could not run in the next block is a client mistake worth reporting at once.

use std::{collections::BTreeMap, sync::Arc};

use alloy_consensus::{Transaction, TxEnvelope, transaction::Recovered};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{
    Address, B256, Bytes, TxKind, U256,
    map::{AddressMap, AddressSet, B256Map, B256Set},
};

use crate::{Error, Result};

/// Limits and prices of the pool.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The chain id transactions must be signed for.
    pub chain_id: u64,
    /// Most transactions pending at once.
    pub max_transactions: usize,
    /// Most transactions pending from one sender.
    pub max_per_sender: usize,
    /// Largest encoded transaction accepted, in bytes.
    pub max_transaction_size: usize,
    /// Highest gas limit of one transaction (the Osaka per-transaction cap, 2^24).
    pub max_transaction_gas: u64,
    /// How much more (percent) a replacement must pay per gas.
    pub price_bump_percent: u128,
}

impl PoolConfig {
    /// Defaults for a chain: 100k transactions, 4,096 per sender, 128 KiB each, 2^24 gas, 10% bump.
    pub fn new(chain_id: u64) -> Self {
        Self {
            chain_id,
            max_transactions: 100_000,
            max_per_sender: 4_096,
            max_transaction_size: 128 * 1024,
            max_transaction_gas: 1 << 24,
            price_bump_percent: 10,
        }
    }
}

/// A validated pending transaction.
#[derive(Debug)]
pub struct PooledTx {
    /// Transaction hash.
    pub hash: B256,
    /// The recovered transaction.
    pub tx: Recovered<TxEnvelope>,
    /// Its EIP-2718 encoding.
    pub raw: Bytes,
    /// Arrival order (kept by a replacement).
    seq: u64,
}

impl PooledTx {
    /// The sender.
    pub fn sender(&self) -> Address {
        self.tx.signer()
    }

    /// The nonce.
    pub fn nonce(&self) -> u64 {
        self.tx.nonce()
    }
}

/// What the pool needs to know of a sender's account at the latest block.
#[derive(Debug, Clone, Copy, Default)]
pub struct SenderState {
    /// The next nonce the chain expects.
    pub nonce: u64,
    /// The balance.
    pub balance: U256,
}

/// The gas every transaction pays before its calldata and execution.
const TX_BASE_GAS: u64 = 21_000;

/// The pending transactions.
#[derive(Debug)]
pub struct Mempool {
    config: PoolConfig,
    by_sender: AddressMap<BTreeMap<u64, Arc<PooledTx>>>,
    by_hash: B256Map<Arc<PooledTx>>,
    /// Transactions not executed yet, by arrival.
    arrival: BTreeMap<u64, B256>,
    /// Transactions executed in the pending block, not sealed yet: they count for nonces and limits,
    /// cannot be replaced, and leave when their block is sealed.
    executed: B256Set,
    next_seq: u64,
}

impl Mempool {
    /// An empty pool.
    pub fn new(config: PoolConfig) -> Self {
        Self {
            config,
            by_sender: AddressMap::default(),
            by_hash: B256Map::default(),
            arrival: BTreeMap::new(),
            executed: B256Set::default(),
            next_seq: 0,
        }
    }

    /// The pool's configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    /// Number of pending transactions.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Whether a transaction waits that has not executed yet (in the pending block or before).
    pub fn has_unexecuted(&self) -> bool {
        !self.arrival.is_empty()
    }

    /// A pending transaction by hash.
    pub fn get(&self, hash: &B256) -> Option<Arc<PooledTx>> {
        self.by_hash.get(hash).cloned()
    }

    /// The next nonce `sender` may use, counting its pending transactions (`eth_getTransactionCount`
    /// with the `pending` tag).
    pub fn next_nonce(&self, sender: Address, account_nonce: u64) -> u64 {
        self.by_sender
            .get(&sender)
            .and_then(|q| q.last_key_value())
            .map_or(account_nonce, |(n, _)| (*n + 1).max(account_nonce))
    }

    /// Checks what needs no state: chain id, size, gas bounds, fee cap against `base_fee`.
    pub fn check_stateless(&self, tx: &TxEnvelope, base_fee: u128) -> Result<()> {
        let size = tx.encode_2718_len();
        if size > self.config.max_transaction_size {
            return Err(Error::Oversized {
                size,
                max: self.config.max_transaction_size,
            });
        }
        match tx.chain_id() {
            Some(id) if id == self.config.chain_id => {}
            got => {
                return Err(Error::WrongChainId {
                    expected: self.config.chain_id,
                    got,
                });
            }
        }
        if tx.gas_limit() > self.config.max_transaction_gas {
            return Err(Error::GasLimitTooHigh {
                gas_limit: tx.gas_limit(),
                max: self.config.max_transaction_gas,
            });
        }
        let needed = intrinsic_gas(tx);
        if tx.gas_limit() < needed {
            return Err(Error::IntrinsicGasTooLow {
                gas_limit: tx.gas_limit(),
                needed,
            });
        }
        if tx.max_fee_per_gas() < base_fee {
            return Err(Error::Underpriced {
                offered: tx.max_fee_per_gas(),
                base_fee,
            });
        }
        Ok(())
    }

    /// Adds a transaction whose stateless checks passed, given its sender's state at the latest block.
    /// Returns the replaced transaction's hash when it replaced one.
    pub fn insert(
        &mut self,
        tx: Recovered<TxEnvelope>,
        sender_state: SenderState,
    ) -> Result<Option<B256>> {
        let hash = *tx.tx_hash();
        if self.by_hash.contains_key(&hash) {
            return Err(Error::AlreadyKnown(hash));
        }
        let sender = tx.signer();
        let nonce = tx.nonce();
        if nonce < sender_state.nonce {
            return Err(Error::NonceTooLow {
                sender,
                expected: sender_state.nonce,
                got: nonce,
            });
        }
        let next = self.next_nonce(sender, sender_state.nonce);
        if nonce > next {
            return Err(Error::NonceTooHigh {
                sender,
                expected: next,
                got: nonce,
            });
        }
        let cost = U256::from(tx.gas_limit()) * U256::from(tx.max_fee_per_gas()) + tx.value();
        if cost > sender_state.balance {
            return Err(Error::InsufficientFunds {
                sender,
                balance: sender_state.balance,
                cost,
            });
        }

        let existing = self
            .by_sender
            .get(&sender)
            .and_then(|q| q.get(&nonce))
            .cloned();
        let seq = match &existing {
            Some(old) if self.executed.contains(&old.hash) => {
                return Err(Error::NonceTooLow {
                    sender,
                    expected: next,
                    got: nonce,
                });
            }
            Some(old) => {
                let old_fee = old.tx.max_fee_per_gas();
                let min_fee = old_fee + old_fee * self.config.price_bump_percent / 100;
                let old_tip = old.tx.max_priority_fee_per_gas().unwrap_or(old_fee);
                let min_tip = old_tip + old_tip * self.config.price_bump_percent / 100;
                let new_tip = tx
                    .max_priority_fee_per_gas()
                    .unwrap_or(tx.max_fee_per_gas());
                if tx.max_fee_per_gas() < min_fee || new_tip < min_tip {
                    return Err(Error::ReplacementUnderpriced {
                        existing: old.hash,
                        old_fee,
                        min_fee,
                    });
                }
                old.seq
            }
            None => {
                if self.by_hash.len() >= self.config.max_transactions {
                    return Err(Error::PoolFull {
                        max: self.config.max_transactions,
                    });
                }
                if self
                    .by_sender
                    .get(&sender)
                    .is_some_and(|q| q.len() >= self.config.max_per_sender)
                {
                    return Err(Error::SenderLimit {
                        sender,
                        max: self.config.max_per_sender,
                    });
                }
                self.next_seq += 1;
                self.next_seq
            }
        };
        let raw = Bytes::from(tx.encoded_2718());
        let pooled = Arc::new(PooledTx { hash, tx, raw, seq });
        if let Some(old) = &existing {
            self.by_hash.remove(&old.hash);
        }
        self.by_hash.insert(hash, pooled.clone());
        self.arrival.insert(seq, hash);
        self.by_sender
            .entry(sender)
            .or_default()
            .insert(nonce, pooled);
        Ok(existing.map(|old| old.hash))
    }

    /// Whether `hash` has executed in the pending block (and is waiting for the block's seal).
    pub fn is_executed(&self, hash: &B256) -> bool {
        self.executed.contains(hash)
    }

    /// Records that these transactions executed in the pending block: [`best`](Self::best) no longer
    /// offers them, they still count for nonces until [`remove`](Self::remove)d at the seal.
    pub fn mark_executed(&mut self, hashes: impl IntoIterator<Item = B256>) {
        for hash in hashes {
            if let Some(tx) = self.by_hash.get(&hash) {
                self.arrival.remove(&tx.seq);
                self.executed.insert(hash);
            }
        }
    }

    /// Up to `max_count` not yet executed transactions in arrival order whose total gas limit fits `max_gas`;
    /// each sender's transactions stay in nonce order (arrival order guarantees it, since gaps are refused).
    pub fn best(&self, max_count: usize, max_gas: u64) -> Vec<Arc<PooledTx>> {
        let mut out = Vec::new();
        let mut gas = 0u64;
        // A sender whose transaction does not fit waits with all its later ones: taking a later nonce
        // would only make it fail.
        let mut waiting = AddressSet::default();
        for hash in self.arrival.values() {
            // No transaction needs less than the base gas: past that, nothing else fits.
            if out.len() >= max_count || max_gas - gas < TX_BASE_GAS {
                break;
            }
            let tx = &self.by_hash[hash];
            if waiting.contains(&tx.sender()) {
                continue;
            }
            let limit = tx.tx.gas_limit();
            if gas + limit > max_gas {
                waiting.insert(tx.sender());
                continue;
            }
            gas += limit;
            out.push(tx.clone());
        }
        out
    }

    /// Removes transactions that a block included or that turned invalid.
    pub fn remove(&mut self, hashes: impl IntoIterator<Item = B256>) {
        for hash in hashes {
            if let Some(tx) = self.by_hash.remove(&hash) {
                self.arrival.remove(&tx.seq);
                self.executed.remove(&hash);
                let sender = tx.sender();
                if let Some(q) = self.by_sender.get_mut(&sender) {
                    q.remove(&tx.nonce());
                    if q.is_empty() {
                        self.by_sender.remove(&sender);
                    }
                }
            }
        }
    }

    /// Drops every pending transaction of `sender` with a nonce at or above `from_nonce` (after one of its
    /// transactions turned invalid, the later ones cannot run either).
    pub fn drop_sender_from(&mut self, sender: Address, from_nonce: u64) -> Vec<B256> {
        let hashes: Vec<B256> = self
            .by_sender
            .get(&sender)
            .map(|q| q.range(from_nonce..).map(|(_, t)| t.hash).collect())
            .unwrap_or_default();
        self.remove(hashes.clone());
        hashes
    }
}

/// Intrinsic gas of a transaction under Prague rules (EIP-2028 calldata, EIP-2930 access lists,
/// EIP-3860 init code, EIP-7702 authorizations, and the EIP-7623 calldata floor).
pub fn intrinsic_gas(tx: &TxEnvelope) -> u64 {
    let input = tx.input();
    let zeros = input.iter().filter(|b| **b == 0).count() as u64;
    let non_zeros = input.len() as u64 - zeros;
    let create = matches!(tx.kind(), TxKind::Create);
    let mut gas = TX_BASE_GAS + zeros * 4 + non_zeros * 16;
    if create {
        gas += 32_000 + 2 * (input.len() as u64).div_ceil(32);
    }
    if let Some(list) = tx.access_list() {
        gas += list
            .iter()
            .map(|item| 2_400 + 1_900 * item.storage_keys.len() as u64)
            .sum::<u64>();
    }
    if let Some(auths) = tx.authorization_list() {
        gas += 25_000 * auths.len() as u64;
    }
    let floor = TX_BASE_GAS + 10 * (zeros + 4 * non_zeros);
    gas.max(floor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::{SignableTransaction, TxEip1559, TxLegacy};
    use alloy_primitives::{Signature, address};

    const CHAIN: u64 = 4242;

    fn tx(
        nonce: u64,
        fee: u128,
        chain_id: Option<u64>,
        input: Vec<u8>,
        gas: u64,
    ) -> Recovered<TxEnvelope> {
        let sender = address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        let sig = Signature::test_signature();
        let envelope: TxEnvelope = match chain_id {
            Some(chain_id) => TxEip1559 {
                chain_id,
                nonce,
                gas_limit: gas,
                max_fee_per_gas: fee,
                max_priority_fee_per_gas: fee / 2,
                to: TxKind::Call(Address::repeat_byte(1)),
                value: U256::from(1),
                input: input.into(),
                ..Default::default()
            }
            .into_signed(sig)
            .into(),
            None => TxLegacy {
                nonce,
                gas_price: fee,
                gas_limit: gas,
                to: TxKind::Call(Address::ZERO),
                ..Default::default()
            }
            .into_signed(sig)
            .into(),
        };
        Recovered::new_unchecked(envelope, sender)
    }

    fn rich() -> SenderState {
        SenderState {
            nonce: 0,
            balance: U256::from(10u128.pow(24)),
        }
    }

    #[test]
    fn accepts_in_order_and_serves_in_arrival_order() {
        let mut pool = Mempool::new(PoolConfig::new(CHAIN));
        for n in 0..3 {
            let t = tx(n, 10, Some(CHAIN), vec![], 21_000);
            pool.check_stateless(&t, 1).unwrap();
            pool.insert(t, rich()).unwrap();
        }
        let best = pool.best(10, 1_000_000);
        assert_eq!(
            best.iter().map(|t| t.nonce()).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert_eq!(pool.next_nonce(best[0].sender(), 0), 3);
        assert_eq!(pool.best(10, 42_000).len(), 2);
        pool.remove([best[0].hash]);
        assert_eq!(pool.len(), 2);
    }

    #[test]
    fn standard_rejections() {
        let mut pool = Mempool::new(PoolConfig::new(CHAIN));
        let state = SenderState {
            nonce: 5,
            balance: U256::from(1_000_000u64),
        };
        assert!(matches!(
            pool.insert(tx(4, 10, Some(CHAIN), vec![], 21_000), state),
            Err(Error::NonceTooLow {
                expected: 5,
                got: 4,
                ..
            })
        ));
        assert!(matches!(
            pool.insert(tx(7, 10, Some(CHAIN), vec![], 21_000), state),
            Err(Error::NonceTooHigh {
                expected: 5,
                got: 7,
                ..
            })
        ));
        assert!(matches!(
            pool.insert(tx(5, 1_000, Some(CHAIN), vec![], 21_000), state),
            Err(Error::InsufficientFunds { .. })
        ));
        assert!(matches!(
            pool.check_stateless(&tx(0, 10, Some(1), vec![], 21_000), 1),
            Err(Error::WrongChainId {
                expected: CHAIN,
                got: Some(1)
            })
        ));
        assert!(matches!(
            pool.check_stateless(&tx(0, 10, None, vec![], 21_000), 1),
            Err(Error::WrongChainId { got: None, .. })
        ));
        assert!(matches!(
            pool.check_stateless(&tx(0, 10, Some(CHAIN), vec![1; 10], 21_000), 1),
            Err(Error::IntrinsicGasTooLow { needed: 21_400, .. })
        ));
        assert!(matches!(
            pool.check_stateless(&tx(0, 10, Some(CHAIN), vec![], 1 << 25), 1),
            Err(Error::GasLimitTooHigh { .. })
        ));
        assert!(matches!(
            pool.check_stateless(&tx(0, 10, Some(CHAIN), vec![], 21_000), 11),
            Err(Error::Underpriced {
                offered: 10,
                base_fee: 11
            })
        ));
        assert!(matches!(
            pool.check_stateless(&tx(0, 10, Some(CHAIN), vec![7; 200_000], 1 << 24), 1),
            Err(Error::Oversized { .. })
        ));
    }

    #[test]
    fn replacement_needs_a_fee_bump() {
        let mut pool = Mempool::new(PoolConfig::new(CHAIN));
        let first = tx(0, 100, Some(CHAIN), vec![], 21_000);
        let first_hash = *first.tx_hash();
        pool.insert(first, rich()).unwrap();
        assert!(matches!(
            pool.insert(tx(0, 105, Some(CHAIN), vec![1], 21_016), rich()),
            Err(Error::ReplacementUnderpriced { min_fee: 110, .. })
        ));
        let replaced = pool
            .insert(tx(0, 110, Some(CHAIN), vec![2], 21_016), rich())
            .unwrap();
        assert_eq!(replaced, Some(first_hash));
        assert_eq!(pool.len(), 1);
        assert!(pool.get(&first_hash).is_none());
        let again = tx(0, 110, Some(CHAIN), vec![2], 21_016);
        assert!(matches!(
            pool.insert(again, rich()),
            Err(Error::AlreadyKnown(_))
        ));
    }

    #[test]
    fn executed_transactions_count_for_nonces_and_cannot_be_replaced() {
        let mut pool = Mempool::new(PoolConfig::new(CHAIN));
        let first = tx(0, 100, Some(CHAIN), vec![], 21_000);
        let first_hash = *first.tx_hash();
        let sender = first.signer();
        pool.insert(first, rich()).unwrap();
        pool.mark_executed([first_hash]);
        assert!(pool.is_executed(&first_hash));
        assert!(pool.best(usize::MAX, u64::MAX).is_empty());
        assert_eq!(pool.next_nonce(sender, 0), 1);
        assert!(matches!(
            pool.insert(tx(0, 1_000, Some(CHAIN), vec![], 21_000), rich()),
            Err(Error::NonceTooLow {
                expected: 1,
                got: 0,
                ..
            })
        ));
        let second = tx(1, 100, Some(CHAIN), vec![], 21_000);
        let second_hash = *second.tx_hash();
        pool.insert(second, rich()).unwrap();
        let best = pool.best(usize::MAX, u64::MAX);
        assert_eq!(best.len(), 1);
        assert_eq!(best[0].hash, second_hash);
        pool.remove([first_hash]);
        assert!(!pool.is_executed(&first_hash));
        assert_eq!(pool.len(), 1);
    }

    #[test]
    fn a_sender_whose_transaction_does_not_fit_waits_with_its_later_ones() {
        let mut pool = Mempool::new(PoolConfig::new(CHAIN));
        let big = tx(0, 100, Some(CHAIN), vec![], 80_000);
        let sender = big.signer();
        pool.insert(big, rich()).unwrap();
        pool.insert(tx(1, 100, Some(CHAIN), vec![], 21_000), rich())
            .unwrap();
        assert!(pool.best(usize::MAX, 50_000).is_empty());
        let all = pool.best(usize::MAX, 101_000);
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|t| t.sender() == sender));
    }

    #[test]
    fn limits() {
        let mut config = PoolConfig::new(CHAIN);
        config.max_per_sender = 2;
        let mut pool = Mempool::new(config);
        pool.insert(tx(0, 10, Some(CHAIN), vec![], 21_000), rich())
            .unwrap();
        pool.insert(tx(1, 10, Some(CHAIN), vec![], 21_000), rich())
            .unwrap();
        assert!(matches!(
            pool.insert(tx(2, 10, Some(CHAIN), vec![], 21_000), rich()),
            Err(Error::SenderLimit { max: 2, .. })
        ));
        let dropped =
            pool.drop_sender_from(address!("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), 1);
        assert_eq!(dropped.len(), 1);
        assert_eq!(pool.len(), 1);
    }

    #[test]
    fn intrinsic_gas_counts_calldata_and_the_floor() {
        assert_eq!(
            intrinsic_gas(&tx(0, 1, Some(CHAIN), vec![], 0).into_inner()),
            21_000
        );
        // 10 non-zero bytes: standard 21,000 + 160; floor 21,000 + 10 * 40 = 21,400.
        assert_eq!(
            intrinsic_gas(&tx(0, 1, Some(CHAIN), vec![1; 10], 0).into_inner()),
            21_400
        );
    }
}
