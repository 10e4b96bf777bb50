//! Revert data of the parent chain's contracts, decoded into the custom error's name and arguments.
//!
//! The errors are declared by `sol!` straight from the contracts' error files, so a renamed or added
//! error reaches this crate with the next build; the test `every_declared_error_is_known` fails when an
//! error of those files is missing from [`known_errors`].

use std::fmt;

use alloy::{
    dyn_abi::{DynSolValue, JsonAbiExt as _},
    json_abi,
    primitives::{Bytes, hex},
    sol_types::{JsonAbiExt as _, Revert, SolError as _},
};

#[allow(missing_docs, unreachable_pub, clippy::all)]
mod settlement {
    alloy::sol!(
        #[sol(abi)]
        "../../contracts/src/settlement/SettlementErrors.sol"
    );
}
#[allow(missing_docs, unreachable_pub, clippy::all)]
mod da {
    alloy::sol!(
        #[sol(abi)]
        "../../contracts/src/da/DAErrors.sol"
    );
}
#[allow(missing_docs, unreachable_pub, clippy::all)]
mod bridge {
    alloy::sol!(
        #[sol(abi)]
        "../../contracts/src/bridge/BridgeErrors.sol"
    );
}

macro_rules! errors {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// The ABI of every custom error of the settlement, queue, DA and bridge areas.
        fn known_errors() -> Vec<json_abi::Error> {
            vec![$(<$module::$name>::abi()),*]
        }
    };
}

errors!(
    settlement::QueueCallerNotSettlement,
    settlement::QueueCallerNotVault,
    settlement::QueueChainFrozen,
    settlement::QueueConsumeOutOfRange,
    settlement::QueueDataTooLarge,
    settlement::QueueGasLimitOutOfRange,
    settlement::QueueMintTooLarge,
    settlement::QueueNotOverdue,
    settlement::QueueRollingHashMismatch,
    settlement::QueueUnknownRequest,
    settlement::QueueZeroRefundRecipient,
    settlement::SettlementBatchHashMismatch,
    settlement::SettlementBatchNotCommitted,
    settlement::SettlementBatchNotProven,
    settlement::SettlementBatchNumberMismatch,
    settlement::SettlementCallerNotAdmin,
    settlement::SettlementCallerNotOperator,
    settlement::SettlementCallerNotPendingAdmin,
    settlement::SettlementCallerNotQueue,
    settlement::SettlementCannotRevert,
    settlement::SettlementChainFrozen,
    settlement::SettlementFieldOutOfRange,
    settlement::SettlementImportedRootsUnsupported,
    settlement::SettlementInvalidProof,
    settlement::SettlementLengthMismatch,
    settlement::SettlementNoBatches,
    settlement::SettlementPrevStateRootMismatch,
    settlement::SettlementPriorityCountInvalid,
    settlement::SettlementPriorityHashMismatch,
    settlement::SettlementPubdataCommitmentMismatch,
    settlement::SettlementTimestampInvalid,
    settlement::SettlementZeroAddress,
    da::CompositeCommitmentMismatch,
    da::CompositeInputCountMismatch,
    da::CompositeMemberCountOutOfRange,
    da::CompositeMemberDuplicate,
    da::CompositeMemberIndexOutOfRange,
    da::CompositeMemberIsSelf,
    da::CompositeMemberNotContract,
    da::CompositeMemberZeroAddress,
    da::DAInputTooShort,
    da::GuardianQuorumBelowThreshold,
    da::GuardianQuorumCallerNotOwner,
    da::GuardianQuorumCallerNotPendingOwner,
    da::GuardianQuorumGuardianAlreadyAdded,
    da::GuardianQuorumGuardianNotFound,
    da::GuardianQuorumSignatureInvalid,
    da::GuardianQuorumSignatureLengthInvalid,
    da::GuardianQuorumSignatureMalleable,
    da::GuardianQuorumSignerNotGuardian,
    da::GuardianQuorumSignersNotAscending,
    da::GuardianQuorumThresholdOutOfRange,
    da::GuardianQuorumTooManyGuardians,
    da::GuardianQuorumZeroAddress,
    da::PubdataEvaluationNotInField,
    da::PubdataEvaluationTruncated,
    da::PubdataEvaluationVersionUnsupported,
    da::RollupBlobCountOutOfRange,
    da::RollupBlobHashMismatch,
    da::RollupBlobMissing,
    da::RollupBlobUnlisted,
    da::RollupCalldataWritesMismatch,
    da::ValidiumInputLengthMismatch,
    bridge::VaultAlreadyExited,
    bridge::VaultBatchNotExecuted,
    bridge::VaultChainFrozen,
    bridge::VaultChainNotFrozen,
    bridge::VaultDepositAlreadyReclaimed,
    bridge::VaultDepositConsumed,
    bridge::VaultEthTransferFailed,
    bridge::VaultInsufficientChainBalance,
    bridge::VaultInvalidMessageProof,
    bridge::VaultInvalidStateProof,
    bridge::VaultMalformedPayload,
    bridge::VaultNotAWithdrawal,
    bridge::VaultUnknownRequest,
    bridge::VaultWithdrawalAlreadyFinalized,
    bridge::VaultZeroAddress,
    bridge::VaultZeroAmount,
);

