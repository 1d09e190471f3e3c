//! `baocao serve`: the province's server. One process owns the database and answers
//! the HTTP API of [`crate::wire`]: each request runs the very handler the local CLI
//! runs (`cli::dispatch`) on a blocking thread, with its output captured; and the web
//! pages of [`crate::web`] at `/`.
//!
//! Plain HTTP only on a loopback address (behind a reverse proxy that terminates TLS),
//! TLS with rustls from a certificate and key otherwise. SIGTERM or Ctrl-C stops taking
//! requests and lets those in flight finish; a change is one SQLite transaction, so
//! nothing is left half-written either way.

mod api;
pub(crate) mod limits;
pub mod openapi;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::{Error, Kind, Msg, Result};

pub(crate) use api::{client_address, no_route};

/// How `baocao serve` was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub db: PathBuf,
    pub listen: String,
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Requests run at once; more wait for a turn (then 503).
    pub workers: usize,
    pub max_body: usize,
    /// The server's own `--as-of` / `BAOCAO_NOW`, for requests that name none.
    pub as_of: Option<String>,
    pub lang: crate::error::Lang,
}

/// Shared by every request.
pub(crate) struct App {
    pub db: PathBuf,
    pub as_of: Option<String>,
    pub permits: tokio::sync::Semaphore,
    pub limiter: limits::SignIn,
    pub tree: clap::Command,
    pub max_body: usize,
    /// The key of the web pages' CSRF tokens, new for each run.
    pub csrf: crate::web::security::CsrfKey,
}

/// Runs the server until SIGTERM or Ctrl-C. Prints the address it listens on (one
/// line on stdout, for scripts and tests that ask for port 0).
pub fn run(o: Options) -> Result<()> {
    let addr = listen_addr(&o.listen)?;
    if o.tls.is_none() && !addr.ip().is_loopback() {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                format!("Không phục vụ HTTP không mã hoá trên địa chỉ {addr}: mật khẩu và số liệu sẽ đi trên mạng không được bảo vệ"),
                format!("Refusing plain HTTP on {addr}: passwords and figures would cross the network unprotected"),
            ),
        )
        .with_hint(Msg::new(
            "dùng --tls-cert và --tls-key, hoặc nghe trên 127.0.0.1 sau một proxy ngược có TLS (Caddy, nginx)",
            "use --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS reverse proxy (Caddy, nginx)",
        )));
    }
    // Requests bring their own settings: the server's environment must not leak into
    // them (a token, a database path, usage texts naming variables set here). Done
    // before any thread starts.
    for var in [
        "BAOCAO_NOW",
        "BAOCAO_DB",
        "BAOCAO_LANG",
        "BAOCAO_TOKEN",
        "BAOCAO_SERVER",
        "BAOCAO_SERVER_CA",
    ] {
        std::env::remove_var(var);
    }
    // The database is opened (and its schema brought up to date) before anyone is let in.
    crate::store::Store::open(&o.db)?;
    let mut tree = crate::cli::command();
    tree.build();
    let app = Arc::new(App {
        db: o.db.clone(),
        as_of: o.as_of.clone(),
        permits: tokio::sync::Semaphore::new(o.workers.max(1)),
        limiter: limits::SignIn::default(),
        tree,
        max_body: o.max_body,
        csrf: crate::web::security::CsrfKey::random(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(o.workers.max(1) + 4)
        .build()
        .map_err(|e| {
            Error::failure(
                Msg::new("Không khởi động được máy chủ", "Could not start the server"),
                e,
            )
        })?;
    runtime.block_on(serve(app, addr, o))
}

fn router(app: Arc<App>) -> Router {
    let max_body = app.max_body;
    Router::new()
        // The web pages at `/`, beside the API.
        .merge(crate::web::router())
        .route("/healthz", get(api::healthz))
        // Commands are POSTed; the OpenAPI document and its schemas are read with GET.
        .route(
            "/api/v1/{*command}",
            get(api::schema_file).post(api::command),
        )
        .fallback(api::no_route)
        // Bodies past the limit are refused (413) in the API's shape.
        .layer(DefaultBodyLimit::max(max_body))
        // Nothing is cached but what says otherwise (the pages' stylesheet).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .with_state(app)
}

async fn serve(app: Arc<App>, addr: SocketAddr, o: Options) -> Result<()> {
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    let failed = |e: std::io::Error| {
        Error::new(
            Kind::Failure,
            Msg::new(
                format!("Không nghe được trên {addr}: {e}"),
                format!("Could not listen on {addr}: {e}"),
            ),
        )
    };
    match &o.tls {
        None => {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(failed)?;
            let bound = listener.local_addr().map_err(failed)?;
            announce(&o, "http", bound);
            axum::serve(listener, service)
                .with_graceful_shutdown(stop_signal())
                .await
                .map_err(failed)?;
        }
        Some((cert, key)) => {
            let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| {
                    Error::new(
                        Kind::Invalid,
                        Msg::new(
                            format!(
                                "Không đọc được chứng thư {} hoặc khoá {}: {e}",
                                cert.display(),
                                key.display()
                            ),
                            format!(
                                "Could not read the certificate {} or key {}: {e}",
                                cert.display(),
                                key.display()
                            ),
                        ),
                    )
                })?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                stop_signal().await;
                stopper.graceful_shutdown(Some(Duration::from_secs(60)));
            });
            let announcer = handle.clone();
            let shown = o.clone();
            tokio::spawn(async move {
                if let Some(bound) = announcer.listening().await {
                    announce(&shown, "https", bound);
                }
            });
            axum_server::bind_rustls(addr, config)
                .handle(handle)
                .serve(service)
                .await
                .map_err(failed)?;
        }
    }
    note(
        o.lang,
        Msg::new(
            "Đã dừng máy chủ; các yêu cầu đang chạy đã xong",
            "Server stopped; requests in flight were finished",
        ),
    );
    Ok(())
}

