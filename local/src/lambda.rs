//! The Lambda host the pool's triggers run on, reached as every AWS SDK
//! reaches Lambda: the Invoke REST API, `POST
//! /2015-03-31/functions/<FunctionName>/invocations` with the event as the
//! body, signed with SigV4 for the `lambda` service (AWS's `aws-sigv4`).
//! So `sam local start-lambda`, serverless-offline or any other
//! Lambda-compatible host answers it unmodified.
//!
//! The call is synchronous (`RequestResponse`) and given
//! [`INVOKE_TIMEOUT`] in all, as Cognito gives a function five seconds. It
//! runs on the request's own blocking thread: operations are synchronous
//! functions that the transport runs off the async reactor, so a blocking
//! client (`ureq`) is the one that fits, with no runtime inside a runtime.
//! Plain `http://` only: local hosts serve no TLS.

use std::time::{Duration, SystemTime};

use serde_json::Value;

/// How long a trigger may take, connection included: Cognito's five seconds.
pub const INVOKE_TIMEOUT: Duration = Duration::from_secs(5);

/// The signing name of the Invoke API, the third part of its credential scope.
const SERVICE: &str = "lambda";

/// Where the triggers run, and with what credentials the calls are signed.
#[derive(Clone)]
pub struct LambdaHost {
    base: String,
    access_key_id: String,
    secret_access_key: String,
    timeout: Duration,
    agent: ureq::Agent,
}

impl std::fmt::Debug for LambdaHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LambdaHost")
            .field("base", &self.base)
            .field("access_key_id", &self.access_key_id)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Why an invocation gave no event back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InvokeFailure {
    /// The function ran and failed (`X-Amz-Function-Error`): its
    /// `errorMessage`.
    Function(String),
    /// The function answered something that is not a JSON object.
    Malformed,
    /// No answer: refused connection, timeout, or the host refused the call
    /// (unknown function, bad signature); a short reason.
    Unreachable(String),
}

impl LambdaHost {
    /// A host at `base` (e.g. `http://127.0.0.1:3002`), calls signed with
    /// the access key `local` and secret `local` until
    /// [`LambdaHost::with_credentials`].
    pub fn new(base: &str) -> Self {
        Self::build(base.trim_end_matches('/'), "local", "local", INVOKE_TIMEOUT)
    }

    fn build(base: &str, access_key_id: &str, secret_access_key: &str, timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .max_redirects(0)
            .build()
            .into();
        LambdaHost {
            base: base.to_owned(),
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret_access_key.to_owned(),
            timeout,
            agent,
        }
    }

