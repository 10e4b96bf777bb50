//! The data-availability side of a batch, per DA policy (docs/da.md): the commitment the header's
//! `pubdataCommitment` carries, the `daInput` the commit passes to the policy, and for EIP-4844 the
//! blob sidecar the committing transaction carries. The node seals headers with [`commitment`]; the
//! publisher commits with [`da_input`] and [`sidecar`]; a rebuilder reads pubdata back with
//! [`pubdata_from_blobs`].

use std::{fmt, str::FromStr};

use alloy_eips::eip4844::{Blob, BlobTransactionSidecar, env_settings::EnvKzgSettings};
use alloy_primitives::{B256, Bytes, keccak256};
use alloy_sol_types::SolValue;
use fractal_primitives::pubdata;
use serde::{Deserialize, Serialize};

/// Errors of the DA encodings.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A DA kind this version does not post.
    #[error(
        "unknown or unsupported DA kind {0:?}: expected \"rollup-calldata\" or \"rollup-blob\""
    )]
    UnknownKind(String),
    /// The pubdata does not fit in blobs, or blobs do not hold valid pubdata.
    #[error(transparent)]
    Blobs(#[from] fractal_primitives::Error),
    /// KZG commitments or proofs could not be computed.
    #[error("KZG: {0}")]
    Kzg(String),
}

/// Result alias of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// How a chain publishes its batches' pubdata: the DA policy it registered with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DaKind {
    /// `RollupCalldataDA`: the pubdata is the commit's calldata; commitment `keccak256(pubdata)`.
    #[default]
    RollupCalldata,
    /// `RollupBlobDA`: the pubdata is in the commit's EIP-4844 blobs; commitment
    /// `keccak256(versionedHash₀ ‖ … ‖ versionedHashₙ)`.
    RollupBlob,
}

impl DaKind {
    /// The kind's name, as in deployment files (`daKind`) and `CHAIN_DA`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::RollupCalldata => "rollup-calldata",
            Self::RollupBlob => "rollup-blob",
        }
    }
}

impl fmt::Display for DaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for DaKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "rollup-calldata" => Ok(Self::RollupCalldata),
            "rollup-blob" => Ok(Self::RollupBlob),
            other => Err(Error::UnknownKind(other.to_owned())),
        }
    }
}

/// The blobs carrying `pubdata` (`fractal_primitives::pubdata::to_blobs`) with their KZG commitments
/// and proofs, as the committing transaction carries them.
pub fn sidecar(pubdata: &[u8]) -> Result<BlobTransactionSidecar> {
    let blobs: Vec<Blob> = pubdata::to_blobs(pubdata)?
        .iter()
        .map(|b| Blob::from_slice(b))
        .collect();
    BlobTransactionSidecar::try_from_blobs_with_settings(blobs, EnvKzgSettings::Default.get())
        .map_err(|e| Error::Kzg(e.to_string()))
}

/// The versioned hashes of the blobs carrying `pubdata`.
pub fn versioned_hashes(pubdata: &[u8]) -> Result<Vec<B256>> {
    Ok(sidecar(pubdata)?.versioned_hashes().collect())
}

/// The commitment the policy of `kind` returns for `pubdata`: the header's `pubdataCommitment`.
pub fn commitment(kind: DaKind, pubdata: &[u8]) -> Result<B256> {
    Ok(match kind {
        DaKind::RollupCalldata => keccak256(pubdata),
        DaKind::RollupBlob => {
            let hashes = versioned_hashes(pubdata)?;
            let packed: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
            keccak256(packed)
        }
    })
}

/// The `daInput` a commit passes to the policy of `kind`: the pubdata itself, or
/// `abi.encode(bytes32[] versionedHashes)` of its blobs.
pub fn da_input(kind: DaKind, pubdata: &[u8]) -> Result<Bytes> {
    Ok(match kind {
        DaKind::RollupCalldata => Bytes::copy_from_slice(pubdata),
        DaKind::RollupBlob => versioned_hashes(pubdata)?.abi_encode().into(),
    })
}

/// The pubdata that blobs carry (what a rebuilder reads back from the parent's blob archive).
pub fn pubdata_from_blobs(blobs: &[Blob]) -> Result<Bytes> {
    let raw: Vec<pubdata::Blob> = blobs
        .iter()
        .map(|b| {
            let mut out = [0u8; pubdata::BLOB_SIZE];
            out.copy_from_slice(b.as_slice());
            out
        })
        .collect();
    Ok(pubdata::from_blobs(&raw)?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_and_print() {
        for kind in [DaKind::RollupCalldata, DaKind::RollupBlob] {
            assert_eq!(kind.name().parse::<DaKind>().unwrap(), kind);
        }
        assert!(matches!(
            "validium".parse::<DaKind>(),
            Err(Error::UnknownKind(_))
        ));
    }

    #[test]
    fn calldata_commits_to_the_bytes() {
        let data = b"pubdata";
        assert_eq!(
            commitment(DaKind::RollupCalldata, data).unwrap(),
            keccak256(data)
        );
        assert_eq!(&da_input(DaKind::RollupCalldata, data).unwrap()[..], data);
    }

    #[test]
    fn blobs_commit_to_their_versioned_hashes_and_give_the_data_back() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let sidecar = sidecar(&data).unwrap();
        assert_eq!(sidecar.blobs.len(), 2);
        let hashes: Vec<B256> = sidecar.versioned_hashes().collect();
        assert!(hashes.iter().all(|h| h[0] == 0x01));
        let packed: Vec<u8> = hashes.iter().flat_map(|h| h.0).collect();
        assert_eq!(
            commitment(DaKind::RollupBlob, &data).unwrap(),
            keccak256(packed)
        );
        let input = da_input(DaKind::RollupBlob, &data).unwrap();
        assert_eq!(Vec::<B256>::abi_decode(&input).unwrap(), hashes);
        assert_eq!(&pubdata_from_blobs(&sidecar.blobs).unwrap()[..], &data[..]);
        // Different data, different hashes.
        assert_ne!(
            commitment(DaKind::RollupBlob, &data[1..]).unwrap(),
            commitment(DaKind::RollupBlob, &data).unwrap()
        );
    }

    #[test]
    fn too_much_data_for_blobs_is_refused() {
        let data = vec![1u8; pubdata::MAX_BLOB_PAYLOAD + 1];
        assert!(matches!(
            commitment(DaKind::RollupBlob, &data),
            Err(Error::Blobs(_))
        ));
    }
}
