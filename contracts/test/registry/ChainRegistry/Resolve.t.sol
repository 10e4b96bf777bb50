// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {ChainRegistry} from "../../../src/registry/ChainRegistry.sol";
import {IChainRegistry} from "../../../src/registry/IChainRegistry.sol";
import {
    RegistryUnknownChain,
    RegistryUnknownName,
    RegistryUnknownSettlement
} from "../../../src/registry/RegistryErrors.sol";
import {RegistryBase} from "./RegistryBase.sol";

/// @notice ChainRegistry lookups: name ⇄ chain id ⇄ settlement ⇄ queue, and the host's own facts.
contract ResolveTest is RegistryBase {
    function test_Resolve_NameToIdToSettlementAndBack() public view {
        uint256 id = registry.chainIdOf("base");
        assertEq(id, CHAIN_ID);
        address s = registry.settlementOf(id);
        assertEq(s, address(settlement));
        assertEq(registry.chainIdOfSettlement(s), CHAIN_ID);
        assertEq(registry.priorityQueueOf(id), address(queue));
        assertEq(registry.chain(id).name, "base");
    }

    function test_Resolve_SeveralChainsInRegistrationOrder() public {
        (address s2,) = registry.registerChain(params("reddit", OTHER_ID));
        (address s3,) = registry.registerChain(params("game", 7));
        assertEq(registry.chainCount(), 3);
        assertEq(registry.chainIdAt(1), OTHER_ID);
        assertEq(registry.chainIdAt(2), 7);
        assertEq(registry.chainIdOf("reddit"), OTHER_ID);
        assertEq(registry.chainIdOf("game"), 7);
        assertEq(registry.chainIdOfSettlement(s2), OTHER_ID);
        assertEq(registry.chainIdOfSettlement(s3), 7);
        assertTrue(s2 != s3);
    }

    function test_Resolve_FullNamesUnderHost() public {
        ChainRegistry onBase = newRegistry("base", true);
        (address s,) = onBase.registerChain(params("reddit", OTHER_ID));
        assertEq(onBase.fullName("reddit"), "reddit.base");
        assertEq(onBase.chainIdOf("reddit.base"), OTHER_ID);
        assertEq(onBase.chainIdOfSettlement(s), OTHER_ID);
        assertEq(onBase.chain(OTHER_ID).parentChainId, block.chainid);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownName.selector, "reddit"));
        onBase.chainIdOf("reddit");
    }

    function test_Resolve_HostFacts() public {
        assertEq(registry.fullName("x"), "x");
        assertEq(registry.hostName(), "");
        assertEq(registry.hostChainId(), block.chainid);
        assertEq(registry.verifier(), address(verifier));
        assertEq(registry.bridgeVault(), address(vault));
        assertEq(registry.settlementImplementation(), address(settlementImpl));
        assertEq(registry.priorityQueueImplementation(), address(queueImpl));
        ChainRegistry onBase = newRegistry("base", false);
        assertEq(onBase.fullName("x"), "x.base");
        assertEq(onBase.hostName(), "base");
    }

    function test_RevertWhen_NameUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownName.selector, "nope"));
        registry.chainIdOf("nope");
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownName.selector, "BASE"));
        registry.chainIdOf("BASE");
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownName.selector, ""));
        registry.chainIdOf("");
    }

    function test_RevertWhen_ChainUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        registry.chain(999);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        registry.settlementOf(999);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        registry.priorityQueueOf(999);
        assertFalse(registry.isRegistered(999));
    }

    function test_RevertWhen_SettlementUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownSettlement.selector, address(queue)));
        registry.chainIdOfSettlement(address(queue));
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownSettlement.selector, address(settlementImpl)));
        registry.chainIdOfSettlement(address(settlementImpl));
    }

    function test_RevertWhen_ChainIndexOutOfRange() public {
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x32));
        registry.chainIdAt(1);
    }

    function testFuzz_Resolve_RoundTrip(uint256 chainId, uint8 labelLength) public {
        chainId = bound(chainId, 1, registry.MAX_CHAIN_ID());
        vm.assume(chainId != CHAIN_ID && chainId != block.chainid);
        bytes memory label = new bytes(bound(labelLength, 1, 32));
        for (uint256 i = 0; i < label.length; ++i) {
            label[i] = bytes1(uint8(0x61 + (uint256(keccak256(abi.encode(chainId, i))) % 26)));
        }
        vm.assume(keccak256(label) != keccak256("base"));
        (address s, address q) = registry.registerChain(params(string(label), chainId));
        assertEq(registry.chainIdOf(string(label)), chainId);
        assertEq(registry.settlementOf(chainId), s);
        assertEq(registry.priorityQueueOf(chainId), q);
        assertEq(registry.chainIdOfSettlement(s), chainId);
        IChainRegistry.ChainRecord memory r = registry.chain(chainId);
        assertEq(r.name, string(label));
    }
}
