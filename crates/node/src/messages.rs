//! The messages a chain sends, read from its outbox system contract's `MessageSent` events: what a
//! batch's message tree (docs/encodings.md, "Messages") is built from.

use alloy_primitives::Log;
use alloy_sol_types::{SolEvent, sol};
use fractal_primitives::{L2_OUTBOX, Message};
use fractal_storage::Receipt;

sol! {
    /// The outbox's event (contracts/src/l2/IL2Outbox.sol).
    event MessageSent(
        uint64 indexed nonce,
        address indexed sender,
        uint64 indexed destinationChainId,
        address recipient,
        bytes payload
    );
}

/// The messages that the successful transactions of `receipts` sent through the outbox of chain
/// `chain_id`, in order (which is nonce order: the outbox numbers them). Logs of other contracts and
/// malformed ones are ignored; failed transactions have no logs.
pub fn outbox_messages<'a>(
    chain_id: u64,
    receipts: impl IntoIterator<Item = &'a Receipt>,
) -> Vec<Message> {
    receipts
        .into_iter()
        .filter(|r| r.success)
        .flat_map(|r| r.logs.iter())
        .filter_map(|log| message_of(chain_id, log))
        .collect()
}

/// How many messages the outbox announced in `receipt` (0 for a failed transaction).
pub fn sent_by(receipt: &Receipt) -> usize {
    if !receipt.success {
        return 0;
    }
    receipt.logs.iter().filter(|log| is_sent(log)).count()
}

/// Whether `log` is the outbox's `MessageSent`.
fn is_sent(log: &Log) -> bool {
    log.address == L2_OUTBOX && log.topics().first() == Some(&MessageSent::SIGNATURE_HASH)
}

fn message_of(chain_id: u64, log: &Log) -> Option<Message> {
    if !is_sent(log) {
        return None;
    }
    let event = MessageSent::decode_raw_log(log.topics(), &log.data.data).ok()?;
    Some(Message {
        source_chain_id: chain_id,
        nonce: event.nonce,
        sender: event.sender,
        destination_chain_id: event.destinationChainId,
        recipient: event.recipient,
        payload: event.payload,
    })
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, Bloom, Bytes, LogData};
    use alloy_sol_types::SolEvent;

    use super::*;

    fn receipt(success: bool, logs: Vec<Log>) -> Receipt {
        Receipt {
            tx_type: 2,
            success,
            cumulative_gas_used: 0,
            gas_used: 0,
            effective_gas_price: 0,
            from: Address::ZERO,
            to: None,
            contract_address: None,
            logs,
            logs_bloom: Bloom::ZERO,
        }
    }

    fn sent(emitter: Address, nonce: u64) -> Log {
        let event = MessageSent {
            nonce,
            sender: Address::with_last_byte(1),
            destinationChainId: 7,
            recipient: Address::with_last_byte(2),
            payload: Bytes::from_static(b"hi"),
        };
        Log {
            address: emitter,
            data: event.encode_log_data(),
        }
    }

    #[test]
    fn reads_the_outbox_and_ignores_everything_else() {
        let good = sent(L2_OUTBOX, 0);
        let elsewhere = sent(Address::with_last_byte(9), 1);
        let mut truncated = sent(L2_OUTBOX, 2);
        truncated.data = LogData::new_unchecked(
            truncated.data.topics().to_vec(),
            truncated.data.data.slice(..40),
        );
        let mut other_topic = sent(L2_OUTBOX, 3);
        let mut topics = other_topic.data.topics().to_vec();
        topics[0] = alloy_primitives::B256::repeat_byte(1);
        other_topic.data = LogData::new_unchecked(topics, other_topic.data.data.clone());
        let messages = outbox_messages(
            4242,
            &[
                receipt(true, vec![good, elsewhere, truncated, other_topic]),
                receipt(false, vec![sent(L2_OUTBOX, 4)]),
            ],
        );
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].nonce, 0);
        assert_eq!(messages[0].source_chain_id, 4242);
        assert_eq!(messages[0].destination_chain_id, 7);
        assert_eq!(messages[0].payload, Bytes::from_static(b"hi"));
        assert_eq!(messages[0].sender, Address::with_last_byte(1));
        assert_eq!(messages[0].recipient, Address::with_last_byte(2));
    }

    #[test]
    fn counts_the_outbox_events_of_successful_receipts() {
        let two = receipt(
            true,
            vec![
                sent(L2_OUTBOX, 0),
                sent(Address::with_last_byte(9), 1),
                sent(L2_OUTBOX, 1),
            ],
        );
        assert_eq!(sent_by(&two), 2);
        assert_eq!(sent_by(&receipt(false, vec![sent(L2_OUTBOX, 0)])), 0);
        assert_eq!(sent_by(&receipt(true, vec![])), 0);
    }
}
