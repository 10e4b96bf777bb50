// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {FractalConstants} from "../../../src/common/Constants.sol";
import {Hashing} from "../../../src/common/Hashing.sol";
import {IL2Outbox} from "../../../src/l2/IL2Outbox.sol";
import {SystemBase} from "../SystemBase.sol";

/// @notice The outbox code the node places in genesis (crates/node/genesis/*.hex, written by
/// `tools/system-contracts`): linked against the Poseidon libraries at FractalConstants.POSEIDON_T3 and
/// POSEIDON_T4, which genesis also holds; with all three etched where genesis puts them, it numbers and
/// chains messages exactly like the compiled contract.
/// @dev Note: the other tests run the compiled contracts (`SystemContracts.place`), linked by forge to
/// libraries it deploys itself; `make lint` (`tools/system-contracts --check`) keeps the files current.
contract GenesisCodeTest is SystemBase {
    function _genesisCode(string memory name) internal view returns (bytes memory) {
        return
            vm.parseBytes(vm.readLine(string.concat(vm.projectRoot(), "/crates/node/genesis/", name, ".hex")));
    }

    function setUp() public override {
        super.setUp();
        vm.etch(FractalConstants.L2_OUTBOX, _genesisCode("L2Outbox"));
        vm.etch(FractalConstants.POSEIDON_T3, _genesisCode("PoseidonT3"));
        vm.etch(FractalConstants.POSEIDON_T4, _genesisCode("PoseidonT4"));
    }

    /// @dev A library's code holds its own address in its first PUSH20, as a deployment there writes it.
    function test_GenesisCode_LibrariesHoldTheirAddress() public view {
        address[2] memory libraries = [FractalConstants.POSEIDON_T3, FractalConstants.POSEIDON_T4];
        for (uint256 i = 0; i < 2; ++i) {
            bytes memory code = libraries[i].code;
            assertEq(uint8(code[0]), 0x73, "PUSH20");
            uint160 held;
            for (uint256 j = 1; j <= 20; ++j) {
                held = (held << 8) | uint8(code[j]);
            }
            assertEq(address(held), libraries[i]);
        }
    }

    function test_GenesisCode_LibrariesHash() public view {
        // The libraries' selectors and ABI are poseidon-solidity's: hash(uint256[2]) and hash(uint256[3]).
        (bool ok, bytes memory out) = FractalConstants.POSEIDON_T3
            .staticcall(abi.encodeWithSignature("hash(uint256[2])", [uint256(1), 2]));
        assertTrue(ok);
        assertEq(abi.decode(out, (uint256)), PoseidonT3.hash([uint256(1), 2]));
        (ok, out) = FractalConstants.POSEIDON_T4
            .staticcall(abi.encodeWithSignature("hash(uint256[3])", [uint256(1), 2, 3]));
        assertTrue(ok);
        assertEq(
            abi.decode(out, (uint256)), 0x0e7732d89e6939c0ff03d5e58dab6302f3230e269dc5b968f725df34ab36d732
        );
    }

    function test_GenesisCode_ChainsMessages() public {
        bytes memory payload = abi.encode(address(0), BOB, uint256(1 ether));
        uint256 chain;
        for (uint64 nonce = 0; nonce < 3; ++nonce) {
            vm.prank(ALICE);
            assertEq(
                uint256(IL2Outbox(FractalConstants.L2_OUTBOX).sendMessage(uint64(PARENT_ID), BOB, payload)),
                nonce
            );
            chain = Hashing.messageChainStep(
                chain,
                Hashing.messageLeaf(
                    Hashing.Message({
                        sourceChainId: CHAIN,
                        nonce: nonce,
                        sender: ALICE,
                        destinationChainId: uint64(PARENT_ID),
                        recipient: BOB,
                        payload: payload
                    })
                )
            );
        }
        assertEq(IL2Outbox(FractalConstants.L2_OUTBOX).messageChain(), chain);
        assertEq(uint256(IL2Outbox(FractalConstants.L2_OUTBOX).nextNonce()), 3);
    }

    /// @dev Without the libraries at their genesis addresses the genesis outbox cannot hash: it is linked
    /// there and nowhere else.
    function test_RevertWhen_TheLibrariesAreMissing() public {
        vm.etch(FractalConstants.POSEIDON_T3, "");
        vm.expectRevert();
        IL2Outbox(FractalConstants.L2_OUTBOX).sendMessage(1, BOB, hex"01");
    }
}
