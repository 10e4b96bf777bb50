use alloy_primitives::{Address, address};

/// Outbox system contract, predeployed at genesis on every Fractal chain.
pub const L2_OUTBOX: Address = address!("0x0000000000000000000000000000000000010001");
/// Inbox system contract (imported roots, claim nullifiers), predeployed on every Fractal chain.
pub const L2_INBOX: Address = address!("0x0000000000000000000000000000000000010002");
/// Bridge system contract (mints deposits, burns withdrawals), predeployed on every Fractal chain.
pub const L2_BRIDGE: Address = address!("0x0000000000000000000000000000000000010003");
/// poseidon-solidity's `PoseidonT3` library (Poseidon of two inputs), predeployed on every Fractal
/// chain: the genesis outbox is linked against it.
pub const POSEIDON_T3: Address = address!("0x0000000000000000000000000000000000010004");
/// poseidon-solidity's `PoseidonT4` library (Poseidon of three inputs), predeployed on every Fractal
/// chain: the genesis outbox is linked against it.
pub const POSEIDON_T4: Address = address!("0x0000000000000000000000000000000000010005");
/// Storage slot of the outbox system contract that holds its message chain ([`crate::message_chain`]
/// over every message leaf it sent; `L2Outbox.messageChain()`).
pub const L2_OUTBOX_MESSAGE_CHAIN_SLOT: u64 = 2;
/// Offset added to a contract sender's address when its priority operation runs on the child chain.
pub const ALIAS_OFFSET: Address = address!("0x1111000000000000000000000000000000001111");
/// Most messages one block may send: the outbox reverts the next (`L2Outbox.MAX_MESSAGES_PER_BLOCK`,
/// the batch circuit's message capacity).
pub const MAX_MESSAGES_PER_BLOCK: usize = 16;
/// Depth of the per-batch message tree.
pub const MESSAGE_TREE_DEPTH: usize = 10;
/// Storage slot of the bridge system contract's bridged-token balance mapping.
pub const L2_BRIDGE_BALANCES_SLOT: u64 = 0;
/// Largest chain id a registry accepts (EIP-2294's bound).
pub const MAX_CHAIN_ID: u64 = 9_223_372_036_854_775_771;
