// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {ISettlement} from "../settlement/ISettlement.sol";
import {PriorityQueue} from "../settlement/PriorityQueue.sol";
import {Settlement} from "../settlement/Settlement.sol";
import {IChainRegistry} from "./IChainRegistry.sol";
import "./RegistryErrors.sol";

/// @title ChainRegistry
/// @notice The directory of the child chains settling on this chain, and the permissionless way to create
/// one: each registration clones the Settlement and PriorityQueue implementations and wires them to the
/// registry's shared verifier, the chain's DA policy and the bridge vault.
/// @dev Note: chain ids are unique within one registry and never equal the host's id; uniqueness across
/// the whole tree of registries is the job of whoever picks the id (docs/registry.md).
contract ChainRegistry is IChainRegistry {
    /// @notice Largest chain id accepted (EIP-2294's bound: floor(2^64 / 2) - 36).
    uint256 public constant MAX_CHAIN_ID = 9_223_372_036_854_775_771;
    /// @notice Longest label accepted.
    uint256 public constant MAX_LABEL_LENGTH = 32;
    /// @notice Longest RPC hint accepted.
    uint256 public constant MAX_RPC_HINT_LENGTH = 256;
    /// @notice Shortest priority-request deadline a chain may choose.
    uint64 public constant MIN_PRIORITY_DELAY = 1 minutes;
    /// @notice Longest priority-request deadline a chain may choose.
    uint64 public constant MAX_PRIORITY_DELAY = 30 days;

    // ------------------------------------------------------------------ storage

    address private immutable _deployer;
    address private immutable _verifier;
    address private immutable _settlementImpl;
    address private immutable _queueImpl;
    uint256 private immutable _hostChainId;
    string private _hostName;
    address private _vault;

    uint256[] private _chainIds;
    mapping(uint256 => ChainRecord) private _chains;
    mapping(bytes32 => uint256) private _idByName;
    mapping(address => uint256) private _idBySettlement;

    // ------------------------------------------------------------------ setup

    /// @notice Creates the registry of the chain it is deployed on.
    /// @param hostName_ Full name of this chain ("" on L1, e.g. "base" on the basechain).
    /// @param verifier_ The shared batch-proof verifier.
    /// @param settlementImpl_ The Settlement implementation cloned per chain.
    /// @param queueImpl_ The PriorityQueue implementation cloned per chain.
    constructor(string memory hostName_, address verifier_, address settlementImpl_, address queueImpl_) {
        if (verifier_ == address(0) || settlementImpl_ == address(0) || queueImpl_ == address(0)) {
            revert RegistryZeroAddress();
        }
        if (bytes(hostName_).length != 0 && !_validName(bytes(hostName_))) {
            revert RegistryLabelInvalid(hostName_);
        }
        _deployer = msg.sender;
        _verifier = verifier_;
        _settlementImpl = settlementImpl_;
        _queueImpl = queueImpl_;
        _hostChainId = block.chainid;
        _hostName = hostName_;
    }

    /// @inheritdoc IChainRegistry
    function setBridgeVault(address vault) external {
        if (msg.sender != _deployer) revert RegistryCallerNotDeployer(msg.sender);
        if (_vault != address(0)) revert RegistryBridgeVaultAlreadySet(_vault);
        if (vault == address(0)) revert RegistryZeroAddress();
        _vault = vault;
        emit BridgeVaultSet(vault);
    }

    // ------------------------------------------------------------------ registration

    /// @inheritdoc IChainRegistry
    function registerChain(ChainParams calldata p)
        external
        returns (address settlement, address priorityQueue)
    {
        if (_vault == address(0)) revert RegistryBridgeVaultNotSet();
        if (!_validLabel(bytes(p.label))) revert RegistryLabelInvalid(p.label);
        if (p.chainId == 0 || p.chainId > MAX_CHAIN_ID || p.chainId == _hostChainId) {
            revert RegistryChainIdInvalid(p.chainId);
        }
        if (_chains[p.chainId].settlement != address(0)) revert RegistryChainIdTaken(p.chainId);
        if (p.daPolicy == address(0) || p.admin == address(0) || p.operator == address(0)) {
            revert RegistryZeroAddress();
        }
        if (p.priorityTxMaxDelay < MIN_PRIORITY_DELAY || p.priorityTxMaxDelay > MAX_PRIORITY_DELAY) {
            revert RegistryPriorityDelayOutOfRange(
                p.priorityTxMaxDelay, MIN_PRIORITY_DELAY, MAX_PRIORITY_DELAY
            );
        }
        if (bytes(p.rpcHint).length > MAX_RPC_HINT_LENGTH) {
            revert RegistryRpcHintTooLong(bytes(p.rpcHint).length, MAX_RPC_HINT_LENGTH);
        }
        string memory name = fullName(p.label);
        bytes32 nameHash = keccak256(bytes(name));
        if (_idByName[nameHash] != 0) revert RegistryNameTaken(name);

        settlement = Clones.clone(_settlementImpl);
        priorityQueue = Clones.clone(_queueImpl);

        _chainIds.push(p.chainId);
        _idByName[nameHash] = p.chainId;
        _idBySettlement[settlement] = p.chainId;
        _chains[p.chainId] = ChainRecord({
            chainId: p.chainId,
            parentChainId: _hostChainId,
            name: name,
            settlement: settlement,
            priorityQueue: priorityQueue,
            daPolicy: p.daPolicy,
            sequencerMode: p.sequencerMode,
            rpcHint: p.rpcHint
        });

        PriorityQueue(priorityQueue).initialize(p.chainId, settlement, _vault, p.priorityTxMaxDelay);
        Settlement(settlement)
            .initialize(
                ISettlement.InitParams({
                chainId: p.chainId,
                verifier: _verifier,
                daPolicy: p.daPolicy,
                priorityQueue: priorityQueue,
                admin: p.admin,
                operator: p.operator,
                genesisStateRoot: p.genesisStateRoot,
                genesisTimestamp: uint64(block.timestamp)
            })
            );
        emit ChainRegistered(
            p.chainId, name, settlement, priorityQueue, p.daPolicy, p.sequencerMode, p.genesisStateRoot
        );
    }

    /// @inheritdoc IChainRegistry
    function setRpcHint(uint256 chainId, string calldata rpcHint) external {
        ChainRecord storage record = _record(chainId);
        if (msg.sender != Settlement(record.settlement).admin()) {
            revert RegistryCallerNotChainAdmin(chainId, msg.sender);
        }
        if (bytes(rpcHint).length > MAX_RPC_HINT_LENGTH) {
            revert RegistryRpcHintTooLong(bytes(rpcHint).length, MAX_RPC_HINT_LENGTH);
        }
        record.rpcHint = rpcHint;
        emit RpcHintUpdated(chainId, rpcHint);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IChainRegistry
    function chainIdOf(string calldata name) external view returns (uint256 id) {
        id = _idByName[keccak256(bytes(name))];
        if (id == 0) revert RegistryUnknownName(name);
    }

    /// @inheritdoc IChainRegistry
    function chain(uint256 chainId) external view returns (ChainRecord memory) {
        return _record(chainId);
    }

    /// @inheritdoc IChainRegistry
    function settlementOf(uint256 chainId) external view returns (address) {
        return _record(chainId).settlement;
    }

    /// @inheritdoc IChainRegistry
    function priorityQueueOf(uint256 chainId) external view returns (address) {
        return _record(chainId).priorityQueue;
    }

    /// @inheritdoc IChainRegistry
    function chainIdOfSettlement(address settlement) external view returns (uint256 id) {
        id = _idBySettlement[settlement];
        if (id == 0) revert RegistryUnknownSettlement(settlement);
    }

    /// @inheritdoc IChainRegistry
    function isRegistered(uint256 chainId) external view returns (bool) {
        return _chains[chainId].settlement != address(0);
    }

    /// @inheritdoc IChainRegistry
    function chainCount() external view returns (uint256) {
        return _chainIds.length;
    }

    /// @inheritdoc IChainRegistry
    function chainIdAt(uint256 index) external view returns (uint256) {
        return _chainIds[index];
    }

    /// @inheritdoc IChainRegistry
    function fullName(string calldata label) public view returns (string memory) {
        if (bytes(_hostName).length == 0) return label;
        return string.concat(label, ".", _hostName);
    }

    /// @inheritdoc IChainRegistry
    function hostChainId() external view returns (uint256) {
        return _hostChainId;
    }

    /// @inheritdoc IChainRegistry
    function hostName() external view returns (string memory) {
        return _hostName;
    }

    /// @inheritdoc IChainRegistry
    function verifier() external view returns (address) {
        return _verifier;
    }

    /// @inheritdoc IChainRegistry
    function bridgeVault() external view returns (address) {
        return _vault;
    }

    /// @notice The Settlement implementation that registrations clone.
    /// @return The implementation address.
    function settlementImplementation() external view returns (address) {
        return _settlementImpl;
    }

    /// @notice The PriorityQueue implementation that registrations clone.
    /// @return The implementation address.
    function priorityQueueImplementation() external view returns (address) {
        return _queueImpl;
    }

    // ------------------------------------------------------------------ internals

    function _record(uint256 chainId) private view returns (ChainRecord storage record) {
        record = _chains[chainId];
        if (record.settlement == address(0)) revert RegistryUnknownChain(chainId);
    }

    /// @dev A label: 1..MAX_LABEL_LENGTH characters of [a-z0-9-], not starting or ending with '-'.
    function _validLabel(bytes memory label) private pure returns (bool) {
        uint256 n = label.length;
        if (n == 0 || n > MAX_LABEL_LENGTH || label[0] == "-" || label[n - 1] == "-") return false;
        for (uint256 i = 0; i < n; ++i) {
            bytes1 c = label[i];
            if (!((c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c == "-")) return false;
        }
        return true;
    }

    /// @dev A full name: valid labels joined by single dots.
    function _validName(bytes memory name) private pure returns (bool) {
        uint256 start = 0;
        for (uint256 i = 0; i <= name.length; ++i) {
            if (i == name.length || name[i] == ".") {
                bytes memory label = new bytes(i - start);
                for (uint256 j = start; j < i; ++j) {
                    label[j - start] = name[j];
                }
                if (!_validLabel(label)) return false;
                start = i + 1;
            }
        }
        return true;
    }
}
