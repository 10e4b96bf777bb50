// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BridgeVault} from "../../src/bridge/BridgeVault.sol";
import {FractalConstants} from "../../src/common/Constants.sol";
import {RollupCalldataDA} from "../../src/da/RollupCalldataDA.sol";
import {ChainRegistry} from "../../src/registry/ChainRegistry.sol";
import {IChainRegistry} from "../../src/registry/IChainRegistry.sol";
import {BatchHeader} from "../../src/settlement/BatchLib.sol";
import {DevelopmentVerifier} from "../../src/settlement/DevelopmentVerifier.sol";
import {PriorityOp} from "../../src/settlement/IPriorityQueue.sol";
import {PriorityQueue} from "../../src/settlement/PriorityQueue.sol";
import {Settlement} from "../../src/settlement/Settlement.sol";
import {Test} from "../utils/Test.sol";
import {WriteBinding} from "../utils/WriteBinding.sol";

/// @title Fixture
/// @notice The shared base of the settlement, vault and registry tests: it deploys the real suite the
/// way production does and registers one chain, then offers helpers to build, commit, prove and execute
/// batches and to enqueue priority requests.
/// @dev Note:
/// - Deployment (in `setUp`): Settlement and PriorityQueue implementations, the `DevelopmentVerifier`,
///   `ChainRegistry("", verifier, impls)` deployed by this test contract (so it is the registry's
///   deployer), `BridgeVault(registry)`, `registry.setBridgeVault(vault)`, a `RollupCalldataDA` policy
///   (commitment = keccak256(daInput); it checks the header's write binding against the pubdata, so
///   `daInput` must be version-2 pubdata: `pubdataFor`, `WriteBinding.encode`), then `registerChain` for the default chain `base` (4242).
///   `setUp` warps to `GENESIS_TIME` first, so the genesis timestamp is realistic.
/// - Every chain helper takes the chain's `Settlement` explicitly; the overloads without it use the
///   default chain (`settlement`, `queue`). Register more chains with `registerChain`.
/// - The helpers remember every header committed through them (`headerAt`, `lastCommittedHeader`), and
///   `revertBatchesTo` forgets the reverted ones. A test that calls `commitBatches` directly must call
///   `recordCommitted` itself if it wants the helpers to continue from its batch.
/// - `commitBatch`, `commitBatches`, `proveBatch(s, h, proof)`, `executeBatch`, `revertBatchesTo` and
///   `enqueueFrom` make no external call before the pranked one, so `vm.expectEmit` / `vm.expectRevert`
///   may precede them; a refused commit or revert is not recorded. `commitNext`, `proveBatch(h)`,
///   `commitProveExecute` and `enqueueMany` make view calls first: compute values (e.g. `proofFor`,
///   `buildNextHeader`) before setting an expectation, then use the one-call helpers.
/// - The proof is `DevelopmentVerifier.developmentProof(settlement.publicInputs(header))`: it binds the
///   proof to the header but proves nothing (see DevelopmentVerifier).
abstract contract Fixture is Test {
    /// @dev `headerAt` was asked for a batch the helpers did not commit (or that was reverted).
    error FixtureBatchNotRecorded(address settlement, uint64 batchNumber);

    // ------------------------------------------------------------------ constants

    /// @dev The default chain's label, id and request deadline.
    string internal constant CHAIN_LABEL = "base";
    uint256 internal constant CHAIN_ID = 4242;
    uint64 internal constant PRIORITY_TX_MAX_DELAY = 1 hours;
    string internal constant RPC_HINT = "http://127.0.0.1:8545";

    /// @dev The time `setUp` warps to before registering (the default chain's genesis timestamp).
    uint64 internal constant GENESIS_TIME = 1_750_000_000;

    /// @dev The default chain's genesis state root: a BN254 field element.
    bytes32 internal constant GENESIS_STATE_ROOT =
        bytes32(uint256(keccak256("fractal.test.genesis-state-root")) % FractalConstants.FIELD_MODULUS);

    /// @dev Gas limit the enqueue helpers use by default.
    uint256 internal constant DEFAULT_GAS_LIMIT = 100_000;

    // ------------------------------------------------------------------ actors

    address internal constant ADMIN = address(0xAD111);
    address internal constant OPERATOR = address(0x0BE4A704);
    /// @dev An externally owned account that sends requests (pranked as both sender and origin).
    address internal constant USER = address(0x05E4);
    /// @dev An account with no role anywhere.
    address internal constant STRANGER = address(0x5742A46E4);

    // ------------------------------------------------------------------ deployed suite

    Settlement internal settlementImpl;
    PriorityQueue internal queueImpl;
    DevelopmentVerifier internal verifier;
    ChainRegistry internal registry;
    BridgeVault internal vault;
    RollupCalldataDA internal daPolicy;

    /// @dev The default chain.
    Settlement internal settlement;
    PriorityQueue internal queue;

    // ------------------------------------------------------------------ bookkeeping

    /// @dev Headers committed through the helpers (batch 0: the genesis header), per settlement.
    mapping(address => mapping(uint64 => BatchHeader)) private _headers;
    /// @dev The last batch committed through the helpers, per settlement.
    mapping(address => uint64) private _lastRecorded;

    // ------------------------------------------------------------------ setup

    /// @notice Deploys the suite and registers the default chain.
    function setUp() public virtual {
        vm.warp(GENESIS_TIME);
        deploySuite();
        (settlement, queue) = registerChain(CHAIN_LABEL, CHAIN_ID, GENESIS_STATE_ROOT);
    }

    /// @notice Deploys and wires the suite exactly as the deploy script does; called by `setUp`.
    function deploySuite() internal {
        settlementImpl = new Settlement();
        queueImpl = new PriorityQueue();
        verifier = new DevelopmentVerifier();
        registry = new ChainRegistry("", address(verifier), address(settlementImpl), address(queueImpl));
        vault = new BridgeVault(registry);
        registry.setBridgeVault(address(vault));
        daPolicy = new RollupCalldataDA();

        vm.label(address(settlementImpl), "SettlementImpl");
        vm.label(address(queueImpl), "PriorityQueueImpl");
        vm.label(address(verifier), "DevelopmentVerifier");
        vm.label(address(registry), "ChainRegistry");
        vm.label(address(vault), "BridgeVault");
        vm.label(address(daPolicy), "RollupCalldataDA");
        vm.label(ADMIN, "admin");
        vm.label(OPERATOR, "operator");
        vm.label(USER, "user");
        vm.label(STRANGER, "stranger");
    }

    /// @notice The registration parameters the fixture uses: `ADMIN`, `OPERATOR`, the calldata DA policy,
    /// centralized sequencing, `PRIORITY_TX_MAX_DELAY` and `RPC_HINT`.
    function chainParams(string memory label, uint256 chainId, bytes32 genesisStateRoot)
        internal
        view
        returns (IChainRegistry.ChainParams memory)
    {
        return IChainRegistry.ChainParams({
            label: label,
            chainId: chainId,
            admin: ADMIN,
            operator: OPERATOR,
            daPolicy: address(daPolicy),
            sequencerMode: IChainRegistry.SequencerMode.Centralized,
            genesisStateRoot: genesisStateRoot,
            priorityTxMaxDelay: PRIORITY_TX_MAX_DELAY,
            rpcHint: RPC_HINT
        });
    }

    /// @notice Registers a chain with `chainParams` and records its genesis header.
    function registerChain(string memory label, uint256 chainId, bytes32 genesisStateRoot)
        internal
        returns (Settlement s, PriorityQueue q)
    {
        return registerChain(chainParams(label, chainId, genesisStateRoot));
    }

    /// @notice Registers a chain with arbitrary parameters and records its genesis header.
    function registerChain(IChainRegistry.ChainParams memory params)
        internal
        returns (Settlement s, PriorityQueue q)
    {
        (address sAddr, address qAddr) = registry.registerChain(params);
        s = Settlement(sAddr);
        q = PriorityQueue(qAddr);
        vm.label(sAddr, string.concat("Settlement(", params.label, ")"));
        vm.label(qAddr, string.concat("PriorityQueue(", params.label, ")"));
        BatchHeader memory genesis = s.genesisHeader(params.genesisStateRoot, uint64(block.timestamp));
        _headers[sAddr][0] = genesis;
        _lastRecorded[sAddr] = 0;
    }

    // ------------------------------------------------------------------ values

    /// @notice A BN254 field element derived from `seed` (for state and message roots).
    function fieldElement(uint256 seed) internal pure returns (bytes32) {
        return
            bytes32(
                uint256(keccak256(abi.encode("fractal.test.field", seed))) % FractalConstants.FIELD_MODULUS
            );
    }

    /// @notice Some distinct version-2 pubdata for batch `seed`: a 52-byte run of rows
    /// ("fractal.test.pubdata" ‖ seed) and two bytes of code (the contracts parse neither).
    function pubdataFor(uint256 seed) internal pure returns (bytes memory) {
        return WriteBinding.encode(abi.encodePacked("fractal.test.pubdata", seed), hex"01fe");
    }

    /// @notice Independent re-computation of `BatchLib.hash`: keccak256 of the thirteen header fields,
    /// ABI-encoded in declaration order.
    function expectedBatchHash(BatchHeader memory h) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                h.batchNumber,
                h.timestamp,
                h.priorityOpsCount,
                h.prevStateRoot,
                h.newStateRoot,
                h.pubdataCommitment,
                h.messageRoot,
                h.priorityOpsHash,
                h.childRootsAggregated,
                h.importedRootsHash,
                h.rowCommitment,
                h.writesEvaluation,
                h.writesLength
            )
        );
    }

    // ------------------------------------------------------------------ headers

    /// @notice A copy of `h` (memory structs are references: assigning one aliases it).
    function copyHeader(BatchHeader memory h) internal pure returns (BatchHeader memory) {
        return abi.decode(abi.encode(h), (BatchHeader));
    }

    /// @notice The header of committed batch `n` of `s`, as recorded by the helpers (0: genesis).
    function headerAt(Settlement s, uint64 n) internal view returns (BatchHeader memory h) {
        if (n > _lastRecorded[address(s)]) revert FixtureBatchNotRecorded(address(s), n);
        h = _headers[address(s)][n];
    }

    /// @notice The header of committed batch `n` of the default chain.
    function headerAt(uint64 n) internal view returns (BatchHeader memory) {
        return headerAt(settlement, n);
    }

    /// @notice The last header committed through the helpers for `s` (genesis when none).
    function lastCommittedHeader(Settlement s) internal view returns (BatchHeader memory) {
        return _headers[address(s)][_lastRecorded[address(s)]];
    }

    /// @notice The last header committed through the helpers for the default chain.
    function lastCommittedHeader() internal view returns (BatchHeader memory) {
        return lastCommittedHeader(settlement);
    }

    /// @notice A valid header continuing `prev` on `s`: number `prev + 1`, timestamp
    /// max(now, prev.timestamp), the DA commitment keccak256(pubdata), the queue's rolling hash at
    /// `priorityOpsCount`, no child roots and no imported roots, and the write binding of `pubdata`
    /// (`WriteBinding.bind`: a row commitment derived from the bytes, the run's evaluation and length).
    /// @param pubdata Version-2 pubdata (`pubdataFor`, `WriteBinding.encode`).
    /// @param priorityOpsCount Cumulative number of priority requests consumed after the batch; must be
    /// at most the queue's length (the queue reverts otherwise).
    function buildHeader(
        Settlement s,
        BatchHeader memory prev,
        bytes memory pubdata,
        bytes32 newStateRoot,
        bytes32 messageRoot,
        uint64 priorityOpsCount
    ) internal view returns (BatchHeader memory h) {
        h.batchNumber = prev.batchNumber + 1;
        h.timestamp = block.timestamp > prev.timestamp ? uint64(block.timestamp) : prev.timestamp;
        h.priorityOpsCount = priorityOpsCount;
        h.prevStateRoot = prev.newStateRoot;
        h.newStateRoot = newStateRoot;
        h.pubdataCommitment = keccak256(pubdata);
        h.messageRoot = messageRoot;
        h.priorityOpsHash = PriorityQueue(s.priorityQueue()).rollingHashAt(priorityOpsCount);
        h.childRootsAggregated = bytes32(0);
        h.importedRootsHash = bytes32(0);
        WriteBinding.bind(h, pubdata);
    }

    /// @notice A valid header continuing the last header committed through the helpers on `s`.
    function buildNextHeader(
        Settlement s,
        bytes memory pubdata,
        bytes32 newStateRoot,
        bytes32 messageRoot,
        uint64 priorityOpsCount
    ) internal view returns (BatchHeader memory) {
        return buildHeader(s, lastCommittedHeader(s), pubdata, newStateRoot, messageRoot, priorityOpsCount);
    }

    /// @notice A valid next header on the default chain.
    function buildNextHeader(
        bytes memory pubdata,
        bytes32 newStateRoot,
        bytes32 messageRoot,
        uint64 priorityOpsCount
    ) internal view returns (BatchHeader memory) {
        return buildNextHeader(settlement, pubdata, newStateRoot, messageRoot, priorityOpsCount);
    }

    /// @notice A valid next header on the default chain with seeded roots and pubdata, consuming nothing
    /// new.
    function buildNextHeader(uint256 seed) internal view returns (BatchHeader memory) {
        return buildNextHeader(
            settlement,
            pubdataFor(seed),
            fieldElement(seed),
            fieldElement(~seed),
            lastCommittedHeader().priorityOpsCount
        );
    }

    // ------------------------------------------------------------------ commit, prove, execute, revert

    /// @notice Notes `h` as committed on `s` (the helpers continue from it).
    function recordCommitted(Settlement s, BatchHeader memory h) internal {
        _headers[address(s)][h.batchNumber] = h;
        _lastRecorded[address(s)] = h.batchNumber;
    }

    /// @notice Commits one header as the operator, with `pubdata` as the DA input, and records it.
    function commitBatch(Settlement s, BatchHeader memory h, bytes memory pubdata) internal {
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        bytes[] memory inputs = new bytes[](1);
        inputs[0] = pubdata;
        vm.prank(OPERATOR);
        s.commitBatches(headers, inputs);
        _recordIfCommitted(s, h);
    }

    /// @notice Commits one header on the default chain.
    function commitBatch(BatchHeader memory h, bytes memory pubdata) internal {
        commitBatch(settlement, h, pubdata);
    }

    /// @notice Commits several headers in one call as the operator and records them.
    function commitBatches(Settlement s, BatchHeader[] memory headers, bytes[] memory pubdata) internal {
        vm.prank(OPERATOR);
        s.commitBatches(headers, pubdata);
        for (uint256 i = 0; i < headers.length; ++i) {
            _recordIfCommitted(s, headers[i]);
        }
    }

    /// @dev Records `h` only when `s` holds it (a commit refused under `vm.expectRevert` records nothing).
    function _recordIfCommitted(Settlement s, BatchHeader memory h) private {
        if (s.batchHash(h.batchNumber) == expectedBatchHash(h)) recordCommitted(s, h);
    }

    /// @notice Builds and commits the next batch on `s` and returns its header.
    function commitNext(
        Settlement s,
        bytes memory pubdata,
        bytes32 newStateRoot,
        bytes32 messageRoot,
        uint64 priorityOpsCount
    ) internal returns (BatchHeader memory h) {
        h = buildNextHeader(s, pubdata, newStateRoot, messageRoot, priorityOpsCount);
        commitBatch(s, h, pubdata);
    }

    /// @notice Builds and commits the next batch on the default chain, consuming up to `priorityOpsCount`.
    function commitNext(uint256 seed, uint64 priorityOpsCount) internal returns (BatchHeader memory) {
        return
            commitNext(
                settlement, pubdataFor(seed), fieldElement(seed), fieldElement(~seed), priorityOpsCount
            );
    }

    /// @notice Builds and commits the next batch on the default chain, consuming nothing new.
    function commitNext(uint256 seed) internal returns (BatchHeader memory) {
        return commitNext(seed, lastCommittedHeader().priorityOpsCount);
    }

    /// @notice The development proof of `h` on `s`: developmentProof(s.publicInputs(h)).
    function proofFor(Settlement s, BatchHeader memory h) internal view returns (bytes memory) {
        return verifier.developmentProof(s.publicInputs(h));
    }

    /// @notice The development proof of `h` on the default chain.
    function proofFor(BatchHeader memory h) internal view returns (bytes memory) {
        return proofFor(settlement, h);
    }

    /// @notice Proves one header with the given proof, as the operator.
    function proveBatch(Settlement s, BatchHeader memory h, bytes memory proof) internal {
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        bytes[] memory proofs = new bytes[](1);
        proofs[0] = proof;
        vm.prank(OPERATOR);
        s.proveBatches(headers, proofs);
    }

    /// @notice Proves one header with its development proof (computed first: do not put an expectation
    /// in front of this overload).
    function proveBatch(Settlement s, BatchHeader memory h) internal {
        proveBatch(s, h, proofFor(s, h));
    }

    /// @notice Proves one header of the default chain with its development proof.
    function proveBatch(BatchHeader memory h) internal {
        proveBatch(settlement, h);
    }

    /// @notice Executes one header as the operator.
    function executeBatch(Settlement s, BatchHeader memory h) internal {
        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        vm.prank(OPERATOR);
        s.executeBatches(headers);
    }

    /// @notice Executes one header of the default chain.
    function executeBatch(BatchHeader memory h) internal {
        executeBatch(settlement, h);
    }

    /// @notice Builds, commits, proves and executes the next batch of the default chain.
    function commitProveExecute(uint256 seed, uint64 priorityOpsCount)
        internal
        returns (BatchHeader memory h)
    {
        h = commitNext(seed, priorityOpsCount);
        proveBatch(h);
        executeBatch(h);
    }

    /// @notice Reverts `s` back to recorded batch `lastKept`, as the operator, and forgets later headers.
    function revertBatchesTo(Settlement s, uint64 lastKept) internal {
        BatchHeader memory h = headerAt(s, lastKept);
        vm.prank(OPERATOR);
        s.revertBatches(h);
        if (s.totalBatchesCommitted() == lastKept) _lastRecorded[address(s)] = lastKept;
    }

    /// @notice Reverts the default chain back to recorded batch `lastKept`.
    function revertBatchesTo(uint64 lastKept) internal {
        revertBatchesTo(settlement, lastKept);
    }

    // ------------------------------------------------------------------ priority requests

    /// @notice Enqueues `requestTransaction(target, l2Value, gasLimit, data)` from the externally owned
    /// account `sender` (pranked as sender and origin, so it is not aliased).
    function enqueueFrom(
        PriorityQueue q,
        address sender,
        address target,
        uint256 l2Value,
        uint256 gasLimit,
        bytes memory data
    ) internal returns (uint64 index) {
        vm.prank(sender, sender);
        index = q.requestTransaction(target, l2Value, gasLimit, data);
    }

    /// @notice Enqueues a request from `USER` on the default chain with seeded data.
    function enqueue(uint256 seed) internal returns (uint64) {
        return
            enqueueFrom(
                queue, USER, address(uint160(0x7A46E7 + seed)), 0, DEFAULT_GAS_LIMIT, abi.encode(seed)
            );
    }

    /// @notice Enqueues `n` requests from `USER` on `q`; returns the queue length afterwards.
    function enqueueMany(PriorityQueue q, uint256 n) internal returns (uint64 length) {
        for (uint256 i = 0; i < n; ++i) {
            enqueueFrom(q, USER, address(uint160(0x7A46E7 + i)), 0, DEFAULT_GAS_LIMIT, abi.encode(i));
        }
        return q.length();
    }

    /// @notice Enqueues `n` requests on the default chain; returns the queue length afterwards.
    function enqueueMany(uint256 n) internal returns (uint64) {
        return enqueueMany(queue, n);
    }

    /// @notice The full operation of request `index` of `q` from its fields, with the deadline read back
    /// from the queue (what `isRequest` and `BridgeVault.reclaimDeposit` take).
    /// @dev Arguments follow `requestFromVault`'s order (refund recipient second), not the struct's.
    /// For `requestTransaction` from an EOA, `l2Sender` and `refundRecipient` are both the sender.
    function requestOp(
        PriorityQueue q,
        uint64 index,
        address l2Sender,
        address refundRecipient,
        address target,
        uint256 mint,
        uint256 l2Value,
        uint256 gasLimit,
        bytes memory data
    ) internal view returns (PriorityOp memory) {
        return PriorityOp({
            index: index,
            l2Sender: l2Sender,
            target: target,
            mint: mint,
            l2Value: l2Value,
            gasLimit: gasLimit,
            refundRecipient: refundRecipient,
            deadline: q.deadlineOf(index),
            data: data
        });
    }

    /// @notice Independent re-computation of the documented operation hash: keccak256(abi.encode(chainId,
    /// index, l2Sender, target, mint, l2Value, gasLimit, refundRecipient, deadline, data)).
    function expectedOpHash(uint256 chainId, PriorityOp memory op) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                chainId,
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

    /// @notice The documented rolling-hash step: keccak256(abi.encode(previous, opHash)).
    function nextRollingHash(bytes32 previous, bytes32 opHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(previous, opHash));
    }

    /// @notice The child-chain alias of a contract caller: address + 0x1111…1111 modulo 2^160 (the
    /// documented offset, written out rather than read from FractalConstants).
    function aliasOf(address caller) internal pure returns (address) {
        unchecked {
            // Wrapping modulo 2^160 is the alias arithmetic.
            return address(uint160(caller) + uint160(0x1111000000000000000000000000000000001111));
        }
    }

    /// @notice Warps past the deadline of request `index` of `q` (one second after it).
    function warpPastDeadline(PriorityQueue q, uint64 index) internal {
        vm.warp(uint256(q.deadlineOf(index)) + 1);
    }
}
