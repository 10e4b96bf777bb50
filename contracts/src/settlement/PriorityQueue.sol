// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {FractalConstants} from "../common/Constants.sol";
import {IPriorityQueue, PriorityOp} from "./IPriorityQueue.sol";
import {ISettlement} from "./ISettlement.sol";
import "./SettlementErrors.sol";

/// @title PriorityQueue
/// @notice Parent → child transactions of one child chain, with a rolling hash and a deadline each.
/// Deployed once as an implementation and cloned per chain by `ChainRegistry`.
/// @dev Note: the queue never holds ether or tokens. Minting requests come only from the bridge vault,
/// which keeps custody and the per-chain balance; direct requests mint nothing.
contract PriorityQueue is IPriorityQueue, Initializable {
    /// @notice Smallest gas limit a request may carry (a plain transfer).
    uint256 public constant MIN_GAS_LIMIT = 21_000;
    /// @notice Largest gas limit a request may carry (the Osaka per-transaction cap).
    uint256 public constant MAX_GAS_LIMIT = 1 << 24;
    /// @notice Largest calldata a request may carry.
    uint256 public constant MAX_DATA_SIZE = 120_000;

    // ------------------------------------------------------------------ storage

    uint256 private _chainId;
    address private _settlement;
    address private _vault;
    uint64 private _maxDelay;
    uint64 private _length;
    uint64 private _head;
    /// @dev `_rolling[i]` is the rolling hash after the first `i + 1` requests.
    mapping(uint64 => bytes32) private _rolling;
    mapping(uint64 => uint64) private _deadline;

    // ------------------------------------------------------------------ setup

    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the clone up for one chain; called once by the registry right after cloning.
    /// @param chainId_ The child chain's id.
    /// @param settlement_ The chain's settlement contract (consumes requests, gets frozen).
    /// @param vault_ The bridge vault (the only source of minting requests).
    /// @param maxDelay_ Seconds a request may wait before the chain can be frozen.
    function initialize(uint256 chainId_, address settlement_, address vault_, uint64 maxDelay_)
        external
        initializer
    {
        if (settlement_ == address(0) || vault_ == address(0)) revert SettlementZeroAddress();
        _chainId = chainId_;
        _settlement = settlement_;
        _vault = vault_;
        _maxDelay = maxDelay_;
    }

    // ------------------------------------------------------------------ requests

    /// @inheritdoc IPriorityQueue
    function requestTransaction(address target, uint256 l2Value, uint256 gasLimit, bytes calldata data)
        external
        returns (uint64 index)
    {
        return _enqueue(applyAlias(msg.sender), msg.sender, target, 0, l2Value, gasLimit, data);
    }

    /// @inheritdoc IPriorityQueue
    function requestFromVault(
        address l2Sender,
        address refundRecipient,
        address target,
        uint256 mint,
        uint256 l2Value,
        uint256 gasLimit,
        bytes calldata data
    ) external returns (uint64 index) {
        if (msg.sender != _vault) revert QueueCallerNotVault(msg.sender);
        return _enqueue(l2Sender, refundRecipient, target, mint, l2Value, gasLimit, data);
    }

    function _enqueue(
        address l2Sender,
        address refundRecipient,
        address target,
        uint256 mint,
        uint256 l2Value,
        uint256 gasLimit,
        bytes calldata data
    ) private returns (uint64 index) {
        if (ISettlement(_settlement).isFrozen()) revert QueueChainFrozen(_chainId);
        if (gasLimit < MIN_GAS_LIMIT || gasLimit > MAX_GAS_LIMIT) {
            revert QueueGasLimitOutOfRange(gasLimit, MIN_GAS_LIMIT, MAX_GAS_LIMIT);
        }
        if (data.length > MAX_DATA_SIZE) revert QueueDataTooLarge(data.length, MAX_DATA_SIZE);
        if (mint > type(uint96).max) revert QueueMintTooLarge(mint);
        if (refundRecipient == address(0)) revert QueueZeroRefundRecipient();

        index = _length;
        PriorityOp memory op = PriorityOp({
            index: index,
            l2Sender: l2Sender,
            target: target,
            mint: mint,
            l2Value: l2Value,
            gasLimit: gasLimit,
            refundRecipient: refundRecipient,
            deadline: uint64(block.timestamp) + _maxDelay,
            data: data
        });
        bytes32 opHash = hashOp(_chainId, op);
        bytes32 rolling = keccak256(abi.encode(index == 0 ? bytes32(0) : _rolling[index - 1], opHash));
        _rolling[index] = rolling;
        _deadline[index] = op.deadline;
        _length = index + 1;
        emit TransactionRequested(_chainId, index, opHash, rolling, op);
    }

    // ------------------------------------------------------------------ consumption and freezing

    /// @inheritdoc IPriorityQueue
    function consume(uint64 newHead, bytes32 expectedRollingHash) external {
        if (msg.sender != _settlement) revert QueueCallerNotSettlement(msg.sender);
        uint64 oldHead = _head;
        if (newHead < oldHead || newHead > _length) revert QueueConsumeOutOfRange(oldHead, newHead, _length);
        bytes32 actual = rollingHashAt(newHead);
        if (actual != expectedRollingHash) {
            revert QueueRollingHashMismatch(newHead, expectedRollingHash, actual);
        }
        if (newHead == oldHead) return;
        _head = newHead;
        emit RequestsConsumed(_chainId, oldHead, newHead, actual);
    }

    /// @inheritdoc IPriorityQueue
    function freezeChain() external {
        uint64 oldest = _head;
        if (oldest >= _length || block.timestamp <= _deadline[oldest]) {
            revert QueueNotOverdue(oldest, _length);
        }
        ISettlement(_settlement).freeze();
        emit FreezeTriggered(_chainId, oldest, _deadline[oldest], msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @notice The hash of one operation: keccak256 of the ABI encoding of the chain id and every field
    /// of `op` in declaration order (docs/encodings.md).
    /// @param chainId_ The child chain's id.
    /// @param op The operation.
    /// @return The operation hash.
    function hashOp(uint256 chainId_, PriorityOp memory op) public pure returns (bytes32) {
        return keccak256(
            abi.encode(
                chainId_,
                op.index,
                op.l2Sender,
                op.target,
                op.mint,
                op.l2Value,
                op.gasLimit,
                op.refundRecipient,
                op.deadline,
                op.data
            )
        );
    }

    /// @inheritdoc IPriorityQueue
    function applyAlias(address caller) public view returns (address) {
        if (caller == tx.origin) return caller;
        unchecked {
            // Wrapping addition modulo 2^160 is the intended alias arithmetic.
            return address(uint160(caller) + FractalConstants.ALIAS_OFFSET);
        }
    }

    /// @inheritdoc IPriorityQueue
    function chainId() external view returns (uint256) {
        return _chainId;
    }

    /// @inheritdoc IPriorityQueue
    function length() external view returns (uint64) {
        return _length;
    }

    /// @inheritdoc IPriorityQueue
    function head() external view returns (uint64) {
        return _head;
    }

    /// @notice The chain's settlement contract.
    /// @return The settlement address.
    function settlement() external view returns (address) {
        return _settlement;
    }

    /// @notice The bridge vault allowed to enqueue minting requests.
    /// @return The vault address.
    function vault() external view returns (address) {
        return _vault;
    }

    /// @notice Seconds a request may wait before the chain can be frozen.
    /// @return The maximum delay.
    function maxDelay() external view returns (uint64) {
        return _maxDelay;
    }

    /// @inheritdoc IPriorityQueue
    function rollingHashAt(uint64 count) public view returns (bytes32) {
        if (count > _length) revert QueueUnknownRequest(count, _length);
        return count == 0 ? bytes32(0) : _rolling[count - 1];
    }

    /// @inheritdoc IPriorityQueue
    function deadlineOf(uint64 index) external view returns (uint64) {
        if (index >= _length) revert QueueUnknownRequest(index, _length);
        return _deadline[index];
    }

    /// @inheritdoc IPriorityQueue
    function isRequest(PriorityOp calldata op) external view returns (bool) {
        if (op.index >= _length) return false;
        bytes32 before = op.index == 0 ? bytes32(0) : _rolling[op.index - 1];
        return keccak256(abi.encode(before, hashOp(_chainId, op))) == _rolling[op.index];
    }
}
