//! The SRP group: RFC 3526's 3072-bit MODP prime `N`, generator `g = 2`, and
//! the SRP-6a multiplier `k = H(pad(N) || pad(g))`.
//!
//! This module binds the generic arithmetic of [`crate::arith`] to these
//! constants; it knows nothing of Cognito's encodings.

use std::sync::OnceLock;

use crate::arith::{Backend, FixedBase, Modulus, U3072};

pub use crate::prime::N_HEX;

/// The group prime `N`.
pub const N: U3072 = U3072::from_be_hex(N_HEX);

/// The generator `g`.
pub const G: U3072 = U3072::from_u64(2);

/// The SRP-6a multiplier `k = H(pad(N) || pad(g))`, as docs/PROTOCOL.md gives it.
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

/// The table of powers of `g` for exponents of up to [`MAX_FIXED_BASE_BITS`]
/// bits, 5-bit windows, computed by the build script (`build.rs`) in Montgomery
/// form with R = 2^3072: 205 rows of 31 entries of 384 bytes.
#[cfg(feature = "precomputed-tables")]
static G_POWERS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/g_powers.bin"));

/// The table of powers of `g` that the crate uses, for `modulus` (the context
/// of [`N`], on any backend), for exponents of up to 1024 bits.
///
/// With the `precomputed-tables` feature (the default) it is not built at run
/// time: its entries were computed when the crate was compiled and live in the
/// binary's read-only data (2.3 MiB, shared by every process that runs the
/// binary and paged in by the OS as rows are read), so a process's first
/// exponentiation on `g` costs what every later one costs. Backends whose
/// Montgomery radix is not 2^3072 use it as it is, with one correcting product
/// per exponentiation. Without the feature the binary has no table, the
/// protocol raises `g` by plain exponentiation, and this function builds the
/// table on each call (about 6 400 Montgomery products).
///
/// ```
/// use cognito_srp::hazmat::arith::{Modulus, U3072};
/// use cognito_srp::hazmat::group::{g_powers, G, N};
///
/// let modulus = Modulus::new(&N);
/// let g_to_the_10 = g_powers(&modulus).pow(&modulus, &[10], 4);
/// assert_eq!(g_to_the_10, U3072::from_u64(1024));
/// # let _ = G;
/// ```
///
/// # Panics
/// If `modulus` is not the context of `N`.
pub fn g_powers(modulus: &Modulus) -> FixedBase {
    assert!(modulus.modulus() == &N, "the table of g is for N");
    #[cfg(feature = "precomputed-tables")]
    let table = FixedBase::from_entries(modulus, std::borrow::Cow::Borrowed(G_POWERS), 3072);
    #[cfg(not(feature = "precomputed-tables"))]
    let table = FixedBase::new(modulus, &G, MAX_FIXED_BASE_BITS);
    assert!(
        table.max_exp_bits() >= MAX_FIXED_BASE_BITS,
        "build.rs made the table"
    );
    table
}

/// The group with its precomputed Montgomery context and, with the
/// `precomputed-tables` feature, its table of powers of `g`.
pub(crate) struct Group {
    modulus: Modulus,
    #[cfg(feature = "precomputed-tables")]
    g_powers: FixedBase,
}

impl Group {
    /// The group, built on first use and shared for the life of the process.
    pub(crate) fn get() -> &'static Group {
        static GROUP: OnceLock<Group> = OnceLock::new();
        GROUP.get_or_init(|| {
            let modulus = Modulus::with_backend(&N, Backend::chosen());
            Group {
                #[cfg(feature = "precomputed-tables")]
                g_powers: g_powers(&modulus),
                modulus,
            }
        })
    }

    /// `g^exp mod N` for an exponent of `exp_bits` declared bits (constant time).
    pub(crate) fn pow_g(&self, exp: &[u64], exp_bits: u32) -> U3072 {
        #[cfg(feature = "precomputed-tables")]
        return self.g_powers.pow(&self.modulus, exp, exp_bits);
        #[cfg(not(feature = "precomputed-tables"))]
        return self.modulus.pow(&G, exp, exp_bits);
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
    // Under WebAssembly the tests run in Node through wasm-bindgen-test.
    use super::*;
    use crate::encoding::pad;
    use sha2::{Digest, Sha256};
    #[cfg(target_family = "wasm")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The table shipped in the binary is, byte for byte, the one the crate
    /// builds at run time with its reference backend.
    #[test]
    #[cfg(feature = "precomputed-tables")]
    fn the_shipped_table_of_g_is_the_one_built_at_run_time() {
        let modulus = Modulus::with_backend(&N, crate::arith::Backend::Portable);
        let shipped = g_powers(&modulus);
        let built: FixedBase = FixedBase::new(&modulus, &G, MAX_FIXED_BASE_BITS);
        assert_eq!(shipped.max_exp_bits(), built.max_exp_bits());
        assert!(shipped.max_exp_bits() >= MAX_FIXED_BASE_BITS);
        assert!(shipped.entry_bytes() == built.entry_bytes());
    }

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
