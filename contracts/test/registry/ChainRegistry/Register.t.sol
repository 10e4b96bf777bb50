// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Initializable} from "@openzeppelin/contracts/proxy/utils/Initializable.sol";
import {ChainRegistry} from "../../../src/registry/ChainRegistry.sol";
import {IChainRegistry} from "../../../src/registry/IChainRegistry.sol";
import {
    RegistryChainIdInvalid,
    RegistryChainIdTaken,
    RegistryLabelInvalid,
    RegistryNameTaken,
    RegistryPriorityDelayOutOfRange,
    RegistryRpcHintTooLong,
    RegistryZeroAddress
} from "../../../src/registry/RegistryErrors.sol";
import {ISettlement} from "../../../src/settlement/ISettlement.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import {SettlementFieldOutOfRange} from "../../../src/settlement/SettlementErrors.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {RegistryBase} from "./RegistryBase.sol";

/// @notice ChainRegistry.registerChain: what a registration stores and wires, and every rule it enforces.
contract RegisterTest is RegistryBase {
    // ---------------------------------------------------------------- success

    function test_RegisterChain_StoresRecord() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.sequencerMode = IChainRegistry.SequencerMode.PriorityQueueOnly;
        p.rpcHint = "https://rpc.reddit.example";
        (address s, address q) = registry.registerChain(p);

        IChainRegistry.ChainRecord memory r = registry.chain(OTHER_ID);
        assertEq(r.chainId, OTHER_ID);
        assertEq(r.parentChainId, block.chainid);
        assertEq(r.name, OTHER_LABEL);
        assertEq(r.settlement, s);
        assertEq(r.priorityQueue, q);
        assertEq(r.daPolicy, address(daPolicy));
        assertEq(uint256(r.sequencerMode), uint256(IChainRegistry.SequencerMode.PriorityQueueOnly));
        assertEq(r.rpcHint, "https://rpc.reddit.example");
        assertTrue(registry.isRegistered(OTHER_ID));
        assertEq(registry.chainCount(), 2);
        assertEq(registry.chainIdAt(0), CHAIN_ID);
        assertEq(registry.chainIdAt(1), OTHER_ID);
    }

    function test_RegisterChain_EmitsChainRegistered() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        (address s, address q) = nextClones(registry);
        vm.expectEmit(true, true, true, true, address(registry));
        emit IChainRegistry.ChainRegistered(
            OTHER_ID, OTHER_LABEL, s, q, address(daPolicy), p.sequencerMode, p.genesisStateRoot
        );
        (address gotS, address gotQ) = registry.registerChain(p);
        assertEq(gotS, s);
        assertEq(gotQ, q);
    }

    function test_RegisterChain_WiresSettlementClone() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        (address sAddr, address qAddr) = registry.registerChain(p);
        Settlement s = Settlement(sAddr);
        assertTrue(sAddr != address(settlementImpl));
        assertEq(s.chainId(), OTHER_ID);
        assertEq(s.verifier(), address(verifier));
        assertEq(s.daPolicy(), address(daPolicy));
        assertEq(s.priorityQueue(), qAddr);
        assertEq(s.admin(), ADMIN);
        assertTrue(s.isOperator(OPERATOR));
        assertEq(s.lastExecutedStateRoot(), p.genesisStateRoot);
        assertEq(
            s.batchHash(0), expectedBatchHash(s.genesisHeader(p.genesisStateRoot, uint64(block.timestamp)))
        );
        assertFalse(s.isFrozen());
    }

    function test_RegisterChain_WiresQueueClone() public {
        (address sAddr, address qAddr) = registry.registerChain(params(OTHER_LABEL, OTHER_ID));
        PriorityQueue q = PriorityQueue(qAddr);
        assertTrue(qAddr != address(queueImpl));
        assertEq(q.chainId(), OTHER_ID);
        assertEq(q.settlement(), sAddr);
        assertEq(q.vault(), address(vault));
        assertEq(uint256(q.maxDelay()), uint256(PRIORITY_TX_MAX_DELAY));
        assertEq(uint256(q.length()), 0);
    }

    function test_RegisterChain_FullNameOnL1IsTheLabel() public view {
        assertEq(registry.chain(CHAIN_ID).name, "base");
        assertEq(registry.chainIdOf("base"), CHAIN_ID);
    }

    function test_RegisterChain_FullNameUnderHost() public {
        ChainRegistry onBase = newRegistry("base", true);
        onBase.registerChain(params("reddit", OTHER_ID));
        assertEq(onBase.chain(OTHER_ID).name, "reddit.base");
        assertEq(onBase.chainIdOf("reddit.base"), OTHER_ID);
    }

    function test_RegisterChain_AcceptsEdgeLabels() public {
        string[5] memory labels = ["a", "0", "a-b", "9-z--0", "abcdefghijklmnopqrstuvwxyz012345"];
        for (uint256 i = 0; i < labels.length; ++i) {
            registry.registerChain(params(labels[i], 5000 + i));
            assertEq(registry.chainIdOf(labels[i]), 5000 + i);
        }
    }

    function test_RegisterChain_AcceptsChainIdBounds() public {
        registry.registerChain(params("one", 1));
        registry.registerChain(params("max", registry.MAX_CHAIN_ID()));
        assertTrue(registry.isRegistered(1));
        assertTrue(registry.isRegistered(registry.MAX_CHAIN_ID()));
    }

    function test_RegisterChain_AcceptsDelayBounds() public {
        IChainRegistry.ChainParams memory p = params("fast", 5001);
        p.priorityTxMaxDelay = registry.MIN_PRIORITY_DELAY();
        (, address q1) = registry.registerChain(p);
        p = params("slow", 5002);
        p.priorityTxMaxDelay = registry.MAX_PRIORITY_DELAY();
        (, address q2) = registry.registerChain(p);
        assertEq(uint256(PriorityQueue(q1).maxDelay()), 1 minutes);
        assertEq(uint256(PriorityQueue(q2).maxDelay()), 30 days);
    }

    function test_RegisterChain_AcceptsRpcHintAtMaxLength() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.rpcHint = string(new bytes(256));
        registry.registerChain(p);
        assertEq(bytes(registry.chain(OTHER_ID).rpcHint).length, 256);
    }

    function test_RegisterChain_IsPermissionless() public {
        vm.prank(STRANGER);
        registry.registerChain(params(OTHER_LABEL, OTHER_ID));
        assertTrue(registry.isRegistered(OTHER_ID));
    }

    // ---------------------------------------------------------------- labels

    function test_RevertWhen_LabelInvalid() public {
        string[11] memory bad = [
            "",
            "abcdefghijklmnopqrstuvwxyz0123456",
            "-a",
            "a-",
            "-",
            "Base",
            "a.b",
            "a_b",
            "a b",
            unicode"é",
            "base\x00"
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(RegistryLabelInvalid.selector, bad[i]));
            registry.registerChain(params(bad[i], 5000 + i));
        }
    }

    function testFuzz_LabelRules(bytes memory label) public {
        IChainRegistry.ChainParams memory p = params(string(label), OTHER_ID);
        if (!isValidLabel(label)) {
            vm.expectRevert(abi.encodeWithSelector(RegistryLabelInvalid.selector, string(label)));
            registry.registerChain(p);
        } else if (keccak256(label) == keccak256(bytes(CHAIN_LABEL))) {
            vm.expectRevert(abi.encodeWithSelector(RegistryNameTaken.selector, CHAIN_LABEL));
            registry.registerChain(p);
        } else {
            registry.registerChain(p);
            assertEq(registry.chainIdOf(string(label)), OTHER_ID);
        }
    }

    function testFuzz_RevertWhen_LabelHasForbiddenByte(uint8 c, uint256 position, uint256 length) public {
        vm.assume(!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d));
        length = bound(length, 1, 32);
        bytes memory label = new bytes(length);
        for (uint256 i = 0; i < length; ++i) {
            label[i] = "a";
        }
        label[bound(position, 0, length - 1)] = bytes1(c);
        vm.expectRevert(abi.encodeWithSelector(RegistryLabelInvalid.selector, string(label)));
        registry.registerChain(params(string(label), OTHER_ID));
    }

    // ---------------------------------------------------------------- chain ids

    function test_RevertWhen_ChainIdZero() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryChainIdInvalid.selector, 0));
        registry.registerChain(params(OTHER_LABEL, 0));
    }

    function test_RevertWhen_ChainIdAboveMax() public {
        uint256 tooLarge = registry.MAX_CHAIN_ID() + 1;
        vm.expectRevert(abi.encodeWithSelector(RegistryChainIdInvalid.selector, tooLarge));
        registry.registerChain(params(OTHER_LABEL, tooLarge));
        vm.expectRevert(abi.encodeWithSelector(RegistryChainIdInvalid.selector, type(uint256).max));
        registry.registerChain(params(OTHER_LABEL, type(uint256).max));
    }

    function test_RevertWhen_ChainIdIsHostChainId() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryChainIdInvalid.selector, block.chainid));
        registry.registerChain(params(OTHER_LABEL, block.chainid));
    }

    function test_RevertWhen_ChainIdIsDeploymentChainIdAfterFork() public {
        // The host id is fixed at deployment: a later chain-id change does not open the old one.
        uint256 host = block.chainid;
        vm.chainId(host + 1000);
        vm.expectRevert(abi.encodeWithSelector(RegistryChainIdInvalid.selector, host));
        registry.registerChain(params(OTHER_LABEL, host));
    }

    function test_RevertWhen_ChainIdTaken() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryChainIdTaken.selector, CHAIN_ID));
        registry.registerChain(params(OTHER_LABEL, CHAIN_ID));
    }

    function testFuzz_ChainIdRules(uint256 chainId) public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, chainId);
        if (chainId == 0 || chainId > registry.MAX_CHAIN_ID() || chainId == block.chainid) {
            vm.expectRevert(abi.encodeWithSelector(RegistryChainIdInvalid.selector, chainId));
        } else if (chainId == CHAIN_ID) {
            vm.expectRevert(abi.encodeWithSelector(RegistryChainIdTaken.selector, chainId));
        }
        registry.registerChain(p);
    }

    // ---------------------------------------------------------------- names, addresses, delays, hints

    function test_RevertWhen_NameTaken() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryNameTaken.selector, "base"));
        registry.registerChain(params("base", OTHER_ID));
    }

    function test_RevertWhen_NameTakenUnderHost() public {
        ChainRegistry onBase = newRegistry("base", true);
        onBase.registerChain(params("reddit", OTHER_ID));
        vm.expectRevert(abi.encodeWithSelector(RegistryNameTaken.selector, "reddit.base"));
        onBase.registerChain(params("reddit", OTHER_ID + 1));
    }

    function test_RevertWhen_DaPolicyZero() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.daPolicy = address(0);
        vm.expectRevert(RegistryZeroAddress.selector);
        registry.registerChain(p);
    }

    function test_RevertWhen_AdminZero() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.admin = address(0);
        vm.expectRevert(RegistryZeroAddress.selector);
        registry.registerChain(p);
    }

    function test_RevertWhen_OperatorZero() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.operator = address(0);
        vm.expectRevert(RegistryZeroAddress.selector);
        registry.registerChain(p);
    }

    function test_RevertWhen_PriorityDelayBelowMin() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.priorityTxMaxDelay = 1 minutes - 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                RegistryPriorityDelayOutOfRange.selector, 1 minutes - 1, 1 minutes, 30 days
            )
        );
        registry.registerChain(p);
    }

    function test_RevertWhen_PriorityDelayAboveMax() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.priorityTxMaxDelay = 30 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(RegistryPriorityDelayOutOfRange.selector, 30 days + 1, 1 minutes, 30 days)
        );
        registry.registerChain(p);
    }

    function testFuzz_PriorityDelayRules(uint64 delay) public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.priorityTxMaxDelay = delay;
        if (delay < 1 minutes || delay > 30 days) {
            vm.expectRevert(
                abi.encodeWithSelector(RegistryPriorityDelayOutOfRange.selector, delay, 1 minutes, 30 days)
            );
        }
        registry.registerChain(p);
    }

    function test_RevertWhen_RpcHintTooLong() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.rpcHint = string(new bytes(257));
        vm.expectRevert(abi.encodeWithSelector(RegistryRpcHintTooLong.selector, 257, 256));
        registry.registerChain(p);
    }

    function test_RevertWhen_GenesisRootOutsideField() public {
        IChainRegistry.ChainParams memory p = params(OTHER_LABEL, OTHER_ID);
        p.genesisStateRoot = bytes32(FractalConstants.FIELD_MODULUS);
        vm.expectRevert(abi.encodeWithSelector(SettlementFieldOutOfRange.selector, 0));
        registry.registerChain(p);
    }

    // ---------------------------------------------------------------- constructor

    function test_RevertWhen_ConstructedWithZeroAddress() public {
        vm.expectRevert(RegistryZeroAddress.selector);
        new ChainRegistry("", address(0), address(settlementImpl), address(queueImpl));
        vm.expectRevert(RegistryZeroAddress.selector);
        new ChainRegistry("", address(verifier), address(0), address(queueImpl));
        vm.expectRevert(RegistryZeroAddress.selector);
        new ChainRegistry("", address(verifier), address(settlementImpl), address(0));
    }

    function test_RevertWhen_ConstructedWithInvalidHostName() public {
        string[6] memory bad = ["Base", "base.", ".base", "a..b", "-base", "base.Reddit"];
        for (uint256 i = 0; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(RegistryLabelInvalid.selector, bad[i]));
            new ChainRegistry(bad[i], address(verifier), address(settlementImpl), address(queueImpl));
        }
    }

    function test_Constructor_AcceptsNestedHostName() public {
        ChainRegistry r = newRegistry("reddit.base", true);
        assertEq(r.hostName(), "reddit.base");
        r.registerChain(params("game", OTHER_ID));
        assertEq(r.chain(OTHER_ID).name, "game.reddit.base");
    }

    // ---------------------------------------------------------------- clones are initialized once

    function test_RevertWhen_SettlementCloneInitializedAgain() public {
        ISettlement.InitParams memory init = ISettlement.InitParams({
            chainId: 1,
            verifier: address(1),
            daPolicy: address(1),
            priorityQueue: address(1),
            admin: STRANGER,
            operator: STRANGER,
            genesisStateRoot: bytes32(0),
            genesisTimestamp: 0
        });
        vm.prank(STRANGER);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        settlement.initialize(init);
    }

    function test_RevertWhen_QueueCloneInitializedAgain() public {
        vm.prank(STRANGER);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        queue.initialize(1, STRANGER, STRANGER, 1 minutes);
    }

    function test_RevertWhen_ImplementationsInitialized() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        queueImpl.initialize(1, STRANGER, STRANGER, 1 minutes);
        ISettlement.InitParams memory init;
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        settlementImpl.initialize(init);
    }
}
