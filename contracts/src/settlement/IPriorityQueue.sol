// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @notice A parent → child transaction as the child chain executes it (docs/encodings.md, "Priority operations").
struct PriorityOp {
    /// @dev Position in the queue, from 0.
    uint64 index;
    /// @dev The sender on the child chain: the parent-chain caller, aliased when it is a contract.
    address l2Sender;
    /// @dev The call's target on the child chain.
    address target;
    /// @dev Wei credited to `l2Sender` on the child chain before the call (custody: the bridge vault).
    uint256 mint;
    /// @dev Wei the call transfers from `l2Sender` to `target`.
    uint256 l2Value;
    /// @dev Gas limit of the call on the child chain (priority operations pay no gas price there).
    uint256 gasLimit;
    /// @dev Parent-chain address that gets `mint` (and a vault deposit's tokens) back if the chain is
    /// frozen before the operation is consumed.
    address refundRecipient;
    /// @dev Time by which an executed batch must have consumed the operation; past it, anyone may freeze the chain.
    uint64 deadline;
    /// @dev Calldata of the call.
    bytes data;
}

/// @title IPriorityQueue
/// @notice The queue of parent → child transactions of one child chain: the deposit path and the escape
/// hatch. Requests are hashed into a rolling hash; batches consume them strictly in order, and when the
/// oldest unconsumed request is past its deadline anyone may freeze the chain.
interface IPriorityQueue {
    /// @notice A request entered the queue; the child chain's node executes exactly this operation.
    event TransactionRequested(
        uint256 indexed chainId, uint64 indexed index, bytes32 opHash, bytes32 rollingHash, PriorityOp op
    );
    /// @notice Requests `[fromIndex, toIndex)` were consumed by an executed batch.
    event RequestsConsumed(uint256 indexed chainId, uint64 fromIndex, uint64 toIndex, bytes32 rollingHash);
    /// @notice The chain was frozen because request `overdueIndex` missed its deadline.
    event FreezeTriggered(uint256 indexed chainId, uint64 overdueIndex, uint64 deadline, address caller);

    /// @notice Enqueues a transaction from the caller to the child chain, minting nothing (the escape hatch:
    /// a user forces a transaction that the sequencer must include before the deadline).
    /// @param target Call target on the child chain.
    /// @param l2Value Wei transferred to `target` out of the sender's balance on the child chain.
    /// @param gasLimit Gas limit on the child chain, in [MIN_GAS_LIMIT, MAX_GAS_LIMIT].
    /// @param data Calldata, at most MAX_DATA_SIZE bytes.
    /// @return index The request's position in the queue.
    function requestTransaction(address target, uint256 l2Value, uint256 gasLimit, bytes calldata data)
        external
        returns (uint64 index);

    /// @notice Enqueues a transaction that mints `mint` wei on the child chain; only the bridge vault calls
    /// this, after taking custody of the wei or tokens it represents.
    /// @param l2Sender The sender on the child chain (the vault passes its caller, aliased if a contract,
    /// or its own alias for token deposits).
    /// @param refundRecipient Parent-chain address refunded if the chain freezes first.
    /// @param target Call target on the child chain.
    /// @param mint Wei credited to `l2Sender` on the child chain.
    /// @param l2Value Wei transferred to `target`.
    /// @param gasLimit Gas limit on the child chain.
    /// @param data Calldata.
    /// @return index The request's position in the queue.
    function requestFromVault(
        address l2Sender,
        address refundRecipient,
        address target,
        uint256 mint,
        uint256 l2Value,
        uint256 gasLimit,
        bytes calldata data
    ) external returns (uint64 index);

    /// @notice Marks requests up to `newHead` (exclusive) consumed; only the chain's settlement calls this
    /// when it executes a batch.
    /// @param newHead Cumulative number of requests consumed after the batch.
    /// @param expectedRollingHash The batch's priority rolling hash, which must be the queue's at `newHead`.
    function consume(uint64 newHead, bytes32 expectedRollingHash) external;

    /// @notice Freezes the chain when the oldest unconsumed request is past its deadline. Anyone may call.
    function freezeChain() external;

    /// @notice The child-chain sender for a parent-chain caller in the current transaction: externally
    /// owned accounts (the transaction's origin) keep their address, contracts get `address + ALIAS_OFFSET`.
    /// @param caller The parent-chain caller.
    /// @return The sender as seen on the child chain.
    function applyAlias(address caller) external view returns (address);

    /// @notice The child chain this queue feeds.
    /// @return The chain id.
    function chainId() external view returns (uint256);

    /// @notice The number of requests ever enqueued.
    /// @return The queue length.
    function length() external view returns (uint64);

    /// @notice The number of requests consumed by executed batches.
    /// @return The index of the oldest unconsumed request.
    function head() external view returns (uint64);

    /// @notice The rolling hash after the first `count` requests (zero for `count == 0`).
    /// @param count A number of requests, at most `length()`.
    /// @return The rolling hash.
    function rollingHashAt(uint64 count) external view returns (bytes32);

    /// @notice The deadline of request `index`.
    /// @param index A request index below `length()`.
    /// @return The deadline (unix seconds).
    function deadlineOf(uint64 index) external view returns (uint64);

    /// @notice Whether `op` is exactly request `op.index` of this queue.
    /// @param op The full operation.
    /// @return True when its hash links the stored rolling hashes at `op.index` and `op.index + 1`.
    function isRequest(PriorityOp calldata op) external view returns (bool);
}
