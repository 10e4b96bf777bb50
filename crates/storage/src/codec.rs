//! The on-disk encoding: fixed-width big-endian keys (so byte order is numeric order) and a small
//! hand-written binary codec for values (LEB128 varints, minimal big-endian words, raw hashes and
//! addresses). Headers are RLP, as on the wire.

use alloy_consensus::Header;
use alloy_primitives::{Address, B256, Bloom, Bytes, KECCAK256_EMPTY, Log, LogData, U256};
use fractal_primitives::AccountInfo;

use crate::apply::Changes;
use crate::{Error, Receipt, Result};

// ---- keys ----

/// `address`.
pub(crate) fn account_key(address: &Address) -> [u8; 20] {
    address.0.0
}

/// `address ‖ slot`.
pub(crate) fn slot_key(address: &Address, slot: &U256) -> [u8; 52] {
    let mut k = [0u8; 52];
    k[..20].copy_from_slice(address.as_slice());
    k[20..].copy_from_slice(&slot.to_be_bytes::<32>());
    k
}

/// The slot of a `slot_key`.
pub(crate) fn slot_of_key(key: &[u8; 52]) -> U256 {
    U256::from_be_slice(&key[20..])
}

/// `address ‖ block`.
pub(crate) fn address_block_key(address: &Address, block: u64) -> [u8; 28] {
    let mut k = [0u8; 28];
    k[..20].copy_from_slice(address.as_slice());
    k[20..].copy_from_slice(&block.to_be_bytes());
    k
}

/// The block of an `address_block_key`.
pub(crate) fn block_of_address_key(key: &[u8; 28]) -> u64 {
    u64::from_be_bytes(key[20..].try_into().expect("8 bytes"))
}

/// `address ‖ slot ‖ block`.
pub(crate) fn slot_block_key(address: &Address, slot: &U256, block: u64) -> [u8; 60] {
    let mut k = [0u8; 60];
    k[..52].copy_from_slice(&slot_key(address, slot));
    k[52..].copy_from_slice(&block.to_be_bytes());
    k
}

/// `block ‖ index`.
pub(crate) fn receipt_key(block: u64, index: u64) -> [u8; 16] {
    let mut k = [0u8; 16];
    k[..8].copy_from_slice(&block.to_be_bytes());
    k[8..].copy_from_slice(&index.to_be_bytes());
    k
}

/// The transaction index of a `receipt_key`.
pub(crate) fn index_of_receipt_key(key: &[u8; 16]) -> u64 {
    u64::from_be_bytes(key[8..].try_into().expect("8 bytes"))
}

/// `position ‖ topic ‖ block`.
pub(crate) fn topic_block_key(position: u8, topic: &B256, block: u64) -> [u8; 41] {
    let mut k = [0u8; 41];
    k[0] = position;
    k[1..33].copy_from_slice(topic.as_slice());
    k[33..].copy_from_slice(&block.to_be_bytes());
    k
}

/// The block of a `topic_block_key`.
pub(crate) fn block_of_topic_key(key: &[u8; 41]) -> u64 {
    u64::from_be_bytes(key[33..].try_into().expect("8 bytes"))
}

// ---- value writer and reader ----

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn varint(&mut self, mut v: u128) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn raw(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.varint(b.len() as u128);
        self.raw(b);
    }

    /// A length-prefixed minimal big-endian word.
    fn word(&mut self, v: &U256) {
        let b = v.to_be_bytes::<32>();
        let start = v.leading_zeros() / 8;
        self.u8((32 - start) as u8);
        self.raw(&b[start..]);
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8], what: &'static str) -> Self {
        Self { buf, what }
    }

    fn corrupt(&self) -> Error {
        Error::Corrupt { what: self.what }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.buf.len() < n {
            return Err(self.corrupt());
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u128> {
        let mut v = 0u128;
        for shift in (0..128).step_by(7) {
            let b = self.u8()?;
            v |= u128::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.corrupt())
    }

    fn varint_u64(&mut self) -> Result<u64> {
        u64::try_from(self.varint()?).map_err(|_| self.corrupt())
    }

    fn len(&mut self) -> Result<usize> {
        usize::try_from(self.varint()?).map_err(|_| self.corrupt())
    }

    fn address(&mut self) -> Result<Address> {
        Ok(Address::from_slice(self.take(20)?))
    }

    fn b256(&mut self) -> Result<B256> {
        Ok(B256::from_slice(self.take(32)?))
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.len()?;
        self.take(n)
    }

    fn word(&mut self) -> Result<U256> {
        let n = usize::from(self.u8()?);
        if n > 32 {
            return Err(self.corrupt());
        }
        Ok(U256::from_be_slice(self.take(n)?))
    }

    fn finish(&self) -> Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(self.corrupt())
        }
    }
}

