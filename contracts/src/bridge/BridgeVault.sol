// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {FractalConstants} from "../common/Constants.sol";
import {Hashing} from "../common/Hashing.sol";
import {IChainRegistry} from "../registry/IChainRegistry.sol";
import {IPriorityQueue, PriorityOp} from "../settlement/IPriorityQueue.sol";
import {ISettlement} from "../settlement/ISettlement.sol";
import {IBridgeVault} from "./IBridgeVault.sol";
import {IL2Bridge} from "./IL2Bridge.sol";
import "./BridgeErrors.sol";

/// @title BridgeVault
/// @notice Custody of ether and tokens bridged from this chain into its child chains, with per-chain
/// balances. See IBridgeVault for the flows.
/// @dev Note: fee-on-transfer tokens are credited with the amount actually received; rebasing tokens are
/// not supported (a chain's balance would drift from what the vault holds).
contract BridgeVault is IBridgeVault, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Gas limit of the priority request that delivers a deposit on the child chain.
    uint256 public constant DEPOSIT_GAS_LIMIT = 300_000;
    /// @dev Ether's entry in the per-chain balances.
    address internal constant ETH = address(0);

    IChainRegistry private immutable _registry;

    mapping(uint256 => mapping(address => uint256)) private _chainBalance;
    mapping(uint256 => mapping(uint64 => bool)) private _withdrawn;
    mapping(uint256 => mapping(uint64 => bool)) private _reclaimed;
    mapping(uint256 => mapping(address => mapping(address => bool))) private _exited;

    /// @notice Creates the vault of `registry`'s chains.
    /// @param registry_ The chain registry on this chain.
    constructor(IChainRegistry registry_) {
        if (address(registry_) == address(0)) revert VaultZeroAddress();
        _registry = registry_;
    }

    // ------------------------------------------------------------------ deposits

    /// @inheritdoc IBridgeVault
    function depositEth(uint256 chainId, address to) external payable nonReentrant returns (uint64 index) {
        if (msg.value == 0) revert VaultZeroAmount();
        if (to == address(0)) revert VaultZeroAddress();
        IPriorityQueue queue = _openQueue(chainId);
        _chainBalance[chainId][ETH] += msg.value;
        index = queue.requestFromVault(
            _l2Sender(queue), msg.sender, to, msg.value, msg.value, DEPOSIT_GAS_LIMIT, ""
        );
        emit EthDeposited(chainId, index, msg.sender, to, msg.value);
    }

    /// @inheritdoc IBridgeVault
    function depositToken(uint256 chainId, address token, uint256 amount, address to)
        external
        nonReentrant
        returns (uint64 index)
    {
        if (amount == 0) revert VaultZeroAmount();
        if (to == address(0) || token == ETH) revert VaultZeroAddress();
        IPriorityQueue queue = _openQueue(chainId);
        uint256 before = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - before;
        if (received == 0) revert VaultZeroAmount();
        _chainBalance[chainId][token] += received;
        index = queue.requestFromVault(
            queue.applyAlias(address(this)),
            msg.sender,
            FractalConstants.L2_BRIDGE,
            0,
            0,
            DEPOSIT_GAS_LIMIT,
            abi.encodeCall(IL2Bridge.finalizeDeposit, (token, msg.sender, to, received))
        );
        emit TokenDeposited(chainId, index, msg.sender, token, to, received);
    }

    /// @inheritdoc IBridgeVault
    function requestL2Transaction(
        uint256 chainId,
        address target,
        uint256 l2Value,
        uint256 gasLimit,
        bytes calldata data
    ) external payable nonReentrant returns (uint64 index) {
        IPriorityQueue queue = _openQueue(chainId);
        _chainBalance[chainId][ETH] += msg.value;
        index =
            queue.requestFromVault(_l2Sender(queue), msg.sender, target, msg.value, l2Value, gasLimit, data);
        if (msg.value != 0) emit EthDeposited(chainId, index, msg.sender, msg.sender, msg.value);
    }

    // ------------------------------------------------------------------ withdrawals

    /// @inheritdoc IBridgeVault
    function finalizeWithdrawal(
        uint256 chainId,
        uint64 batchNumber,
        uint256 leafIndex,
        Hashing.Message calldata message,
        uint256[] calldata siblings
    ) external nonReentrant {
        if (
            message.sourceChainId != chainId || message.sender != FractalConstants.L2_BRIDGE
                || message.destinationChainId != block.chainid || message.recipient != address(this)
        ) revert VaultNotAWithdrawal(chainId, message.nonce);
        if (_withdrawn[chainId][message.nonce]) {
            revert VaultWithdrawalAlreadyFinalized(chainId, message.nonce);
        }
        if (message.payload.length != 96) revert VaultMalformedPayload(message.payload.length);

        ISettlement settlement = ISettlement(_registry.settlementOf(chainId));
        uint64 executed = settlement.totalBatchesExecuted();
        if (batchNumber == 0 || batchNumber > executed) {
            revert VaultBatchNotExecuted(chainId, batchNumber, executed);
        }
        bytes32 root = settlement.messageRoot(batchNumber);
        bytes32 computed = bytes32(Hashing.merkleRoot(Hashing.messageLeaf(message), leafIndex, siblings));
        // Zero is merkleRoot's "no root" answer (wrong proof length, index out of range): never a match,
        // even when the batch's message root is zero.
        if (computed == bytes32(0) || computed != root) {
            revert VaultInvalidMessageProof(chainId, batchNumber, root, computed);
        }

        (address token, address to, uint256 amount) = _decodeWithdrawal(message.payload);
        _withdrawn[chainId][message.nonce] = true;
        _release(chainId, token, to, amount);
        emit WithdrawalFinalized(chainId, batchNumber, message.nonce, token, to, amount);
    }

    // ------------------------------------------------------------------ frozen chains

    /// @inheritdoc IBridgeVault
    function reclaimDeposit(uint256 chainId, PriorityOp calldata op) external nonReentrant {
        ISettlement settlement = ISettlement(_registry.settlementOf(chainId));
        if (!settlement.isFrozen()) revert VaultChainNotFrozen(chainId);
        IPriorityQueue queue = IPriorityQueue(_registry.priorityQueueOf(chainId));
        if (!queue.isRequest(op)) revert VaultUnknownRequest(chainId, op.index);
        uint64 head = queue.head();
        if (op.index < head) revert VaultDepositConsumed(chainId, op.index, head);
        if (_reclaimed[chainId][op.index]) revert VaultDepositAlreadyReclaimed(chainId, op.index);
        _reclaimed[chainId][op.index] = true;

        address token;
        uint256 tokenAmount;
        if (
            op.l2Sender == queue.applyAlias(address(this)) && op.target == FractalConstants.L2_BRIDGE
                && bytes4(op.data) == IL2Bridge.finalizeDeposit.selector
        ) {
            (token,,, tokenAmount) = abi.decode(op.data[4:], (address, address, address, uint256));
            _release(chainId, token, op.refundRecipient, tokenAmount);
        }
        if (op.mint != 0) _release(chainId, ETH, op.refundRecipient, op.mint);
        emit DepositReclaimed(chainId, op.index, op.refundRecipient, op.mint, token, tokenAmount);
    }

    /// @inheritdoc IBridgeVault
    function exitFrozenChain(
        uint256 chainId,
        address account,
        address token,
        uint256 amount,
        uint256 index,
        uint256[3][16] calldata siblings
    ) external nonReentrant {
        if (amount == 0) revert VaultZeroAmount();
        if (account == address(0)) revert VaultZeroAddress();
        ISettlement settlement = ISettlement(_registry.settlementOf(chainId));
        if (!settlement.isFrozen()) revert VaultChainNotFrozen(chainId);
        if (_exited[chainId][token][account]) revert VaultAlreadyExited(chainId, token, account);
        bytes32 root = settlement.lastExecutedStateRoot();
        bytes32 computed = bytes32(Hashing.stateRoot(index, balanceKey(account, token), amount, siblings));
        // Zero is stateRoot's "no root" answer (index 2^32 or more, a sibling outside the field): never a
        // match, even when the last executed state root is zero.
        if (computed == bytes32(0) || computed != root) {
            revert VaultInvalidStateProof(chainId, root, computed);
        }
        _exited[chainId][token][account] = true;
        _release(chainId, token, account, amount);
        emit ExitedFrozenChain(chainId, account, token, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IBridgeVault
    function chainBalance(uint256 chainId, address token) external view returns (uint256) {
        return _chainBalance[chainId][token];
    }

    /// @inheritdoc IBridgeVault
    function isWithdrawalFinalized(uint256 chainId, uint64 nonce) external view returns (bool) {
        return _withdrawn[chainId][nonce];
    }

    /// @notice Whether request `index` of frozen chain `chainId` was reclaimed.
    /// @param chainId The chain.
    /// @param index The request index.
    /// @return True once reclaimed.
    function isReclaimed(uint256 chainId, uint64 index) external view returns (bool) {
        return _reclaimed[chainId][index];
    }

    /// @notice Whether `account` exited `token` from frozen chain `chainId`.
    /// @param chainId The chain.
    /// @param token The token (zero address for ether).
    /// @param account The account.
    /// @return True once exited.
    function hasExited(uint256 chainId, address token, address account) external view returns (bool) {
        return _exited[chainId][token][account];
    }

    /// @notice The registry whose chains this vault serves.
    /// @return The registry address.
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IBridgeVault
    function balanceKey(address account, address token) public pure returns (uint256) {
        if (token == ETH) return Hashing.stateKey(FractalConstants.STATE_KIND_BALANCE, account, bytes32(0));
        bytes32 inner = keccak256(abi.encode(token, FractalConstants.L2_BRIDGE_BALANCES_SLOT));
        bytes32 slot = keccak256(abi.encode(account, inner));
        return Hashing.stateKey(FractalConstants.STATE_KIND_STORAGE, FractalConstants.L2_BRIDGE, slot);
    }

    // ------------------------------------------------------------------ internals

    function _openQueue(uint256 chainId) private view returns (IPriorityQueue queue) {
        IChainRegistry.ChainRecord memory record = _registry.chain(chainId);
        if (ISettlement(record.settlement).isFrozen()) revert VaultChainFrozen(chainId);
        queue = IPriorityQueue(record.priorityQueue);
    }

    /// @dev Decodes `abi.encode(address token, address to, uint256 amount)`, rejecting address words with
    /// bits above 160 with VaultMalformedPayload rather than abi.decode's bare revert.
    function _decodeWithdrawal(bytes calldata payload)
        private
        pure
        returns (address token, address to, uint256 amount)
    {
        (uint256 tokenWord, uint256 toWord, uint256 value) = abi.decode(payload, (uint256, uint256, uint256));
        if ((tokenWord | toWord) >> 160 != 0) revert VaultMalformedPayload(payload.length);
        return (address(uint160(tokenWord)), address(uint160(toWord)), value);
    }

    function _l2Sender(IPriorityQueue queue) private view returns (address) {
        return queue.applyAlias(msg.sender);
    }

    function _release(uint256 chainId, address token, address to, uint256 amount) private {
        uint256 balance = _chainBalance[chainId][token];
        if (balance < amount) revert VaultInsufficientChainBalance(chainId, token, balance, amount);
        unchecked {
            // Cannot underflow: checked just above.
            _chainBalance[chainId][token] = balance - amount;
        }
        if (token == ETH) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert VaultEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
