// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {GuardianQuorumDABase} from "./GuardianQuorumDABase.sol";
import {GuardianQuorumDA} from "../../../src/da/GuardianQuorumDA.sol";

contract GuardianQuorumDAAttestationDigestTest is GuardianQuorumDABase {
    /// @dev The encoding the NatSpec documents, spelled out byte by byte.
    function _documentedDigest(address policyAddress, uint256 chainId, uint64 batchNumber, bytes32 dataHash)
        internal
        view
        returns (bytes32)
    {
        bytes32 message = keccak256(
            abi.encodePacked(
                keccak256("fractal.da.guardian-quorum.attestation.v1"),
                block.chainid,
                bytes32(uint256(uint160(policyAddress))),
                chainId,
                bytes32(uint256(batchNumber)),
                dataHash
            )
        );
        return keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", message));
    }

    function test_MatchesDocumentedEncoding() public view {
        assertEq(
            policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH),
            _documentedDigest(address(policy), CHAIN_ID, BATCH_NUMBER, DATA_HASH)
        );
    }

    function test_DependsOnParentChain() public {
        bytes32 before = policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        vm.chainId(block.chainid + 1);
        bytes32 afterwards = policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        assertTrue(before != afterwards);
        assertEq(afterwards, _documentedDigest(address(policy), CHAIN_ID, BATCH_NUMBER, DATA_HASH));
    }

    function test_DependsOnPolicyInstance() public {
        GuardianQuorumDA other = new GuardianQuorumDA(owner, _addresses(keys), THRESHOLD);
        assertTrue(
            other.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH)
                != policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH)
        );
    }

    function test_GuardianSignatureRecoversOverDigest() public view {
        bytes32 digest = policy.attestationDigest(CHAIN_ID, BATCH_NUMBER, DATA_HASH);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[0], digest);
        assertEq(ecrecover(digest, v, r, s), vm.addr(keys[0]));
    }

    function testFuzz_MatchesDocumentedEncoding(uint256 chainId, uint64 batchNumber, bytes32 dataHash)
        public
        view
    {
        assertEq(
            policy.attestationDigest(chainId, batchNumber, dataHash),
            _documentedDigest(address(policy), chainId, batchNumber, dataHash)
        );
    }

    function testFuzz_DistinctBatchesHaveDistinctDigests(uint64 a, uint64 b) public view {
        vm.assume(a != b);
        assertTrue(
            policy.attestationDigest(CHAIN_ID, a, DATA_HASH)
                != policy.attestationDigest(CHAIN_ID, b, DATA_HASH)
        );
    }
}