// ---- words ----

/// A storage value: minimal big-endian bytes, empty for zero.
pub(crate) fn encode_word(v: &U256) -> Vec<u8> {
    let b = v.to_be_bytes::<32>();
    b[v.leading_zeros() / 8..].to_vec()
}

pub(crate) fn decode_word(b: &[u8]) -> Result<U256> {
    if b.len() > 32 {
        return Err(Error::Corrupt {
            what: "storage value",
        });
    }
    Ok(U256::from_be_slice(b))
}

// ---- accounts ----

const CODE_HASH_EMPTY: u8 = 0;
const CODE_HASH_EXPLICIT: u8 = 1;

/// `varint nonce ‖ word balance ‖ (0 | 1 ‖ code hash)`; `None` (in history) is the empty value.
pub(crate) fn encode_account(info: Option<&AccountInfo>) -> Vec<u8> {
    let Some(info) = info else { return Vec::new() };
    let mut w = Writer::default();
    w.varint(u128::from(info.nonce));
    w.word(&info.balance);
    if info.code_hash == KECCAK256_EMPTY {
        w.u8(CODE_HASH_EMPTY);
    } else {
        w.u8(CODE_HASH_EXPLICIT);
        w.raw(info.code_hash.as_slice());
    }
    w.0
}

pub(crate) fn decode_account(b: &[u8]) -> Result<Option<AccountInfo>> {
    if b.is_empty() {
        return Ok(None);
    }
    let mut r = Reader::new(b, "account");
    let nonce = r.varint_u64()?;
    let balance = r.word()?;
    let code_hash = match r.u8()? {
        CODE_HASH_EMPTY => KECCAK256_EMPTY,
        CODE_HASH_EXPLICIT => r.b256()?,
        _ => return Err(r.corrupt()),
    };
    r.finish()?;
    Ok(Some(AccountInfo {
        nonce,
        balance,
        code_hash,
    }))
}

// ---- headers ----

pub(crate) fn encode_header(header: &Header) -> Vec<u8> {
    alloy_rlp::encode(header)
}

pub(crate) fn decode_header(mut b: &[u8]) -> Result<Header> {
    let header = <Header as alloy_rlp::Decodable>::decode(&mut b)
        .map_err(|_| Error::Corrupt { what: "header" })?;
    if !b.is_empty() {
        return Err(Error::Corrupt { what: "header" });
    }
    Ok(header)
}

/// Concatenated 32-byte hashes.
pub(crate) fn decode_hashes(b: &[u8]) -> Result<Vec<B256>> {
    if !b.len().is_multiple_of(32) {
        return Err(Error::Corrupt { what: "block body" });
    }
    Ok(b.chunks_exact(32).map(B256::from_slice).collect())
}

// ---- transactions ----

/// Where a transaction lives and what it is.
pub(crate) struct TxRecord {
    pub(crate) block_number: u64,
    pub(crate) index: u64,
    pub(crate) sender: Address,
    pub(crate) raw: Bytes,
}

/// `varint block ‖ varint index ‖ sender ‖ raw` (raw runs to the end).
pub(crate) fn encode_tx(block_number: u64, index: u64, sender: &Address, raw: &[u8]) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(40 + raw.len()));
    w.varint(u128::from(block_number));
    w.varint(u128::from(index));
    w.raw(sender.as_slice());
    w.raw(raw);
    w.0
}

pub(crate) fn decode_tx(b: &[u8]) -> Result<TxRecord> {
    let mut r = Reader::new(b, "transaction");
    let block_number = r.varint_u64()?;
    let index = r.varint_u64()?;
    let sender = r.address()?;
    Ok(TxRecord {
        block_number,
        index,
        sender,
        raw: Bytes::copy_from_slice(r.buf),
    })
}

// ---- receipts ----

const SUCCESS: u8 = 1;
const HAS_TO: u8 = 2;
const HAS_CONTRACT: u8 = 4;
const HAS_BLOOM: u8 = 8;

