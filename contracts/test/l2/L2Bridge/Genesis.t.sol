// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BridgeVault} from "../../../src/bridge/BridgeVault.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {L2Bridge} from "../../../src/l2/L2Bridge.sol";
import {L2Outbox} from "../../../src/l2/L2Outbox.sol";
import {IChainRegistry} from "../../../src/registry/IChainRegistry.sol";
import {SystemBase} from "../SystemBase.sol";
import {SystemContracts} from "../SystemContracts.sol";

/// @notice The bridge's genesis: runtime code only, configuration in storage slots 1 and 2, the ledger
/// at slot 0 where exits from a frozen chain look for it.
contract GenesisTest is SystemBase {
    function test_Genesis_ReadsItsConfiguration() public view {
        assertEq(BRIDGE.vault(), VAULT);
        assertEq(BRIDGE.parentChainId(), PARENT_ID);
    }

    function test_Genesis_ConfigurationSlots() public view {
        assertEq(
            vm.load(address(BRIDGE), bytes32(SystemContracts.BRIDGE_VAULT_SLOT)),
            bytes32(uint256(uint160(VAULT)))
        );
        assertEq(
            vm.load(address(BRIDGE), bytes32(SystemContracts.BRIDGE_PARENT_CHAIN_ID_SLOT)), bytes32(PARENT_ID)
        );
    }

    function test_Genesis_WithoutAParent() public {
        configure(address(0), 0);
        assertEq(BRIDGE.vault(), address(0));
        assertEq(BRIDGE.parentChainId(), 0);
    }

    function test_Genesis_NoConstructorState() public {
        // Deployed the ordinary way, neither contract writes anything: genesis needs only the runtime code.
        L2Bridge deployed = new L2Bridge();
        L2Outbox outbox = new L2Outbox();
        assertEq(address(deployed).code, type(L2Bridge).runtimeCode);
        assertEq(address(outbox).code, type(L2Outbox).runtimeCode);
        for (uint256 slot = 0; slot < 3; ++slot) {
            assertEq(vm.load(address(deployed), bytes32(slot)), bytes32(0));
            assertEq(vm.load(address(outbox), bytes32(slot)), bytes32(0));
        }
        assertEq(deployed.vault(), address(0));
    }

    function test_Genesis_LedgerIsTheSlotZeroMapping() public {
        deposit(BOB, 500);
        bytes32 slot = keccak256(abi.encode(BOB, keccak256(abi.encode(TOKEN, uint256(0)))));
        assertEq(SystemContracts.ledgerSlot(TOKEN, BOB), slot);
        assertEq(uint256(vm.load(address(BRIDGE), slot)), 500);
        // The state key an exit from a frozen chain proves against (docs/state.md) names this slot.
        BridgeVault parentVault = new BridgeVault(IChainRegistry(address(1)));
        assertEq(
            parentVault.balanceKey(BOB, TOKEN),
            Hashing.stateKey(FractalConstants.STATE_KIND_STORAGE, FractalConstants.L2_BRIDGE, slot)
        );
    }

    function test_Genesis_LedgerWrittenInStorageIsABalance() public {
        vm.store(address(BRIDGE), SystemContracts.ledgerSlot(TOKEN, ALICE), bytes32(uint256(77)));
        assertEq(BRIDGE.balanceOf(TOKEN, ALICE), 77);
        assertEq(BRIDGE.balanceOf(OTHER_TOKEN, ALICE), 0);
    }

    function test_Genesis_RefusesPlainEther() public {
        vm.deal(ALICE, 1 ether);
        vm.prank(ALICE);
        (bool ok,) = address(BRIDGE).call{value: 1 ether}("");
        assertFalse(ok);
        assertEq(address(BRIDGE).balance, 0);
    }
}
