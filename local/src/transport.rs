//! HTTP on hyper and tokio: `POST /` with `X-Amz-Target`, and `GET` of a
//! pool's key set.
//!
//! Every resource one client can take is bounded ([`Limits`]): connections
//! at once, bytes of request head, number of headers, bytes of body, time to
//! send a request head (which also bounds how long a keep-alive connection
//! may sit idle), time to send a body, and SRP computations at once. An
//! error on one connection ends that connection only; an error in `accept`
//! (e.g. `EMFILE`) is logged, the loop backs off briefly and keeps
//! accepting. The operations run on blocking threads, off the runtime's
//! threads, at most [`Limits::compute`] at once.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::error::{ApiError, err};
use crate::random::uuid;
use crate::routes;
use crate::sigv4::ReceivedRequest;
use crate::{Endpoint, MAX_BODY_BYTES};

/// The transport's limits. [`Limits::default`] is what the binary uses;
/// tests lower some of them to run in seconds.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once; past it, new ones wait in the kernel's
    /// backlog until one closes.
    pub connections: usize,
    /// Bytes of a request head (request line and headers); past it, 431.
    pub head_bytes: usize,
    /// Headers in a request; past it, 431.
    pub headers: usize,
    /// Bytes of a request body; past it, 413 (see [`MAX_BODY_BYTES`]).
    pub body_bytes: usize,
    /// Time to send a whole request head, counted from the moment the
    /// connection is waiting for one: it also bounds how long a keep-alive
    /// connection may sit idle between requests.
    pub head_time: Duration,
    /// Time to send a whole request body, once its head is in.
    pub body_time: Duration,
    /// SRP computations (requests being handled) at once.
    pub compute: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 512,
            head_bytes: 16 * 1024,
            headers: 64,
            body_bytes: MAX_BODY_BYTES,
            head_time: Duration::from_secs(10),
            body_time: Duration::from_secs(10),
            compute: 8,
        }
    }
}

/// How long the accept loop waits after `accept` fails (e.g. `EMFILE`),
/// so a descriptor can be freed before it tries again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// hyper's smallest read buffer; the head limit is raised to it if lower.
const MIN_HEAD_BUFFER: usize = 8192;

/// An answer of [`Endpoint::dispatch`] on its way to the wire.
struct Reply(routes::Response);

impl From<routes::Response> for Reply {
    fn from(response: routes::Response) -> Self {
        Reply(response)
    }
}

impl Reply {
    fn into_response(self) -> Response<Full<Bytes>> {
        let Reply(answer) = self;
        let mut response = Response::new(Full::new(Bytes::from(answer.body)));
        *response.status_mut() =
            StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
        if let Ok(id) = HeaderValue::from_str(&uuid()) {
            headers.insert(HeaderName::from_static("x-amzn-requestid"), id);
        }
        if let Some(error) = &answer.error {
            // Some SDKs (Amplify v6) read the error's name from this header
            // rather than the body; Cognito ends it with a colon.
            if let Ok(kind) = HeaderValue::from_str(&format!("{}:", error.kind)) {
                headers.insert(HeaderName::from_static("x-amzn-errortype"), kind);
            }
            if let Ok(message) = HeaderValue::from_str(&error.message) {
                headers.insert(HeaderName::from_static("x-amzn-errormessage"), message);
            }
            if error.status == 413 {
                // The rest of the body is not read: the connection cannot be reused.
                headers.insert(CONNECTION, HeaderValue::from_static("close"));
            }
        }
        response
    }
}

impl Endpoint {
    /// Serves HTTP on `addr` with the default [`Limits`] but at most
    /// `threads` computations at once. Returns the bound address (use port 0
    /// for a free one) and the thread that runs the server.
    pub fn serve(
        self,
        addr: &str,
        threads: usize,
    ) -> Result<(SocketAddr, Vec<thread::JoinHandle<()>>), String> {
        let limits = Limits {
            compute: threads,
            ..Limits::default()
        };
        self.serve_with(addr, limits)
    }

