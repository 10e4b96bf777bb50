// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Hashing} from "../../../src/common/Hashing.sol";
import {IBridgeVault} from "../../../src/bridge/IBridgeVault.sol";

/// @title RevertingReceiver
/// @notice Test-only account that refuses ether.
contract RevertingReceiver {
    error NoEtherAccepted();

    receive() external payable {
        revert NoEtherAccepted();
    }
}

/// @title ReentrantReceiver
/// @notice Test-only account that, on receiving ether, tries to finalize a stored withdrawal again and
/// records how that attempt failed (it swallows the failure so the outer call completes).
contract ReentrantReceiver {
    IBridgeVault private immutable _vault;
    uint256 private _chainId;
    uint64 private _batchNumber;
    uint256 private _leafIndex;
    Hashing.Message private _message;
    uint256[] private _siblings;

    /// @notice The revert data of the re-entrant attempt (empty until one was made).
    bytes public reentryError;
    /// @notice Whether a re-entrant attempt was made.
    bool public attempted;

    constructor(IBridgeVault vault_) {
        _vault = vault_;
    }

    /// @notice Stores the withdrawal to replay from `receive`.
    function arm(
        uint256 chainId,
        uint64 batchNumber,
        uint256 leafIndex,
        Hashing.Message calldata message,
        uint256[] calldata siblings
    ) external {
        _chainId = chainId;
        _batchNumber = batchNumber;
        _leafIndex = leafIndex;
        _message = message;
        _siblings = siblings;
    }

    receive() external payable {
        if (attempted) return;
        attempted = true;
        try _vault.finalizeWithdrawal(_chainId, _batchNumber, _leafIndex, _message, _siblings) {}
        catch (bytes memory err) {
            reentryError = err;
        }
    }
}
