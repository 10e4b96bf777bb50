// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Hashing} from "../common/Hashing.sol";
import {PriorityOp} from "../settlement/IPriorityQueue.sol";

/// @title IBridgeVault
/// @notice Custody of everything bridged from this chain into its child chains. Deposits lock ether or
/// tokens and enqueue a priority operation that mints on the child; withdrawals are released by a Merkle
/// proof of their message in an executed batch, once each. Balances are kept per chain, so a chain can
/// never release more than was deposited into it. When a chain is frozen, unconsumed deposits are
/// reclaimed and users exit from the last executed state with a state proof.
interface IBridgeVault {
    /// @notice Ether was locked for `chainId` and request `index` mints it there.
    event EthDeposited(
        uint256 indexed chainId, uint64 indexed index, address indexed from, address to, uint256 amount
    );
    /// @notice Tokens were locked for `chainId` and request `index` mints them there.
    event TokenDeposited(
        uint256 indexed chainId,
        uint64 indexed index,
        address indexed from,
        address token,
        address to,
        uint256 amount
    );
    /// @notice A withdrawal from `chainId` was released.
    event WithdrawalFinalized(
        uint256 indexed chainId,
        uint64 indexed batchNumber,
        uint64 nonce,
        address token,
        address to,
        uint256 amount
    );
    /// @notice An unconsumed deposit into a frozen chain was returned.
    event DepositReclaimed(
        uint256 indexed chainId,
        uint64 indexed index,
        address recipient,
        uint256 ethAmount,
        address token,
        uint256 tokenAmount
    );
    /// @notice An account exited a frozen chain with its balance in the last executed state.
    event ExitedFrozenChain(uint256 indexed chainId, address indexed account, address token, uint256 amount);

    /// @notice Locks `msg.value` wei for `chainId` and sends it to `to` there.
    /// @param chainId The child chain.
    /// @param to The recipient on the child chain.
    /// @return index The priority request's index.
    function depositEth(uint256 chainId, address to) external payable returns (uint64 index);

    /// @notice Locks `amount` of `token` (pulled with transferFrom) for `chainId`; the child's bridge mints
    /// the amount actually received to `to`.
    /// @param chainId The child chain.
    /// @param token The ERC-20 token on this chain.
    /// @param amount The amount to pull.
    /// @param to The recipient on the child chain.
    /// @return index The priority request's index.
    function depositToken(uint256 chainId, address token, uint256 amount, address to)
        external
        returns (uint64 index);

    /// @notice Enqueues any call on `chainId` from the caller (aliased if a contract), minting `msg.value`
    /// to the caller there first.
    /// @param chainId The child chain.
    /// @param target The call's target on the child chain.
    /// @param l2Value Wei the call transfers.
    /// @param gasLimit The call's gas limit on the child chain.
    /// @param data The calldata.
    /// @return index The priority request's index.
    function requestL2Transaction(
        uint256 chainId,
        address target,
        uint256 l2Value,
        uint256 gasLimit,
        bytes calldata data
    ) external payable returns (uint64 index);

    /// @notice Releases a withdrawal whose message is in executed batch `batchNumber` of `chainId`.
    /// @param chainId The child chain the message comes from.
    /// @param batchNumber The executed batch holding the message.
    /// @param leafIndex The message's position in the batch's message tree.
    /// @param message The message (sender: the child's bridge; recipient: this vault).
    /// @param siblings The Merkle proof, bottom-up, MESSAGE_TREE_DEPTH long.
    function finalizeWithdrawal(
        uint256 chainId,
        uint64 batchNumber,
        uint256 leafIndex,
        Hashing.Message calldata message,
        uint256[] calldata siblings
    ) external;

    /// @notice Returns the ether and tokens of a request that a frozen chain never consumed to the
    /// request's refund recipient. Anyone may call.
    /// @param chainId The frozen chain.
    /// @param op The full request, as emitted by the queue.
    function reclaimDeposit(uint256 chainId, PriorityOp calldata op) external;

    /// @notice Pays `account` its balance of `token` (zero address: ether) in the last executed state of
    /// frozen chain `chainId`, proven against that state root. Anyone may call; the funds go to `account`.
    /// @param chainId The frozen chain.
    /// @param account The account on the child chain (and recipient here).
    /// @param token The token on this chain (zero address for ether).
    /// @param amount The balance in the last executed state.
    /// @param index The balance entry's index in the chain's pubdata, its position in the state tree
    /// (docs/state.md).
    /// @param siblings The inclusion proof of that entry holding `amount`: for each of the 16 levels,
    /// bottom-up, the three other children of the ancestor one level up, in child order
    /// (`Hashing.stateRoot`).
    function exitFrozenChain(
        uint256 chainId,
        address account,
        address token,
        uint256 amount,
        uint256 index,
        uint256[3][16] calldata siblings
    ) external;

    /// @notice What `chainId` holds of `token` (zero address: ether) in this vault.
    /// @param chainId The child chain.
    /// @param token The token (zero address for ether).
    /// @return The balance.
    function chainBalance(uint256 chainId, address token) external view returns (uint256);

    /// @notice Whether withdrawal message `nonce` of `chainId` was finalized.
    /// @param chainId The child chain.
    /// @param nonce The message nonce.
    /// @return True once finalized.
    function isWithdrawalFinalized(uint256 chainId, uint64 nonce) external view returns (bool);

    /// @notice The state-tree key of `account`'s balance of `token` on a child chain.
    /// @param account The account.
    /// @param token The token on this chain (zero address for ether).
    /// @return The key (a field element).
    function balanceKey(address account, address token) external pure returns (uint256);
}
