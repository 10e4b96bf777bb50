// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IChainRegistry} from "../../../src/registry/IChainRegistry.sol";
import {
    RegistryCallerNotChainAdmin,
    RegistryRpcHintTooLong,
    RegistryUnknownChain
} from "../../../src/registry/RegistryErrors.sol";
import {RegistryBase} from "./RegistryBase.sol";

/// @notice ChainRegistry.setRpcHint: the chain admin's, length-bounded, evented.
contract RpcHintTest is RegistryBase {
    function test_SetRpcHint_ByChainAdmin() public {
        vm.expectEmit(true, true, true, true, address(registry));
        emit IChainRegistry.RpcHintUpdated(CHAIN_ID, "https://rpc.base.example");
        vm.prank(ADMIN);
        registry.setRpcHint(CHAIN_ID, "https://rpc.base.example");
        assertEq(registry.chain(CHAIN_ID).rpcHint, "https://rpc.base.example");
    }

    function test_SetRpcHint_AcceptsEmptyAndMaxLength() public {
        vm.prank(ADMIN);
        registry.setRpcHint(CHAIN_ID, "");
        assertEq(registry.chain(CHAIN_ID).rpcHint, "");
        string memory longest = string(new bytes(256));
        vm.prank(ADMIN);
        registry.setRpcHint(CHAIN_ID, longest);
        assertEq(registry.chain(CHAIN_ID).rpcHint, longest);
    }

    function test_SetRpcHint_FollowsAdminTransfer() public {
        vm.prank(ADMIN);
        settlement.transferAdmin(STRANGER);
        vm.prank(STRANGER);
        settlement.acceptAdmin();

        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(RegistryCallerNotChainAdmin.selector, CHAIN_ID, ADMIN));
        registry.setRpcHint(CHAIN_ID, "old admin");
        vm.prank(STRANGER);
        registry.setRpcHint(CHAIN_ID, "new admin");
        assertEq(registry.chain(CHAIN_ID).rpcHint, "new admin");
    }

    function test_SetRpcHint_OnlyTouchesItsChain() public {
        registry.registerChain(params(OTHER_LABEL, OTHER_ID));
        vm.prank(ADMIN);
        registry.setRpcHint(OTHER_ID, "other");
        assertEq(registry.chain(CHAIN_ID).rpcHint, RPC_HINT);
        assertEq(registry.chain(OTHER_ID).rpcHint, "other");
    }

    function test_RevertWhen_CallerNotChainAdmin() public {
        vm.prank(OPERATOR);
        vm.expectRevert(abi.encodeWithSelector(RegistryCallerNotChainAdmin.selector, CHAIN_ID, OPERATOR));
        registry.setRpcHint(CHAIN_ID, "x");
        // Not even the registry's deployer.
        vm.expectRevert(abi.encodeWithSelector(RegistryCallerNotChainAdmin.selector, CHAIN_ID, address(this)));
        registry.setRpcHint(CHAIN_ID, "x");
    }

    function testFuzz_RevertWhen_CallerNotChainAdmin(address caller) public {
        vm.assume(caller != ADMIN);
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(RegistryCallerNotChainAdmin.selector, CHAIN_ID, caller));
        registry.setRpcHint(CHAIN_ID, "x");
    }

    function test_RevertWhen_RpcHintTooLong() public {
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(RegistryRpcHintTooLong.selector, 257, 256));
        registry.setRpcHint(CHAIN_ID, string(new bytes(257)));
    }

    function test_RevertWhen_RpcHintForUnknownChain() public {
        vm.prank(ADMIN);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        registry.setRpcHint(999, "x");
    }
}
