// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {BridgeVault} from "../contracts/src/bridge/BridgeVault.sol";
import {RollupBlobDA} from "../contracts/src/da/RollupBlobDA.sol";
import {RollupCalldataDA} from "../contracts/src/da/RollupCalldataDA.sol";
import {ValidiumDA} from "../contracts/src/da/ValidiumDA.sol";
import {ChainRegistry} from "../contracts/src/registry/ChainRegistry.sol";
import {DevelopmentVerifier} from "../contracts/src/settlement/DevelopmentVerifier.sol";
import {Groth16BatchVerifier} from "../contracts/src/settlement/Groth16BatchVerifier.sol";
import {Groth16Verifier} from "../contracts/src/settlement/Groth16Verifier.sol";
import {Groth16DenseVerifier} from "../contracts/src/settlement/Groth16DenseVerifier.sol";
import {PriorityQueue} from "../contracts/src/settlement/PriorityQueue.sol";
import {Settlement} from "../contracts/src/settlement/Settlement.sol";
import {ScriptBase} from "./utils/ScriptBase.sol";

/// @title Deploy
/// @notice Deploys the settlement suite on any chain (L1, or a Fractal chain that will host children) and
/// writes `deployments/<chainId>.json`, which the Rust side reads (`fractal_primitives::Deployment`).
/// @dev Environment:
///  - FRACTAL_HOST_NAME: this chain's full name ("" on L1, e.g. "base" on the basechain).
///  - FRACTAL_VERIFIER: an existing verifier to use; unset deploys one according to FRACTAL_PROOF_SYSTEM.
///  - FRACTAL_PROOF_SYSTEM: "groth16" deploys the generated Groth16Verifier and Groth16DenseVerifier
///    (`fractal setup`) behind a Groth16BatchVerifier; "development" (the default) the INSECURE DevelopmentVerifier.
///  - FRACTAL_DEPLOYMENTS_DIR: output folder (default `deployments/`).
/// Run: forge script script/Deploy.s.sol --rpc-url $RPC --broadcast --private-key $KEY
contract Deploy is ScriptBase {
    /// @notice Deploys everything and writes the deployment file.
    function run() external {
        string memory hostName = vm.envOr("FRACTAL_HOST_NAME", string(""));
        address verifier = vm.envOr("FRACTAL_VERIFIER", address(0));
        string memory verifierKind = "groth16";

        vm.startBroadcast();
        if (verifier == address(0)) {
            if (
                keccak256(bytes(vm.envOr("FRACTAL_PROOF_SYSTEM", string("development"))))
                    == keccak256("groth16")
            ) {
                Groth16Verifier wideVerifier = new Groth16Verifier();
                Groth16DenseVerifier denseVerifier = new Groth16DenseVerifier();
                verifier = address(new Groth16BatchVerifier(address(wideVerifier), address(denseVerifier)));
                verifierKind = wideVerifier.INSECURE() || denseVerifier.INSECURE()
                    ? "groth16-development-insecure"
                    : "groth16";
            } else {
                verifier = address(new DevelopmentVerifier());
                verifierKind = "development-insecure";
            }
        }
        address settlementImpl = address(new Settlement());
        address queueImpl = address(new PriorityQueue());
        ChainRegistry registry = new ChainRegistry(hostName, verifier, settlementImpl, queueImpl);
        BridgeVault vault = new BridgeVault(registry);
        registry.setBridgeVault(address(vault));
        address calldataDA = address(new RollupCalldataDA());
        address blobDA = address(new RollupBlobDA());
        address validiumDA = address(new ValidiumDA());
        vm.stopBroadcast();

        string memory da = "da";
        vm.serializeAddress(da, "rollup-calldata", calldataDA);
        vm.serializeAddress(da, "rollup-blob", blobDA);
        string memory daJson = vm.serializeAddress(da, "validium", validiumDA);

        string memory o = "suite";
        vm.serializeUint(o, "hostChainId", block.chainid);
        vm.serializeString(o, "hostName", hostName);
        vm.serializeAddress(o, "deployer", msg.sender);
        vm.serializeAddress(o, "registry", address(registry));
        vm.serializeAddress(o, "bridgeVault", address(vault));
        vm.serializeAddress(o, "verifier", verifier);
        vm.serializeString(o, "verifierKind", verifierKind);
        vm.serializeAddress(o, "settlementImplementation", settlementImpl);
        vm.serializeAddress(o, "priorityQueueImplementation", queueImpl);
        vm.serializeString(o, "daPolicies", daJson);
        string memory json = vm.serializeUint(o, "deployedAtBlock", block.number);
        vm.createDir(_deploymentsDir(), true);
        vm.writeJson(json, _suitePath());
    }
}