/// `type ‖ flags ‖ varint cumulative gas ‖ varint gas ‖ varint price ‖ varint first log index ‖
/// from ‖ [to] ‖ [contract] ‖ [bloom, when not all zero] ‖ varint log count ‖ logs`, each log
/// `address ‖ topic count ‖ topics ‖ varint data length ‖ data`.
pub(crate) fn encode_receipt(receipt: &Receipt, first_log_index: u64) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(64));
    let has_bloom = receipt.logs_bloom != Bloom::ZERO;
    let flags = (if receipt.success { SUCCESS } else { 0 })
        | (if receipt.to.is_some() { HAS_TO } else { 0 })
        | (if receipt.contract_address.is_some() {
            HAS_CONTRACT
        } else {
            0
        })
        | (if has_bloom { HAS_BLOOM } else { 0 });
    w.u8(receipt.tx_type);
    w.u8(flags);
    w.varint(u128::from(receipt.cumulative_gas_used));
    w.varint(u128::from(receipt.gas_used));
    w.varint(receipt.effective_gas_price);
    w.varint(u128::from(first_log_index));
    w.raw(receipt.from.as_slice());
    if let Some(to) = &receipt.to {
        w.raw(to.as_slice());
    }
    if let Some(c) = &receipt.contract_address {
        w.raw(c.as_slice());
    }
    if has_bloom {
        w.raw(receipt.logs_bloom.as_slice());
    }
    w.varint(receipt.logs.len() as u128);
    for log in &receipt.logs {
        w.raw(log.address.as_slice());
        let topics = log.topics();
        w.u8(topics.len() as u8);
        for t in topics {
            w.raw(t.as_slice());
        }
        w.bytes(&log.data.data);
    }
    w.0
}

pub(crate) fn decode_receipt(b: &[u8]) -> Result<(Receipt, u64)> {
    let mut r = Reader::new(b, "receipt");
    let tx_type = r.u8()?;
    let flags = r.u8()?;
    if flags & !(SUCCESS | HAS_TO | HAS_CONTRACT | HAS_BLOOM) != 0 {
        return Err(r.corrupt());
    }
    let cumulative_gas_used = r.varint_u64()?;
    let gas_used = r.varint_u64()?;
    let effective_gas_price = r.varint()?;
    let first_log_index = r.varint_u64()?;
    let from = r.address()?;
    let to = if flags & HAS_TO != 0 {
        Some(r.address()?)
    } else {
        None
    };
    let contract_address = if flags & HAS_CONTRACT != 0 {
        Some(r.address()?)
    } else {
        None
    };
    let logs_bloom = if flags & HAS_BLOOM != 0 {
        Bloom::from_slice(r.take(256)?)
    } else {
        Bloom::ZERO
    };
    let count = r.len()?;
    let mut logs = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let address = r.address()?;
        let n = r.u8()?;
        if n > 4 {
            return Err(r.corrupt());
        }
        let topics = (0..n).map(|_| r.b256()).collect::<Result<Vec<_>>>()?;
        let data = Bytes::copy_from_slice(r.bytes()?);
        logs.push(Log {
            address,
            data: LogData::new_unchecked(topics, data),
        });
    }
    r.finish()?;
    let receipt = Receipt {
        tx_type,
        success: flags & SUCCESS != 0,
        cumulative_gas_used,
        gas_used,
        effective_gas_price,
        from,
        to,
        contract_address,
        logs,
        logs_bloom,
    };
    Ok((receipt, first_log_index))
}

// ---- changesets ----

/// `varint n ‖ addresses ‖ varint m ‖ (address ‖ slot)s`.
pub(crate) fn encode_changes(c: &Changes) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(
        4 + c.accounts.len() * 20 + c.slots.len() * 52,
    ));
    w.varint(c.accounts.len() as u128);
    for a in &c.accounts {
        w.raw(a.as_slice());
    }
    w.varint(c.slots.len() as u128);
    for (a, s) in &c.slots {
        w.raw(&slot_key(a, s));
    }
    w.0
}

