//! An SDK configuration for the runner: the standard credential chain, and an
//! HTTPS client chosen to keep the build small.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

/// The HTTP client the runner's configuration uses: hyper with rustls over
/// *ring* and the operating system's root certificates; `http://` URLs (a
/// local endpoint) work too.
///
/// This crate turns off the SDK's default HTTP client (rustls over aws-lc,
/// whose C build is the slowest part of an SDK build) and brings this one.
pub fn https_client() -> aws_sdk_cognitoidentityprovider::config::SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// Loads the SDK configuration for `region`, with [`https_client`], the
/// standard AWS credential chain (environment, shared config and credentials
/// files with their profiles, SSO, `credential_process`, web identity,
/// container and instance metadata; only the `Admin*` operations use it) and,
/// when given, `endpoint_url` in place of Cognito's (e.g. a local endpoint).
///
/// ```no_run
/// # async fn example() {
/// let config = cognito_srp_sdk::load_config("eu-west-1", None).await;
/// let cognito = cognito_srp_sdk::aws_sdk_cognitoidentityprovider::Client::new(&config);
/// # }
/// ```
pub async fn load_config(region: &str, endpoint_url: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .region(Region::new(region.to_owned()));
    if let Some(url) = endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}
