// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {VaultInsufficientChainBalance} from "../../../src/bridge/BridgeErrors.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {VaultBase} from "../VaultBase.sol";

/// @notice Per-chain balances: deposits into one chain never back another chain's withdrawals.
contract ChainBalancesTest is VaultBase {
    function testFuzz_DepositsKeepChainBalancesSeparate(
        uint96[6] memory amounts,
        uint8 chainMask,
        uint8 tokenMask
    ) public {
        uint256[2][2] memory expected; // [chain][0: ETH, 1: token]
        for (uint256 i = 0; i < amounts.length; ++i) {
            uint256 amount = bound(amounts[i], 1, type(uint96).max);
            uint256 c = (chainMask >> i) & 1;
            uint256 chainId = c == 0 ? CHAIN_ID : OTHER_ID;
            if ((tokenMask >> i) & 1 == 0) {
                depositEth(chainId, USER, ALICE, amount);
                expected[c][0] += amount;
            } else {
                depositToken(chainId, address(token), USER, ALICE, amount);
                expected[c][1] += amount;
            }
        }
        assertEq(vault.chainBalance(CHAIN_ID, ETH), expected[0][0]);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), expected[0][1]);
        assertEq(vault.chainBalance(OTHER_ID, ETH), expected[1][0]);
        assertEq(vault.chainBalance(OTHER_ID, address(token)), expected[1][1]);
        assertEq(address(vault).balance, expected[0][0] + expected[1][0]);
        assertEq(token.balanceOf(address(vault)), expected[0][1] + expected[1][1]);
    }

    function testFuzz_WithdrawalNeverExceedsChainBalance(
        uint96 depositA,
        uint96 depositB,
        uint256 amount,
        bool useToken
    ) public {
        depositA = uint96(bound(depositA, 1, type(uint96).max));
        depositB = uint96(bound(depositB, 1, type(uint96).max));
        amount = bound(amount, 1, uint256(depositA) + depositB);
        address tok = useToken ? address(token) : ETH;
        if (useToken) {
            depositToken(CHAIN_ID, tok, USER, USER, depositA);
            depositToken(OTHER_ID, tok, USER, USER, depositB);
        } else {
            depositEth(CHAIN_ID, USER, USER, depositA);
            depositEth(OTHER_ID, USER, USER, depositB);
        }
        Hashing.Message memory m = withdrawal(CHAIN_ID, 0, tok, ALICE, amount);
        (uint64 b, uint256[] memory proof) = executeWithdrawal(CHAIN_ID, m);

        if (amount > depositA) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    VaultInsufficientChainBalance.selector, CHAIN_ID, tok, depositA, amount
                )
            );
            vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
            assertEq(vault.chainBalance(CHAIN_ID, tok), depositA);
        } else {
            vault.finalizeWithdrawal(CHAIN_ID, b, 0, m, proof);
            assertEq(vault.chainBalance(CHAIN_ID, tok), depositA - amount);
            assertEq(useToken ? token.balanceOf(ALICE) : ALICE.balance, amount);
        }
        assertEq(vault.chainBalance(OTHER_ID, tok), depositB);
    }
}
