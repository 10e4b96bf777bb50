// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.28;

/// @title IChainRegistry
/// @notice The directory of the child chains that settle on this chain. Names read like domains: a child
/// labelled `reddit` of a host named `base` is `reddit.base`; on L1 (empty host name) a child labelled
/// `base` is simply `base`. Registration is permissionless and always uses the registry's shared verifier,
/// so every chain is proven by identical circuits.
interface IChainRegistry {
    /// @notice How a chain orders its transactions.
    enum SequencerMode {
        Centralized,
        Decentralized,
        PriorityQueueOnly
    }

    /// @notice What a new chain is registered with.
    struct ChainParams {
        /// @dev Label under this host: 1–32 characters of [a-z0-9-], not starting or ending with '-'.
        string label;
        /// @dev The child's EVM chain id: nonzero, at most MAX_CHAIN_ID, unique here.
        uint256 chainId;
        /// @dev Admin of the chain's settlement (manages operators, the RPC hint).
        address admin;
        /// @dev First operator (commits, proves and executes batches).
        address operator;
        /// @dev The chain's DA policy (an IDAPolicy).
        address daPolicy;
        /// @dev The chain's sequencer mode.
        SequencerMode sequencerMode;
        /// @dev State root of the chain's genesis (a BN254 field element).
        bytes32 genesisStateRoot;
        /// @dev Seconds a priority request may wait before the chain can be frozen.
        uint64 priorityTxMaxDelay;
        /// @dev Where to reach the chain's JSON-RPC (a hint, not authoritative).
        string rpcHint;
    }

    /// @notice What the registry knows of a chain.
    struct ChainRecord {
        uint256 chainId;
        uint256 parentChainId;
        string name;
        address settlement;
        address priorityQueue;
        address daPolicy;
        SequencerMode sequencerMode;
        string rpcHint;
    }

    /// @notice A chain was registered under this host.
    event ChainRegistered(
        uint256 indexed chainId,
        string name,
        address settlement,
        address priorityQueue,
        address daPolicy,
        SequencerMode sequencerMode,
        bytes32 genesisStateRoot
    );
    /// @notice A chain's RPC hint changed.
    event RpcHintUpdated(uint256 indexed chainId, string rpcHint);
    /// @notice The bridge vault was wired in (once).
    event BridgeVaultSet(address vault);

    /// @notice Registers a child chain: clones a Settlement and a PriorityQueue for it, wired to the shared
    /// verifier, the chain's DA policy and the bridge vault. Anyone may call.
    /// @param params The chain's parameters.
    /// @return settlement The chain's settlement contract.
    /// @return priorityQueue The chain's priority queue.
    function registerChain(ChainParams calldata params)
        external
        returns (address settlement, address priorityQueue);

    /// @notice Updates a chain's RPC hint. The chain's settlement admin only.
    /// @param chainId The chain.
    /// @param rpcHint The new hint.
    function setRpcHint(uint256 chainId, string calldata rpcHint) external;

    /// @notice Wires the bridge vault in; the deployer calls this once, before any registration.
    /// @param vault The bridge vault.
    function setBridgeVault(address vault) external;

    /// @notice The chain id of a full name (e.g. `reddit.base`).
    /// @param name The full name.
    /// @return The chain id; reverts for an unknown name.
    function chainIdOf(string calldata name) external view returns (uint256);

    /// @notice A chain's record.
    /// @param chainId The chain.
    /// @return The record; reverts for an unknown chain.
    function chain(uint256 chainId) external view returns (ChainRecord memory);

    /// @notice A chain's settlement contract.
    /// @param chainId The chain.
    /// @return The settlement address; reverts for an unknown chain.
    function settlementOf(uint256 chainId) external view returns (address);

    /// @notice A chain's priority queue.
    /// @param chainId The chain.
    /// @return The queue address; reverts for an unknown chain.
    function priorityQueueOf(uint256 chainId) external view returns (address);

    /// @notice The chain whose settlement contract is `settlement`.
    /// @param settlement A settlement address.
    /// @return The chain id; reverts for an unknown settlement.
    function chainIdOfSettlement(address settlement) external view returns (uint256);

    /// @notice Whether `chainId` is registered here.
    /// @param chainId The chain.
    /// @return True when registered.
    function isRegistered(uint256 chainId) external view returns (bool);

    /// @notice The number of chains registered here.
    /// @return The count.
    function chainCount() external view returns (uint256);

    /// @notice The id of the `index`-th registered chain.
    /// @param index From 0 to `chainCount() - 1`.
    /// @return The chain id.
    function chainIdAt(uint256 index) external view returns (uint256);

    /// @notice The full name a label gets under this host.
    /// @param label A label.
    /// @return `label` on L1, `label.hostName` elsewhere.
    function fullName(string calldata label) external view returns (string memory);

    /// @notice The chain id of the chain this registry lives on.
    /// @return The host chain id.
    function hostChainId() external view returns (uint256);

    /// @notice The full name of the chain this registry lives on (empty on L1).
    /// @return The host name.
    function hostName() external view returns (string memory);

    /// @notice The shared batch-proof verifier.
    /// @return The verifier address.
    function verifier() external view returns (address);

    /// @notice The bridge vault.
    /// @return The vault address (zero until wired).
    function bridgeVault() external view returns (address);
}
