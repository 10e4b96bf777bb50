use std::collections::BTreeMap;

use alloy_primitives::{Address, B256};
use serde::{Deserialize, Serialize};

use crate::{ChainName, Error, Result};

/// Which verifier a deployment's registry uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifierKind {
    /// `DevelopmentVerifier`: binds proofs to their batch but proves nothing. Never for production.
    DevelopmentInsecure,
    /// `Groth16BatchVerifier` over the verifier generated from a ceremony's key.
    Groth16,
    /// `Groth16BatchVerifier` over the verifier generated from the development key: real proofs that
    /// the circuit checks, but the key's toxic waste is public, so anyone can forge them. Never for
    /// production.
    Groth16DevelopmentInsecure,
}

/// The settlement suite deployed on one host chain, as `script/Deploy.s.sol` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// Chain id of the host (the chain the suite is deployed on).
    pub host_chain_id: u64,
    /// Full name of the host ("" on L1).
    pub host_name: String,
    /// The account that deployed the suite.
    pub deployer: Address,
    /// `ChainRegistry`.
    pub registry: Address,
    /// `BridgeVault`.
    pub bridge_vault: Address,
    /// The shared verifier.
    pub verifier: Address,
    /// What kind of verifier it is.
    pub verifier_kind: VerifierKind,
    /// `Settlement` implementation cloned per chain.
    pub settlement_implementation: Address,
    /// `PriorityQueue` implementation cloned per chain.
    pub priority_queue_implementation: Address,
    /// Shared stateless DA policies by kind (`rollup-calldata`, `rollup-blob`, `validium`).
    pub da_policies: BTreeMap<String, Address>,
    /// Block at which the deployment finished.
    pub deployed_at_block: u64,
}

/// One child chain registered on a host, as `script/RegisterChain.s.sol` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainDeployment {
    /// Full name, e.g. `base` or `reddit.base`.
    pub name: String,
    /// The chain's EVM chain id.
    pub chain_id: u64,
    /// The host's chain id.
    pub parent_chain_id: u64,
    /// The host's registry.
    pub registry: Address,
    /// The chain's `Settlement`.
    pub settlement: Address,
    /// The chain's `PriorityQueue`.
    pub priority_queue: Address,
    /// The chain's DA policy.
    pub da_policy: Address,
    /// The DA policy's kind.
    pub da_kind: String,
    /// Sequencer mode (`centralized`, `decentralized`, `priority-queue-only`).
    pub sequencer_mode: String,
    /// Genesis state root.
    pub genesis_state_root: B256,
    /// Block at which the chain was registered (where its node starts following the queue).
    pub registered_at_block: u64,
}

impl Deployment {
    /// Parses and checks a deployment file's contents.
    pub fn from_json(json: &str) -> Result<Self> {
        let d: Self =
            serde_json::from_str(json).map_err(|e| Error::InvalidDeployment(e.to_string()))?;
        let contracts = [
            ("registry", d.registry),
            ("bridgeVault", d.bridge_vault),
            ("verifier", d.verifier),
            ("settlementImplementation", d.settlement_implementation),
            (
                "priorityQueueImplementation",
                d.priority_queue_implementation,
            ),
        ];
        if let Some((field, _)) = contracts.iter().find(|(_, a)| a.is_zero()) {
            return Err(Error::InvalidDeployment(format!(
                "{field} is the zero address"
            )));
        }
        d.host_name.parse::<ChainName>()?;
        Ok(d)
    }
}

impl ChainDeployment {
    /// Parses and checks a chain file's contents.
    pub fn from_json(json: &str) -> Result<Self> {
        let c: Self =
            serde_json::from_str(json).map_err(|e| Error::InvalidDeployment(e.to_string()))?;
        if c.settlement.is_zero() || c.priority_queue.is_zero() || c.registry.is_zero() {
            return Err(Error::InvalidDeployment(format!(
                "chain {}: a contract address is zero",
                c.name
            )));
        }
        c.name.parse::<ChainName>()?;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "hostChainId": 31337, "hostName": "", "deployer": "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "registry": "0x0000000000000000000000000000000000000001",
        "bridgeVault": "0x0000000000000000000000000000000000000002",
        "verifier": "0x0000000000000000000000000000000000000003",
        "verifierKind": "development-insecure",
        "settlementImplementation": "0x0000000000000000000000000000000000000004",
        "priorityQueueImplementation": "0x0000000000000000000000000000000000000005",
        "daPolicies": {"rollup-calldata": "0x0000000000000000000000000000000000000006"},
        "deployedAtBlock": 12
    }"#;

    #[test]
    fn parses_a_deployment() {
        let d = Deployment::from_json(GOOD).unwrap();
        assert_eq!(d.host_chain_id, 31337);
        assert_eq!(d.verifier_kind, VerifierKind::DevelopmentInsecure);
    }

    #[test]
    fn rejects_bad_files() {
        assert!(Deployment::from_json("{").is_err());
        let zero = GOOD.replace(
            "0x0000000000000000000000000000000000000001",
            "0x0000000000000000000000000000000000000000",
        );
        assert!(
            matches!(Deployment::from_json(&zero), Err(Error::InvalidDeployment(m)) if m.contains("registry"))
        );
        let kind = GOOD.replace("development-insecure", "trust-me");
        assert!(Deployment::from_json(&kind).is_err());
    }
}
