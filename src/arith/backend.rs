//! Which Montgomery multiplication runs: the backends and the choice among them.

use super::{LIMBS, Limbs, Params};
#[cfg(target_arch = "x86_64")]
use super::{adx, ifma};

/// A Montgomery multiplication backend for 48-limb numbers.
pub(super) trait MontgomeryBackend {
    /// `a * b / R mod n` for `a, b < n`, fully reduced.
    fn mont_mul(p: &Params, a: &Limbs, b: &Limbs) -> Limbs;
    /// `a * a / R mod n` for `a < n`, fully reduced.
    fn mont_sqr(p: &Params, a: &Limbs) -> Limbs;
}

/// Which implementation of the Montgomery multiplication to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// Plain Rust, on every target.
    Portable,
    /// x86-64 AVX-512 IFMA (52-bit multiply-add), chosen at run time when the CPU has it.
    #[cfg(target_arch = "x86_64")]
    Ifma,
    /// x86-64 BMI2 `mulx` with ADX `adcx`/`adox` (two carry chains at once),
    /// chosen at run time when the CPU has them and not IFMA.
    #[cfg(target_arch = "x86_64")]
    Adx,
}

impl Backend {
    /// The fastest backend this CPU supports.
    pub fn detect() -> Backend {
        #[cfg(target_arch = "x86_64")]
        if ifma::supported() {
            return Backend::Ifma;
        }
        #[cfg(target_arch = "x86_64")]
        if adx::supported() {
            return Backend::Adx;
        }
        Backend::Portable
    }

    /// The backend the protocol's group uses: the one named (case-insensitively,
    /// as `Debug` spells it) by the environment variable `COGNITO_SRP_BACKEND`
    /// when this CPU can run it, else [`Backend::detect`]. Tests use the variable
    /// to run the whole protocol on each backend of [`Backend::available`].
    pub fn chosen() -> Backend {
        std::env::var("COGNITO_SRP_BACKEND")
            .ok()
            .and_then(|name| Backend::named(&name))
            .unwrap_or_else(Backend::detect)
    }

    /// The available backend whose `Debug` name is `name`, ignoring case.
    pub fn named(name: &str) -> Option<Backend> {
        Backend::available()
            .into_iter()
            .find(|backend| format!("{backend:?}").eq_ignore_ascii_case(name))
    }

    /// Every backend this CPU can run (tests check each against num-bigint).
    pub fn available() -> Vec<Backend> {
        // Only x86-64 has backends to add.
        #[cfg_attr(not(target_arch = "x86_64"), allow(unused_mut))]
        let mut out = vec![Backend::Portable];
        #[cfg(target_arch = "x86_64")]
        if adx::supported() {
            out.push(Backend::Adx);
        }
        #[cfg(target_arch = "x86_64")]
        if ifma::supported() {
            out.push(Backend::Ifma);
        }
        out
    }

    /// log2 of the backend's Montgomery radix R.
    pub(super) fn r_bits(self) -> u32 {
        match self {
            Backend::Portable => 64 * LIMBS as u32,
            #[cfg(target_arch = "x86_64")]
            Backend::Adx => 64 * LIMBS as u32,
            #[cfg(target_arch = "x86_64")]
            Backend::Ifma => ifma::R_BITS,
        }
    }
}
