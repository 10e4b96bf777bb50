// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {
    VaultAlreadyExited,
    VaultChainNotFrozen,
    VaultEthTransferFailed,
    VaultInsufficientChainBalance,
    VaultInvalidStateProof,
    VaultZeroAddress,
    VaultZeroAmount
} from "../../../src/bridge/BridgeErrors.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {RegistryUnknownChain} from "../../../src/registry/RegistryErrors.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import {SparseStateTree} from "../../common/SparseStateTree.sol";
import {RevertingReceiver} from "../mocks/EthReceivers.sol";
import {VaultBase} from "../VaultBase.sol";

/// @notice BridgeVault.exitFrozenChain: balances in the last executed state, proven against a sparse
/// Merkle tree built in the test, paid once per account and token.
contract ExitTest is VaultBase {
    /// @dev The state of batch 1: ALICE 2 ether and 300 tokens, BOB 1 ether.
    uint256[] internal keys;
    uint256[] internal values;
    uint256 internal root;
    RevertingReceiver internal refuser;

    function setUp() public override {
        super.setUp();
        refuser = new RevertingReceiver();
        depositEth(CHAIN_ID, USER, ALICE, 5 ether);
        depositToken(CHAIN_ID, address(token), USER, ALICE, 1000e18);

        keys.push(vault.balanceKey(ALICE, ETH));
        values.push(2 ether);
        keys.push(vault.balanceKey(ALICE, address(token)));
        values.push(300e18);
        keys.push(vault.balanceKey(BOB, ETH));
        values.push(1 ether);
        keys.push(vault.balanceKey(address(refuser), ETH));
        values.push(1 ether);
        root = SparseStateTree.root(keys, values);
        executeNext(settlement, bytes32(root), bytes32(zeros[zeros.length - 1]), queue.length());
    }

    function _proof(uint256 which) internal view returns (uint256[] memory) {
        return SparseStateTree.proof(keys, values, which);
    }

    // ---------------------------------------------------------------- keys

    function test_BalanceKey_MatchesDocumentedLayout() public view {
        assertEq(
            vault.balanceKey(ALICE, ETH),
            uint256(keccak256(abi.encodePacked(uint8(2), ALICE, bytes32(0)))) % FractalConstants.FIELD_MODULUS
        );
        bytes32 slot = keccak256(abi.encode(ALICE, keccak256(abi.encode(address(token), uint256(0)))));
        assertEq(
            vault.balanceKey(ALICE, address(token)),
            uint256(keccak256(abi.encodePacked(uint8(0), FractalConstants.L2_BRIDGE, slot)))
                % FractalConstants.FIELD_MODULUS
        );
    }

    // ---------------------------------------------------------------- success

    function test_ExitFrozenChain_Eth() public {
        uint256[] memory p0 = _proof(0);
        freeze(queue);
        assertEq(settlement.lastExecutedStateRoot(), bytes32(root));
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.ExitedFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, p0);
        assertEq(ALICE.balance, 2 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 3 ether);
        assertTrue(vault.hasExited(CHAIN_ID, ETH, ALICE));
        assertFalse(vault.hasExited(CHAIN_ID, address(token), ALICE));
    }

    function test_ExitFrozenChain_Token() public {
        uint256[] memory p1 = _proof(1);
        freeze(queue);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.ExitedFrozenChain(CHAIN_ID, ALICE, address(token), 300e18);
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, p1);
        assertEq(token.balanceOf(ALICE), 300e18);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 700e18);
    }

    function test_ExitFrozenChain_BothTokensAndAccounts() public {
        uint256[] memory p0 = _proof(0);
        uint256[] memory p1 = _proof(1);
        uint256[] memory p2 = _proof(2);
        freeze(queue);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, p0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, p1);
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 1 ether, p2);
        assertEq(ALICE.balance, 2 ether);
        assertEq(BOB.balance, 1 ether);
        assertEq(token.balanceOf(ALICE), 300e18);
    }

    function test_ExitFrozenChain_AnyoneMaySubmitForTheAccount() public {
        uint256[] memory p2 = _proof(2);
        freeze(queue);
        vm.prank(STRANGER);
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 1 ether, p2);
        assertEq(BOB.balance, 1 ether);
        assertEq(STRANGER.balance, 0);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_ExitedTwice() public {
        uint256[] memory p0 = _proof(0);
        uint256[] memory p1 = _proof(1);
        freeze(queue);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, p0);
        vm.expectRevert(abi.encodeWithSelector(VaultAlreadyExited.selector, CHAIN_ID, ETH, ALICE));
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, p0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, p1);
        vm.expectRevert(abi.encodeWithSelector(VaultAlreadyExited.selector, CHAIN_ID, address(token), ALICE));
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, p1);
    }

    function test_RevertWhen_AmountNotInState() public {
        uint256[] memory p0 = _proof(0);
        freeze(queue);
        uint256 computed = Hashing.stateRoot(keys[0], 3 ether, p0);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidStateProof.selector, CHAIN_ID, bytes32(root), bytes32(computed)
            )
        );
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 3 ether, p0);
    }

    function test_RevertWhen_ProofOfAnotherAccount() public {
        uint256[] memory p0 = _proof(0);
        freeze(queue);
        // BOB claims ALICE's ether with ALICE's proof.
        uint256 computed = Hashing.stateRoot(vault.balanceKey(BOB, ETH), 2 ether, p0);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidStateProof.selector, CHAIN_ID, bytes32(root), bytes32(computed)
            )
        );
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 2 ether, p0);
    }

    function test_RevertWhen_ProofForAnotherToken() public {
        uint256[] memory p1 = _proof(1);
        freeze(queue);
        // ALICE's token balance claimed as ether.
        uint256 computed = Hashing.stateRoot(keys[0], 300e18, p1);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidStateProof.selector, CHAIN_ID, bytes32(root), bytes32(computed)
            )
        );
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 300e18, p1);
    }

    function test_RevertWhen_SiblingWrong() public {
        uint256[] memory p0 = _proof(0);
        freeze(queue);
        uint256[] memory bad = p0;
        bad[0] ^= 1;
        uint256 computed = Hashing.stateRoot(keys[0], 2 ether, bad);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidStateProof.selector, CHAIN_ID, bytes32(root), bytes32(computed)
            )
        );
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, bad);
    }

    function test_RevertWhen_ProvenAgainstOlderState() public {
        uint256[] memory p0 = _proof(0);
        // Batch 2 moves to a state without ALICE's ether; exits use only the last executed root.
        uint256[] memory k = new uint256[](1);
        uint256[] memory v = new uint256[](1);
        (k[0], v[0]) = (keys[2], 1 ether);
        uint256 newRoot = SparseStateTree.root(k, v);
        executeNext(settlement, bytes32(newRoot), bytes32(zeros[zeros.length - 1]), queue.length());
        freeze(queue);
        uint256 computed = Hashing.stateRoot(keys[0], 2 ether, p0);
        assertEq(computed, root);
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidStateProof.selector, CHAIN_ID, bytes32(newRoot), bytes32(computed)
            )
        );
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, p0);
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 1 ether, new uint256[](0));
        assertEq(BOB.balance, 1 ether);
    }

    function test_RevertWhen_ProofTooDeepAgainstEmptyState() public {
        // A chain whose genesis is the empty tree (root 0) and that never executed a batch: the library's
        // "no root" answer (0, for a proof deeper than 254) must not match the zero root.
        (Settlement s, PriorityQueue q) = registerChain("empty", 5555, bytes32(0));
        depositEth(5555, USER, USER, 4 ether);
        freeze(q);
        assertEq(s.lastExecutedStateRoot(), bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(VaultInvalidStateProof.selector, 5555, bytes32(0), bytes32(0)));
        vault.exitFrozenChain(5555, STRANGER, ETH, 4 ether, new uint256[](255));
        assertEq(vault.chainBalance(5555, ETH), 4 ether);
    }

    function test_RevertWhen_ChainNotFrozen() public {
        uint256[] memory p0 = _proof(0);
        vm.expectRevert(abi.encodeWithSelector(VaultChainNotFrozen.selector, CHAIN_ID));
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, p0);
    }

    function test_RevertWhen_ZeroAmount() public {
        uint256[] memory p0 = _proof(0);
        freeze(queue);
        vm.expectRevert(VaultZeroAmount.selector);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 0, p0);
    }

    function test_RevertWhen_ZeroAccount() public {
        uint256[] memory p0 = _proof(0);
        freeze(queue);
        vm.expectRevert(VaultZeroAddress.selector);
        vault.exitFrozenChain(CHAIN_ID, address(0), ETH, 1, p0);
    }

    function test_RevertWhen_ChainUnknown() public {
        uint256[] memory p0 = _proof(0);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        vault.exitFrozenChain(999, ALICE, ETH, 1, p0);
    }

    function test_RevertWhen_StateClaimsMoreThanChainHolds() public {
        // A dishonest state crediting more than was ever deposited cannot reach other chains' funds.
        depositEth(OTHER_ID, USER, USER, 100 ether);
        uint256[] memory k = new uint256[](1);
        uint256[] memory v = new uint256[](1);
        (k[0], v[0]) = (keys[2], 6 ether);
        executeNext(
            settlement, bytes32(SparseStateTree.root(k, v)), bytes32(zeros[zeros.length - 1]), queue.length()
        );
        freeze(queue);
        vm.expectRevert(
            abi.encodeWithSelector(VaultInsufficientChainBalance.selector, CHAIN_ID, ETH, 5 ether, 6 ether)
        );
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 6 ether, new uint256[](0));
    }

    function test_RevertWhen_AccountRejectsEther() public {
        uint256[] memory p3 = _proof(3);
        freeze(queue);
        vm.expectRevert(abi.encodeWithSelector(VaultEthTransferFailed.selector, address(refuser), 1 ether));
        vault.exitFrozenChain(CHAIN_ID, address(refuser), ETH, 1 ether, p3);
        assertFalse(vault.hasExited(CHAIN_ID, ETH, address(refuser)));
    }
}
