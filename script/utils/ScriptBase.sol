// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title VmScript
/// @notice The subset of Foundry's cheatcodes the deployment scripts use (no forge-std in this repo).
interface VmScript {
    function startBroadcast() external;
    function stopBroadcast() external;
    function envOr(string calldata name, string calldata defaultValue) external view returns (string memory);
    function envOr(string calldata name, uint256 defaultValue) external view returns (uint256);
    function envOr(string calldata name, address defaultValue) external view returns (address);
    function envOr(string calldata name, bytes32 defaultValue) external view returns (bytes32);
    function envString(string calldata name) external view returns (string memory);
    function envUint(string calldata name) external view returns (uint256);
    function readFile(string calldata path) external view returns (string memory);
    function parseJsonAddress(string calldata json, string calldata key) external pure returns (address);
    function parseJsonUint(string calldata json, string calldata key) external pure returns (uint256);
    function serializeAddress(string calldata objectKey, string calldata valueKey, address value)
        external
        returns (string memory json);
    function serializeUint(string calldata objectKey, string calldata valueKey, uint256 value)
        external
        returns (string memory json);
    function serializeString(string calldata objectKey, string calldata valueKey, string calldata value)
        external
        returns (string memory json);
    function serializeBytes32(string calldata objectKey, string calldata valueKey, bytes32 value)
        external
        returns (string memory json);
    function writeJson(string calldata json, string calldata path) external;
    function createDir(string calldata path, bool recursive) external;
    function projectRoot() external view returns (string memory);
    function toString(uint256 value) external pure returns (string memory);
    function getNonce(address account) external view returns (uint64);
}

/// @title ScriptBase
/// @notice Base of Fractal's `forge script` deployments: the cheatcode handle and the deployments folder.
abstract contract ScriptBase {
    VmScript internal constant vm = VmScript(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @dev Where deployment files go: $FRACTAL_DEPLOYMENTS_DIR, default `<project>/deployments`.
    function _deploymentsDir() internal view returns (string memory dir) {
        dir = vm.envOr("FRACTAL_DEPLOYMENTS_DIR", string.concat(vm.projectRoot(), "/deployments"));
    }

    /// @dev The suite's file on the current chain.
    function _suitePath() internal view returns (string memory) {
        return string.concat(_deploymentsDir(), "/", vm.toString(block.chainid), ".json");
    }
}
