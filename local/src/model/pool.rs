//! User pools and their app clients.

use std::collections::{BTreeMap, HashMap};

use std::time::Duration;

use cognito_srp::{AppClient, PoolId};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::error::{ApiError, err};
use crate::model::tracked::Users;
use crate::model::user::User;
use crate::password_policy::PasswordPolicy;

/// A unit of `TokenValidityUnits`.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    /// From Cognito's name (`seconds`, `minutes`, `hours`, `days`).
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "seconds" => TimeUnit::Seconds,
            "minutes" => TimeUnit::Minutes,
            "hours" => TimeUnit::Hours,
            "days" => TimeUnit::Days,
            _ => return None,
        })
    }

    /// Cognito's name of the unit.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "seconds",
            TimeUnit::Minutes => "minutes",
            TimeUnit::Hours => "hours",
            TimeUnit::Days => "days",
        }
    }

    /// How many of this unit make `duration` (rounded down).
    pub(crate) fn count_of(self, duration: Duration) -> u64 {
        duration.as_secs() / self.times(1).as_secs()
    }

    /// `count` of this unit.
    pub(crate) fn times(self, count: u64) -> Duration {
        let secs = match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Minutes => 60,
            TimeUnit::Hours => 3600,
            TimeUnit::Days => 86_400,
        };
        Duration::from_secs(count.saturating_mul(secs))
    }
}

/// A token lifetime as a client states it: a count and its unit.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Validity {
    pub count: u64,
    pub unit: TimeUnit,
}

impl Validity {
    /// The lifetime.
    pub(crate) fn duration(self) -> Duration {
        self.unit.times(self.count)
    }
}

/// `RefreshTokenRotation`: whether `GetTokensFromRefreshToken` hands out a
/// new refresh token, and how long the old one stays usable.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RefreshTokenRotation {
    pub enabled: bool,
    /// `RetryGracePeriodSeconds`, 0 to 60 (0: no grace).
    pub retry_grace_period_seconds: u32,
}

/// An app client's token settings (`CreateUserPoolClient`'s fields).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenSettings {
    /// `AccessTokenValidity` with its unit (default 60 minutes).
    pub access: Validity,
    /// `IdTokenValidity` with its unit (default 60 minutes).
    pub id: Validity,
    /// `RefreshTokenValidity` with its unit (default 30 days).
    pub refresh: Validity,
    /// `EnableTokenRevocation` (default true).
    pub enable_token_revocation: bool,
    /// `RefreshTokenRotation` (default off).
    pub refresh_token_rotation: RefreshTokenRotation,
}

impl Default for TokenSettings {
    fn default() -> Self {
        TokenSettings {
            access: Validity {
                count: 60,
                unit: TimeUnit::Minutes,
            },
            id: Validity {
                count: 60,
                unit: TimeUnit::Minutes,
            },
            refresh: Validity {
                count: 30,
                unit: TimeUnit::Days,
            },
            enable_token_revocation: true,
            refresh_token_rotation: RefreshTokenRotation {
                enabled: false,
                retry_grace_period_seconds: 0,
            },
        }
    }
}

/// An app client of a pool.
#[derive(serde::Serialize, serde::Deserialize, Clone)]
pub(crate) struct Client {
    pub pool_id: String,
    #[serde(with = "crate::model::record::app_client")]
    pub app: AppClient,
    /// `ClientName`.
    pub name: String,
    /// The secret as given or generated (`DescribeUserPoolClient` shows it).
    #[serde(with = "crate::model::record::opt_secret")]
    pub secret: Option<Zeroizing<String>>,
    /// Whether sign-ins return `NewDeviceMetadata` (device tracking).
    pub remember_devices: bool,
    /// `PreventUserExistenceErrors` `ENABLED` (else `LEGACY`).
    pub prevent_user_existence_errors: bool,
    /// `ExplicitAuthFlows` as given (`None`: never given).
    pub explicit_auth_flows: Option<Vec<String>>,
    /// Token lifetimes, revocation and rotation.
    pub tokens: TokenSettings,
    /// `AuthSessionValidity`: how many minutes (3 to 15) its challenges'
    /// `Session`s stay valid.
    #[serde(default = "default_auth_session_validity")]
    pub auth_session_validity: u32,
    /// What `DescribeUserPoolClient` echoes and nothing here acts on
    /// (`CallbackURLs`, `AllowedOAuthFlows`, `ReadAttributes`, ...).
    pub other: serde_json::Map<String, Value>,
    /// Unix times of its creation and last change.
    pub created: i64,
    pub last_modified: i64,
}

