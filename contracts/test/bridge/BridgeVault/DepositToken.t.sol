// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {VaultChainFrozen, VaultZeroAddress, VaultZeroAmount} from "../../../src/bridge/BridgeErrors.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";
import {IL2Bridge} from "../../../src/bridge/IL2Bridge.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {RegistryUnknownChain} from "../../../src/registry/RegistryErrors.sol";
import {PriorityOp} from "../../../src/settlement/IPriorityQueue.sol";
import {FeeOnTransferERC20} from "../mocks/FeeOnTransferERC20.sol";
import {VaultBase} from "../VaultBase.sol";

/// @notice BridgeVault.depositToken: custody of the amount actually received and the finalizeDeposit
/// request to the child's bridge.
contract DepositTokenTest is VaultBase {
    function test_DepositToken_LocksAndCreditsChain() public {
        uint64 index = depositToken(CHAIN_ID, address(token), USER, ALICE, 500e18);
        assertEq(uint256(index), 0);
        assertEq(token.balanceOf(address(vault)), 500e18);
        assertEq(token.balanceOf(USER), 0);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 500e18);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 0);
        assertEq(vault.chainBalance(OTHER_ID, address(token)), 0);
    }

    function test_DepositToken_EnqueuesFinalizeDeposit() public {
        vm.recordLogs();
        depositToken(CHAIN_ID, address(token), USER, ALICE, 500e18);
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        assertEq(op.l2Sender, aliasOf(address(vault)));
        assertEq(op.target, FractalConstants.L2_BRIDGE);
        assertEq(op.mint, 0);
        assertEq(op.l2Value, 0);
        assertEq(op.gasLimit, vault.DEPOSIT_GAS_LIMIT());
        assertEq(op.refundRecipient, USER);
        assertEq(op.data, abi.encodeCall(IL2Bridge.finalizeDeposit, (address(token), USER, ALICE, 500e18)));
        assertTrue(queue.isRequest(op));
    }

    function test_DepositToken_EmitsTokenDeposited() public {
        token.mint(USER, 7);
        vm.prank(USER);
        token.approve(address(vault), 7);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.TokenDeposited(CHAIN_ID, 0, USER, address(token), ALICE, 7);
        vm.prank(USER, USER);
        vault.depositToken(CHAIN_ID, address(token), 7, ALICE);
    }

    function test_DepositToken_FeeOnTransferCreditsAmountReceived() public {
        uint256 fee = feeToken.feeOf(1000e18);
        uint256 received = 1000e18 - fee;
        feeToken.mint(USER, 1000e18);
        vm.prank(USER);
        feeToken.approve(address(vault), 1000e18);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.TokenDeposited(CHAIN_ID, 0, USER, address(feeToken), ALICE, received);
        vm.recordLogs();
        vm.prank(USER, USER);
        vault.depositToken(CHAIN_ID, address(feeToken), 1000e18, ALICE);
        PriorityOp memory op = requestedOp(vm.getRecordedLogs(), address(queue));
        assertEq(
            op.data, abi.encodeCall(IL2Bridge.finalizeDeposit, (address(feeToken), USER, ALICE, received))
        );
        assertEq(vault.chainBalance(CHAIN_ID, address(feeToken)), received);
        assertEq(feeToken.balanceOf(address(vault)), received);
    }

    function testFuzz_DepositToken_CreditsChain(uint128 a, uint128 b, bool otherChain) public {
        vm.assume(a != 0 && b != 0);
        uint256 second = otherChain ? OTHER_ID : CHAIN_ID;
        depositToken(CHAIN_ID, address(token), USER, ALICE, a);
        depositToken(second, address(token), BOB, BOB, b);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), otherChain ? uint256(a) : uint256(a) + b);
        assertEq(vault.chainBalance(OTHER_ID, address(token)), otherChain ? uint256(b) : 0);
        assertEq(token.balanceOf(address(vault)), uint256(a) + b);
    }

    function test_RevertWhen_DepositTokenZeroAmount() public {
        vm.prank(USER, USER);
        vm.expectRevert(VaultZeroAmount.selector);
        vault.depositToken(CHAIN_ID, address(token), 0, ALICE);
    }

    function test_RevertWhen_DepositTokenReceivesNothing() public {
        FeeOnTransferERC20 allFee = new FeeOnTransferERC20(10_000);
        allFee.mint(USER, 100);
        vm.prank(USER);
        allFee.approve(address(vault), 100);
        vm.prank(USER, USER);
        vm.expectRevert(VaultZeroAmount.selector);
        vault.depositToken(CHAIN_ID, address(allFee), 100, ALICE);
    }

    function test_RevertWhen_DepositTokenToZeroAddress() public {
        vm.prank(USER, USER);
        vm.expectRevert(VaultZeroAddress.selector);
        vault.depositToken(CHAIN_ID, address(token), 1, address(0));
    }

    function test_RevertWhen_DepositTokenIsEthSentinel() public {
        vm.prank(USER, USER);
        vm.expectRevert(VaultZeroAddress.selector);
        vault.depositToken(CHAIN_ID, ETH, 1, ALICE);
    }

    function test_RevertWhen_DepositTokenUnknownChain() public {
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        vault.depositToken(999, address(token), 1, ALICE);
    }

    function test_RevertWhen_DepositTokenChainFrozen() public {
        freeze(queue);
        token.mint(USER, 1);
        vm.prank(USER);
        token.approve(address(vault), 1);
        vm.prank(USER, USER);
        vm.expectRevert(abi.encodeWithSelector(VaultChainFrozen.selector, CHAIN_ID));
        vault.depositToken(CHAIN_ID, address(token), 1, ALICE);
    }

    function test_RevertWhen_DepositTokenNotApproved() public {
        token.mint(USER, 10);
        vm.prank(USER, USER);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(vault), 0, 10)
        );
        vault.depositToken(CHAIN_ID, address(token), 10, ALICE);
    }
}
