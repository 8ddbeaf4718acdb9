//! AWS Signature Version 4 on the `Admin*` operations, checked as AWS does.
//!
//! The expected signature is recomputed with AWS's own `aws-sigv4` crate
//! from the request as received: its method, path, body, and exactly the
//! headers the client listed in `SignedHeaders`, under the credential scope
//! `<date>/<region>/cognito-idp/aws4_request` and the request's own
//! `X-Amz-Date`. It is then compared with the client's in constant time.
//!
//! The refusals are the ones AWS's JSON services give: no `Authorization` header → `MissingAuthenticationTokenException`;
//! a header that does not parse → `IncompleteSignatureException`; an access
//! key the seed does not list → `UnrecognizedClientException`; a wrong
//! signature or scope → `InvalidSignatureException`; a request time outside
//! [`CLOCK_SKEW`] → `InvalidSignatureException` `Signature expired: ...`.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use chrono::{DateTime, NaiveDateTime, Utc};
use subtle::ConstantTimeEq;

use crate::error::{ApiError, err};

/// The signing name of the service, the third part of the credential scope.
pub const SERVICE: &str = "cognito-idp";

/// How far the request's `X-Amz-Date` may stray from the server's clock.
///
/// Fifteen minutes either way: the window of AWS's generic `RequestExpired`
/// entry and the one measured for STS, IAM, DynamoDB and SQS, and the one a
/// Cognito user saw quoted in `Signature expired: ... (... - 15 min.)`
/// (aws-amplify/amplify-js#3719). No source settles cognito-idp's own window.
pub const CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const AMZ_DATE_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// The IAM credentials the endpoint accepts, from the seed's `credentials`.
#[derive(Clone, Default)]
pub struct CredentialStore {
    by_access_key: HashMap<String, Identity>,
}

impl CredentialStore {
    /// An empty store: every signed request is then refused as unrecognized.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts requests signed with this access key and secret.
    pub fn insert(&mut self, access_key_id: &str, secret_access_key: &str) {
        let credentials = Credentials::new(access_key_id, secret_access_key, None, None, "seed");
        self.by_access_key
            .insert(access_key_id.to_owned(), credentials.into());
    }

    /// How many credentials are accepted.
    pub fn len(&self) -> usize {
        self.by_access_key.len()
    }

    /// Whether no credentials are accepted.
    pub fn is_empty(&self) -> bool {
        self.by_access_key.is_empty()
    }
}

impl std::fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Access key ids are not secret; the secrets never print.
        f.debug_set().entries(self.by_access_key.keys()).finish()
    }
}

/// An HTTP request as it arrived, as much of it as a signature covers.
#[derive(Debug, Clone, Copy)]
pub struct ReceivedRequest<'a> {
    /// `POST` for every Cognito operation.
    pub method: &'a str,
    /// The path and query as sent (`/`).
    pub path_and_query: &'a str,
    /// Every header, names in any case, in the order received.
    pub headers: &'a [(String, Vec<u8>)],
    /// The raw body.
    pub body: &'a [u8],
}

impl<'a> ReceivedRequest<'a> {
    /// The values of the header `name` (case-insensitive), in order.
    fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a [u8]> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    fn single(&self, name: &str) -> Option<&'a [u8]> {
        self.values(name).next()
    }
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key that signed it.
    pub access_key_id: String,
    /// The region of its credential scope.
    pub region: String,
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
struct Authorization<'a> {
    access_key_id: &'a str,
    scope_date: &'a str,
    region: &'a str,
    service: &'a str,
    terminator: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn incomplete(message: impl Into<String>) -> ApiError {
    err("IncompleteSignatureException", message)
}

fn invalid(message: impl Into<String>) -> ApiError {
    err("InvalidSignatureException", message)
}

fn mismatch() -> ApiError {
    invalid(
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    )
}

fn parse_authorization(header: &str) -> Result<Authorization<'_>, ApiError> {
    let (algorithm, rest) = header.split_once(' ').unwrap_or((header, ""));
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported AWS 'algorithm': '{algorithm}'. Authorization={header}"
        )));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    // AWS reads the pairs as separated by commas and by spaces alike.
    for pair in rest
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|p| !p.is_empty())
    {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(incomplete(format!(
                "'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
            )));
        };
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            // AWS ignores parameters it does not know.
            _ => {}
        }
    }
    let mut missing = String::new();
    for (name, value) in [
        ("Credential", credential),
        ("Signature", signature),
        ("SignedHeaders", signed_headers),
    ] {
        if value.is_none_or(str::is_empty) {
            missing.push_str(&format!(
                "Authorization header requires '{name}' parameter. "
            ));
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(incomplete(format!("{missing}Authorization={header}")));
    };
    if !missing.is_empty() {
        return Err(incomplete(format!("{missing}Authorization={header}")));
    }
    let parts: Vec<&str> = credential.split('/').collect();
    let [access_key_id, scope_date, region, service, terminator] = parts[..] else {
        return Err(incomplete(format!(
            "Credential should be of the form <key>/<date>/<region>/<service>/aws4_request. Authorization={header}"
        )));
    };
    Ok(Authorization {
        access_key_id,
        scope_date,
        region,
        service,
        terminator,
        signed_headers: signed_headers.split(';').collect(),
        signature,
    })
}

fn amz_date(time: SystemTime) -> String {
    DateTime::<Utc>::from(time)
        .format(AMZ_DATE_FORMAT)
        .to_string()
}

/// Checks that `request` carries a valid signature from one of `credentials`,
/// made within [`CLOCK_SKEW`] of `now`.
pub fn verify(
    request: &ReceivedRequest<'_>,
    credentials: &CredentialStore,
    now: SystemTime,
) -> Result<Verified, ApiError> {
    verify_for_service(request, credentials, now, SERVICE)
}