/// `AuthSessionValidity` of a client made without it, in minutes.
pub(crate) const DEFAULT_AUTH_SESSION_VALIDITY: u32 = 3;

fn default_auth_session_validity() -> u32 {
    DEFAULT_AUTH_SESSION_VALIDITY
}

/// `ExplicitAuthFlows` of a client made without it: Cognito's default.
pub(crate) const DEFAULT_AUTH_FLOWS: [&str; 3] = [
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
];

/// Every `ALLOW_` value: what a seeded client allows unless its seed says.
pub(crate) const ALL_AUTH_FLOWS: [&str; 6] = [
    "ALLOW_USER_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
];

impl Client {
    /// Whether the client's `ExplicitAuthFlows` (Cognito's default when never
    /// given) let `auth_flow` start a sign-in. With the legacy values, SRP
    /// and refresh stay open and each legacy value opens its flow;
    /// `CUSTOM_AUTH_FLOW_ONLY` leaves only `CUSTOM_AUTH` (and refresh).
    pub(crate) fn allows_auth_flow(&self, auth_flow: &str) -> bool {
        let flows: Vec<&str> = match &self.explicit_auth_flows {
            Some(flows) => flows.iter().map(String::as_str).collect(),
            None => DEFAULT_AUTH_FLOWS.to_vec(),
        };
        let has = |value: &str| flows.contains(&value);
        let legacy = !flows.iter().any(|f| f.starts_with("ALLOW_"));
        let custom_only = has("CUSTOM_AUTH_FLOW_ONLY");
        match auth_flow {
            "USER_SRP_AUTH" => has("ALLOW_USER_SRP_AUTH") || (legacy && !custom_only),
            "USER_PASSWORD_AUTH" => {
                has("ALLOW_USER_PASSWORD_AUTH") || (has("USER_PASSWORD_AUTH") && !custom_only)
            }
            "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
                has("ALLOW_ADMIN_USER_PASSWORD_AUTH") || (has("ADMIN_NO_SRP_AUTH") && !custom_only)
            }
            "CUSTOM_AUTH" => has("ALLOW_CUSTOM_AUTH") || legacy,
            "USER_AUTH" => has("ALLOW_USER_AUTH"),
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => has("ALLOW_REFRESH_TOKEN_AUTH") || legacy,
            _ => false,
        }
    }

    /// Puts the secret of a client read from the data directory back into
    /// its [`AppClient`] (its record holds the client id and the secret apart).
    pub(crate) fn restore_secret(&mut self) -> Result<(), cognito_srp::Error> {
        if let Some(secret) = &self.secret {
            self.app = AppClient::with_secret(
                self.app.client_id(),
                cognito_srp::ClientSecret::new(secret.as_str()),
            )?;
        }
        Ok(())
    }

    /// A client of `pool_id` named `name` with the default settings, made
    /// at `now`; `secret`, if any, signs its `SECRET_HASH`es.
    pub(crate) fn new(
        pool_id: &str,
        client_id: &str,
        name: &str,
        secret: Option<&str>,
        now: i64,
    ) -> Result<Self, cognito_srp::Error> {
        let app = match secret {
            Some(s) => AppClient::with_secret(client_id, cognito_srp::ClientSecret::new(s))?,
            None => AppClient::new(client_id)?,
        };
        Ok(Client {
            pool_id: pool_id.to_owned(),
            app,
            name: name.to_owned(),
            secret: secret.map(|s| Zeroizing::new(s.to_owned())),
            remember_devices: false,
            prevent_user_existence_errors: false,
            explicit_auth_flows: None,
            tokens: TokenSettings::default(),
            auth_session_validity: DEFAULT_AUTH_SESSION_VALIDITY,
            other: serde_json::Map::new(),
            created: now,
            last_modified: now,
        })
    }

    /// Checks `SECRET_HASH` for `username` when the app client has a secret.
    pub(crate) fn check_secret_hash(
        &self,
        username: &str,
        given: Option<&str>,
    ) -> Result<(), ApiError> {
        match (self.app.secret_hash(username), given) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(err(
                "NotAuthorizedException",
                format!(
                    "Client {} is configured for secret but secret was not received",
                    self.app.client_id()
                ),
            )),
            (Some(expected), Some(given)) if expected == given => Ok(()),
            (Some(_), Some(_)) => Err(err(
                "NotAuthorizedException",
                format!(
                    "Unable to verify secret hash for client {}",
                    self.app.client_id()
                ),
            )),
        }
    }
}

