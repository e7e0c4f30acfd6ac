//! Runs an axum router on 127.0.0.1:0 on a thread of its own. Connections are served with hyper directly
//! (not `axum::serve`) for two reasons: TLS is an optional layer per connection, and a request can be
//! "answered" by dropping the socket, which only a connection-level service can do.

use crate::tls::Tls;
use axum::body::Body;
use axum::http::{Request, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt as _;

/// Looks at each request before the router does; `true` closes the connection without any response.
pub(crate) type Gate = Arc<dyn Fn(&Request<Incoming>) -> bool + Send + Sync>;

/// A running server; dropping it stops the accept loop, cancels open connections and joins the thread.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    pub(crate) fn base_url(&self, tls: bool) -> String {
        let scheme = if tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Binds, then returns; panics if the loopback port cannot be bound, since no test could proceed anyway.
pub(crate) fn spawn(name: &str, router: Router, tls: Option<&Tls>, gate: Gate) -> Running {
    let acceptor = tls.map(Tls::acceptor);
    let (ready_tx, ready_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = oneshot::channel();
    let thread_name = name.to_string();
    let thread = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name(thread_name)
                .enable_all()
                .build()
                .expect("build the server's tokio runtime");
            runtime.block_on(accept_loop(router, acceptor, gate, ready_tx, stop_rx));
            // Open keep-alive connections and sleeping handlers are cancelled rather than awaited.
            runtime.shutdown_timeout(Duration::from_secs(1));
        })
        .expect("spawn the server thread");
    let addr = match ready_rx.recv() {
        Ok(Ok(addr)) => addr,
        Ok(Err(e)) => panic!("{name}: cannot bind 127.0.0.1:0: {e}"),
        Err(_) => panic!("{name}: the server thread died before binding"),
    };
    Running {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    }
}

async fn accept_loop(
    router: Router,
    acceptor: Option<TlsAcceptor>,
    gate: Gate,
    ready: mpsc::Sender<std::io::Result<SocketAddr>>,
    mut stop: oneshot::Receiver<()>,
) {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(listener.local_addr());
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                // A failed accept (e.g. out of file descriptors) only loses that one connection.
                if let Ok((tcp, _)) = accepted {
                    tokio::spawn(serve_tcp(tcp, acceptor.clone(), router.clone(), gate.clone()));
                }
            }
        }
    }
}

async fn serve_tcp(tcp: TcpStream, acceptor: Option<TlsAcceptor>, router: Router, gate: Gate) {
    let _ = tcp.set_nodelay(true);
    match acceptor {
        None => serve_io(TokioIo::new(tcp), router, gate).await,
        // A failed handshake (e.g. the client refuses an expired certificate) just ends the connection.
        Some(acceptor) => {
            if let Ok(stream) = acceptor.accept(tcp).await {
                serve_io(TokioIo::new(stream), router, gate).await;
            }
        }
    }
}

/// The error a gated request "returns": hyper then closes the connection without writing a response.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

async fn serve_io<I>(io: I, router: Router, gate: Gate)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let drop_it = gate(&req);
        let router = router.clone();
        async move {
            if drop_it {
                return Err(Dropped);
            }
            let response: Response<Body> = match router.oneshot(req).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            Ok(response)
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}