/// [`verify`] for a request scoped to another service's signing name
/// (`lambda` for the Invoke calls of the endpoint's triggers).
pub fn verify_for_service(
    request: &ReceivedRequest<'_>,
    credentials: &CredentialStore,
    now: SystemTime,
    service: &str,
) -> Result<Verified, ApiError> {
    let Some(header) = request.single("authorization") else {
        return Err(err(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        ));
    };
    let header = std::str::from_utf8(header)
        .map_err(|_| incomplete("The Authorization header is not valid text."))?;
    let authorization = parse_authorization(header)?;

    let date_header = request
        .single("x-amz-date")
        .and_then(|v| std::str::from_utf8(v).ok())
        .ok_or_else(|| {
            incomplete(format!(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization={header}"
            ))
        })?;
    let request_time: SystemTime = NaiveDateTime::parse_from_str(date_header, AMZ_DATE_FORMAT)
        .map_err(|_| {
            incomplete(format!(
                "Date must be in ISO-8601 'basic format'. Got '{date_header}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ))
        })?
        .and_utc()
        .into();

    let identity = credentials
        .by_access_key
        .get(authorization.access_key_id)
        .ok_or_else(|| {
            err(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        })?;
    // The seed's credentials are long-term keys: a session token cannot belong to them.
    if request.single("x-amz-security-token").is_some() {
        return Err(err(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }

    let day = date_header.get(..8).unwrap_or(date_header);
    if authorization.scope_date != day {
        return Err(invalid(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{day}', from '{date_header}'.",
            authorization.scope_date
        )));
    }
    if authorization.service != service {
        return Err(invalid(format!(
            "Credential should be scoped to correct service: '{service}'. "
        )));
    }
    if authorization.terminator != "aws4_request" {
        return Err(invalid(format!(
            "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'. ",
            authorization.terminator
        )));
    }
    if !authorization.signed_headers.contains(&"host") {
        return Err(invalid(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }

    let earliest = now
        .checked_sub(CLOCK_SKEW)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let latest = now + CLOCK_SKEW;
    if request_time < earliest {
        return Err(invalid(format!(
            "Signature expired: {date_header} is now earlier than {} ({} - 15 min.)",
            amz_date(earliest),
            amz_date(now)
        )));
    }
    if request_time > latest {
        return Err(invalid(format!(
            "Signature not yet current: {date_header} is still later than {} ({} + 15 min.)",
            amz_date(latest),
            amz_date(now)
        )));
    }

    let expected = expected_signature(request, &authorization, identity, request_time)?;
    if bool::from(
        expected
            .as_bytes()
            .ct_eq(authorization.signature.as_bytes()),
    ) {
        Ok(Verified {
            access_key_id: authorization.access_key_id.to_owned(),
            region: authorization.region.to_owned(),
        })
    } else {
        Err(mismatch())
    }
}

/// The signature `aws-sigv4` computes over the headers the client listed.
fn expected_signature(
    request: &ReceivedRequest<'_>,
    authorization: &Authorization<'_>,
    identity: &Identity,
    request_time: SystemTime,
) -> Result<String, ApiError> {
    let mut headers: Vec<(&str, &str)> = Vec::new();
    let mut host = None;
    for &name in &authorization.signed_headers {
        // Names are listed in lower case, sorted, and each must be present.
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(mismatch());
        }
        let mut found = false;
        for value in request.values(name) {
            let value = std::str::from_utf8(value).map_err(|_| mismatch())?;
            if name == "host" {
                host = Some(value);
            }
            found = true;
            headers.push((name, value));
        }
        if !found {
            return Err(mismatch());
        }
    }
    let host = host.ok_or_else(mismatch)?;
    // The crate adds x-amz-date itself from the signing time.
    headers.retain(|(name, _)| *name != "x-amz-date");
    if !authorization.signed_headers.contains(&"x-amz-date") {
        return Err(mismatch());
    }

    let mut settings = SigningSettings::default();
    // Sign exactly what the client listed, user-agent included if it did.
    settings.excluded_headers = Some(vec!["authorization".into()]);
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(authorization.region)
        .name(authorization.service)
        .time(request_time)
        .settings(settings)
        .build()
        .map_err(|_| mismatch())?
        .into();
    let uri = format!("http://{host}{}", request.path_and_query);
    let signable = SignableRequest::new(
        request.method,
        uri,
        headers.into_iter(),
        SignableBody::Bytes(request.body),
    )
    .map_err(|_| mismatch())?;
    let (_, signature) = sign(signable, &params)
        .map_err(|_| mismatch())?
        .into_parts();
    Ok(signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_without_its_parts_is_incomplete() {
        let e = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/cognito-idp/aws4_request",
        )
        .err()
        .unwrap();
        assert_eq!(e.kind, "IncompleteSignatureException");
        assert!(e.message.contains("requires 'Signature' parameter"));
        assert!(e.message.contains("requires 'SignedHeaders' parameter"));
    }

    #[test]
    fn a_pair_without_equal_sign_is_incomplete() {
        let e = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=A/B/C/D/E, Bogus, Signature=ab, SignedHeaders=host",
        )
        .err()
        .unwrap();
        assert_eq!(e.kind, "IncompleteSignatureException");
        assert!(e.message.contains("'Bogus' not a valid key=value pair"));
    }

    #[test]
    fn another_algorithm_is_incomplete() {
        let e = parse_authorization("Bearer abc").err().unwrap();
        assert_eq!(e.kind, "IncompleteSignatureException");
    }
}
