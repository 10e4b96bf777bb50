// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {ChainRegistry} from "../../../src/registry/ChainRegistry.sol";
import {IChainRegistry} from "../../../src/registry/IChainRegistry.sol";
import {Fixture} from "../../shared/Fixture.sol";

/// @title RegistryBase
/// @notice Shared base of the ChainRegistry tests: the real suite from `Fixture` (registry on L1 with the
/// vault wired and chain `base` = 4242 registered), plus fresh registries for host-name and
/// before-the-vault cases.
abstract contract RegistryBase is Fixture {
    /// @dev A second chain's label and id.
    string internal constant OTHER_LABEL = "reddit";
    uint256 internal constant OTHER_ID = 4343;

    /// @dev Parameters of a new chain on the fixture's registry with a valid genesis root.
    function params(string memory label, uint256 chainId)
        internal
        view
        returns (IChainRegistry.ChainParams memory)
    {
        return chainParams(label, chainId, fieldElement(chainId));
    }

    /// @dev A fresh registry deployed by this contract under `hostName_`, sharing the fixture's verifier
    /// and implementations, with the fixture's vault wired in when `wireVault` is set.
    function newRegistry(string memory hostName_, bool wireVault) internal returns (ChainRegistry r) {
        r = new ChainRegistry(hostName_, address(verifier), address(settlementImpl), address(queueImpl));
        if (wireVault) r.setBridgeVault(address(vault));
    }

    /// @dev The address of the contract `deployer` creates with CREATE at `nonce` (1..127).
    function createAddress(address deployer, uint256 nonce) internal pure returns (address) {
        require(nonce > 0 && nonce < 0x80, "createAddress: nonce out of range");
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes2(0xd694), deployer, uint8(nonce))))));
    }

    /// @dev The settlement and queue clones the next registration on `r` creates (contract nonces start at
    /// 1 and each registration creates two clones).
    function nextClones(ChainRegistry r) internal view returns (address settlement_, address queue_) {
        uint256 nonce = 1 + 2 * r.chainCount();
        settlement_ = createAddress(address(r), nonce);
        queue_ = createAddress(address(r), nonce + 1);
    }

    /// @dev Reference label rule: 1..32 bytes of [a-z0-9-], no leading or trailing '-'.
    function isValidLabel(bytes memory label) internal pure returns (bool) {
        if (label.length == 0 || label.length > 32) return false;
        if (label[0] == "-" || label[label.length - 1] == "-") return false;
        for (uint256 i = 0; i < label.length; ++i) {
            uint8 c = uint8(label[i]);
            bool ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d;
            if (!ok) return false;
        }
        return true;
    }
}
