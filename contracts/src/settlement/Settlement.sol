// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {IDAPolicy} from "../da/IDAPolicy.sol";
import {BatchHeader, BatchLib} from "./BatchLib.sol";
import {IPriorityQueue} from "./IPriorityQueue.sol";
import {ISettlement} from "./ISettlement.sol";
import {IVerifier} from "./IVerifier.sol";
import "./SettlementErrors.sol";

/// @title Settlement
/// @notice One child chain's batches on its parent: commit → prove → execute, strictly in order, with
/// revert of unexecuted batches and a final frozen mode. Deployed once as an implementation and cloned
/// per chain by `ChainRegistry` with the registry's shared verifier.
/// @dev Note: only header hashes are stored for committed batches; prove, execute and revert take the
/// headers back as calldata and check them against the stored hash. Executed batches keep their state
/// and message roots (withdrawals and exits prove against them).
contract Settlement is ISettlement, Initializable {
    /// @notice How far in the future a batch timestamp may lie, in seconds.
    uint256 public constant MAX_TIMESTAMP_DRIFT = 5 minutes;

    // ------------------------------------------------------------------ storage

    uint256 private _chainId;
    IVerifier private _verifier;
    IDAPolicy private _daPolicy;
    IPriorityQueue private _queue;
    address private _admin;
    address private _pendingAdmin;
    mapping(address => bool) private _operators;

    uint64 private _committed;
    uint64 private _proven;
    uint64 private _executed;
    bool private _frozen;

    /// @dev The last committed header's new state root, cumulative priority count and timestamp: what the
    /// next header must continue.
    bytes32 private _tipStateRoot;
    uint64 private _tipPriorityCount;
    uint64 private _tipTimestamp;

    mapping(uint64 => bytes32) private _batchHashes;
    mapping(uint64 => bytes32) private _stateRoots;
    mapping(uint64 => bytes32) private _messageRoots;

    // ------------------------------------------------------------------ modifiers

    modifier onlyOperator() {
        if (!_operators[msg.sender]) revert SettlementCallerNotOperator(msg.sender);
        _;
    }

    modifier onlyAdmin() {
        if (msg.sender != _admin) revert SettlementCallerNotAdmin(msg.sender);
        _;
    }

    modifier notFrozen() {
        if (_frozen) revert SettlementChainFrozen(_chainId);
        _;
    }

    // ------------------------------------------------------------------ setup

    constructor() {
        _disableInitializers();
    }

    /// @notice Sets the clone up for one chain with its genesis state as batch 0; called once by the
    /// registry right after cloning.
    /// @param p The chain's parameters.
    function initialize(InitParams calldata p) external initializer {
        if (
            p.verifier == address(0) || p.daPolicy == address(0) || p.priorityQueue == address(0)
                || p.admin == address(0) || p.operator == address(0)
        ) revert SettlementZeroAddress();
        _chainId = p.chainId;
        _verifier = IVerifier(p.verifier);
        _daPolicy = IDAPolicy(p.daPolicy);
        _queue = IPriorityQueue(p.priorityQueue);
        _admin = p.admin;
        _operators[p.operator] = true;

        BatchHeader memory genesis = genesisHeader(p.genesisStateRoot, p.genesisTimestamp);
        if (!BatchLib.fieldsInRange(genesis)) revert SettlementFieldOutOfRange(0);
        bytes32 h = BatchLib.hash(genesis);
        _batchHashes[0] = h;
        _stateRoots[0] = p.genesisStateRoot;
        _messageRoots[0] = bytes32(0);
        _tipStateRoot = p.genesisStateRoot;
        _tipTimestamp = p.genesisTimestamp;
        emit ChainInitialized(p.chainId, p.genesisStateRoot, h);
        emit AdminTransferred(address(0), p.admin);
        emit OperatorSet(p.operator, true);
    }

    /// @notice The header of batch 0 for a genesis state root: everything zero but the new state root and
    /// the timestamp.
    /// @param genesisStateRoot The chain's genesis state root.
    /// @param genesisTimestamp The chain's registration time.
    /// @return header The genesis header.
    function genesisHeader(bytes32 genesisStateRoot, uint64 genesisTimestamp)
        public
        pure
        returns (BatchHeader memory header)
    {
        header.newStateRoot = genesisStateRoot;
        header.timestamp = genesisTimestamp;
    }

    // ------------------------------------------------------------------ batches

    /// @inheritdoc ISettlement
    function commitBatches(BatchHeader[] calldata headers, bytes[] calldata daInputs)
        external
        onlyOperator
        notFrozen
    {
        if (headers.length == 0) revert SettlementNoBatches();
        if (headers.length != daInputs.length) {
            revert SettlementLengthMismatch(headers.length, daInputs.length);
        }
        for (uint256 i = 0; i < headers.length; ++i) {
            _commit(headers[i], daInputs[i]);
        }
    }

    function _commit(BatchHeader calldata header, bytes calldata daInput) private {
        uint64 number = header.batchNumber;
        if (number != _committed + 1) revert SettlementBatchNumberMismatch(_committed + 1, number);
        if (!BatchLib.fieldsInRange(header)) revert SettlementFieldOutOfRange(number);
        if (header.prevStateRoot != _tipStateRoot) {
            revert SettlementPrevStateRootMismatch(number, _tipStateRoot, header.prevStateRoot);
        }
        uint256 maxTimestamp = block.timestamp + MAX_TIMESTAMP_DRIFT;
        if (header.timestamp < _tipTimestamp || header.timestamp > maxTimestamp) {
            revert SettlementTimestampInvalid(number, _tipTimestamp, header.timestamp, maxTimestamp);
        }
        uint64 available = _queue.length();
        if (header.priorityOpsCount < _tipPriorityCount || header.priorityOpsCount > available) {
            revert SettlementPriorityCountInvalid(
                number, _tipPriorityCount, header.priorityOpsCount, available
            );
        }
        bytes32 queueHash = _queue.rollingHashAt(header.priorityOpsCount);
        if (queueHash != header.priorityOpsHash) {
            revert SettlementPriorityHashMismatch(number, queueHash, header.priorityOpsHash);
        }
        if (header.importedRootsHash != bytes32(0)) revert SettlementImportedRootsUnsupported(number);
        bytes32 commitment = _daPolicy.checkAvailability(_chainId, header, daInput);
        if (commitment != header.pubdataCommitment) {
            revert SettlementPubdataCommitmentMismatch(number, commitment, header.pubdataCommitment);
        }

        bytes32 h = BatchLib.hash(header);
        _batchHashes[number] = h;
        _committed = number;
        _tipStateRoot = header.newStateRoot;
        _tipPriorityCount = header.priorityOpsCount;
        _tipTimestamp = header.timestamp;
        emit BatchCommitted(number, h, header.newStateRoot, header.messageRoot);
    }

    /// @inheritdoc ISettlement
    function proveBatches(BatchHeader[] calldata headers, bytes[] calldata proofs)
        external
        onlyOperator
        notFrozen
    {
        if (headers.length == 0) revert SettlementNoBatches();
        if (headers.length != proofs.length) revert SettlementLengthMismatch(headers.length, proofs.length);
        for (uint256 i = 0; i < headers.length; ++i) {
            BatchHeader calldata header = headers[i];
            uint64 number = header.batchNumber;
            if (number != _proven + 1) revert SettlementBatchNumberMismatch(_proven + 1, number);
            bytes32 h = _checkCommitted(header);
            if (!_verifier.verifyProof(proofs[i], BatchLib.publicInputs(_chainId, header))) {
                revert SettlementInvalidProof(number);
            }
            _proven = number;
            emit BatchProven(number, h);
        }
    }

    /// @inheritdoc ISettlement
    function executeBatches(BatchHeader[] calldata headers) external onlyOperator notFrozen {
        if (headers.length == 0) revert SettlementNoBatches();
        for (uint256 i = 0; i < headers.length; ++i) {
            BatchHeader calldata header = headers[i];
            uint64 number = header.batchNumber;
            if (number != _executed + 1) revert SettlementBatchNumberMismatch(_executed + 1, number);
            if (number > _proven) revert SettlementBatchNotProven(number, _proven);
            _checkCommitted(header);
            _stateRoots[number] = header.newStateRoot;
            _messageRoots[number] = header.messageRoot;
            _executed = number;
            _queue.consume(header.priorityOpsCount, header.priorityOpsHash);
            emit BatchExecuted(number, header.newStateRoot, header.messageRoot);
        }
    }

    /// @inheritdoc ISettlement
    function revertBatches(BatchHeader calldata lastKept) external onlyOperator notFrozen {
        uint64 target = lastKept.batchNumber;
        uint64 committedBefore = _committed;
        if (target < _executed || target >= committedBefore) {
            revert SettlementCannotRevert(target, _executed, committedBefore);
        }
        _checkCommitted(lastKept);
        for (uint64 n = target + 1; n <= committedBefore; ++n) {
            delete _batchHashes[n];
        }
        _committed = target;
        if (_proven > target) _proven = target;
        _tipStateRoot = lastKept.newStateRoot;
        _tipPriorityCount = lastKept.priorityOpsCount;
        _tipTimestamp = lastKept.timestamp;
        emit BatchesReverted(target, committedBefore);
    }

    function _checkCommitted(BatchHeader calldata header) private view returns (bytes32 h) {
        bytes32 stored = _batchHashes[header.batchNumber];
        if (stored == bytes32(0)) revert SettlementBatchNotCommitted(header.batchNumber);
        h = BatchLib.hash(header);
        if (h != stored) revert SettlementBatchHashMismatch(header.batchNumber, stored, h);
    }

    // ------------------------------------------------------------------ freezing and roles

    /// @inheritdoc ISettlement
    function freeze() external notFrozen {
        if (msg.sender != address(_queue)) revert SettlementCallerNotQueue(msg.sender);
        _frozen = true;
        emit ChainFrozen(_chainId, _executed, _stateRoots[_executed]);
    }

    /// @inheritdoc ISettlement
    function setOperator(address operator, bool allowed) external onlyAdmin {
        if (operator == address(0)) revert SettlementZeroAddress();
        _operators[operator] = allowed;
        emit OperatorSet(operator, allowed);
    }

    /// @inheritdoc ISettlement
    function transferAdmin(address newAdmin) external onlyAdmin {
        _pendingAdmin = newAdmin;
        emit AdminTransferStarted(_admin, newAdmin);
    }

    /// @inheritdoc ISettlement
    function acceptAdmin() external {
        if (msg.sender != _pendingAdmin) revert SettlementCallerNotPendingAdmin(msg.sender);
        address previous = _admin;
        _admin = msg.sender;
        _pendingAdmin = address(0);
        emit AdminTransferred(previous, msg.sender);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ISettlement
    function chainId() external view returns (uint256) {
        return _chainId;
    }

    /// @inheritdoc ISettlement
    function isFrozen() external view returns (bool) {
        return _frozen;
    }

    /// @inheritdoc ISettlement
    function totalBatchesCommitted() external view returns (uint64) {
        return _committed;
    }

    /// @inheritdoc ISettlement
    function totalBatchesProven() external view returns (uint64) {
        return _proven;
    }

    /// @inheritdoc ISettlement
    function totalBatchesExecuted() external view returns (uint64) {
        return _executed;
    }

    /// @inheritdoc ISettlement
    function batchHash(uint64 batchNumber) external view returns (bytes32) {
        return _batchHashes[batchNumber];
    }

    /// @inheritdoc ISettlement
    function stateRoot(uint64 batchNumber) external view returns (bytes32) {
        return batchNumber <= _executed ? _stateRoots[batchNumber] : bytes32(0);
    }

    /// @inheritdoc ISettlement
    function messageRoot(uint64 batchNumber) external view returns (bytes32) {
        return batchNumber <= _executed ? _messageRoots[batchNumber] : bytes32(0);
    }

    /// @inheritdoc ISettlement
    function lastExecutedStateRoot() external view returns (bytes32) {
        return _stateRoots[_executed];
    }

    /// @inheritdoc ISettlement
    function publicInputs(BatchHeader calldata header) external view returns (uint256[] memory) {
        return BatchLib.publicInputs(_chainId, header);
    }

    /// @notice Whether `account` may commit, prove, execute and revert batches.
    /// @param account The account.
    /// @return True for operators.
    function isOperator(address account) external view returns (bool) {
        return _operators[account];
    }

    /// @notice The chain's admin.
    /// @return The admin address.
    function admin() external view returns (address) {
        return _admin;
    }

    /// @notice The admin-elect awaiting `acceptAdmin` (zero when none).
    /// @return The pending admin address.
    function pendingAdmin() external view returns (address) {
        return _pendingAdmin;
    }

    /// @notice The shared batch-proof verifier.
    /// @return The verifier address.
    function verifier() external view returns (address) {
        return address(_verifier);
    }

    /// @notice The chain's DA policy.
    /// @return The policy address.
    function daPolicy() external view returns (address) {
        return address(_daPolicy);
    }

    /// @notice The chain's priority queue.
    /// @return The queue address.
    function priorityQueue() external view returns (address) {
        return address(_queue);
    }
}
