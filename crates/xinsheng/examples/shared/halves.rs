//! The data's readable and sealed halves (see `../shared/data/README.md`), shared by the
//! examples that measure on it (`#[path]`-included: not an example itself).

/// CRC-32 (IEEE, reflected, as zlib computes it) of `bytes`.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A row or dialogue is in the sealed half when the CRC-32 of its key is odd: its rows
/// are never read while looking for error classes.
pub fn is_sealed(key: &str) -> bool {
    crc32(key.as_bytes()) & 1 == 1
}
