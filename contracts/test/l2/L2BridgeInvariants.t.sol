// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {FractalConstants} from "../../src/common/Constants.sol";
import {L2Bridge} from "../../src/l2/L2Bridge.sol";
import {L2Outbox} from "../../src/l2/L2Outbox.sol";
import {Vm} from "../utils/Test.sol";
import {SystemBase} from "./SystemBase.sol";

/// @notice Drives the bridge with deposits, transfers and withdrawals among three accounts, tracking what
/// went in and out.
contract L2BridgeHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    L2Bridge internal constant BRIDGE = L2Bridge(FractalConstants.L2_BRIDGE);
    address internal immutable aliasedVault;
    address internal immutable token;
    address[3] internal accounts = [address(0xA1), address(0xA2), address(0xA3)];

    uint256 public deposited;
    uint256 public withdrawn;
    uint256 public withdrawals;

    constructor(address aliasedVault_, address token_) {
        aliasedVault = aliasedVault_;
        token = token_;
    }

    function account(uint256 i) public view returns (address) {
        return accounts[i % 3];
    }

    function deposit(uint256 to, uint256 amount) external {
        amount = amount % 1e30;
        vm.prank(aliasedVault);
        BRIDGE.finalizeDeposit(token, address(this), account(to), amount);
        deposited += amount;
    }

    function transfer(uint256 from, uint256 to, uint256 amount) external {
        uint256 balance = BRIDGE.balanceOf(token, account(from));
        amount = balance == 0 ? 0 : amount % (balance + 1);
        vm.prank(account(from));
        BRIDGE.transfer(token, account(to), amount);
    }

    function withdraw(uint256 from, uint256 amount) external {
        uint256 balance = BRIDGE.balanceOf(token, account(from));
        if (balance == 0) return;
        amount = 1 + amount % balance;
        vm.prank(account(from));
        BRIDGE.withdrawToken(token, address(0xE117), amount);
        withdrawn += amount;
        withdrawals += 1;
    }
}

contract L2BridgeInvariantsTest is SystemBase {
    L2BridgeHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new L2BridgeHandler(aliasOf(VAULT), TOKEN);
        targetContract(address(handler));
    }

    /// @dev The ledger holds exactly what came in minus what left, and every withdrawal is one message.
    function invariant_LedgerAndMessages() public view {
        uint256 sum;
        for (uint256 i; i < 3; ++i) {
            sum += BRIDGE.balanceOf(TOKEN, handler.account(i));
        }
        assertEq(sum, handler.deposited() - handler.withdrawn(), "ledger = deposited - withdrawn");
        assertEq(
            uint256(L2Outbox(FractalConstants.L2_OUTBOX).nextNonce()),
            handler.withdrawals(),
            "one message each"
        );
    }
}
