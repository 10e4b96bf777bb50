// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT4} from "poseidon-solidity/PoseidonT4.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {Test} from "../utils/Test.sol";
import {PubdataEvaluationHarness} from "../da/PubdataEvaluation/PubdataEvaluationHarness.sol";
import {FractalConstants} from "../../src/common/Constants.sol";
import {Hashing} from "../../src/common/Hashing.sol";
import {L2Outbox} from "../../src/l2/L2Outbox.sol";
import {BridgeVault} from "../../src/bridge/BridgeVault.sol";
import {IChainRegistry} from "../../src/registry/IChainRegistry.sol";
import {BatchHeader, BatchLib} from "../../src/settlement/BatchLib.sol";
import {PriorityOp} from "../../src/settlement/IPriorityQueue.sol";
import {PriorityQueue} from "../../src/settlement/PriorityQueue.sol";

/// @notice Checks the contracts' encodings against the vectors computed by the Rust crate
/// `fractal-primitives` (`fractal vectors` writes shared.json; CI fails when the file is stale).
contract SharedVectorsTest is Test {
    string internal json;

    function setUp() public {
        json = vm.readFile(string.concat(vm.projectRoot(), "/contracts/test/vectors/shared.json"));
    }

    function _key(string memory prefix, uint256 i, string memory field)
        internal
        pure
        returns (string memory)
    {
        return string.concat(prefix, "[", _itoa(i), "].", field);
    }

    function _itoa(uint256 i) internal pure returns (string memory) {
        if (i < 10) return string(abi.encodePacked(bytes1(uint8(48 + i))));
        return string(abi.encodePacked(_itoa(i / 10), bytes1(uint8(48 + (i % 10)))));
    }

    function test_PoseidonMatchesRust() public view {
        for (uint256 i = 0; i < 4; ++i) {
            uint256[] memory inputs = vm.parseJsonUintArray(json, _key(".poseidon", i, "inputs"));
            uint256 expected = vm.parseJsonUint(json, _key(".poseidon", i, "output"));
            uint256 actual = inputs.length == 2
                ? PoseidonT3.hash([inputs[0], inputs[1]])
                : inputs.length == 3
                    ? PoseidonT4.hash([inputs[0], inputs[1], inputs[2]])
                    : PoseidonT5.hash([inputs[0], inputs[1], inputs[2], inputs[3]]);
            assertEq(actual, expected, "poseidon");
        }
    }

    function test_PayloadHashMatchesRust() public view {
        for (uint256 i = 0; i < 9; ++i) {
            bytes memory payload = vm.parseJsonBytes(json, _key(".payloadHashes", i, "payload"));
            assertEq(Hashing.payloadHash(payload), vm.parseJsonUint(json, _key(".payloadHashes", i, "hash")));
        }
    }

    function test_PubdataEvaluationMatchesRust() public {
        PubdataEvaluationHarness harness = new PubdataEvaluationHarness();
        for (uint256 i = 0; i < 8; ++i) {
            bytes memory data = vm.parseJsonBytes(json, _key(".pubdataEvaluations", i, "bytes"));
            uint256 z = vm.parseJsonUint(json, _key(".pubdataEvaluations", i, "z"));
            uint256 rows = vm.parseJsonUint(json, _key(".pubdataEvaluations", i, "rowCommitment"));
            assertEq(harness.challenge(keccak256(data), rows), z, "challenge");
            assertEq(
                harness.evaluate(data, z), vm.parseJsonUint(json, _key(".pubdataEvaluations", i, "y")), "y"
            );
        }
    }

    /// @dev Version-2 pubdata of two batches (the encoder's, and one in longer forms): the run of write rows
    /// the contract cuts out, the point from Rust's row commitment, and the run's evaluation there.
    function test_PubdataWriteRunsMatchRust() public {
        PubdataEvaluationHarness harness = new PubdataEvaluationHarness();
        for (uint256 i = 0; i < 2; ++i) {
            bytes memory pubdata = vm.parseJsonBytes(json, _key(".pubdataRows", i, "pubdata"));
            assertEq(
                harness.writeRun(pubdata), vm.parseJsonBytes(json, _key(".pubdataRows", i, "run")), "run"
            );
            (uint256 z, uint256 y, uint256 writesLength) = harness.evaluateWrites(
                pubdata, vm.parseJsonUint(json, _key(".pubdataRows", i, "rowCommitment"))
            );
            assertEq(writesLength, vm.parseJsonBytes(json, _key(".pubdataRows", i, "run")).length, "length");
            assertEq(z, vm.parseJsonUint(json, _key(".pubdataRows", i, "z")), "z");
            assertEq(y, vm.parseJsonUint(json, _key(".pubdataRows", i, "y")), "y");
        }
    }

    /// @dev Vector message `i`.
    function _message(uint256 i) internal view returns (Hashing.Message memory) {
        return Hashing.Message({
            sourceChainId: uint64(vm.parseJsonUint(json, _key(".messages", i, "sourceChainId"))),
            nonce: uint64(vm.parseJsonUint(json, _key(".messages", i, "nonce"))),
            sender: vm.parseJsonAddress(json, _key(".messages", i, "sender")),
            destinationChainId: uint64(vm.parseJsonUint(json, _key(".messages", i, "destinationChainId"))),
            recipient: vm.parseJsonAddress(json, _key(".messages", i, "recipient")),
            payload: vm.parseJsonBytes(json, _key(".messages", i, "payload"))
        });
    }

    function test_MessageLeavesAndTreeMatchRust() public view {
        uint256 root = vm.parseJsonUint(json, ".messageRoot");
        for (uint256 i = 0; i < 3; ++i) {
            Hashing.Message memory m = _message(i);
            uint256 leaf = Hashing.messageLeaf(m);
            assertEq(leaf, vm.parseJsonUint(json, _key(".messages", i, "leaf")), "leaf");
            uint256[] memory siblings = vm.parseJsonUintArray(json, _key(".messages", i, "siblings"));
            assertEq(Hashing.merkleRoot(leaf, i, siblings), root, "message root");
        }
    }

    /// @dev The outbox's message chain after the three vector messages, from genesis: Rust's fold, Solidity's
    /// fold of `Hashing.messageLeaf`, and what the outbox itself stores when it sends them (on the vector
    /// chain, from the vector sender).
    function test_MessageChainMatchesRust() public {
        uint256 expected = vm.parseJsonUint(json, ".messageChain");
        vm.etch(FractalConstants.L2_OUTBOX, type(L2Outbox).runtimeCode);
        uint256 chain;
        for (uint256 i = 0; i < 3; ++i) {
            Hashing.Message memory m = _message(i);
            chain = Hashing.messageChainStep(chain, Hashing.messageLeaf(m));
            vm.chainId(m.sourceChainId);
            vm.prank(m.sender);
            assertEq(
                uint256(
                    L2Outbox(FractalConstants.L2_OUTBOX)
                        .sendMessage(m.destinationChainId, m.recipient, m.payload)
                ),
                m.nonce,
                "nonce"
            );
        }
        assertEq(chain, expected, "Solidity fold");
        assertEq(L2Outbox(FractalConstants.L2_OUTBOX).messageChain(), expected, "outbox");
    }

    function test_StateKeysAndProofsMatchRust() public {
        BridgeVault vault = new BridgeVault(IChainRegistry(address(1)));
        assertEq(vm.parseJsonUint(json, ".state.emptyRoot"), Hashing.EMPTY_STATE_ROOT, "empty root");
        uint256 root = vm.parseJsonUint(json, ".state.root");
        for (uint256 i = 0; i < 4; ++i) {
            address account = vm.parseJsonAddress(json, _key(".state.entries", i, "account"));
            address token = vm.parseJsonAddress(json, _key(".state.entries", i, "token"));
            uint256 key = vm.parseJsonUint(json, _key(".state.entries", i, "key"));
            assertEq(vault.balanceKey(account, token), key, "balance key");
            uint256 index = vm.parseJsonUint(json, _key(".state.entries", i, "index"));
            uint256 value = vm.parseJsonUint(json, _key(".state.entries", i, "value"));
            uint256[3][16] memory siblings;
            for (uint256 l = 0; l < 16; ++l) {
                uint256[] memory level = vm.parseJsonUintArray(
                    json, string.concat(_key(".state.entries", i, "siblings"), "[", _itoa(l), "]")
                );
                assertEq(level.length, 3, "three siblings per level");
                (siblings[l][0], siblings[l][1], siblings[l][2]) = (level[0], level[1], level[2]);
            }
            assertEq(Hashing.stateRoot(index, key, value, siblings), root, "state root");
        }
    }

    function test_PriorityOpsMatchRust() public {
        PriorityQueue queue = new PriorityQueue();
        uint256 chainId = vm.parseJsonUint(json, ".priorityOps.chainId");
        bytes32 rolling;
        for (uint256 i = 0; i < 3; ++i) {
            string memory p = ".priorityOps.ops";
            PriorityOp memory op = PriorityOp({
                index: uint64(vm.parseJsonUint(json, _key(p, i, "index"))),
                l2Sender: vm.parseJsonAddress(json, _key(p, i, "l2Sender")),
                target: vm.parseJsonAddress(json, _key(p, i, "target")),
                mint: vm.parseJsonUint(json, _key(p, i, "mint")),
                l2Value: vm.parseJsonUint(json, _key(p, i, "l2Value")),
                gasLimit: vm.parseJsonUint(json, _key(p, i, "gasLimit")),
                refundRecipient: vm.parseJsonAddress(json, _key(p, i, "refundRecipient")),
                deadline: uint64(vm.parseJsonUint(json, _key(p, i, "deadline"))),
                data: vm.parseJsonBytes(json, _key(p, i, "data"))
            });
            bytes32 h = queue.hashOp(chainId, op);
            assertEq(h, vm.parseJsonBytes32(json, _key(p, i, "hash")), "op hash");
            rolling = keccak256(abi.encode(rolling, h));
            assertEq(rolling, vm.parseJsonBytes32(json, _key(p, i, "rolling")), "rolling hash");
        }
    }

    function test_BatchHeaderMatchesRust() public view {
        BatchHeader memory h = BatchHeader({
            batchNumber: uint64(vm.parseJsonUint(json, ".batch.batchNumber")),
            timestamp: uint64(vm.parseJsonUint(json, ".batch.timestamp")),
            priorityOpsCount: uint64(vm.parseJsonUint(json, ".batch.priorityOpsCount")),
            prevStateRoot: vm.parseJsonBytes32(json, ".batch.prevStateRoot"),
            newStateRoot: vm.parseJsonBytes32(json, ".batch.newStateRoot"),
            pubdataCommitment: vm.parseJsonBytes32(json, ".batch.pubdataCommitment"),
            messageRoot: vm.parseJsonBytes32(json, ".batch.messageRoot"),
            priorityOpsHash: vm.parseJsonBytes32(json, ".batch.priorityOpsHash"),
            childRootsAggregated: vm.parseJsonBytes32(json, ".batch.childRootsAggregated"),
            importedRootsHash: vm.parseJsonBytes32(json, ".batch.importedRootsHash"),
            rowCommitment: vm.parseJsonBytes32(json, ".batch.rowCommitment"),
            writesEvaluation: vm.parseJsonBytes32(json, ".batch.writesEvaluation"),
            writesLength: uint32(vm.parseJsonUint(json, ".batch.writesLength"))
        });
        assertEq(BatchLib.hash(h), vm.parseJsonBytes32(json, ".batch.hash"), "header hash");
        uint256[] memory expected = vm.parseJsonUintArray(json, ".batch.publicInputs");
        uint256[] memory actual = BatchLib.publicInputs(vm.parseJsonUint(json, ".batch.chainId"), h);
        assertEq(actual.length, expected.length, "public input count");
        for (uint256 i = 0; i < actual.length; ++i) {
            assertEq(actual[i], expected[i], "public input");
        }
    }
}