/// Why a call to the parent chain reverted, decoded from its revert data: a custom error of our
/// contracts with its arguments, Solidity's `Error(string)` or `Panic(uint256)`, or raw bytes.
///
/// Its `Display` reads like the Solidity source:
/// `SettlementPrevStateRootMismatch(batchNumber: 3, expected: 0x…, actual: 0x…)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevertReason {
    name: Option<String>,
    args: Vec<(String, String)>,
    data: Bytes,
}

impl RevertReason {
    /// Decodes revert data. Never fails: data that matches no known error keeps its raw bytes.
    pub fn decode(data: &[u8]) -> Self {
        let raw = Bytes::copy_from_slice(data);
        let unknown = || Self {
            name: None,
            args: Vec::new(),
            data: raw.clone(),
        };
        let Some(selector) = data.get(..4) else {
            return unknown();
        };
        if let Ok(revert) = Revert::abi_decode(data) {
            return Self {
                name: Some("Error".into()),
                args: vec![("message".into(), format!("{:?}", revert.reason))],
                data: raw,
            };
        }
        if let Ok(panic) = alloy::sol_types::Panic::abi_decode(data) {
            return Self {
                name: Some("Panic".into()),
                args: vec![("code".into(), format!("{:#x}", panic.code))],
                data: raw,
            };
        }
        let Some(error) = known_errors()
            .into_iter()
            .find(|e| e.selector().as_slice() == selector)
        else {
            return unknown();
        };
        let Ok(values) = error.abi_decode_input(&data[4..]) else {
            return unknown();
        };
        let args = error
            .inputs
            .iter()
            .zip(&values)
            .map(|(param, value)| (param.name.clone(), format_value(value)))
            .collect();
        Self {
            name: Some(error.name),
            args,
            data: raw,
        }
    }

    /// The error's name (`SettlementBatchNotProven`, `Error`, `Panic`), or `None` for unknown data.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The decoded arguments, as `(parameter name, value)` in declaration order.
    pub fn args(&self) -> &[(String, String)] {
        &self.args
    }

    /// The raw revert data.
    pub fn data(&self) -> &Bytes {
        &self.data
    }
}

impl fmt::Display for RevertReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(name) = &self.name else {
            return if self.data.is_empty() {
                f.write_str("revert without data")
            } else {
                write!(f, "unknown error {}", self.data)
            };
        };
        write!(f, "{name}(")?;
        for (i, (param, value)) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if param.is_empty() {
                f.write_str(value)?;
            } else {
                write!(f, "{param}: {value}")?;
            }
        }
        f.write_str(")")
    }
}

