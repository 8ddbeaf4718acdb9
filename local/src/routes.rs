//! From an HTTP request, whatever carried it, to the endpoint's answer:
//! `GET /<pool id>/.well-known/{jwks.json,openid-configuration}`, and
//! `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`,
//! the `Admin*` operations only once their SigV4 signature checks.

use std::time::SystemTime;

use serde_json::{Value, json};

use crate::Endpoint;
use crate::error::{ApiError, err};
use crate::ops::{self, tokens::openid_configuration};
use crate::sigv4::{self, ReceivedRequest};

/// Cognito's content type, on every answer of the JSON protocol.
const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// An HTTP answer of the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// The error, for `x-amzn-ErrorType` and `x-amzn-ErrorMessage`.
    pub error: Option<ApiError>,
    /// `application/json` for the `.well-known` documents,
    /// `application/x-amz-json-1.1` for everything else.
    pub content_type: &'static str,
}

impl Response {
    /// A success of the JSON protocol.
    pub fn ok(body: &Value) -> Self {
        Response {
            status: 200,
            body: body.to_string(),
            error: None,
            content_type: AMZ_JSON,
        }
    }

    /// A `.well-known` document: plain JSON, as OpenID Connect clients expect.
    pub fn document(body: &Value) -> Self {
        Response {
            status: 200,
            body: body.to_string(),
            error: None,
            content_type: "application/json",
        }
    }

    /// An error in Cognito's shape, `{"__type": ..., "message": ...}`.
    pub fn error(error: &ApiError) -> Self {
        Response {
            status: error.status,
            body: json!({ "__type": error.kind, "message": error.message }).to_string(),
            error: Some(error.clone()),
            content_type: AMZ_JSON,
        }
    }
}

/// Answers one HTTP request: the transport hands over the method, the
/// path, every header and the raw body (an `Admin*` call's signature covers
/// them all).
pub(crate) fn dispatch(endpoint: &Endpoint, request: &ReceivedRequest<'_>) -> Response {
    match request.method {
        "GET" => well_known(endpoint, request.path_and_query),
        "POST" => operation(endpoint, request),
        _ => Response::error(&err(
            "UnknownOperationException",
            "only POST / and GET of a pool's .well-known documents",
        )),
    }
}

/// Where the local code channel answers: `GET /_local/codes/<pool id>/<username>`.
pub const CODES_PATH: &str = "/_local/codes/";

impl Endpoint {
    /// The live one-time codes sent to `username` (the real username, or an
    /// alias) of `pool_id`, newest first, as the local code channel gives
    /// them: `{"Codes": [{"Code", "Purpose", "DeliveryMedium", "Destination",
    /// "Message", "Subject" (email only), "ExpiresInSeconds"}]}`.
    pub fn delivered_codes(&self, pool_id: &str, username: &str) -> Value {
        let now = std::time::Instant::now();
        let state = self.state();
        let real = state
            .pools
            .get(pool_id)
            .and_then(|p| p.user(username))
            .map(|u| u.username.clone())
            .unwrap_or_else(|| username.to_owned());
        let codes: Vec<Value> = state
            .outbox
            .for_user(pool_id, &real, now)
            .into_iter()
            .map(|d| {
                let mut code = json!({ "Code": d.code, "Purpose": d.purpose,
                        "DeliveryMedium": d.medium, "Destination": d.destination,
                        "Message": d.message,
                        "ExpiresInSeconds": d.expires.saturating_duration_since(now).as_secs() });
                if let Some(subject) = &d.subject {
                    code["Subject"] = json!(subject);
                }
                code
            })
            .collect();
        json!({ "Codes": codes })
    }
}

fn well_known(endpoint: &Endpoint, path_and_query: &str) -> Response {
    let path = path_and_query.split('?').next().unwrap_or_default();
    if let Some((pool_id, username)) = path
        .strip_prefix(CODES_PATH)
        .and_then(|rest| rest.split_once('/'))
        && endpoint.state().pools.contains_key(pool_id)
    {
        return Response::document(&endpoint.delivered_codes(pool_id, username));
    }
    if let Some((pool_id, document)) = path
        .strip_prefix('/')
        .and_then(|p| p.split_once("/.well-known/"))
        && endpoint.state().pools.contains_key(pool_id)
    {
        match document {
            "jwks.json" => return Response::document(&endpoint.signer.jwks()),
            "openid-configuration" => {
                return Response::document(&openid_configuration(endpoint, pool_id));
            }
            _ => {}
        }
    }
    Response::error(&err("ResourceNotFoundException", "Not found").with_status(404))
}

fn operation(endpoint: &Endpoint, request: &ReceivedRequest<'_>) -> Response {
    let target = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("X-Amz-Target"))
        .and_then(|(_, value)| std::str::from_utf8(value).ok())
        .unwrap_or_default();
    let Some(operation) = target.strip_prefix("AWSCognitoIdentityProviderService.") else {
        return Response::error(&err(
            "UnknownOperationException",
            format!("Unknown target {target:?}"),
        ));
    };
    // Every Admin* and management operation is SigV4-signed; the others are
    // not, and a signature sent with them is ignored, as on AWS.
    if ops::signed(operation)
        && let Err(e) = sigv4::verify(request, &endpoint.credentials, SystemTime::now())
    {
        return Response::error(&e);
    }
    let body: Value = match serde_json::from_slice(request.body) {
        Ok(v) => v,
        Err(e) => {
            return Response::error(&err(
                "SerializationException",
                format!("malformed JSON: {e}"),
            ));
        }
    };
    match ops::handle(endpoint, operation, &body) {
        Ok(value) => Response::ok(&value),
        Err(e) => Response::error(&e),
    }
}
