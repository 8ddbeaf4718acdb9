//! How the durable entities' fields of other crates' types are written in
//! their records (serde `with` modules): a pool id and a verifier as their
//! own text forms, secrets from and back into wiped buffers, an app client as
//! its id (its secret is the record's `secret`, put back on load).

use cognito_srp::{AppClient, PoolId, StoredVerifier};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// A [`PoolId`] as its text.
pub(crate) mod pool_id {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(id: &PoolId, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(id.as_str())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PoolId, D::Error> {
        let text = String::deserialize(d)?;
        PoolId::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// An optional [`StoredVerifier`] in its `cognito-srp-v1$...` form.
pub(crate) mod verifier {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<StoredVerifier>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(v.to_encoded().as_str()),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<StoredVerifier>, D::Error> {
        let text: Option<Zeroizing<String>> = Option::<String>::deserialize(d)?.map(Zeroizing::new);
        text.map(|t| StoredVerifier::from_encoded(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A secret string.
pub(crate) mod secret {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(v: &Zeroizing<String>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Zeroizing<String>, D::Error> {
        Ok(Zeroizing::new(String::deserialize(d)?))
    }
}

/// An optional secret string.
pub(crate) mod opt_secret {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<Zeroizing<String>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_deref().map(String::as_str).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Zeroizing<String>>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Zeroizing::new))
    }
}

/// An optional secret string with a Unix time (a code and its expiry).
pub(crate) mod opt_secret_until {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<(Zeroizing<String>, i64)>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_ref().map(|(c, t)| (c.as_str(), *t)).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<(Zeroizing<String>, i64)>, D::Error> {
        Ok(Option::<(String, i64)>::deserialize(d)?.map(|(c, t)| (Zeroizing::new(c), t)))
    }
}

/// Optional secret bytes.
pub(crate) mod opt_secret_bytes {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<Zeroizing<Vec<u8>>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        v.as_deref().map(Vec::as_slice).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Zeroizing<Vec<u8>>>, D::Error> {
        Ok(Option::<Vec<u8>>::deserialize(d)?.map(Zeroizing::new))
    }
}

/// An [`AppClient`] as its client id. The secret is the client record's own
/// field: [`crate::model::pool::Client::restore_secret`] puts it back.
pub(crate) mod app_client {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(app: &AppClient, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(app.client_id())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<AppClient, D::Error> {
        let id = String::deserialize(d)?;
        AppClient::new(&id).map_err(serde::de::Error::custom)
    }
}
