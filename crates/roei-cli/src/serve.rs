//! `roei serve`: opens the store, seeds the demo when asked, runs the background jobs and
//! serves HTTP until SIGINT or SIGTERM (then finishes the requests in flight).

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use anyhow::Context as _;
use jiff::Timestamp;
use roei_web::jobs::MailConfig;
use roei_web::{AppState, WebConfig};

use crate::backend::{self, Missing};
use crate::config::{self, Resolved};
use crate::{BadInput, demo};

/// A mailer that cannot be built is a bad setting: name the one at fault.
fn mail_bad(r: &Resolved, mail: &MailConfig, e: &anyhow::Error) -> BadInput {
    let msg = e.to_string();
    let msg = msg.strip_prefix("mail: ").unwrap_or(&msg);
    let key = match mail {
        _ if msg.contains("sender address") => "mail_from",
        MailConfig::Smtp { .. } => "smtp_url",
        _ => "mail_dir",
    };
    r.bad(key, msg)
}

/// Where a browser on this machine reaches `addr`.
fn browser_addr(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

/// Runs the server until a signal.
pub async fn serve(r: &Resolved) -> anyhow::Result<()> {
    let mail = config::mail_config(r)?;
    let mailer = roei_web::jobs::mailer(&mail).map_err(|e| mail_bad(r, &mail, &e))?;
    let backend = backend::open(r, Missing::Create).await?;
    let store = backend.store();
    let logins = if r.config.demo {
        Some(demo::seed_demo(&*store, Timestamp::now()).await?)
    } else {
        None
    };
    let state = AppState::new(
        store,
        WebConfig {
            secure_cookies: r.config.secure_cookies,
            scan_upload_limit: r.config.scan_upload_limit_mb as usize * 1024 * 1024,
            demo_logins: logins
                .iter()
                .flatten()
                .map(|l| roei_web::DemoLogin {
                    email: l.email.to_owned(),
                    who: format!("{}（{}）", l.display_name, l.organisation),
                    role: l.role.as_str().to_owned(),
                })
                .collect(),
            demo_password: logins
                .as_ref()
                .and_then(|l| l.first())
                .map(|l| l.password.to_owned())
                .unwrap_or_default(),
            ..WebConfig::default()
        },
    );
    let jobs = roei_web::jobs::spawn(state.clone(), mailer, roei_web::JOB_INTERVAL);
    let listener = tokio::net::TcpListener::bind(r.config.listen)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (listen from {})",
                r.config.listen,
                r.source_of("listen")
            )
        })?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let shutdown = shutdown_signal()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "roei listening on http://{addr} ({})",
            backend.describe()
        )?;
        if let Some(logins) = &logins {
            writeln!(out)?;
            writeln!(
                out,
                "Demo: sign in at http://{}/login with one of these logins:",
                browser_addr(addr)
            )?;
            out.write_all(demo::logins_table(logins).as_bytes())?;
        }
        out.flush()?;
    }
    tracing::info!(%addr, store = %backend.describe(), mail = mail_kind(&mail), "serving");
    let served = roei_web::serve(listener, state, shutdown).await;
    jobs.abort();
    let _ = jobs.await;
    backend.close().await;
    served.context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

fn mail_kind(m: &MailConfig) -> &'static str {
    match m {
        MailConfig::None => "outbox only",
        MailConfig::Smtp { .. } => "smtp",
        MailConfig::Directory { .. } => "directory",
    }
}

/// Listens for SIGINT (Ctrl-C) and SIGTERM now, and returns the future that resolves on the
/// first of them. Installing the handlers before the listening line is printed means a signal
/// sent as soon as the server is up still shuts it down gracefully.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        let mut int = signal(SignalKind::interrupt()).context("listening for SIGINT")?;
        Ok(async move {
            tokio::select! {
                _ = int.recv() => tracing::info!("SIGINT: shutting down"),
                _ = term.recv() => tracing::info!("SIGTERM: shutting down"),
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("Ctrl-C: shutting down");
        })
    }
}