/// An ABI value as Solidity tools print it: integers in decimal, addresses checksummed, bytes in hex.
fn format_value(value: &DynSolValue) -> String {
    let list = |values: &[DynSolValue], open: &str, close: &str| {
        let items: Vec<String> = values.iter().map(format_value).collect();
        format!("{open}{}{close}", items.join(", "))
    };
    match value {
        DynSolValue::Bool(b) => b.to_string(),
        DynSolValue::Int(i, _) => i.to_string(),
        DynSolValue::Uint(u, _) => u.to_string(),
        DynSolValue::FixedBytes(word, size) => hex::encode_prefixed(&word[..*size]),
        DynSolValue::Address(a) => a.to_checksum(None),
        DynSolValue::Function(f) => hex::encode_prefixed(f.as_slice()),
        DynSolValue::Bytes(b) => hex::encode_prefixed(b),
        DynSolValue::String(s) => format!("{s:?}"),
        DynSolValue::Array(v) | DynSolValue::FixedArray(v) => list(v, "[", "]"),
        DynSolValue::Tuple(v) => list(v, "(", ")"),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use alloy::primitives::{B256, U256, address};

    use super::*;

    #[test]
    fn decodes_a_settlement_error_with_named_arguments() {
        let data = settlement::SettlementPrevStateRootMismatch {
            batchNumber: 3,
            expected: B256::with_last_byte(1),
            actual: B256::with_last_byte(2),
        }
        .abi_encode();
        let reason = RevertReason::decode(&data);
        assert_eq!(reason.name(), Some("SettlementPrevStateRootMismatch"));
        assert_eq!(
            reason.to_string(),
            format!(
                "SettlementPrevStateRootMismatch(batchNumber: 3, expected: {}, actual: {})",
                B256::with_last_byte(1),
                B256::with_last_byte(2)
            )
        );
        assert_eq!(reason.data().as_ref(), data.as_slice());
    }

    #[test]
    fn decodes_da_and_bridge_errors() {
        let data = da::DAInputTooShort {
            required: U256::from(64),
            actual: U256::from(3),
        }
        .abi_encode();
        assert_eq!(
            RevertReason::decode(&data).to_string(),
            "DAInputTooShort(required: 64, actual: 3)"
        );
        let to = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
        let data = bridge::VaultEthTransferFailed {
            to,
            amount: U256::from(5),
        }
        .abi_encode();
        assert_eq!(
            RevertReason::decode(&data).to_string(),
            "VaultEthTransferFailed(to: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8, amount: 5)"
        );
        let data = settlement::SettlementNoBatches {}.abi_encode();
        assert_eq!(
            RevertReason::decode(&data).to_string(),
            "SettlementNoBatches()"
        );
    }

    #[test]
    fn decodes_solidity_builtins_and_keeps_unknown_data() {
        let data = Revert::from("nope").abi_encode();
        assert_eq!(
            RevertReason::decode(&data).to_string(),
            "Error(message: \"nope\")"
        );
        let data = alloy::sol_types::Panic::from(0x11).abi_encode();
        assert_eq!(RevertReason::decode(&data).to_string(), "Panic(code: 0x11)");
        let unknown = RevertReason::decode(&[0xde, 0xad, 0xbe, 0xef, 1]);
        assert_eq!(unknown.name(), None);
        assert_eq!(unknown.to_string(), "unknown error 0xdeadbeef01");
        assert_eq!(RevertReason::decode(&[]).to_string(), "revert without data");
        // A known selector with truncated arguments is not passed off as that error.
        let data = settlement::SettlementBatchNotCommitted { batchNumber: 9 }.abi_encode();
        assert_eq!(RevertReason::decode(&data[..20]).name(), None);
    }

    /// Names of every `error X(…)` declared in the contracts' error files.
    fn declared(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter_map(|line| line.trim_start().strip_prefix("error "))
            .map(|rest| {
                rest.split('(')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn every_declared_error_is_known() {
        let mut files = declared(include_str!(
            "../../../contracts/src/settlement/SettlementErrors.sol"
        ));
        files.extend(declared(include_str!(
            "../../../contracts/src/da/DAErrors.sol"
        )));
        files.extend(declared(include_str!(
            "../../../contracts/src/bridge/BridgeErrors.sol"
        )));
        let known: BTreeSet<String> = known_errors().into_iter().map(|e| e.name).collect();
        assert_eq!(files, known);
        let selectors: BTreeSet<_> = known_errors().iter().map(|e| e.selector()).collect();
        assert_eq!(selectors.len(), known.len(), "two errors share a selector");
    }
}
