//! Constant-time modular arithmetic for one fixed odd 3072-bit modulus (hazmat).
//!
//! Montgomery arithmetic on 48 little-endian 64-bit limbs, a fixed-window
//! exponentiation for any base, and per-position window tables for a fixed
//! base. Knows nothing of SRP.
//!
//! Constant time means: the sequence of operations, every loop count and
//! every memory address depend only on the *declared* exponent width and the
//! number of exponent limbs, never on the values of the base or the exponent.
//! A window always multiplies (by the table entry for zero too); table entries
//! are chosen by reading the whole table and keeping one entry by mask; the
//! final subtraction of a Montgomery product is a mask, not a branch.

pub use crypto_bigint::U3072;

#[cfg(target_arch = "x86_64")]
mod adx;
mod backend;
mod fixed_base;
#[cfg(target_arch = "x86_64")]
mod ifma;
mod limbs;
mod modulus;
mod portable;

pub use backend::Backend;
pub use fixed_base::{FIXED_BASE_WINDOW, FixedBase};
pub use modulus::Modulus;

pub(crate) use limbs::mul_wide;

// What the backends (`portable`, `adx`, `ifma`) take from their parent; `build.rs`
// compiles `portable.rs` against its own copies of these names.
use backend::MontgomeryBackend;
use limbs::{LIMBS, Limbs, ONE, conditional_subtract};
use modulus::Params;
