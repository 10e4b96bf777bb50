// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import {VaultBase} from "../VaultBase.sol";
import {VaultHandler} from "./VaultHandler.sol";

/// @notice Vault invariants under random deposits, withdrawal batches, finalizations, replays and
/// excessive withdrawals across two chains (see VaultHandler). Run deeper with `FOUNDRY_PROFILE=ci`.
contract VaultInvariantsTest is VaultBase {
    VaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        Settlement[2] memory settlements = [settlement, otherSettlement];
        address[3] memory assets = [ETH, address(token), address(feeToken)];
        BatchHeader[2] memory genesis =
            [lastCommittedHeader(settlement), lastCommittedHeader(otherSettlement)];
        handler = new VaultHandler(vault, verifier, OPERATOR, settlements, assets, genesis);
        vm.label(address(handler), "VaultHandler");

        bytes4[] memory selectors = new bytes4[](6);
        selectors[0] = VaultHandler.depositEth.selector;
        selectors[1] = VaultHandler.depositToken.selector;
        selectors[2] = VaultHandler.withdraw.selector;
        selectors[3] = VaultHandler.withdrawTooMuch.selector;
        selectors[4] = VaultHandler.finalize.selector;
        selectors[5] = VaultHandler.replay.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    function _sum(address asset) internal view returns (uint256) {
        return vault.chainBalance(CHAIN_ID, asset) + vault.chainBalance(OTHER_ID, asset);
    }

    /// @dev One campaign checks every property: separate invariant functions would each replay the same
    /// call sequences (same seed) and double the run time for nothing.
    function invariant_VaultAccounting() public view {
        _checkHoldings();
        _checkFinality();
    }

    /// @dev The vault holds exactly what the chains' balances add up to, in ether and in each token, and
    /// each chain's balance is its credited deposits minus its finalized withdrawals.
    function _checkHoldings() internal view {
        assertEq(address(vault).balance, _sum(ETH), "vault ether != sum of chain balances");
        assertEq(token.balanceOf(address(vault)), _sum(address(token)), "TST held != sum of chain balances");
        assertEq(
            feeToken.balanceOf(address(vault)), _sum(address(feeToken)), "FEE held != sum of chain balances"
        );
        address[3] memory assets = [ETH, address(token), address(feeToken)];
        uint256[2] memory ids = [CHAIN_ID, OTHER_ID];
        for (uint256 c = 0; c < 2; ++c) {
            for (uint256 a = 0; a < 3; ++a) {
                assertEq(
                    vault.chainBalance(ids[c], assets[a]),
                    handler.expectedBalance(ids[c], assets[a]),
                    "chain balance != deposits - finalized withdrawals"
                );
            }
        }
    }

    /// @dev No message nonce is finalized twice; replays and withdrawals above a chain's balance are
    /// rejected with their exact errors; every withdrawal backed by tracked deposits finalizes.
    function _checkFinality() internal view {
        assertLe(handler.maxFinalizations(), 1, "a withdrawal nonce was finalized twice");
        assertEq(handler.unexpectedOutcomes(), 0, "a replay or an over-balance withdrawal was not rejected");
        assertEq(handler.unexpectedFailures(), 0, "a withdrawal backed by deposits failed");
    }

    /// @dev The handler itself works: every action lands, replays and excess are rejected as expected.
    function test_Handler_EveryActionTakesEffect() public {
        handler.depositEth(0, 5 ether);
        handler.depositToken(0, 0, 7e18);
        handler.depositToken(1, 1, 9e18);
        handler.withdraw(0, 0, 3 ether, true);
        handler.withdraw(1, 2, 1, false);
        assertEq(handler.withdrawalsIssued(), 3);
        assertEq(handler.pendingCount(), 3);
        handler.finalize(0);
        handler.finalize(0);
        handler.finalize(0);
        assertEq(handler.withdrawalsFinalized(), 3);
        handler.replay(1);
        assertEq(handler.replaysRejected(), 1);
        handler.withdrawTooMuch(1, 1, 0);
        handler.withdrawTooMuch(0, 0, type(uint256).max);
        assertEq(handler.excessRejected(), 2);
        assertEq(handler.unexpectedFailures(), 0);
        assertEq(handler.unexpectedOutcomes(), 0);
        invariant_VaultAccounting();
    }
}
