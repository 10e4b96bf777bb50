//! Pubdata in EIP-4844 blobs: 31 data bytes per 32-byte field element, the top byte zero, so that
//! every element is below both the BLS12-381 and the BN254 scalar moduli.

use crate::{Error, Result};

/// Bytes in one blob (EIP-4844).
pub const BLOB_SIZE: usize = 131_072;
/// Field elements in one blob.
pub const FIELD_ELEMENTS_PER_BLOB: usize = 4096;
/// Data bytes one blob carries: 31 per field element.
pub const BLOB_DATA_BYTES: usize = FIELD_ELEMENTS_PER_BLOB * 31;
/// The most blobs one batch uses (`RollupBlobDA.MAX_BLOBS`, Prague's per-block maximum).
pub const MAX_BLOBS: usize = 9;
/// Length of the big-endian `uint32` that precedes the data.
const LENGTH_PREFIX: usize = 4;
/// The most pubdata bytes [`MAX_BLOBS`] blobs carry.
pub const MAX_BLOB_PAYLOAD: usize = MAX_BLOBS * BLOB_DATA_BYTES - LENGTH_PREFIX;

/// One EIP-4844 blob.
pub type Blob = [u8; BLOB_SIZE];

/// Packs `data` into the fewest blobs: the stream `uint32(len) ‖ data`, zero-padded, in 31-byte
/// chunks, chunk `k` in bytes 1–31 of field element `k mod 4096` of blob `k / 4096` (byte 0 zero).
pub fn to_blobs(data: &[u8]) -> Result<Vec<Blob>> {
    if data.len() > MAX_BLOB_PAYLOAD {
        return Err(Error::BlobDataTooLarge {
            len: data.len(),
            max: MAX_BLOB_PAYLOAD,
        });
    }
    let mut stream = Vec::with_capacity(LENGTH_PREFIX + data.len());
    stream.extend_from_slice(&(data.len() as u32).to_be_bytes());
    stream.extend_from_slice(data);
    let mut blobs = vec![[0u8; BLOB_SIZE]; stream.len().div_ceil(BLOB_DATA_BYTES)];
    for (k, chunk) in stream.chunks(31).enumerate() {
        let start = (k % FIELD_ELEMENTS_PER_BLOB) * 32 + 1;
        blobs[k / FIELD_ELEMENTS_PER_BLOB][start..start + chunk.len()].copy_from_slice(chunk);
    }
    Ok(blobs)
}

