//! `bamho serve`: the web application and API over any database.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bamho_store::Store;
use bamho_web::{AppState, Application};

use super::redact;

/// Serves `store` on `addr` until Ctrl-C; prints where it listens.
pub async fn serve_store(store: Arc<dyn Store>, addr: &str) -> anyhow::Result<()> {
    let app = Application::build(AppState::new(store), addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let bound = app.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{bound}")?;
    out.flush()?;
    drop(out);
    app.run().await?;
    Ok(())
}

pub async fn run(db: &str, addr: &str) -> anyhow::Result<ExitCode> {
    let store = bamho_store::open(db)
        .await
        .with_context(|| format!("cannot open {}", redact(db)))?;
    serve_store(store, addr).await?;
    Ok(ExitCode::SUCCESS)
}