fn announce(o: &Options, scheme: &str, bound: SocketAddr) {
    use std::io::Write;
    let url = format!("{scheme}://{bound}");
    println!("{url}");
    let _ = std::io::stdout().flush();
    let db = o.db.display();
    note(
        o.lang,
        Msg::new(
            format!("Máy chủ baocao phục vụ {db} tại {url} (dừng bằng Ctrl-C hoặc SIGTERM)"),
            format!("baocao serves {db} at {url} (stop with Ctrl-C or SIGTERM)"),
        ),
    );
}

fn note(lang: crate::error::Lang, msg: Msg) {
    eprintln!("{}", msg.get(lang));
}

/// SIGTERM (systemd's stop) or Ctrl-C.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:443` or `localhost:8080`.
fn listen_addr(s: &str) -> Result<SocketAddr> {
    let s = s.trim();
    let parsed = match s.strip_prefix("localhost:") {
        Some(port) => format!("127.0.0.1:{port}").parse(),
        None => s.parse(),
    };
    parsed.map_err(|_| {
        Error::new(
            Kind::Usage,
            Msg::new(
                format!("Địa chỉ nghe không hợp lệ: «{s}» (ví dụ 127.0.0.1:8080)"),
                format!("Not a listening address: «{s}» (e.g. 127.0.0.1:8080)"),
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_addresses_are_read_as_people_write_them() {
        assert_eq!(
            listen_addr("localhost:8080").unwrap().to_string(),
            "127.0.0.1:8080"
        );
        assert!(listen_addr("[::1]:0").unwrap().ip().is_loopback());
        assert!(listen_addr("baocao.gov.vn").is_err());
    }

    #[test]
    fn the_routes_fit_together() {
        // axum refuses conflicting routes only when the router is built.
        let app = Arc::new(App {
            db: "khong-co.db".into(),
            as_of: None,
            permits: tokio::sync::Semaphore::new(1),
            limiter: limits::SignIn::default(),
            tree: crate::cli::command(),
            max_body: 1,
            csrf: crate::web::security::CsrfKey::random(),
        });
        let _ = router(app);
    }

    #[test]
    fn plain_http_on_a_public_address_is_refused() {
        let o = Options {
            db: "khong-co.db".into(),
            listen: "0.0.0.0:8080".into(),
            tls: None,
            workers: 1,
            max_body: 1,
            as_of: None,
            lang: crate::error::Lang::En,
        };
        let e = run(o).unwrap_err();
        assert_eq!(e.kind, Kind::Usage);
        assert!(e.msg.en.contains("plain HTTP"), "{}", e.msg.en);
    }
}