/// Unpacks what [`to_blobs`] packed, refusing anything it would not produce: no blob or more than
/// [`MAX_BLOBS`], a field element whose top byte is not zero, a length beyond the blobs, more blobs
/// than the length needs, or non-zero padding.
pub fn from_blobs(blobs: &[Blob]) -> Result<Vec<u8>> {
    if blobs.is_empty() || blobs.len() > MAX_BLOBS {
        return Err(Error::BlobCount {
            count: blobs.len(),
            max: MAX_BLOBS,
        });
    }
    let mut stream = Vec::with_capacity(blobs.len() * BLOB_DATA_BYTES);
    for (b, blob) in blobs.iter().enumerate() {
        for (element, word) in blob.chunks_exact(32).enumerate() {
            if word[0] != 0 {
                return Err(Error::BlobFieldElement {
                    blob: b,
                    element,
                    byte: word[0],
                });
            }
            stream.extend_from_slice(&word[1..]);
        }
    }
    let len = u32::from_be_bytes(stream[..LENGTH_PREFIX].try_into().expect("4 bytes")) as usize;
    let capacity = stream.len() - LENGTH_PREFIX;
    if len > capacity {
        return Err(Error::BlobLength { len, capacity });
    }
    let needed = (LENGTH_PREFIX + len).div_ceil(BLOB_DATA_BYTES);
    if blobs.len() != needed {
        return Err(Error::BlobExtra {
            count: blobs.len(),
            len,
            needed,
        });
    }
    let end = LENGTH_PREFIX + len;
    if let Some(position) = stream[end..].iter().position(|b| *b != 0) {
        return Err(Error::BlobPadding {
            offset: end + position,
        });
    }
    stream.truncate(end);
    stream.drain(..LENGTH_PREFIX);
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{U256, uint};
    use proptest::prelude::*;

    use super::*;
    use crate::FIELD_MODULUS;

    /// The BLS12-381 scalar field modulus (EIP-4844's `BLS_MODULUS`).
    const BLS_MODULUS: U256 =
        uint!(52435875175126190479447352875465600724917008484734856920810520580780097585153_U256);

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8 + 1).collect()
    }

    fn round_trip(len: usize) -> Vec<Blob> {
        let data = data(len);
        let blobs = to_blobs(&data).unwrap();
        assert_eq!(from_blobs(&blobs).unwrap(), data, "length {len}");
        blobs
    }

    #[test]
    fn sizes_and_blob_counts() {
        assert_eq!(BLOB_DATA_BYTES, 126_976);
        assert_eq!(MAX_BLOB_PAYLOAD, 1_142_780);
        assert_eq!(round_trip(0).len(), 1);
        assert_eq!(round_trip(27).len(), 1);
        assert_eq!(round_trip(28).len(), 1);
        assert_eq!(round_trip(BLOB_DATA_BYTES - 4).len(), 1);
        assert_eq!(round_trip(BLOB_DATA_BYTES - 3).len(), 2);
        let full = round_trip(MAX_BLOB_PAYLOAD);
        assert_eq!(full.len(), MAX_BLOBS);
        assert!(matches!(
            to_blobs(&data(MAX_BLOB_PAYLOAD + 1)),
            Err(Error::BlobDataTooLarge { len, max }) if len == MAX_BLOB_PAYLOAD + 1 && max == MAX_BLOB_PAYLOAD
        ));
    }

    #[test]
    fn every_field_element_is_canonical_in_both_fields() {
        let mut all_ones = vec![0xff; 2 * BLOB_DATA_BYTES - 4];
        all_ones[0] = 0xfe;
        for blob in to_blobs(&all_ones).unwrap() {
            for word in blob.chunks_exact(32) {
                let element = U256::from_be_slice(word);
                assert!(element < FIELD_MODULUS && element < BLS_MODULUS);
            }
        }
    }

    #[test]
    fn layout_is_length_then_data_in_31_byte_chunks() {
        let blobs = to_blobs(&data(40)).unwrap();
        assert_eq!(blobs[0][..5], [0, 0, 0, 0, 40]);
        assert_eq!(blobs[0][5..32], data(27)[..]);
        assert_eq!(blobs[0][32], 0);
        assert_eq!(blobs[0][33..46], data(40)[27..]);
        assert!(blobs[0][46..].iter().all(|b| *b == 0));
    }

    #[test]
    fn malformed_blobs_are_refused() {
        assert!(matches!(
            from_blobs(&[]),
            Err(Error::BlobCount { count: 0, .. })
        ));
        let ten = vec![[0u8; BLOB_SIZE]; MAX_BLOBS + 1];
        assert!(matches!(
            from_blobs(&ten),
            Err(Error::BlobCount { count: 10, .. })
        ));

        let blobs = to_blobs(&data(100)).unwrap();
        let mut top = blobs.clone();
        top[0][64] = 1;
        assert!(matches!(
            from_blobs(&top),
            Err(Error::BlobFieldElement {
                blob: 0,
                element: 2,
                byte: 1
            })
        ));
        let mut padding = blobs.clone();
        padding[0][BLOB_SIZE - 1] = 1;
        assert!(matches!(
            from_blobs(&padding),
            Err(Error::BlobPadding { offset }) if offset == BLOB_DATA_BYTES - 1
        ));
        let mut long = blobs.clone();
        long[0][1..5].copy_from_slice(&(BLOB_DATA_BYTES as u32).to_be_bytes());
        assert!(matches!(
            from_blobs(&long),
            Err(Error::BlobLength { len, capacity }) if len == BLOB_DATA_BYTES && capacity == BLOB_DATA_BYTES - 4
        ));
        let mut extra = blobs;
        extra.push([0u8; BLOB_SIZE]);
        assert!(matches!(
            from_blobs(&extra),
            Err(Error::BlobExtra {
                count: 2,
                len: 100,
                needed: 1
            })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn blobs_round_trip(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
            prop_assert_eq!(from_blobs(&to_blobs(&data).unwrap()).unwrap(), data);
        }

        #[test]
        fn mutated_blobs_fail_or_decode_to_other_data(
            data in proptest::collection::vec(any::<u8>(), 0..512),
            position in 0..BLOB_SIZE,
            byte in any::<u8>(),
        ) {
            let mut blobs = to_blobs(&data).unwrap();
            let changed = blobs[0][position] != byte;
            blobs[0][position] = byte;
            if let Ok(decoded) = from_blobs(&blobs) {
                prop_assert_eq!(decoded == data, !changed);
                prop_assert_eq!(to_blobs(&decoded).unwrap(), blobs);
            }
        }
    }
}
