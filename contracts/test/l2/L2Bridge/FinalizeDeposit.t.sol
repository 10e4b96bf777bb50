// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IL2Bridge} from "../../../src/bridge/IL2Bridge.sol";
import {L2BridgeNotVault} from "../../../src/l2/L2Errors.sol";
import {SystemBase} from "../SystemBase.sol";

/// @notice L2Bridge.finalizeDeposit: credited only from alias(vault), as the vault's priority operation
/// calls it.
contract FinalizeDepositTest is SystemBase {
    // ---------------------------------------------------------------- success

    function test_FinalizeDeposit_CreditsFromTheAliasedVault() public {
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.DepositFinalized(TOKEN, ALICE, BOB, 500);
        deposit(BOB, 500);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 500);
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 0);
    }

    function test_FinalizeDeposit_Accumulates() public {
        deposit(BOB, 500);
        deposit(BOB, 25);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 525);
    }

    function test_FinalizeDeposit_KeepsTokensApart() public {
        deposit(TOKEN, BOB, 5);
        deposit(OTHER_TOKEN, BOB, 9);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 5);
        assertEq(BRIDGE.balanceOf(OTHER_TOKEN, BOB), 9);
    }

    function test_FinalizeDeposit_AliasWrapsAround() public {
        // alias(0xff…ff) = 0x1111…1110: the addition is modulo 2^160.
        address vault = address(type(uint160).max);
        configure(vault, PARENT_ID);
        assertEq(aliasOf(vault), address(0x1111000000000000000000000000000000001110));
        vm.prank(address(0x1111000000000000000000000000000000001110));
        BRIDGE.finalizeDeposit(TOKEN, ALICE, BOB, 3);
        assertEq(BRIDGE.balanceOf(TOKEN, BOB), 3);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_FinalizeDepositFromTheUnaliasedVault() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNotVault.selector, VAULT, aliasOf(VAULT)));
        vm.prank(VAULT);
        BRIDGE.finalizeDeposit(TOKEN, ALICE, BOB, 1);
    }

    function test_RevertWhen_FinalizeDepositFromAnAccount() public {
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNotVault.selector, ALICE, aliasOf(VAULT)));
        vm.prank(ALICE);
        BRIDGE.finalizeDeposit(TOKEN, ALICE, ALICE, 1);
    }

    function test_RevertWhen_FinalizeDepositOnAChainWithoutParent() public {
        configure(address(0), 0);
        // Not even the alias of the zero address may mint.
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNotVault.selector, aliasOf(address(0)), address(0)));
        vm.prank(aliasOf(address(0)));
        BRIDGE.finalizeDeposit(TOKEN, ALICE, BOB, 1);
    }

    function test_RevertWhen_FinalizeDepositFromTheZeroAddressWithoutParent() public {
        configure(address(0), 0);
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNotVault.selector, address(0), address(0)));
        vm.prank(address(0));
        BRIDGE.finalizeDeposit(TOKEN, ALICE, BOB, 1);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_FinalizeDeposit_FromTheAliasOfAnyVault(address vault, address to, uint256 amount)
        public
    {
        vm.assume(vault != address(0));
        configure(vault, PARENT_ID);
        vm.expectEmit(true, true, true, true, address(BRIDGE));
        emit IL2Bridge.DepositFinalized(TOKEN, ALICE, to, amount);
        vm.prank(aliasOf(vault));
        BRIDGE.finalizeDeposit(TOKEN, ALICE, to, amount);
        assertEq(BRIDGE.balanceOf(TOKEN, to), amount);
    }

    function testFuzz_RevertWhen_FinalizeDepositFromAnyoneElse(address caller, uint256 amount) public {
        vm.assume(caller != aliasOf(VAULT));
        vm.expectRevert(abi.encodeWithSelector(L2BridgeNotVault.selector, caller, aliasOf(VAULT)));
        vm.prank(caller);
        BRIDGE.finalizeDeposit(TOKEN, ALICE, caller, amount);
        assertEq(BRIDGE.balanceOf(TOKEN, caller), 0);
    }
}
