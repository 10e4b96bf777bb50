// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {ChainRegistry} from "../../../src/registry/ChainRegistry.sol";
import {IChainRegistry} from "../../../src/registry/IChainRegistry.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import {
    RegistryBridgeVaultAlreadySet,
    RegistryBridgeVaultNotSet,
    RegistryCallerNotDeployer,
    RegistryZeroAddress
} from "../../../src/registry/RegistryErrors.sol";
import {RegistryBase} from "./RegistryBase.sol";

/// @notice ChainRegistry.setBridgeVault: once, by the deployer, before any registration.
contract VaultTest is RegistryBase {
    function test_SetBridgeVault_ByDeployer() public {
        ChainRegistry r = newRegistry("", false);
        assertEq(r.bridgeVault(), address(0));
        vm.expectEmit(true, true, true, true, address(r));
        emit IChainRegistry.BridgeVaultSet(address(vault));
        r.setBridgeVault(address(vault));
        assertEq(r.bridgeVault(), address(vault));
    }

    function test_SetBridgeVault_WiresEveryQueue() public {
        (, address q) = registry.registerChain(params(OTHER_LABEL, OTHER_ID));
        assertEq(PriorityQueue(q).vault(), address(vault));
        assertEq(queue.vault(), address(vault));
    }

    function test_RevertWhen_SetBridgeVaultTwice() public {
        vm.expectRevert(abi.encodeWithSelector(RegistryBridgeVaultAlreadySet.selector, address(vault)));
        registry.setBridgeVault(address(0xBEEF));
        // Even zero: the vault is final.
        vm.expectRevert(abi.encodeWithSelector(RegistryBridgeVaultAlreadySet.selector, address(vault)));
        registry.setBridgeVault(address(0));
    }

    function test_RevertWhen_SetBridgeVaultZero() public {
        ChainRegistry r = newRegistry("", false);
        vm.expectRevert(RegistryZeroAddress.selector);
        r.setBridgeVault(address(0));
    }

    function testFuzz_RevertWhen_SetBridgeVaultNotDeployer(address caller) public {
        ChainRegistry r = newRegistry("", false);
        vm.assume(caller != address(this));
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(RegistryCallerNotDeployer.selector, caller));
        r.setBridgeVault(address(vault));
    }

    function test_RevertWhen_RegisterBeforeVaultSet() public {
        ChainRegistry r = newRegistry("", false);
        vm.expectRevert(RegistryBridgeVaultNotSet.selector);
        r.registerChain(params(OTHER_LABEL, OTHER_ID));
        r.setBridgeVault(address(vault));
        r.registerChain(params(OTHER_LABEL, OTHER_ID));
        assertTrue(r.isRegistered(OTHER_ID));
    }
}
