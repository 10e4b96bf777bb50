// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {IChainRegistry} from "../contracts/src/registry/IChainRegistry.sol";
import {ScriptBase} from "./utils/ScriptBase.sol";

/// @title RegisterChain
/// @notice Registers a child chain on the suite deployed on the current chain (read from
/// `deployments/<chainId>.json`) and writes `deployments/<parentChainId>-<label>.json`.
/// @dev Environment:
///  - CHAIN_LABEL (required): label under the host, e.g. "base" on L1, "reddit" on the basechain.
///  - CHAIN_ID (required): the child's EVM chain id.
///  - CHAIN_DA: "rollup-calldata" (default), "rollup-blob" or "validium".
///  - CHAIN_SEQUENCER: "centralized" (default), "decentralized" or "priority-queue-only".
///  - CHAIN_GENESIS_ROOT: genesis state root (default 0, the empty tree).
///  - CHAIN_PRIORITY_DELAY: seconds before an unserved priority request allows freezing (default 86400).
///  - CHAIN_RPC: RPC hint (default "").
///  - CHAIN_ADMIN, CHAIN_OPERATOR: default the broadcasting account.
contract RegisterChain is ScriptBase {
    /// @notice Registers the chain and writes its file.
    function run() external {
        string memory suite = vm.readFile(_suitePath());
        IChainRegistry registry = IChainRegistry(vm.parseJsonAddress(suite, ".registry"));
        string memory label = vm.envString("CHAIN_LABEL");
        string memory daKind = vm.envOr("CHAIN_DA", string("rollup-calldata"));
        string memory mode = vm.envOr("CHAIN_SEQUENCER", string("centralized"));

        IChainRegistry.ChainParams memory p = IChainRegistry.ChainParams({
            label: label,
            chainId: vm.envUint("CHAIN_ID"),
            admin: vm.envOr("CHAIN_ADMIN", msg.sender),
            operator: vm.envOr("CHAIN_OPERATOR", msg.sender),
            daPolicy: vm.parseJsonAddress(suite, string.concat(".daPolicies.", daKind)),
            sequencerMode: _mode(mode),
            genesisStateRoot: vm.envOr("CHAIN_GENESIS_ROOT", bytes32(0)),
            priorityTxMaxDelay: uint64(vm.envOr("CHAIN_PRIORITY_DELAY", uint256(1 days))),
            rpcHint: vm.envOr("CHAIN_RPC", string(""))
        });

        vm.startBroadcast();
        (address settlement, address queue) = registry.registerChain(p);
        vm.stopBroadcast();

        string memory o = "chain";
        vm.serializeString(o, "name", registry.fullName(label));
        vm.serializeUint(o, "chainId", p.chainId);
        vm.serializeUint(o, "parentChainId", block.chainid);
        vm.serializeAddress(o, "registry", address(registry));
        vm.serializeAddress(o, "settlement", settlement);
        vm.serializeAddress(o, "priorityQueue", queue);
        vm.serializeAddress(o, "daPolicy", p.daPolicy);
        vm.serializeString(o, "daKind", daKind);
        vm.serializeString(o, "sequencerMode", mode);
        vm.serializeBytes32(o, "genesisStateRoot", p.genesisStateRoot);
        string memory json = vm.serializeUint(o, "registeredAtBlock", block.number);
        vm.writeJson(
            json, string.concat(_deploymentsDir(), "/", vm.toString(block.chainid), "-", label, ".json")
        );
    }

    error UnknownSequencerMode(string mode);

    function _mode(string memory mode) private pure returns (IChainRegistry.SequencerMode) {
        bytes32 h = keccak256(bytes(mode));
        if (h == keccak256("centralized")) return IChainRegistry.SequencerMode.Centralized;
        if (h == keccak256("decentralized")) return IChainRegistry.SequencerMode.Decentralized;
        if (h == keccak256("priority-queue-only")) return IChainRegistry.SequencerMode.PriorityQueueOnly;
        revert UnknownSequencerMode(mode);
    }
}
