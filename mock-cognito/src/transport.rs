//! HTTP: `POST /` with `X-Amz-Target`, and `GET` of a pool's key set.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;

use serde_json::{Value, json};

use crate::error::{ApiError, err};
use crate::random::uuid;
use crate::{Endpoint, MAX_BODY_BYTES};

/// A counting semaphore: at most `limit` holders at once.
pub(crate) struct Permits {
    free: Mutex<usize>,
    released: Condvar,
}

impl Permits {
    pub(crate) fn new(limit: usize) -> Self {
        Permits {
            free: Mutex::new(limit.max(1)),
            released: Condvar::new(),
        }
    }

    /// Waits for a permit; it is given back when the guard drops.
    fn acquire(&self) -> PermitGuard<'_> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            free = self.released.wait(free).unwrap_or_else(|e| e.into_inner());
        }
        *free -= 1;
        PermitGuard(self)
    }
}

struct PermitGuard<'a>(&'a Permits);

impl Drop for PermitGuard<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.released.notify_one();
    }
}

impl Endpoint {
    /// Serves HTTP on `addr` until the process ends, computing at most
    /// `threads` requests at once. Returns the bound address (use port 0 for
    /// a free one) and the thread that hands out the requests.
    ///
    /// Every request is read on a thread of its own and takes one of the
    /// `threads` permits only once its body is in: tiny_http exposes no
    /// socket to put a timeout on, so a client that stalls mid-body holds
    /// just its own thread (until it goes away), never a permit. (A read
    /// timeout on the listener would be inherited by accepted sockets, but it
    /// also makes an idle `accept` fail, which ends tiny_http's accept loop.)
    pub fn serve(
        mut self,
        addr: &str,
        threads: usize,
    ) -> Result<(SocketAddr, Vec<thread::JoinHandle<()>>), String> {
        let listener = std::net::TcpListener::bind(addr).map_err(|e| e.to_string())?;
        // Linux hands TCP_NODELAY on to accepted sockets. Without it, tiny_http's
        // response (head, then body) meets the client's delayed ACK and each
        // request waits about 40 ms.
        socket2::SockRef::from(&listener)
            .set_tcp_nodelay(true)
            .map_err(|e| e.to_string())?;
        let server = tiny_http::Server::from_listener(listener, None).map_err(|e| e.to_string())?;
        let bound = server.server_addr().to_ip().ok_or("not an IP listener")?;
        if let Ok(mut base) = self.issuer_base.lock() {
            *base = format!("http://{bound}");
        }
        self.compute = Arc::new(Permits::new(threads));
        let dispatcher = thread::spawn(move || {
            for request in server.incoming_requests() {
                let endpoint = self.clone();
                let spawned = thread::Builder::new()
                    .name("mock-cognito request".into())
                    .spawn(move || endpoint.respond(request));
                if let Err(e) = spawned {
                    // The request is dropped and its connection closed; the
                    // endpoint goes on with the next one.
                    eprintln!("mock-cognito: cannot start a request thread: {e}");
                }
            }
        });
        Ok((bound, vec![dispatcher]))
    }

    fn respond(&self, mut request: tiny_http::Request) {
        let (status, body, kind) = self.route(&mut request);
        let mut response = tiny_http::Response::from_string(body).with_status_code(status);
        let mut headers = vec![
            ("Content-Type", "application/x-amz-json-1.1".to_owned()),
            ("x-amzn-RequestId", uuid()),
        ];
        if let Some(kind) = kind {
            // Some SDKs read the error type from this header rather than the body.
            headers.push(("x-amzn-ErrorType", kind.to_owned()));
        }
        for (name, value) in headers {
            if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
                response.add_header(header);
            }
        }
        // The client may have gone away; nothing to do then.
        let _ = request.respond(response);
    }

    fn route(&self, request: &mut tiny_http::Request) -> (u16, String, Option<&'static str>) {
        let url = request.url().to_owned();
        if *request.method() == tiny_http::Method::Get {
            let pool_id = url
                .strip_prefix('/')
                .and_then(|u| u.strip_suffix("/.well-known/jwks.json"));
            if pool_id.is_some_and(|id| self.state().pools.contains_key(id)) {
                return (200, self.signer.jwks().to_string(), None);
            }
            return error_response(&err("ResourceNotFoundException", "Not found").with_status(404));
        }
        if *request.method() != tiny_http::Method::Post {
            return error_response(&err(
                "UnknownOperationException",
                "only POST / and GET of a key set",
            ));
        }
        let target = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("X-Amz-Target"))
            .map(|h| h.value.as_str().to_owned())
            .unwrap_or_default();
        let Some(operation) = target.strip_prefix("AWSCognitoIdentityProviderService.") else {
            return error_response(&err(
                "UnknownOperationException",
                format!("Unknown target {target:?}"),
            ));
        };
        let mut raw = Vec::new();
        let limit = MAX_BODY_BYTES as u64 + 1;
        if request
            .as_reader()
            .take(limit)
            .read_to_end(&mut raw)
            .is_err()
        {
            return error_response(&err(
                "SerializationException",
                "could not read the request body",
            ));
        }
        if raw.len() > MAX_BODY_BYTES {
            return error_response(
                &err("InvalidParameterException", "request body too large").with_status(413),
            );
        }
        let body: Value = match serde_json::from_slice(&raw) {
            Ok(v) => v,
            Err(e) => {
                return error_response(&err(
                    "SerializationException",
                    format!("malformed JSON: {e}"),
                ));
            }
        };
        let _permit = self.compute.acquire();
        match self.handle(operation, &body) {
            Ok(value) => (200, value.to_string(), None),
            Err(e) => error_response(&e),
        }
    }
}

fn error_response(error: &ApiError) -> (u16, String, Option<&'static str>) {
    (
        error.status,
        json!({ "__type": error.kind, "message": error.message }).to_string(),
        Some(error.kind),
    )
}
