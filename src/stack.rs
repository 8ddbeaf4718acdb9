//! Wiping the stack a computation on secrets used, once it returns.
//!
//! Moves, spilled registers and the temporaries of third-party code (SHA-256
//! blocks, HMAC's padded key, HKDF's output block) leave copies of secrets in
//! stack frames that no `Zeroize` can reach. So every public entry point that
//! touches a secret runs its work through [`wiped`]: the work runs in frames
//! below the entry's own, and when it returns a buffer of [`WIPE_BYTES`] zeros
//! is written over that region (as libsodium's `sodium_stackzero` does).
//! Secrets that outlive the call are held on the heap (see [`crate::secret`]),
//! so returning them moves a pointer, not the secret.
//!
//! `tests/stack.rs` checks the result: after each public call, no 8-byte
//! window of any secret is left on the dead stack.

/// Bytes of stack zeroed below an entry point when it returns. The deepest
/// entries, `ServerSession::verify_at` and the sign-ins' `respond_at`, reach
/// about 21 KiB below their frame on the portable backend (measured by
/// `tests/stack.rs` with the wipe disabled); this leaves a margin of three
/// times for other backends and compilers.
pub const WIPE_BYTES: usize = 64 * 1024;

/// Runs `work` in frames below the caller's, then zeroes [`WIPE_BYTES`] of
/// the stack below the caller's frame, where `work` ran.
#[inline(always)]
pub(crate) fn wiped<R>(work: impl FnOnce() -> R) -> R {
    let out = below(work);
    zeroize::zeroize_stack::<WIPE_BYTES>();
    out
}

/// A frame of its own, so that `work` cannot be inlined into the caller's
/// frame, which the wipe does not reach.
#[inline(never)]
fn below<R>(work: impl FnOnce() -> R) -> R {
    work()
}
