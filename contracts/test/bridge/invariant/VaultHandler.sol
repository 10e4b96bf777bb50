// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {
    VaultInsufficientChainBalance,
    VaultWithdrawalAlreadyFinalized
} from "../../../src/bridge/BridgeErrors.sol";
import {BridgeVault} from "../../../src/bridge/BridgeVault.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {BatchHeader} from "../../../src/settlement/BatchLib.sol";
import {DevelopmentVerifier} from "../../../src/settlement/DevelopmentVerifier.sol";
import {PriorityQueue} from "../../../src/settlement/PriorityQueue.sol";
import {Settlement} from "../../../src/settlement/Settlement.sol";
import {MessageTree} from "../../common/MessageTree.sol";
import {Vm} from "../../utils/Test.sol";
import {WriteBinding} from "../../utils/WriteBinding.sol";
import {FeeOnTransferERC20} from "../mocks/FeeOnTransferERC20.sol";
import {TestERC20} from "../mocks/TestERC20.sol";

/// @title VaultHandler
/// @notice Drives the real BridgeVault for the invariant suite: deposits of ether, a plain token and a
/// fee-on-transfer token into two chains; withdrawal batches it builds itself (message tree, header,
/// development proof) and executes through the real Settlement; finalizations and replays; and
/// withdrawals that exceed a chain's balance, which must fail.
/// @dev Note: honest withdrawals are only issued for credit the handler saw deposited and has not yet
/// promised, so each of them must succeed; every outcome that contradicts that is counted in a ghost
/// variable for the invariants to check (reverts inside the handler are swallowed by the fuzzer).
contract VaultHandler {
    using MessageTree for MessageTree.Tree;

    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    address internal constant ETH = address(0);
    uint256 internal constant MAX_DEPOSIT = 1_000_000 ether;

    /// @notice An issued withdrawal, kept compact: its batches hold one or two messages, so its proof is
    /// the other leaf (or the empty leaf 0) followed by the zero hashes of levels 1..9.
    struct Withdrawal {
        uint64 chainId;
        uint64 nonce;
        uint64 batchNumber;
        uint8 leafIndex;
        address token;
        address to;
        uint256 amount;
        uint256 siblingLeaf;
    }

    BridgeVault public immutable vault;
    DevelopmentVerifier public immutable verifier;
    address public immutable operator;
    uint256[2] public chainIds;
    address[3] public assets;
    address[2] public recipients;

    uint256[] internal _zeros;
    mapping(uint256 => Settlement) internal _settlements;
    mapping(uint256 => BatchHeader) internal _tip;
    mapping(uint256 => uint64) internal _nextNonce;

    Withdrawal[] internal _pending;
    Withdrawal[] internal _finalized;

    // ------------------------------------------------------------------ ghost variables

    /// @notice Deposited credit per chain and asset not yet promised to an issued withdrawal.
    mapping(uint256 => mapping(address => uint256)) public unissued;
    /// @notice What each chain should hold per asset: credited deposits minus finalized withdrawals.
    mapping(uint256 => mapping(address => uint256)) public expectedBalance;
    /// @notice Successful finalizations per chain and nonce.
    mapping(uint256 => mapping(uint64 => uint256)) public finalizations;
    /// @notice The largest entry of `finalizations`.
    uint256 public maxFinalizations;
    /// @notice Honest withdrawals that failed to finalize (must stay 0).
    uint256 public unexpectedFailures;
    /// @notice Replays or excessive withdrawals that succeeded, or failed with the wrong error (must stay 0).
    uint256 public unexpectedOutcomes;

    /// @notice Call counters, for the run summary.
    uint256 public deposits;
    uint256 public withdrawalsIssued;
    uint256 public withdrawalsFinalized;
    uint256 public replaysRejected;
    uint256 public excessRejected;

    constructor(
        BridgeVault vault_,
        DevelopmentVerifier verifier_,
        address operator_,
        Settlement[2] memory settlements,
        address[3] memory assets_,
        BatchHeader[2] memory genesis
    ) {
        vault = vault_;
        verifier = verifier_;
        operator = operator_;
        assets = assets_;
        recipients = [address(0xD00D1), address(0xD00D2)];
        for (uint256 i = 0; i < 2; ++i) {
            chainIds[i] = settlements[i].chainId();
            _settlements[chainIds[i]] = settlements[i];
            _tip[chainIds[i]] = genesis[i];
        }
        _zeros = MessageTree.zeroHashes();
    }

    // ------------------------------------------------------------------ actions

    /// @notice Deposits ether into one of the chains.
    function depositEth(uint256 chainSeed, uint256 amount) external {
        uint256 chainId = chainIds[chainSeed % 2];
        amount = _bound(amount, 1, MAX_DEPOSIT);
        vm.deal(address(this), amount);
        vault.depositEth{value: amount}(chainId, recipients[0]);
        unissued[chainId][ETH] += amount;
        expectedBalance[chainId][ETH] += amount;
        ++deposits;
    }

    /// @notice Deposits the plain or the fee-on-transfer token into one of the chains.
    function depositToken(uint256 chainSeed, uint256 assetSeed, uint256 amount) external {
        uint256 chainId = chainIds[chainSeed % 2];
        address asset = assets[1 + assetSeed % 2];
        amount = _bound(amount, 1, MAX_DEPOSIT);
        TestERC20(asset).mint(address(this), amount);
        TestERC20(asset).approve(address(vault), amount);
        uint256 before = vault.chainBalance(chainId, asset);
        vault.depositToken(chainId, asset, amount, recipients[0]);
        uint256 credited = vault.chainBalance(chainId, asset) - before;
        unissued[chainId][asset] += credited;
        expectedBalance[chainId][asset] += credited;
        ++deposits;
    }

    /// @notice Executes a batch with one or two honest withdrawals (amounts within unpromised credit).
    function withdraw(uint256 chainSeed, uint256 assetSeed, uint256 amount, bool two) external {
        uint256 chainId = chainIds[chainSeed % 2];
        Withdrawal[] memory ws = new Withdrawal[](two ? 2 : 1);
        uint256 n = 0;
        for (uint256 i = 0; i < ws.length; ++i) {
            address asset = assets[(assetSeed % 3 + i) % 3];
            uint256 available = unissued[chainId][asset];
            if (available == 0) continue;
            uint256 value = _bound(uint256(keccak256(abi.encode(amount, i))), 1, available);
            unissued[chainId][asset] -= value;
            ws[n++] = _newWithdrawal(chainId, asset, recipients[i], value);
        }
        if (n == 0) return;
        assembly ("memory-safe") {
            // Shrinks the array to the withdrawals actually built (n <= its length).
            mstore(ws, n)
        }
        _executeBatch(chainId, ws);
        for (uint256 i = 0; i < n; ++i) {
            _pending.push(ws[i]);
        }
        withdrawalsIssued += n;
    }

    /// @notice Executes a batch with a withdrawal above the chain's balance and checks it cannot be
    /// finalized.
    function withdrawTooMuch(uint256 chainSeed, uint256 assetSeed, uint256 extra) external {
        uint256 chainId = chainIds[chainSeed % 2];
        address asset = assets[assetSeed % 3];
        uint256 balance = vault.chainBalance(chainId, asset);
        uint256 amount = balance + _bound(extra, 1, MAX_DEPOSIT);
        Withdrawal[] memory ws = new Withdrawal[](1);
        ws[0] = _newWithdrawal(chainId, asset, recipients[0], amount);
        _executeBatch(chainId, ws);
        Withdrawal memory w = ws[0];
        try vault.finalizeWithdrawal(chainId, w.batchNumber, 0, _message(w), _proof(w)) {
            ++unexpectedOutcomes;
            _recordFinalization(w);
        } catch (bytes memory err) {
            bytes memory expected = abi.encodeWithSelector(
                VaultInsufficientChainBalance.selector, chainId, asset, balance, amount
            );
            if (keccak256(err) != keccak256(expected)) ++unexpectedOutcomes;
            else ++excessRejected;
        }
    }

    /// @notice Finalizes one pending honest withdrawal.
    function finalize(uint256 seed) external {
        if (_pending.length == 0) return;
        uint256 i = seed % _pending.length;
        Withdrawal memory w = _pending[i];
        try vault.finalizeWithdrawal(w.chainId, w.batchNumber, w.leafIndex, _message(w), _proof(w)) {
            _recordFinalization(w);
            expectedBalance[w.chainId][w.token] -= w.amount;
            ++withdrawalsFinalized;
            _pending[i] = _pending[_pending.length - 1];
            _pending.pop();
            _finalized.push(w);
        } catch {
            ++unexpectedFailures;
        }
    }

    /// @notice Replays one finalized withdrawal, which must be rejected as already finalized.
    function replay(uint256 seed) external {
        if (_finalized.length == 0) return;
        Withdrawal memory w = _finalized[seed % _finalized.length];
        try vault.finalizeWithdrawal(w.chainId, w.batchNumber, w.leafIndex, _message(w), _proof(w)) {
            ++unexpectedOutcomes;
            _recordFinalization(w);
        } catch (bytes memory err) {
            bytes memory expected =
                abi.encodeWithSelector(VaultWithdrawalAlreadyFinalized.selector, w.chainId, w.nonce);
            if (keccak256(err) != keccak256(expected)) ++unexpectedOutcomes;
            else ++replaysRejected;
        }
    }

    // ------------------------------------------------------------------ views

    /// @notice Number of issued, unfinalized honest withdrawals.
    function pendingCount() external view returns (uint256) {
        return _pending.length;
    }

    // ------------------------------------------------------------------ internals

    function _newWithdrawal(uint256 chainId, address asset, address to, uint256 amount)
        internal
        returns (Withdrawal memory w)
    {
        w.chainId = uint64(chainId);
        w.nonce = _nextNonce[chainId]++;
        w.token = asset;
        w.to = to;
        w.amount = amount;
    }

    /// @dev The message the child's bridge sends for `w`.
    function _message(Withdrawal memory w) internal view returns (Hashing.Message memory) {
        return Hashing.Message({
            sourceChainId: w.chainId,
            nonce: w.nonce,
            sender: FractalConstants.L2_BRIDGE,
            destinationChainId: uint64(block.chainid),
            recipient: address(vault),
            payload: abi.encode(w.token, w.to, w.amount)
        });
    }

    /// @dev The proof of `w` in its batch's tree of at most two leaves.
    function _proof(Withdrawal memory w) internal view returns (uint256[] memory siblings) {
        siblings = new uint256[](MessageTree.DEPTH);
        siblings[0] = w.siblingLeaf;
        for (uint256 level = 1; level < MessageTree.DEPTH; ++level) {
            siblings[level] = _zeros[level];
        }
    }

    /// @dev Builds the message tree of `ws`, then commits, proves and executes a batch carrying its root
    /// (and consuming every pending deposit); fills in each withdrawal's batch, index and proof.
    function _executeBatch(uint256 chainId, Withdrawal[] memory ws) internal {
        uint256[] memory leaves = new uint256[](ws.length);
        for (uint256 i = 0; i < ws.length; ++i) {
            leaves[i] = Hashing.messageLeaf(_message(ws[i]));
        }
        MessageTree.Tree memory tree = MessageTree.build(leaves, _zeros);

        Settlement s = _settlements[chainId];
        PriorityQueue q = PriorityQueue(s.priorityQueue());
        BatchHeader memory prev = _tip[chainId];
        BatchHeader memory h;
        h.batchNumber = prev.batchNumber + 1;
        h.timestamp = block.timestamp > prev.timestamp ? uint64(block.timestamp) : prev.timestamp;
        h.priorityOpsCount = q.length();
        h.prevStateRoot = prev.newStateRoot;
        h.newStateRoot = prev.newStateRoot;
        // A batch that writes nothing: its pubdata is the 21-byte header (evaluation 0, length 0).
        bytes memory pubdata = WriteBinding.empty();
        h.pubdataCommitment = keccak256(pubdata);
        h.messageRoot = bytes32(tree.root());
        h.priorityOpsHash = q.rollingHashAt(h.priorityOpsCount);
        WriteBinding.bind(h, pubdata);

        BatchHeader[] memory headers = new BatchHeader[](1);
        headers[0] = h;
        bytes[] memory extra = new bytes[](1);
        extra[0] = pubdata;
        vm.prank(operator);
        s.commitBatches(headers, extra);
        extra[0] = verifier.developmentProof(s.publicInputs(h));
        vm.prank(operator);
        s.proveBatches(headers, extra);
        vm.prank(operator);
        s.executeBatches(headers);
        _tip[chainId] = h;

        for (uint256 i = 0; i < ws.length; ++i) {
            ws[i].batchNumber = h.batchNumber;
            ws[i].leafIndex = uint8(i);
            ws[i].siblingLeaf = ws.length == 2 ? leaves[1 - i] : 0;
        }
    }

    function _recordFinalization(Withdrawal memory w) internal {
        uint256 count = ++finalizations[w.chainId][w.nonce];
        if (count > maxFinalizations) maxFinalizations = count;
    }

    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (x >= min && x <= max) return x;
        return min + (x % (max - min + 1));
    }
}
