// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
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

/// @notice BridgeVault.exitFrozenChain: balances in the last executed state, proven by their entry index
/// and inclusion proof against a state tree built in the test, paid once per account and token.
contract ExitTest is VaultBase {
    /// @dev The state of batch 1: ALICE 2 ether and 300 tokens, BOB 1 ether, a contract refusing ether
    /// 1 ether, and BOB's nonce; at these entry indices.
    uint256[] internal indices;
    uint256[] internal keys;
    uint256[] internal values;
    uint256 internal root;
    RevertingReceiver internal refuser;

    uint256 internal constant LAST_INDEX = 2 ** 32 - 1;

    function setUp() public override {
        super.setUp();
        refuser = new RevertingReceiver();
        depositEth(CHAIN_ID, USER, ALICE, 5 ether);
        depositToken(CHAIN_ID, address(token), USER, ALICE, 1000e18);

        _entry(5, vault.balanceKey(ALICE, ETH), 2 ether);
        _entry(6, vault.balanceKey(ALICE, address(token)), 300e18);
        _entry(9, vault.balanceKey(BOB, ETH), 1 ether);
        _entry(LAST_INDEX, vault.balanceKey(address(refuser), ETH), 1 ether);
        _entry(4, Hashing.stateKey(FractalConstants.STATE_KIND_NONCE, BOB, bytes32(0)), 3);
        root = SparseStateTree.root(indices, keys, values);
        executeNext(settlement, bytes32(root), bytes32(zeros[zeros.length - 1]), queue.length());
    }

    function _entry(uint256 index, uint256 key, uint256 value) internal {
        indices.push(index);
        keys.push(key);
        values.push(value);
    }

    function _proof(uint256 which) internal view returns (uint256[3][16] memory) {
        return SparseStateTree.proofOf(indices, keys, values, which);
    }

    /// @dev The root of a tree holding only `key` = `value` at `index`, and that entry's proof.
    function _lone(uint256 index, uint256 key, uint256 value)
        internal
        pure
        returns (uint256 loneRoot, uint256[3][16] memory siblings)
    {
        (uint256[] memory i, uint256[] memory k, uint256[] memory v) =
            (new uint256[](1), new uint256[](1), new uint256[](1));
        (i[0], k[0], v[0]) = (index, key, value);
        loneRoot = SparseStateTree.root(i, k, v);
        siblings = SparseStateTree.proof(i, k, v, index);
    }

    function _expectInvalid(uint256 chainId, uint256 expected, uint256 computed) internal {
        vm.expectRevert(
            abi.encodeWithSelector(
                VaultInvalidStateProof.selector, chainId, bytes32(expected), bytes32(computed)
            )
        );
    }

    // ---------------------------------------------------------------- keys

    function test_BalanceKey_MatchesDocumentedLayout() public view {
        // docs/state.md: stateKey = Poseidon(kind, address, slot >> 128, slot mod 2^128).
        assertEq(vault.balanceKey(ALICE, ETH), PoseidonT5.hash([uint256(2), uint256(uint160(ALICE)), 0, 0]));
        uint256 slot =
            uint256(keccak256(abi.encode(ALICE, keccak256(abi.encode(address(token), uint256(0))))));
        assertEq(
            vault.balanceKey(ALICE, address(token)),
            PoseidonT5.hash(
                [
                    uint256(0),
                    uint256(uint160(FractalConstants.L2_BRIDGE)),
                    slot >> 128,
                    slot & type(uint128).max
                ]
            )
        );
    }

    // ---------------------------------------------------------------- success

    function test_ExitFrozenChain_Eth() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        assertEq(settlement.lastExecutedStateRoot(), bytes32(root));
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.ExitedFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
        assertEq(ALICE.balance, 2 ether);
        assertEq(vault.chainBalance(CHAIN_ID, ETH), 3 ether);
        assertTrue(vault.hasExited(CHAIN_ID, ETH, ALICE));
        assertFalse(vault.hasExited(CHAIN_ID, address(token), ALICE));
    }

    function test_ExitFrozenChain_Token() public {
        uint256[3][16] memory p1 = _proof(1);
        freeze(queue);
        vm.expectEmit(true, true, true, true, address(vault));
        emit IBridgeVault.ExitedFrozenChain(CHAIN_ID, ALICE, address(token), 300e18);
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, 6, p1);
        assertEq(token.balanceOf(ALICE), 300e18);
        assertEq(vault.chainBalance(CHAIN_ID, address(token)), 700e18);
    }

    function test_ExitFrozenChain_BothTokensAndAccounts() public {
        uint256[3][16] memory p0 = _proof(0);
        uint256[3][16] memory p1 = _proof(1);
        uint256[3][16] memory p2 = _proof(2);
        freeze(queue);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, 6, p1);
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 1 ether, 9, p2);
        assertEq(ALICE.balance, 2 ether);
        assertEq(BOB.balance, 1 ether);
        assertEq(token.balanceOf(ALICE), 300e18);
    }

    function test_ExitFrozenChain_AnyoneMaySubmitForTheAccount() public {
        uint256[3][16] memory p2 = _proof(2);
        freeze(queue);
        vm.prank(STRANGER);
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 1 ether, 9, p2);
        assertEq(BOB.balance, 1 ether);
        assertEq(STRANGER.balance, 0);
    }

    function test_ExitFrozenChain_AtTheLastIndex() public {
        // The refuser's balance sits at the last position, 2^32 − 1; without its code it accepts ether.
        vm.etch(address(refuser), "");
        uint256[3][16] memory p3 = _proof(3);
        freeze(queue);
        vault.exitFrozenChain(CHAIN_ID, address(refuser), ETH, 1 ether, LAST_INDEX, p3);
        assertEq(address(refuser).balance, 1 ether);
    }

    function test_ExitFrozenChain_ChainThatStartedEmpty() public {
        // A chain that starts from the empty tree and credits one balance at index 0.
        (uint256 loneRoot, uint256[3][16] memory siblings) = _lone(0, vault.balanceKey(BOB, ETH), 4 ether);
        (Settlement s, PriorityQueue q) = registerChain("fresh", 5555, bytes32(Hashing.EMPTY_STATE_ROOT));
        depositEth(5555, USER, BOB, 4 ether);
        executeNext(s, bytes32(loneRoot), bytes32(zeros[zeros.length - 1]), q.length());
        freeze(q);
        vault.exitFrozenChain(5555, BOB, ETH, 4 ether, 0, siblings);
        assertEq(BOB.balance, 4 ether);
        assertEq(vault.chainBalance(5555, ETH), 0);
    }

    // ---------------------------------------------------------------- reverts

    function test_RevertWhen_ExitedTwice() public {
        uint256[3][16] memory p0 = _proof(0);
        uint256[3][16] memory p1 = _proof(1);
        freeze(queue);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
        vm.expectRevert(abi.encodeWithSelector(VaultAlreadyExited.selector, CHAIN_ID, ETH, ALICE));
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, 6, p1);
        vm.expectRevert(abi.encodeWithSelector(VaultAlreadyExited.selector, CHAIN_ID, address(token), ALICE));
        vault.exitFrozenChain(CHAIN_ID, ALICE, address(token), 300e18, 6, p1);
    }

    function test_RevertWhen_AmountNotInState() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        _expectInvalid(CHAIN_ID, root, Hashing.stateRoot(5, keys[0], 3 ether, p0));
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 3 ether, 5, p0);
    }

    function test_RevertWhen_ProofOfAnotherAccount() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        // BOB claims ALICE's ether with ALICE's index and proof: the leaf names ALICE's key.
        _expectInvalid(CHAIN_ID, root, Hashing.stateRoot(5, vault.balanceKey(BOB, ETH), 2 ether, p0));
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 2 ether, 5, p0);
    }

    function test_RevertWhen_ProofForAnotherToken() public {
        uint256[3][16] memory p1 = _proof(1);
        freeze(queue);
        // ALICE's token balance claimed as ether.
        _expectInvalid(CHAIN_ID, root, Hashing.stateRoot(6, keys[0], 300e18, p1));
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 300e18, 6, p1);
    }

    function test_RevertWhen_ProofOfANonBalanceEntry() public {
        // BOB's nonce entry (3 at index 4) is not a balance of 3 wei.
        uint256[3][16] memory p4 = _proof(4);
        freeze(queue);
        _expectInvalid(CHAIN_ID, root, Hashing.stateRoot(4, keys[2], 3, p4));
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 3, 4, p4);
    }

    function test_RevertWhen_IndexWrong() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        // ALICE's own key, value and proof at a neighbour's position and at 5 + 4^15 (same path but the
        // top level).
        uint256[3] memory wrong = [uint256(4), 6, 5 + 4 ** 15];
        for (uint256 i = 0; i < wrong.length; ++i) {
            _expectInvalid(CHAIN_ID, root, Hashing.stateRoot(wrong[i], keys[0], 2 ether, p0));
            vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, wrong[i], p0);
        }
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
    }

    function test_RevertWhen_IndexOutOfRange() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        // 2^32 + 5 would alias index 5 without the range check; stateRoot answers "no root".
        _expectInvalid(CHAIN_ID, root, 0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 2 ** 32 + 5, p0);
        _expectInvalid(CHAIN_ID, root, 0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, type(uint256).max, p0);
        assertFalse(vault.hasExited(CHAIN_ID, ETH, ALICE));
    }

    function test_RevertWhen_SiblingWrong() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        uint256[3] memory levels = [uint256(0), 1, 15];
        for (uint256 k = 0; k < levels.length; ++k) {
            uint256[3][16] memory bad = _proof(0);
            bad[levels[k]][2] ^= 1;
            _expectInvalid(CHAIN_ID, root, Hashing.stateRoot(5, keys[0], 2 ether, bad));
            vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, bad);
        }
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
    }

    function test_RevertWhen_SiblingOutsideField() public {
        uint256[3][16] memory bad = _proof(0);
        bad[8][1] += FractalConstants.FIELD_MODULUS;
        freeze(queue);
        _expectInvalid(CHAIN_ID, root, 0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, bad);
    }

    function test_RevertWhen_ProvenAgainstOlderState() public {
        uint256[3][16] memory p0 = _proof(0);
        // Batch 2 moves to a state without ALICE's ether; exits use only the last executed root.
        (uint256 newRoot, uint256[3][16] memory bobProof) = _lone(9, keys[2], 1 ether);
        executeNext(settlement, bytes32(newRoot), bytes32(zeros[zeros.length - 1]), queue.length());
        freeze(queue);
        uint256 computed = Hashing.stateRoot(5, keys[0], 2 ether, p0);
        assertEq(computed, root);
        _expectInvalid(CHAIN_ID, newRoot, computed);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 1 ether, 9, bobProof);
        assertEq(BOB.balance, 1 ether);
    }

    function test_RevertWhen_NoRootAgainstZeroState() public {
        // A chain whose genesis root is 0 and that never executed a batch: the library's "no root" answer
        // (0, for an index of 2^32 or more) must not match the zero root.
        (Settlement s, PriorityQueue q) = registerChain("zero", 5555, bytes32(0));
        depositEth(5555, USER, USER, 4 ether);
        freeze(q);
        assertEq(s.lastExecutedStateRoot(), bytes32(0));
        uint256[3][16] memory empty = SparseStateTree.emptyProof();
        vm.expectRevert(abi.encodeWithSelector(VaultInvalidStateProof.selector, 5555, bytes32(0), bytes32(0)));
        vault.exitFrozenChain(5555, STRANGER, ETH, 4 ether, 2 ** 32, empty);
        assertEq(vault.chainBalance(5555, ETH), 4 ether);
    }

    function test_RevertWhen_StateIsTheEmptyTree() public {
        // Nothing to exit from a chain still at the empty tree's root: no balance leaf is in it.
        (Settlement s, PriorityQueue q) = registerChain("empty", 5555, bytes32(Hashing.EMPTY_STATE_ROOT));
        depositEth(5555, USER, USER, 4 ether);
        freeze(q);
        assertEq(s.lastExecutedStateRoot(), bytes32(Hashing.EMPTY_STATE_ROOT));
        uint256[3][16] memory empty = SparseStateTree.emptyProof();
        uint256 computed = Hashing.stateRoot(0, vault.balanceKey(USER, ETH), 4 ether, empty);
        _expectInvalid(5555, Hashing.EMPTY_STATE_ROOT, computed);
        vault.exitFrozenChain(5555, USER, ETH, 4 ether, 0, empty);
        assertEq(vault.chainBalance(5555, ETH), 4 ether);
    }

    function test_RevertWhen_ChainNotFrozen() public {
        uint256[3][16] memory p0 = _proof(0);
        vm.expectRevert(abi.encodeWithSelector(VaultChainNotFrozen.selector, CHAIN_ID));
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
    }

    function test_RevertWhen_ZeroAmount() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        vm.expectRevert(VaultZeroAmount.selector);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 0, 5, p0);
    }

    function test_RevertWhen_ZeroAccount() public {
        uint256[3][16] memory p0 = _proof(0);
        freeze(queue);
        vm.expectRevert(VaultZeroAddress.selector);
        vault.exitFrozenChain(CHAIN_ID, address(0), ETH, 1, 5, p0);
    }

    function test_RevertWhen_ChainUnknown() public {
        uint256[3][16] memory p0 = _proof(0);
        vm.expectRevert(abi.encodeWithSelector(RegistryUnknownChain.selector, 999));
        vault.exitFrozenChain(999, ALICE, ETH, 1, 5, p0);
    }

    function test_RevertWhen_StateClaimsMoreThanChainHolds() public {
        // A dishonest state crediting more than was ever deposited cannot reach other chains' funds.
        depositEth(OTHER_ID, USER, USER, 100 ether);
        (uint256 badRoot, uint256[3][16] memory siblings) = _lone(9, keys[2], 6 ether);
        executeNext(settlement, bytes32(badRoot), bytes32(zeros[zeros.length - 1]), queue.length());
        freeze(queue);
        vm.expectRevert(
            abi.encodeWithSelector(VaultInsufficientChainBalance.selector, CHAIN_ID, ETH, 5 ether, 6 ether)
        );
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, 6 ether, 9, siblings);
    }

    function test_RevertWhen_AccountRejectsEther() public {
        uint256[3][16] memory p3 = _proof(3);
        freeze(queue);
        vm.expectRevert(abi.encodeWithSelector(VaultEthTransferFailed.selector, address(refuser), 1 ether));
        vault.exitFrozenChain(CHAIN_ID, address(refuser), ETH, 1 ether, LAST_INDEX, p3);
        assertFalse(vault.hasExited(CHAIN_ID, ETH, address(refuser)));
    }

    // ---------------------------------------------------------------- fuzz

    /// forge-config: ci.fuzz.runs = 256
    function testFuzz_RevertWhen_IndexOrAmountWrong(uint256 index, uint256 amount) public {
        uint256[3][16] memory p0 = _proof(0);
        amount = bound(amount, 1, 5 ether);
        vm.assume(index != 5 || amount != 2 ether);
        freeze(queue);
        uint256 computed = Hashing.stateRoot(index, keys[0], amount, p0);
        _expectInvalid(CHAIN_ID, root, computed);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, amount, index, p0);
        vault.exitFrozenChain(CHAIN_ID, ALICE, ETH, 2 ether, 5, p0);
        assertEq(ALICE.balance, 2 ether);
    }

    /// forge-config: ci.fuzz.runs = 256
    function testFuzz_ExitFrozenChain_AnyIndex(uint256 index, uint256 amount) public {
        // Whatever the position of the balance entry, its proof pays it.
        index = bound(index, 0, LAST_INDEX);
        amount = bound(amount, 1, 5 ether);
        (uint256 loneRoot, uint256[3][16] memory siblings) = _lone(index, keys[2], amount);
        executeNext(settlement, bytes32(loneRoot), bytes32(zeros[zeros.length - 1]), queue.length());
        freeze(queue);
        vault.exitFrozenChain(CHAIN_ID, BOB, ETH, amount, index, siblings);
        assertEq(BOB.balance, amount);
    }
}