    /// The same host, calls signed with these credentials (the binary takes
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` when set).
    pub fn with_credentials(self, access_key_id: &str, secret_access_key: &str) -> Self {
        Self::build(&self.base, access_key_id, secret_access_key, self.timeout)
    }

    /// The same host with another time limit per call than [`INVOKE_TIMEOUT`].
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self::build(
            &self.base,
            &self.access_key_id,
            &self.secret_access_key,
            timeout,
        )
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Runs the function `function` (an ARN from `LambdaConfig`, or a bare
    /// name) on `event`; the event it returns.
    pub(crate) fn invoke(&self, function: &str, event: &Value) -> Result<Value, InvokeFailure> {
        let target = FunctionTarget::parse(function);
        let mut url = format!(
            "{}/2015-03-31/functions/{}/invocations",
            self.base,
            percent_encode(target.name)
        );
        if let Some(qualifier) = target.qualifier {
            url.push_str("?Qualifier=");
            url.push_str(&percent_encode(qualifier));
        }
        let body = event.to_string();
        let signed = self
            .sign(&url, target.region, &body)
            .map_err(InvokeFailure::Unreachable)?;
        let mut request = self
            .agent
            .post(&url)
            .header("Content-Type", "application/json")
            .header("X-Amz-Invocation-Type", "RequestResponse");
        for (name, value) in signed {
            request = request.header(name, value);
        }
        let mut response = request.send(body).map_err(|e| {
            InvokeFailure::Unreachable(match e {
                ureq::Error::Timeout(_) => {
                    "Socket timeout while invoking Lambda function".to_owned()
                }
                ureq::Error::Io(_) | ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
                    "Unable to reach the Lambda endpoint".to_owned()
                }
                other => format!("Lambda endpoint error: {other}"),
            })
        })?;
        let status = response.status().as_u16();
        let function_error = response.headers().contains_key("x-amz-function-error");
        let error_type = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(':').next().unwrap_or(v).to_owned());
        let text = response
            .body_mut()
            .with_config()
            .limit(6 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::Timeout(_) => InvokeFailure::Unreachable(
                    "Socket timeout while invoking Lambda function".to_owned(),
                ),
                _ => InvokeFailure::Malformed,
            })?;
        if !(200..300).contains(&status) {
            // The host refused the call itself (e.g. ResourceNotFoundException).
            return Err(InvokeFailure::Unreachable(
                error_type.unwrap_or_else(|| format!("HTTP {status}")),
            ));
        }
        let payload: Option<Value> = serde_json::from_str(&text).ok();
        if function_error {
            let message = payload
                .as_ref()
                .and_then(|p| p.get("errorMessage"))
                .and_then(Value::as_str)
                .unwrap_or("Unhandled")
                .to_owned();
            return Err(InvokeFailure::Function(message));
        }
        match payload {
            Some(event @ Value::Object(_)) => Ok(event),
            _ => Err(InvokeFailure::Malformed),
        }
    }

    /// `X-Amz-Date` and `Authorization` for a call to `url`.
    fn sign(&self, url: &str, region: &str, body: &str) -> Result<Vec<(String, String)>, String> {
        use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
        let identity = aws_credential_types::Credentials::new(
            self.access_key_id.as_str(),
            self.secret_access_key.as_str(),
            None,
            None,
            "cognito-srp-local triggers",
        )
        .into();
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name(SERVICE)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let headers = [
            ("content-type", "application/json"),
            ("x-amz-invocation-type", "RequestResponse"),
        ];
        let request = SignableRequest::new(
            "POST",
            url,
            headers.into_iter(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect())
    }
}

/// A function named in `LambdaConfig`: its name, its version or alias, and
/// the region to sign for.
struct FunctionTarget<'a> {
    name: &'a str,
    qualifier: Option<&'a str>,
    region: &'a str,
}

impl<'a> FunctionTarget<'a> {
    /// `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`,
    /// or a bare name (region `us-east-1`). Local hosts know functions by
    /// name, so the name is what goes in the path.
    fn parse(function: &'a str) -> Self {
        let parts: Vec<&str> = function.split(':').collect();
        match parts.as_slice() {
            ["arn", _, "lambda", region, _, "function", name, rest @ ..] => FunctionTarget {
                name,
                qualifier: rest.first().copied().filter(|q| !q.is_empty()),
                region: if region.is_empty() {
                    "us-east-1"
                } else {
                    region
                },
            },
            _ => FunctionTarget {
                name: function,
                qualifier: None,
                region: "us-east-1",
            },
        }
    }
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_gives_its_name_qualifier_and_region() {
        let t = FunctionTarget::parse("arn:aws:lambda:eu-west-1:123456789012:function:pre:live");
        assert_eq!(
            (t.name, t.qualifier, t.region),
            ("pre", Some("live"), "eu-west-1")
        );
        let t = FunctionTarget::parse("arn:aws:lambda:us-east-2:123456789012:function:pre");
        assert_eq!((t.name, t.qualifier, t.region), ("pre", None, "us-east-2"));
    }

    #[test]
    fn a_bare_name_is_used_as_it_is() {
        let t = FunctionTarget::parse("my-fn");
        assert_eq!(
            (t.name, t.qualifier, t.region),
            ("my-fn", None, "us-east-1")
        );
        assert_eq!(percent_encode("a b/c"), "a%20b%2Fc");
    }
}