/// The `CUSTOM_CHALLENGE` of `CUSTOM_AUTH` after its SRP step: its
/// parameters and the answer that passes it (what the pool's Lambda triggers
/// would decide).
#[derive(serde::Serialize, serde::Deserialize, Clone)]
pub(crate) struct CustomChallenge {
    pub parameters: BTreeMap<String, String>,
    #[serde(with = "crate::model::record::secret")]
    answer: Zeroizing<String>,
}

impl CustomChallenge {
    /// A challenge with these parameters, passed by `answer`.
    pub(crate) fn new(parameters: BTreeMap<String, String>, answer: &str) -> Self {
        CustomChallenge {
            parameters,
            answer: Zeroizing::new(answer.to_owned()),
        }
    }

    /// Whether `answer` passes, compared in constant time.
    pub(crate) fn accepts(&self, answer: &str) -> bool {
        use subtle::ConstantTimeEq;
        bool::from(self.answer.as_bytes().ct_eq(answer.as_bytes()))
    }
}

/// `MfaConfiguration`.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MfaConfiguration {
    Off,
    On,
    Optional,
}

impl MfaConfiguration {
    /// From Cognito's name (`OFF`, `ON`, `OPTIONAL`).
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "OFF" => MfaConfiguration::Off,
            "ON" => MfaConfiguration::On,
            "OPTIONAL" => MfaConfiguration::Optional,
            _ => return None,
        })
    }

    /// Cognito's name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            MfaConfiguration::Off => "OFF",
            MfaConfiguration::On => "ON",
            MfaConfiguration::Optional => "OPTIONAL",
        }
    }
}

/// A pool's settings beyond its users, as `CreateUserPool` sets them.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub(crate) struct PoolSettings {
    /// `AliasAttributes` (`email`, `phone_number`, `preferred_username`).
    pub alias_attributes: Vec<String>,
    /// `AutoVerifiedAttributes` (`email`, `phone_number`).
    pub auto_verified_attributes: Vec<String>,
    pub mfa_configuration: MfaConfiguration,
    /// `SoftwareTokenMfaConfiguration.Enabled`.
    pub software_token_mfa: bool,
    /// `DeviceConfiguration`, as given (`None`: device tracking off).
    pub device_configuration: Option<Value>,
    /// The custom attributes of `Schema` (`custom:` names), as given.
    pub custom_attributes: Vec<Value>,
    /// `LambdaConfig`, as given.
    pub lambda_config: serde_json::Map<String, Value>,
    /// `UserPoolTags`.
    pub tags: BTreeMap<String, String>,
    pub deletion_protection: bool,
    /// `Policies.SignInPolicy.AllowedFirstAuthFactors`: the first factors
    /// `USER_AUTH` may offer (`PASSWORD` covers `PASSWORD` and
    /// `PASSWORD_SRP`).
    pub allowed_first_auth_factors: Vec<String>,
    /// `SetUserPoolMfaConfig`'s `WebAuthnConfiguration` (`None`: no relying
    /// party, so no passkey sign-in).
    pub web_authn: Option<WebAuthnConfiguration>,
    /// What `DescribeUserPool` echoes (`AdminCreateUserConfig`,
    /// `AccountRecoverySetting`, ...): `SmsConfiguration`, which
    /// [`crate::model::sms`] reads, and the message templates and
    /// `EmailConfiguration` the messages are made from; the rest is kept only.
    pub other: serde_json::Map<String, Value>,
}

/// The first factors a pool allows when its `SignInPolicy` is left out:
/// Cognito's default, the password alone.
pub(crate) const DEFAULT_FIRST_AUTH_FACTORS: [&str; 1] = ["PASSWORD"];

/// `WebAuthnConfiguration`: the passkeys' relying party.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebAuthnConfiguration {
    /// `RelyingPartyId`.
    pub relying_party_id: String,
    /// `UserVerification`: `required` or `preferred` (the default).
    pub user_verification: String,
}

impl PoolSettings {
    /// Whether `SignInPolicy.AllowedFirstAuthFactors` lists `factor`.
    pub(crate) fn allows_first_factor(&self, factor: &str) -> bool {
        self.allowed_first_auth_factors.iter().any(|f| f == factor)
    }

