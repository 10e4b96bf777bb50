// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {L2Bridge} from "../../../src/l2/L2Bridge.sol";
import {L2Outbox} from "../../../src/l2/L2Outbox.sol";
import {Vm} from "../../utils/Test.sol";
import {SystemContracts} from "../SystemContracts.sol";

/// @title L2BridgeHandler
/// @notice Drives the genesis outbox and bridge for the invariant suite: token deposits from the aliased
/// vault, ledger transfers, token and ether withdrawals among three accounts and two tokens; messages
/// other accounts send through the outbox; and attempts that must fail (deposits from anyone but the
/// vault's alias, withdrawals above a balance).
/// @dev Note: reverts inside a handler are swallowed by the fuzzer, so every outcome that contradicts the
/// model is counted in a ghost variable for the invariants to check.
contract L2BridgeHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    L2Bridge internal constant BRIDGE = L2Bridge(FractalConstants.L2_BRIDGE);
    L2Outbox internal constant OUTBOX = L2Outbox(FractalConstants.L2_OUTBOX);
    uint256 internal constant MAX_AMOUNT = 1e30;

    address public immutable vault;
    uint64 public immutable parentChainId;
    address[3] public accounts = [address(0xA1), address(0xA2), address(0xA3)];
    address[2] public tokens = [address(0x70CE), address(0x70CE2)];

    // ------------------------------------------------------------------ ghost variables

    /// @notice Credited and withdrawn amounts per token.
    mapping(address => uint256) public deposited;
    mapping(address => uint256) public withdrawn;
    /// @notice Ether withdrawn (and so locked in the bridge).
    uint256 public etherWithdrawn;
    /// @notice Messages sent: by the bridge (withdrawals) and by anyone else.
    uint256 public bridgeMessages;
    uint256 public otherMessages;
    /// @notice Withdrawal messages that are not what the vault accepts, or nonces out of sequence (0).
    uint256 public badMessages;
    /// @notice The message chain the outbox must hold: Poseidon(chain, leaf) over the leaf of every
    /// message the model says was sent (from the model's fields, not the events).
    uint256 public messageChain;
    /// @notice Deposits from another caller, or overdrafts, that succeeded (0).
    uint256 public unexpectedSuccesses;

    constructor(address vault_, uint64 parentChainId_) {
        vault = vault_;
        parentChainId = parentChainId_;
    }

    function account(uint256 i) public view returns (address) {
        return accounts[i % 3];
    }

    function token(uint256 i) public view returns (address) {
        return tokens[i % 2];
    }

    // ------------------------------------------------------------------ actions

    function deposit(uint256 tokenSeed, uint256 to, uint256 amount) external {
        amount = amount % MAX_AMOUNT;
        vm.prank(SystemContracts.aliasOf(vault));
        BRIDGE.finalizeDeposit(token(tokenSeed), address(this), account(to), amount);
        deposited[token(tokenSeed)] += amount;
    }

    function transfer(uint256 tokenSeed, uint256 from, uint256 to, uint256 amount) external {
        address t = token(tokenSeed);
        amount = amount % (BRIDGE.balanceOf(t, account(from)) + 1);
        vm.prank(account(from));
        BRIDGE.transfer(t, account(to), amount);
    }

    function withdrawToken(uint256 tokenSeed, uint256 from, uint256 amount, address to) external {
        address t = token(tokenSeed);
        uint256 balance = BRIDGE.balanceOf(t, account(from));
        if (balance == 0) return;
        if (to == address(0)) to = address(0xE117);
        amount = 1 + amount % balance;
        _roomForAMessage();
        vm.recordLogs();
        vm.prank(account(from));
        uint64 nonce = BRIDGE.withdrawToken(t, to, amount);
        _checkWithdrawal(nonce, t, to, amount);
        withdrawn[t] += amount;
    }

    function withdrawEther(uint256 from, uint256 amount, address to) external {
        if (to == address(0)) to = address(0xE117);
        amount = 1 + amount % MAX_AMOUNT;
        vm.deal(account(from), amount);
        _roomForAMessage();
        vm.recordLogs();
        vm.prank(account(from));
        uint64 nonce = BRIDGE.withdraw{value: amount}(to);
        _checkWithdrawal(nonce, address(0), to, amount);
        etherWithdrawn += amount;
    }

    function sendMessage(address sender, uint64 destination, address recipient, uint256 length) external {
        if (sender == address(BRIDGE) || sender == address(vm)) sender = address(0x5E4D);
        _roomForAMessage();
        bytes memory payload = new bytes(length % 200);
        for (uint256 i = 0; i < payload.length; ++i) {
            payload[i] = bytes1(uint8(length >> (i % 32)));
        }
        vm.prank(sender);
        uint64 nonce = OUTBOX.sendMessage(destination, recipient, payload);
        if (nonce != bridgeMessages + otherMessages) ++badMessages;
        _chain(sender, destination, recipient, payload);
        ++otherMessages;
    }

    function forgeDeposit(address caller, uint256 tokenSeed, uint256 amount) external {
        if (caller == SystemContracts.aliasOf(vault)) return;
        vm.prank(caller);
        try BRIDGE.finalizeDeposit(token(tokenSeed), caller, caller, amount) {
            ++unexpectedSuccesses;
        } catch {}
    }

    function overdraw(uint256 tokenSeed, uint256 from, uint256 extra) external {
        address t = token(tokenSeed);
        uint256 balance = BRIDGE.balanceOf(t, account(from));
        uint256 amount = balance + 1 + extra % MAX_AMOUNT;
        vm.prank(account(from));
        try BRIDGE.withdrawToken(t, address(0xE117), amount) {
            ++unexpectedSuccesses;
        } catch {}
        vm.prank(account(from));
        try BRIDGE.transfer(t, account(from % 3 + 1), amount) {
            ++unexpectedSuccesses;
        } catch {}
    }

    // ------------------------------------------------------------------ checks

    /// @dev Moves to the next block when this one has sent all the messages a block may send, as a
    /// sequencer's next transactions land in a later block.
    function _roomForAMessage() private {
        if (OUTBOX.sentThisBlock() == OUTBOX.MAX_MESSAGES_PER_BLOCK()) vm.roll(block.number + 1);
    }

    /// @dev The withdrawal's outbox message must be exactly what BridgeVault.finalizeWithdrawal accepts,
    /// numbered next.
    function _checkWithdrawal(uint64 nonce, address t, address to, uint256 amount) private {
        Hashing.Message[] memory messages =
            SystemContracts.sentMessages(vm.getRecordedLogs(), uint64(block.chainid));
        bool ok = messages.length == 1 && nonce == bridgeMessages + otherMessages;
        if (ok) {
            Hashing.Message memory m = messages[0];
            ok = m.nonce == nonce && m.sender == FractalConstants.L2_BRIDGE
                && m.destinationChainId == parentChainId && m.recipient == vault
                && keccak256(m.payload) == keccak256(abi.encode(t, to, amount)) && m.payload.length == 96;
        }
        if (!ok) ++badMessages;
        _chain(FractalConstants.L2_BRIDGE, parentChainId, vault, abi.encode(t, to, amount));
        ++bridgeMessages;
    }

    /// @dev Folds the next message (numbered by the model's count) into the model's chain.
    function _chain(address sender, uint64 destination, address recipient, bytes memory payload) private {
        uint256 leaf = Hashing.messageLeaf(
            Hashing.Message({
                sourceChainId: uint64(block.chainid),
                nonce: uint64(bridgeMessages + otherMessages),
                sender: sender,
                destinationChainId: destination,
                recipient: recipient,
                payload: payload
            })
        );
        messageChain = Hashing.messageChainStep(messageChain, leaf);
    }
}
