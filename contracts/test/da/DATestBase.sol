// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Test} from "../utils/Test.sol";
import {GuardianQuorumDA} from "../../src/da/GuardianQuorumDA.sol";
import {BatchHeader} from "../../src/settlement/BatchLib.sol";
import {WriteBinding} from "../utils/WriteBinding.sol";

/// @title DATestBase
/// @notice Shared fixtures of the data-availability tests: guardian keys, sorted attestations and the
/// `daInput` encodings of each policy.
abstract contract DATestBase is Test {
    /// @dev The secp256k1 group order.
    uint256 internal constant SECP256K1_N =
        0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    uint256 internal constant CHAIN_ID = 270;
    uint64 internal constant BATCH_NUMBER = 7;
    bytes32 internal constant DATA_HASH = keccak256("fractal batch 7 data");

    address internal owner = makeAddr("owner");
    address internal stranger = makeAddr("stranger");

    // ---------------------------------------------------------------- headers

    /// @dev A header for batch `batchNumber` with every other field zero (the policies other than the
    /// calldata one read only the batch number).
    function _header(uint64 batchNumber) internal pure returns (BatchHeader memory h) {
        h.batchNumber = batchNumber;
    }

    /// @dev The header of the default batch, `BATCH_NUMBER`.
    function _header() internal pure returns (BatchHeader memory) {
        return _header(BATCH_NUMBER);
    }

    /// @dev The header of the default batch carrying the write binding of version-2 `pubdata`
    /// (`WriteBinding.bind`): what `RollupCalldataDA` accepts with `pubdata`.
    function _boundHeader(bytes memory pubdata) internal pure returns (BatchHeader memory h) {
        h = _header();
        WriteBinding.bind(h, pubdata);
    }

    // ---------------------------------------------------------------- accounts

    /// @dev A deterministic address with a label (forge-std's makeAddr, without forge-std).
    function makeAddr(string memory name) internal returns (address account) {
        account = vm.addr(uint256(keccak256(bytes(name))));
        vm.label(account, name);
    }

    /// @dev The private key of guardian number `i` of key family `family` (distinct families never collide).
    function _key(uint256 family, uint256 i) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode("fractal.test.guardian", family, i))) % (SECP256K1_N - 1) + 1;
    }

    /// @dev `n` keys of `family`, sorted by ascending address.
    function _sortedKeys(uint256 family, uint256 n) internal pure returns (uint256[] memory keys) {
        keys = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            keys[i] = _key(family, i);
        }
        _sortByAddress(keys);
    }

    /// @dev Sorts private keys in place by the address they control (insertion sort: the sets are small).
    function _sortByAddress(uint256[] memory keys) internal pure {
        address[] memory addrs = _addresses(keys);
        for (uint256 i = 1; i < keys.length; ++i) {
            (uint256 key, address a) = (keys[i], addrs[i]);
            uint256 j = i;
            while (j > 0 && addrs[j - 1] > a) {
                (keys[j], addrs[j]) = (keys[j - 1], addrs[j - 1]);
                --j;
            }
            (keys[j], addrs[j]) = (key, a);
        }
    }

    function _addresses(uint256[] memory keys) internal pure returns (address[] memory addrs) {
        addrs = new address[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            addrs[i] = vm.addr(keys[i]);
        }
    }

    /// @dev The first `n` entries of `keys`.
    function _prefix(uint256[] memory keys, uint256 n) internal pure returns (uint256[] memory out) {
        out = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            out[i] = keys[i];
        }
    }

    // ---------------------------------------------------------------- guardian quorum

    /// @dev Deploys a quorum owned by `owner` with `n` guardians of `family` and threshold `k`; returns
    /// the guardians' keys sorted by address.
    function _deployQuorum(uint256 family, uint256 n, uint256 k)
        internal
        returns (GuardianQuorumDA policy, uint256[] memory keys)
    {
        keys = _sortedKeys(family, n);
        policy = new GuardianQuorumDA(owner, _addresses(keys), k);
    }

    /// @dev A 65-byte r ‖ s ‖ v signature of `digest`.
    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Attestations of `dataHash` for batch (chainId, batchNumber) by each key, in the keys' order.
    function _attest(
        GuardianQuorumDA policy,
        uint256[] memory keys,
        uint256 chainId,
        uint64 batchNumber,
        bytes32 dataHash
    ) internal view returns (bytes[] memory signatures) {
        bytes32 digest = policy.attestationDigest(chainId, batchNumber, dataHash);
        signatures = new bytes[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            signatures[i] = _sign(keys[i], digest);
        }
    }

    /// @dev The quorum `daInput` of `dataHash` attested by `keys` (in their order) for the default batch.
    function _quorumInput(GuardianQuorumDA policy, uint256[] memory keys, bytes32 dataHash)
        internal
        view
        returns (bytes memory)
    {
        return abi.encode(dataHash, _attest(policy, keys, CHAIN_ID, BATCH_NUMBER, dataHash));
    }

    // ---------------------------------------------------------------- encodings

    function _bytesArray(bytes memory a, bytes memory b) internal pure returns (bytes[] memory out) {
        out = new bytes[](2);
        out[0] = a;
        out[1] = b;
    }

    function _hashes(bytes32 a) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](1);
        out[0] = a;
    }

    /// @dev A plausible EIP-4844 versioned hash (version byte 0x01) derived from `seed`.
    function _versionedHash(uint256 seed) internal pure returns (bytes32) {
        bytes32 h = keccak256(abi.encode("fractal.test.blob", seed));
        return (h & bytes32(type(uint256).max >> 8)) | bytes32(uint256(0x01) << 248);
    }

    function _versionedHashes(uint256 seed, uint256 n) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            out[i] = _versionedHash(seed + i);
        }
    }
}