    /// Serves HTTP on `addr` with `limits`, on a tokio runtime of its own
    /// thread, until the process ends.
    pub fn serve_with(
        self,
        addr: &str,
        limits: Limits,
    ) -> Result<(SocketAddr, Vec<thread::JoinHandle<()>>), String> {
        let listener = std::net::TcpListener::bind(addr).map_err(|e| e.to_string())?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        if let Ok(mut base) = self.issuer_base.lock() {
            *base = format!("http://{bound}");
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("cognito-srp-local")
            .max_blocking_threads(limits.compute.max(1) + 2)
            .build()
            .map_err(|e| e.to_string())?;
        let server = thread::Builder::new()
            .name("cognito-srp-local accept".into())
            .spawn(move || {
                runtime.block_on(async move {
                    match TcpListener::from_std(listener) {
                        Ok(listener) => accept_loop(self, listener, limits).await,
                        Err(e) => eprintln!("cognito-srp-local: cannot listen: {e}"),
                    }
                })
            })
            .map_err(|e| e.to_string())?;
        Ok((bound, vec![server]))
    }
}

async fn accept_loop(endpoint: Endpoint, listener: TcpListener, limits: Limits) {
    let connections = Arc::new(Semaphore::new(limits.connections.max(1)));
    let compute = Arc::new(Semaphore::new(limits.compute.max(1)));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .keep_alive(true)
        .header_read_timeout(limits.head_time)
        .max_buf_size(limits.head_bytes.max(MIN_HEAD_BUFFER))
        .max_headers(limits.headers);
    let builder = Arc::new(builder);
    loop {
        // Wait for a free slot before accepting: past the limit, connections
        // wait in the backlog instead of taking descriptors and memory.
        let Ok(slot) = connections.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // EMFILE, ENFILE, ENOBUFS, ECONNABORTED...: none is the
                // listener's end. Say so, give descriptors time to free, go on.
                eprintln!("cognito-srp-local: accept failed ({e}); retrying");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        // Without it each response meets the client's delayed ACK (~40 ms).
        let _ = stream.set_nodelay(true);
        let endpoint = endpoint.clone();
        let compute = compute.clone();
        let builder = builder.clone();
        let limits = limits.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let endpoint = endpoint.clone();
                let compute = compute.clone();
                let limits = limits.clone();
                async move { Ok::<_, Infallible>(respond(endpoint, compute, &limits, request).await) }
            });
            // A client that goes away, stalls past a limit or sends garbage
            // ends its own connection, nothing more.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
}

async fn respond(
    endpoint: Endpoint,
    compute: Arc<Semaphore>,
    limits: &Limits,
    request: Request<Incoming>,
) -> Response<Full<Bytes>> {
    if request.method() == Method::GET {
        let path = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        return Reply::from(endpoint.dispatch(&ReceivedRequest {
            method: "GET",
            path_and_query: &path,
            headers: &[],
            body: b"",
        }))
        .into_response();
    }
    route(endpoint, compute, limits, request)
        .await
        .unwrap_or_else(|e| Reply::from(routes::Response::error(&e)))
        .into_response()
}

async fn route(
    endpoint: Endpoint,
    compute: Arc<Semaphore>,
    limits: &Limits,
    request: Request<Incoming>,
) -> Result<Reply, ApiError> {
    if request.method() != Method::POST {
        return Err(err(
            "UnknownOperationException",
            "only POST / and GET of a key set",
        ));
    }
    let target = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // An unknown target is refused before its body is read.
    if !target.starts_with("AWSCognitoIdentityProviderService.") {
        return Err(err(
            "UnknownOperationException",
            format!("Unknown target {target:?}"),
        ));
    }
    let too_large = || {
        err(
            "InvalidParameterException",
            format!(
                "The request body is larger than {} bytes.",
                limits.body_bytes
            ),
        )
        .with_status(413)
    };
    // Refuse a promised body over the limit before reading any of it.
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.body_bytes as u64) {
        return Err(too_large());
    }
    // A SigV4 signature covers the method, path, headers and raw body: keep them all.
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let headers: Vec<(String, Vec<u8>)> = request
        .headers()
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec()))
        .collect();
    let body = Limited::new(request.into_body(), limits.body_bytes);
    let raw = match tokio::time::timeout(limits.body_time, body.collect()).await {
        Err(_) => {
            return Err(
                err("RequestTimeoutException", "The request body took too long.").with_status(408),
            );
        }
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => return Err(too_large()),
        Ok(Err(_)) => {
            return Err(err(
                "SerializationException",
                "could not read the request body",
            ));
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    // SRP math is CPU-bound: run it on a blocking thread, a bounded number
    // at once, so the runtime's threads keep serving other connections.
    let Ok(_permit) = compute.acquire_owned().await else {
        return Err(err("InternalErrorException", "shutting down"));
    };
    let handled = tokio::task::spawn_blocking(move || {
        endpoint.dispatch(&ReceivedRequest {
            method: "POST",
            path_and_query: &path,
            headers: &headers,
            body: &raw,
        })
    })
    .await;
    match handled {
        Ok(response) => Ok(Reply::from(response)),
        // A panic in a handler is a bug; the caller gets a 500, the server goes on.
        Err(_) => Err(err("InternalErrorException", "internal error")),
    }
}
