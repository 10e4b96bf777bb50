// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../src/common/Constants.sol";
import {Hashing} from "../../src/common/Hashing.sol";
import {IL2Outbox} from "../../src/l2/IL2Outbox.sol";
import {L2Bridge} from "../../src/l2/L2Bridge.sol";
import {L2Outbox} from "../../src/l2/L2Outbox.sol";
import {Vm} from "../utils/Test.sol";

/// @title SystemContracts
/// @notice Test-only genesis of the system contracts, the way the node builds it
/// (`ChainConfig::genesis_alloc`, docs/encodings.md "Genesis storage of the system contracts"): the
/// runtime code alone at the reserved addresses (no constructor runs), the bridge's configuration written
/// straight into its storage; and the node's reading of the outbox's events back into messages.
/// @dev Note: `type(C).runtimeCode` is exactly what `forge inspect C deployedBytecode` prints and
/// `tools/system-contracts` writes to crates/node/genesis (it would not compile with immutables).
library SystemContracts {
    Vm private constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @dev Outbox slot 0: the next nonce.
    uint256 internal constant OUTBOX_NONCE_SLOT = 0;
    /// @dev Outbox slot 1: the block of the last message (low 8 bytes) and its count (next 8 bytes).
    uint256 internal constant OUTBOX_SENT_SLOT = 1;
    /// @dev Outbox slot 2: the Poseidon chain of the message leaves (`messageChain()`).
    uint256 internal constant OUTBOX_MESSAGE_CHAIN_SLOT = 2;
    /// @dev Bridge slot 0: the ledger `mapping(address l1Token => mapping(address account => uint256))`.
    uint256 internal constant BRIDGE_LEDGER_SLOT = FractalConstants.L2_BRIDGE_BALANCES_SLOT;
    /// @dev Bridge slot 1: the parent's vault, as `uint256(uint160(vault))`.
    uint256 internal constant BRIDGE_VAULT_SLOT = 1;
    /// @dev Bridge slot 2: the parent's chain id, as a `uint256`.
    uint256 internal constant BRIDGE_PARENT_CHAIN_ID_SLOT = 2;

    /// @notice Places the outbox and the bridge at their addresses and configures the bridge's parent
    /// (`vault` zero and `parentChainId` zero: a chain without a parent, whose genesis writes nothing).
    function place(address vault, uint256 parentChainId) internal {
        vm.etch(FractalConstants.L2_OUTBOX, type(L2Outbox).runtimeCode);
        vm.etch(FractalConstants.L2_BRIDGE, type(L2Bridge).runtimeCode);
        configure(vault, parentChainId);
    }

    /// @notice Writes the bridge's genesis configuration: slot 1 the vault, slot 2 the parent chain id.
    function configure(address vault, uint256 parentChainId) internal {
        vm.store(FractalConstants.L2_BRIDGE, bytes32(BRIDGE_VAULT_SLOT), bytes32(uint256(uint160(vault))));
        vm.store(FractalConstants.L2_BRIDGE, bytes32(BRIDGE_PARENT_CHAIN_ID_SLOT), bytes32(parentChainId));
    }

    /// @notice The storage key of `account`'s balance of `l1Token` in the bridge's ledger (docs/state.md).
    function ledgerSlot(address l1Token, address account) internal pure returns (bytes32) {
        return keccak256(abi.encode(account, keccak256(abi.encode(l1Token, BRIDGE_LEDGER_SLOT))));
    }

    /// @notice The child-chain alias of `account`: `account + 0x1111…1111` modulo 2^160.
    function aliasOf(address account) internal pure returns (address) {
        unchecked {
            // Wrapping addition modulo 2^160 is the alias arithmetic.
            return address(uint160(account) + FractalConstants.ALIAS_OFFSET);
        }
    }

    /// @notice The messages the outbox announced in `logs`, in order, as the node reads them: the event's
    /// fields plus `sourceChainId`, the id of the chain that emitted them.
    function sentMessages(Vm.Log[] memory logs, uint64 sourceChainId)
        internal
        pure
        returns (Hashing.Message[] memory messages)
    {
        uint256 n;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (_isMessageSent(logs[i])) ++n;
        }
        messages = new Hashing.Message[](n);
        n = 0;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (!_isMessageSent(logs[i])) continue;
            (address recipient, bytes memory payload) = abi.decode(logs[i].data, (address, bytes));
            messages[n++] = Hashing.Message({
                sourceChainId: sourceChainId,
                nonce: uint64(uint256(logs[i].topics[1])),
                sender: address(uint160(uint256(logs[i].topics[2]))),
                destinationChainId: uint64(uint256(logs[i].topics[3])),
                recipient: recipient,
                payload: payload
            });
        }
    }

    function _isMessageSent(Vm.Log memory log) private pure returns (bool) {
        return log.emitter == FractalConstants.L2_OUTBOX && log.topics.length == 4
            && log.topics[0] == IL2Outbox.MessageSent.selector;
    }
}
