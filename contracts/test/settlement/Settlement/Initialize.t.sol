// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import "../../../src/settlement/SettlementErrors.sol";
import {Vm} from "../../utils/Test.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @notice `Settlement.initialize` through the registry and on bare clones: genesis as batch 0, wiring,
/// and the one-time guard.
contract SettlementInitializeTest is Fixture {
    function _params() private view returns (ISettlement.InitParams memory) {
        return ISettlement.InitParams({
            chainId: 77,
            verifier: address(verifier),
            daPolicy: address(daPolicy),
            priorityQueue: address(queue),
            admin: ADMIN,
            operator: OPERATOR,
            genesisStateRoot: GENESIS_STATE_ROOT,
            genesisTimestamp: GENESIS_TIME
        });
    }

    function _clone() private returns (Settlement) {
        return Settlement(Clones.clone(address(settlementImpl)));
    }

    function test_RegisteredChainIsWired() public view {
        assertEq(settlement.chainId(), CHAIN_ID);
        assertEq(settlement.verifier(), address(verifier));
        assertEq(settlement.daPolicy(), address(daPolicy));
        assertEq(settlement.priorityQueue(), address(queue));
        assertEq(queue.settlement(), address(settlement));
        assertEq(queue.vault(), address(vault));
        assertEq(queue.chainId(), CHAIN_ID);
        assertEq(queue.maxDelay(), PRIORITY_TX_MAX_DELAY);
        assertEq(registry.settlementOf(CHAIN_ID), address(settlement));
        assertEq(registry.priorityQueueOf(CHAIN_ID), address(queue));
        assertFalse(settlement.isFrozen());
    }

    function test_GenesisIsBatchZero() public view {
        BatchHeader memory g = settlement.genesisHeader(GENESIS_STATE_ROOT, GENESIS_TIME);
        assertEq(g.batchNumber, 0);
        assertEq(g.timestamp, GENESIS_TIME);
        assertEq(g.priorityOpsCount, 0);
        assertEq(g.prevStateRoot, bytes32(0));
        assertEq(g.newStateRoot, GENESIS_STATE_ROOT);
        assertEq(g.pubdataCommitment, bytes32(0));
        assertEq(g.messageRoot, bytes32(0));
        assertEq(g.priorityOpsHash, bytes32(0));
        assertEq(g.childRootsAggregated, bytes32(0));
        assertEq(g.importedRootsHash, bytes32(0));
        assertEq(g.rowCommitment, bytes32(0));
        assertEq(g.writesEvaluation, bytes32(0));
        assertEq(g.writesLength, 0);

        assertEq(settlement.batchHash(0), expectedBatchHash(g));
        assertEq(settlement.stateRoot(0), GENESIS_STATE_ROOT);
        assertEq(settlement.lastExecutedStateRoot(), GENESIS_STATE_ROOT);
        assertEq(settlement.messageRoot(0), bytes32(0));
        assertEq(settlement.totalBatchesCommitted(), 0);
        assertEq(settlement.totalBatchesProven(), 0);
        assertEq(settlement.totalBatchesExecuted(), 0);
    }

    function test_InitializeEmitsEvents() public {
        Settlement s = _clone();
        ISettlement.InitParams memory p = _params();
        bytes32 genesisHash = expectedBatchHash(s.genesisHeader(p.genesisStateRoot, p.genesisTimestamp));
        vm.expectEmit(true, true, true, true, address(s));
        emit ISettlement.ChainInitialized(77, GENESIS_STATE_ROOT, genesisHash);
        vm.expectEmit(true, true, true, true, address(s));
        emit ISettlement.AdminTransferred(address(0), ADMIN);
        vm.expectEmit(true, true, true, true, address(s));
        emit ISettlement.OperatorSet(OPERATOR, true);
        s.initialize(p);
        assertEq(s.batchHash(0), genesisHash);
    }

    function test_RegistrationInitializesThroughTheRegistry() public {
        vm.recordLogs();
        (Settlement s,) = registerChain("second", 5555, fieldElement(5));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool seen;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(s) && logs[i].topics[0] == ISettlement.ChainInitialized.selector) {
                assertEq(logs[i].topics[1], bytes32(uint256(5555)));
                seen = true;
            }
        }
        assertTrue(seen, "ChainInitialized emitted by the clone");
        assertEq(s.stateRoot(0), fieldElement(5));
        assertEq(s.admin(), ADMIN);
    }

    // ------------------------------------------------------------------ errors

    function test_RevertWhen_InitializedTwice() public {
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        settlement.initialize(_params());
    }

    function test_RevertWhen_ImplementationInitialized() public {
        vm.expectRevert(abi.encodeWithSelector(Initializable.InvalidInitialization.selector));
        settlementImpl.initialize(_params());
    }

    function test_RevertWhen_InitializeZeroAddress() public {
        for (uint256 i = 0; i < 5; ++i) {
            ISettlement.InitParams memory p = _params();
            if (i == 0) p.verifier = address(0);
            if (i == 1) p.daPolicy = address(0);
            if (i == 2) p.priorityQueue = address(0);
            if (i == 3) p.admin = address(0);
            if (i == 4) p.operator = address(0);
            Settlement s = _clone();
            vm.expectRevert(abi.encodeWithSelector(SettlementZeroAddress.selector));
            s.initialize(p);
        }
    }

    function test_RevertWhen_GenesisRootOutOfRange() public {
        bytes32 bad = bytes32(FractalConstants.FIELD_MODULUS);
        vm.expectRevert(abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 0));
        registry.registerChain(chainParams("bad", 6666, bad));

        ISettlement.InitParams memory p = _params();
        p.genesisStateRoot = bytes32(type(uint256).max);
        Settlement s = _clone();
        vm.expectRevert(abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 0));
        s.initialize(p);
    }

    function test_GenesisRootAtModulusMinusOne() public {
        (Settlement s,) = registerChain("edge", 6667, bytes32(FractalConstants.FIELD_MODULUS - 1));
        assertEq(s.lastExecutedStateRoot(), bytes32(FractalConstants.FIELD_MODULUS - 1));
    }
}
