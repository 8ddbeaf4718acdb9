//! The SRP group: RFC 3526's 3072-bit MODP prime `N`, generator `g = 2`, and
//! the SRP-6a multiplier `k = H(pad(N) || pad(g))`.
//!
//! This module binds the generic arithmetic of [`crate::arith`] to these
//! constants; it knows nothing of Cognito's encodings.

use std::sync::OnceLock;

use crate::arith::{Backend, FixedBase, Modulus, U3072};

/// The group prime `N` (RFC 3526 group 15, 3072 bits), as big-endian hex.
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The group prime `N`.
pub const N: U3072 = U3072::from_be_hex(N_HEX);

/// The generator `g`.
pub const G: U3072 = U3072::from_u64(2);

/// The SRP-6a multiplier `k = H(pad(N) || pad(g))`, as SPEC gives it.
///
/// A test recomputes it from `N` and `g`.
pub const K: U3072 = U3072::from_be_hex(concat!(
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6",
));

/// The widest exponent ever raised on the fixed base `g`: the client's
/// 1024-bit `a`. (`x` and the server's `b` are 256 bits.)
pub(crate) const MAX_FIXED_BASE_BITS: u32 = 1024;

/// The arithmetic backend the group uses: [`Backend::chosen`], fixed at first use.
pub fn backend() -> Backend {
    Group::get().modulus.backend()
}

/// The group with its precomputed Montgomery context and table of powers of `g`.
pub(crate) struct Group {
    modulus: Modulus,
    g_powers: FixedBase,
}

impl Group {
    /// The group, built on first use and shared for the life of the process.
    pub(crate) fn get() -> &'static Group {
        static GROUP: OnceLock<Group> = OnceLock::new();
        GROUP.get_or_init(|| {
            let modulus = Modulus::with_backend(&N, Backend::chosen());
            let g_powers = FixedBase::new(&modulus, &G, MAX_FIXED_BASE_BITS);
            Group { modulus, g_powers }
        })
    }

    /// `g^exp mod N` for an exponent of `exp_bits` declared bits (constant time).
    pub(crate) fn pow_g(&self, exp: &[u64], exp_bits: u32) -> U3072 {
        self.g_powers.pow(&self.modulus, exp, exp_bits)
    }

    /// `base^exp mod N` for an exponent of `exp_bits` declared bits (constant time).
    pub(crate) fn pow(&self, base: &U3072, exp: &[u64], exp_bits: u32) -> U3072 {
        self.modulus.pow(base, exp, exp_bits)
    }

    /// `base^exp mod N` in variable time: leaks `exp`, so only for a public
    /// exponent (see [`Modulus::pow_vartime`]).
    pub(crate) fn pow_vartime(&self, base: &U3072, exp: &[u64]) -> U3072 {
        self.modulus.pow_vartime(base, exp)
    }

    /// `a * b mod N` for `a, b < N`.
    pub(crate) fn mul(&self, a: &U3072, b: &U3072) -> U3072 {
        self.modulus.mul(a, b)
    }

    /// `a + b mod N` for `a, b < N`.
    pub(crate) fn add(&self, a: &U3072, b: &U3072) -> U3072 {
        self.modulus.add(a, b)
    }

    /// `a mod N` for any `a < 2^3072`.
    pub(crate) fn reduce(&self, a: &U3072) -> U3072 {
        self.modulus.reduce(a)
    }

    /// `a - b mod N` for `a, b < N`.
    pub(crate) fn sub(&self, a: &U3072, b: &U3072) -> U3072 {
        self.modulus.sub(a, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::pad;
    use sha2::{Digest, Sha256};

    #[test]
    fn k_is_the_hash_of_padded_n_and_g() {
        let mut h = Sha256::new();
        h.update(pad(&N));
        h.update(pad(&G));
        let k = U3072::from_be_slice(&{
            let mut be = [0u8; 384];
            be[352..].copy_from_slice(&h.finalize());
            be
        });
        assert_eq!(k, K);
    }

    #[test]
    fn pad_n_is_a_zero_byte_then_the_384_bytes_of_n() {
        let p = pad(&N);
        assert_eq!(p.len(), 385);
        assert_eq!(p[0], 0);
        assert_eq!(&p[1..9], &[0xff; 8]);
    }
}
