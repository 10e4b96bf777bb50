use core::{fmt, str::FromStr};

use alloy_primitives::Address;

use crate::{Error, Result};

/// Longest label a registry accepts.
const MAX_LABEL_LENGTH: usize = 32;

/// A hierarchical chain name such as `reddit.base`: labels from the chain itself down to the chain
/// registered on L1. L1 itself has the empty name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ChainName {
    labels: Vec<String>,
}

impl ChainName {
    /// The name of L1 (no labels).
    pub fn root() -> Self {
        Self::default()
    }

    /// The name of a child labelled `label` under `self`.
    pub fn child(&self, label: &str) -> Result<Self> {
        validate_label(label)?;
        let mut labels = Vec::with_capacity(self.labels.len() + 1);
        labels.push(label.to_owned());
        labels.extend(self.labels.iter().cloned());
        Ok(Self { labels })
    }

    /// The parent's name (`None` for L1).
    pub fn parent(&self) -> Option<Self> {
        (!self.labels.is_empty()).then(|| Self {
            labels: self.labels[1..].to_vec(),
        })
    }

    /// The chain's own label (`None` for L1).
    pub fn label(&self) -> Option<&str> {
        self.labels.first().map(String::as_str)
    }

    /// How many hops down to L1 (L1 is 0, a basechain 1, its children 2, …).
    pub fn depth(&self) -> usize {
        self.labels.len()
    }

    /// Whether `self` is `other` or one of its descendants.
    pub fn is_within(&self, other: &Self) -> bool {
        self.labels.ends_with(&other.labels)
    }

    /// The deepest chain that both names descend from (their common ancestor).
    pub fn common_ancestor(&self, other: &Self) -> Self {
        let shared = self
            .labels
            .iter()
            .rev()
            .zip(other.labels.iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        Self {
            labels: self.labels[self.labels.len() - shared..].to_vec(),
        }
    }
}

impl FromStr for ChainName {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        if s.is_empty() {
            return Ok(Self::root());
        }
        let labels = s
            .split('.')
            .map(|l| validate_label(l).map(|()| l.to_owned()))
            .collect::<Result<_>>()?;
        Ok(Self { labels })
    }
}

impl fmt::Display for ChainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.labels.join("."))
    }
}

fn validate_label(label: &str) -> Result<()> {
    let invalid = |reason| {
        Err(Error::InvalidLabel {
            label: label.to_owned(),
            reason,
        })
    };
    if label.is_empty() {
        return invalid("empty label");
    }
    if label.len() > MAX_LABEL_LENGTH {
        return invalid("longer than 32 characters");
    }
    if label.starts_with('-') || label.ends_with('-') {
        return invalid("starts or ends with '-'");
    }
    if !label
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        return invalid("only a-z, 0-9 and '-' are allowed");
    }
    Ok(())
}

/// An account on a named chain, written `0x…@reddit.base` (ERC-7828 style).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InteropAddress {
    /// The account.
    pub address: Address,
    /// The chain it lives on.
    pub chain: ChainName,
}

impl FromStr for InteropAddress {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::InvalidInteropAddress(s.to_owned());
        let (address, chain) = s.split_once('@').ok_or_else(bad)?;
        if address.len() != 42 || !address.starts_with("0x") {
            return Err(bad());
        }
        let address = Address::from_str(address).map_err(|_| bad())?;
        if chain.is_empty() {
            return Err(bad());
        }
        Ok(Self {
            address,
            chain: chain.parse()?,
        })
    }
}

impl fmt::Display for InteropAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.address.to_checksum(None), self.chain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_nest_like_domains() {
        let base: ChainName = "base".parse().unwrap();
        let reddit = base.child("reddit").unwrap();
        assert_eq!(reddit.to_string(), "reddit.base");
        assert_eq!(reddit.parent(), Some(base.clone()));
        assert_eq!(reddit.depth(), 2);
        assert!(reddit.is_within(&base));
        let game: ChainName = "game.base".parse().unwrap();
        assert_eq!(reddit.common_ancestor(&game), base);
        let other: ChainName = "other".parse().unwrap();
        assert_eq!(reddit.common_ancestor(&other), ChainName::root());
    }

    #[test]
    fn rejects_bad_labels() {
        for bad in ["Base", "a..b", "-a", "a-", "a_b", ".", &"x".repeat(33)] {
            assert!(
                bad.parse::<ChainName>().is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn interop_addresses_round_trip() {
        let s = "0x60250Fff03f8E8aed6a5B36Fa4F5a5F75fD5d25d@reddit.base";
        let a: InteropAddress = s.parse().unwrap();
        assert_eq!(a.chain.to_string(), "reddit.base");
        assert_eq!(a.to_string().to_lowercase(), s.to_lowercase());
        for bad in [
            "0x1234@base",
            "0x60250Fff03f8E8aed6a5B36Fa4F5a5F75fD5d25d",
            "0x60250Fff03f8E8aed6a5B36Fa4F5a5F75fD5d25d@",
            "zz@base",
        ] {
            assert!(
                bad.parse::<InteropAddress>().is_err(),
                "{bad} should be rejected"
            );
        }
    }
}
