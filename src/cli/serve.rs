//! `baocao serve`: the province's server over this database.

use std::path::PathBuf;

use clap::Args;

use crate::context::Ctx;
use crate::error::{Error, Kind, Msg, Result};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on. Plain HTTP only on a loopback address (behind a
    /// reverse proxy with TLS); any other address needs --tls-cert and --tls-key.
    /// Port 0 picks a free port; the address is printed on stdout.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
    /// The server's TLS certificate chain (PEM).
    #[arg(long, requires = "tls_key", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, requires = "tls_cert", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Requests run at once; more wait their turn (up to 30 s, then 503 Retry-After).
    #[arg(long, default_value_t = 8)]
    pub workers: usize,
    /// Largest request accepted, in MB (uploads included); larger ones get 413.
    #[arg(long, default_value_t = 64)]
    pub max_body_mb: usize,
}

pub fn serve(ctx: &Ctx, a: ServeArgs) -> Result<()> {
    if ctx.served.is_some() {
        return Err(Error::new(
            Kind::Usage,
            Msg::new(
                "Máy chủ không tự khởi động máy chủ",
                "A server does not start servers",
            ),
        ));
    }
    crate::serve::run(crate::serve::Options {
        db: ctx.db.clone(),
        listen: a.listen,
        tls: a.tls_cert.zip(a.tls_key),
        workers: a.workers,
        max_body: a.max_body_mb.saturating_mul(1024 * 1024),
        as_of: std::env::var("BAOCAO_NOW")
            .ok()
            .filter(|s| !s.trim().is_empty()),
        lang: ctx.lang(),
    })
}