    /// Whether a user may turn on, and sign in with, the code MFA `factor`
    /// (`SMS_MFA`, `EMAIL_OTP`): `MfaConfiguration` is not `OFF` and
    /// `SetUserPoolMfaConfig` gave the factor's configuration
    /// (`SmsMfaConfiguration`, `EmailMfaConfiguration`).
    pub(crate) fn allows_code_mfa(&self, factor: &str) -> bool {
        let key = match factor {
            "SMS_MFA" => "SmsMfaConfiguration",
            "EMAIL_OTP" => "EmailMfaConfiguration",
            _ => return false,
        };
        self.mfa_configuration != MfaConfiguration::Off
            && self.other.get(key).is_some_and(Value::is_object)
    }
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            alias_attributes: Vec::new(),
            auto_verified_attributes: Vec::new(),
            mfa_configuration: MfaConfiguration::Off,
            software_token_mfa: false,
            device_configuration: None,
            custom_attributes: Vec::new(),
            lambda_config: serde_json::Map::new(),
            tags: BTreeMap::new(),
            deletion_protection: false,
            allowed_first_auth_factors: DEFAULT_FIRST_AUTH_FACTORS
                .iter()
                .map(|f| (*f).to_owned())
                .collect(),
            web_authn: None,
            other: serde_json::Map::new(),
        }
    }
}

/// A group of a pool's users.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub(crate) struct Group {
    pub name: String,
    pub description: Option<String>,
    /// `RoleArn`: the IAM role of the group's members (`cognito:roles`).
    pub role_arn: Option<String>,
    /// `Precedence`: 0 wins; `None` loses to any number.
    pub precedence: Option<u32>,
    pub created: i64,
    pub last_modified: i64,
}

/// The claims a user's groups put in tokens: `cognito:groups` (both
/// tokens), and, in the ID token, `cognito:roles` and
/// `cognito:preferred_role`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct GroupClaims {
    /// Group names, by precedence (0 first, none last), then name.
    pub groups: Vec<String>,
    /// The groups' role ARNs, in the same order, without repeats.
    pub roles: Vec<String>,
    /// The role of the group with the lowest precedence; `None` when the
    /// groups tied for it have different roles, or it has none.
    pub preferred_role: Option<String>,
}

/// A user pool.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Pool {
    #[serde(with = "crate::model::record::pool_id")]
    pub id: PoolId,
    /// `PoolName`.
    pub name: String,
    /// Unix times of its creation and last change.
    pub created: i64,
    pub last_modified: i64,
    pub settings: PoolSettings,
    /// Its users: each a durable record of its own, not part of the pool's.
    #[serde(skip)]
    pub users: Users,
    /// `UsernameAttributes` (`email`, `phone_number`): users sign in with
    /// them, and their real username is a UUID (their `sub`).
    pub username_attributes: Vec<String>,
    /// In such pools, the email or phone number a user signs in with ->
    /// their real username.
    pub aliases: HashMap<String, String>,
    pub password_policy: PasswordPolicy,
    /// The `CUSTOM_CHALLENGE` of `CUSTOM_AUTH` after its SRP step, standing
    /// in for the pool's Lambda triggers.
    pub custom_challenge: Option<CustomChallenge>,
    /// Groups by name.
    pub groups: BTreeMap<String, Group>,
}

impl Pool {
    /// An empty pool named `name` with the default settings, made at `now`.
    pub(crate) fn new(id: PoolId, name: &str, now: i64) -> Self {
        Pool {
            id,
            name: name.to_owned(),
            created: now,
            last_modified: now,
            settings: PoolSettings::default(),
            users: Users::default(),
            username_attributes: Vec::new(),
            aliases: HashMap::new(),
            password_policy: PasswordPolicy::default(),
            custom_challenge: None,
            groups: BTreeMap::new(),
        }
    }