pub(crate) fn decode_changes(b: &[u8]) -> Result<Changes> {
    let mut r = Reader::new(b, "changeset");
    let n = r.len()?;
    let accounts = (0..n).map(|_| r.address()).collect::<Result<Vec<_>>>()?;
    let m = r.len()?;
    let slots = (0..m)
        .map(|_| Ok((r.address()?, U256::from_be_slice(r.take(32)?))))
        .collect::<Result<Vec<_>>>()?;
    r.finish()?;
    Ok(Changes { accounts, slots })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0u128, 1, 127, 128, 300, u64::MAX as u128, u128::MAX] {
            let mut w = Writer::default();
            w.varint(v);
            let mut r = Reader::new(&w.0, "test");
            assert_eq!(r.varint().unwrap(), v);
            r.finish().unwrap();
        }
        assert!(
            Reader::new(&[0x80], "test").varint().is_err(),
            "truncated varint"
        );
    }

    #[test]
    fn words_are_minimal() {
        assert!(encode_word(&U256::ZERO).is_empty());
        assert_eq!(encode_word(&U256::from(0x1234)), vec![0x12, 0x34]);
        assert_eq!(encode_word(&U256::MAX).len(), 32);
        for v in [U256::ZERO, U256::from(1), U256::MAX] {
            assert_eq!(decode_word(&encode_word(&v)).unwrap(), v);
        }
        assert!(decode_word(&[1; 33]).is_err());
    }

    #[test]
    fn accounts_round_trip() {
        assert_eq!(decode_account(&encode_account(None)).unwrap(), None);
        let plain = AccountInfo {
            nonce: 3,
            balance: U256::from(10),
            code_hash: KECCAK256_EMPTY,
        };
        let enc = encode_account(Some(&plain));
        assert_eq!(enc.len(), 4, "nonce, balance length, balance, code flag");
        assert_eq!(decode_account(&enc).unwrap(), Some(plain));
        let contract = AccountInfo {
            nonce: u64::MAX,
            balance: U256::MAX,
            code_hash: B256::ZERO,
        };
        assert_eq!(
            decode_account(&encode_account(Some(&contract))).unwrap(),
            Some(contract)
        );
        let mut bad = enc;
        bad.push(0);
        assert!(matches!(
            decode_account(&bad),
            Err(Error::Corrupt { what: "account" })
        ));
    }

    #[test]
    fn receipts_round_trip() {
        let log = Log::new_unchecked(
            Address::repeat_byte(9),
            vec![B256::repeat_byte(1), B256::repeat_byte(2)],
            Bytes::from_static(b"data"),
        );
        let full = Receipt {
            tx_type: 2,
            success: true,
            cumulative_gas_used: 42_000,
            gas_used: 21_000,
            effective_gas_price: u128::MAX,
            from: Address::repeat_byte(1),
            to: Some(Address::repeat_byte(2)),
            contract_address: Some(Address::repeat_byte(3)),
            logs_bloom: alloy_primitives::logs_bloom([&log]),
            logs: vec![log],
        };
        for (receipt, first) in [(full, 7), (Receipt::default(), 0)] {
            let enc = encode_receipt(&receipt, first);
            assert_eq!(decode_receipt(&enc).unwrap(), (receipt, first));
        }
        // type, flags, three gas varints, first log index, sender, log count.
        assert_eq!(
            encode_receipt(&Receipt::default(), 0).len(),
            27,
            "a bare receipt stays small"
        );
    }

    #[test]
    fn transactions_and_changes_round_trip() {
        let enc = encode_tx(5, 1, &Address::repeat_byte(4), b"raw tx");
        let rec = decode_tx(&enc).unwrap();
        assert_eq!(
            (rec.block_number, rec.index, rec.sender),
            (5, 1, Address::repeat_byte(4))
        );
        assert_eq!(rec.raw, Bytes::from_static(b"raw tx"));

        let c = Changes {
            accounts: vec![Address::repeat_byte(1)],
            slots: vec![(Address::repeat_byte(2), U256::MAX)],
        };
        assert_eq!(decode_changes(&encode_changes(&c)).unwrap(), c);
    }

    #[test]
    fn keys_sort_numerically() {
        let a = Address::repeat_byte(7);
        assert!(address_block_key(&a, 255) < address_block_key(&a, 256));
        assert!(slot_key(&a, &U256::from(255)) < slot_key(&a, &U256::from(256)));
        assert!(
            slot_block_key(&a, &U256::from(1), u64::MAX) < slot_block_key(&a, &U256::from(2), 0)
        );
        assert_eq!(block_of_address_key(&address_block_key(&a, 99)), 99);
        assert_eq!(slot_of_key(&slot_key(&a, &U256::from(5))), U256::from(5));
        assert_eq!(index_of_receipt_key(&receipt_key(3, 4)), 4);
        assert_eq!(block_of_topic_key(&topic_block_key(1, &B256::ZERO, 8)), 8);
    }
}