    /// The group claims of `user`, a user of this pool.
    pub(crate) fn group_claims(&self, user: &User) -> GroupClaims {
        let mut groups: Vec<&Group> = user
            .groups
            .iter()
            .filter_map(|name| self.groups.get(name))
            .collect();
        groups.sort_by(|a, b| {
            (a.precedence.is_none(), a.precedence, &a.name).cmp(&(
                b.precedence.is_none(),
                b.precedence,
                &b.name,
            ))
        });
        let mut roles: Vec<String> = Vec::new();
        for role in groups.iter().filter_map(|g| g.role_arn.clone()) {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        let preferred_role = groups.first().and_then(|top| {
            let tied: Vec<&Option<String>> = groups
                .iter()
                .filter(|g| g.precedence == top.precedence)
                .map(|g| &g.role_arn)
                .collect();
            match tied.iter().all(|r| **r == top.role_arn) {
                true => top.role_arn.clone(),
                false => None,
            }
        });
        GroupClaims {
            groups: groups.iter().map(|g| g.name.clone()).collect(),
            roles,
            preferred_role,
        }
    }

    /// The user known by `name`: username, `sub`, or a name it signs in
    /// with (see [`Pool::sign_in_name`]).
    pub(crate) fn user(&self, name: &str) -> Option<&User> {
        self.index_of(name).map(|i| &self.users[i])
    }

    /// The user known by `name` (as for [`Pool::user`]), to change.
    pub(crate) fn user_mut(&mut self, name: &str) -> Option<&mut User> {
        self.index_of(name).map(|i| &mut self.users[i])
    }

    /// The position in `users` of the user known by `name` (as for
    /// [`Pool::user`]).
    pub(crate) fn index_of(&self, name: &str) -> Option<usize> {
        let real = self.aliases.get(name).map_or(name, String::as_str);
        self.users
            .iter()
            .position(|u| u.username == real || u.sub == real)
            .or_else(|| {
                self.users.iter().position(|u| {
                    self.sign_in_attributes()
                        .iter()
                        .any(|a| self.sign_in_name(&u.attributes, a) == Some(name))
                })
            })
    }

    /// The attributes users sign in with besides their username:
    /// `UsernameAttributes`, or else `AliasAttributes`.
    pub(crate) fn sign_in_attributes(&self) -> &[String] {
        if self.username_attributes.is_empty() {
            &self.settings.alias_attributes
        } else {
            &self.username_attributes
        }
    }

    /// The value of `attribute` in `attributes` that signs a user in: in a
    /// pool with `UsernameAttributes`, the attribute as set; with
    /// `AliasAttributes`, an email or phone number once verified, and a
    /// `preferred_username` at once.
    pub(crate) fn sign_in_name<'a>(
        &self,
        attributes: &'a BTreeMap<String, String>,
        attribute: &str,
    ) -> Option<&'a str> {
        if !self.sign_in_attributes().iter().any(|a| a == attribute) {
            return None;
        }
        let value = attributes.get(attribute).filter(|v| !v.is_empty())?;
        let needs_verification =
            self.username_attributes.is_empty() && attribute != "preferred_username";
        let verified = attributes
            .get(&format!("{attribute}_verified"))
            .is_some_and(|v| v == "true");
        (!needs_verification || verified).then_some(value.as_str())
    }

    /// The first sign-in name that `attributes`, proposed for the user at
    /// `index`, would take from another user: that user's position and the
    /// attribute.
    pub(crate) fn alias_conflict(
        &self,
        index: usize,
        attributes: &BTreeMap<String, String>,
    ) -> Option<(usize, String)> {
        for attribute in self.sign_in_attributes() {
            let Some(value) = self.sign_in_name(attributes, attribute) else {
                continue;
            };
            let mapped = self
                .aliases
                .get(value)
                .and_then(|real| self.users.iter().position(|u| u.username == *real));
            let holder = mapped.filter(|j| *j != index).or_else(|| {
                self.users.iter().enumerate().position(|(j, u)| {
                    j != index && self.sign_in_name(&u.attributes, attribute) == Some(value)
                })
            });
            if let Some(j) = holder {
                return Some((j, attribute.clone()));
            }
        }
        None
    }

    /// Gives the user at `index` the attributes `attributes`, and moves the
    /// names it signs in with (in a pool with `UsernameAttributes`, the old
    /// email or phone number no longer signs it in).
    pub(crate) fn replace_attributes(
        &mut self,
        index: usize,
        attributes: BTreeMap<String, String>,
        now: i64,
    ) {
        let username = self.users[index].username.clone();
        for attribute in self.username_attributes.clone() {
            let old = self.users[index].attributes.get(&attribute).cloned();
            let new = attributes
                .get(&attribute)
                .filter(|v| !v.is_empty())
                .cloned();
            if old == new {
                continue;
            }
            if let Some(old) = old
                && self.aliases.get(&old) == Some(&username)
            {
                self.aliases.remove(&old);
            }
            if let Some(new) = new {
                self.aliases.insert(new, username.clone());
            }
        }
        let user = &mut self.users[index];
        user.attributes = attributes;
        user.last_modified = now;
    }

    /// The real username of the user known by `name` (as for [`Pool::user`]).
    pub(crate) fn real_username(&self, name: &str) -> Option<String> {
        self.user(name).map(|u| u.username.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_stored_before_auth_session_validity_was_kept_gets_three_minutes() {
        let client = Client::new("us-east-1_Pool", "client", "app", None, 0).unwrap();
        let mut record = serde_json::to_value(&client).unwrap_or_default();
        if let Some(fields) = record.as_object_mut() {
            fields.remove("auth_session_validity");
        }
        let loaded: Client = serde_json::from_value(record).expect("an older record loads");
        assert_eq!(loaded.auth_session_validity, DEFAULT_AUTH_SESSION_VALIDITY);
    }
}
