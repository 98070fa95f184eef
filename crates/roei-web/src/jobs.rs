//! Background jobs: every [`crate::JOB_INTERVAL`], enqueue the deadline reminders due today and
//! deliver the outbox through the configured mailer (SMTP, or a mail directory). Without a
//! mailer, messages stay in the outbox (shown by `GET /api/v1/outbox`). Several servers on one
//! PostgreSQL may run the jobs at once: the outbox's unique `dedupe_key` and atomic claims make
//! each reminder exist once and be sent once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use roei_domain::records::OutboxMessage;
use roei_domain::reminders::{self, Mailer};
use roei_domain::service::jst_today;

use crate::AppState;

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailConfig {
    /// Keep messages in the outbox only.
    None,
    /// An SMTP server: `smtp://user:pass@host:587` (STARTTLS) or `smtps://…` (TLS), or
    /// `smtp://host:25?tls=none` for a local relay.
    Smtp { url: String, from: String },
    /// Write each message as an .eml file into a directory (for a pickup service, or tests).
    Directory { path: PathBuf, from: String },
}

/// Sends through lettre's SMTP transport.
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// Writes .eml files with lettre's file transport.
pub struct DirectoryMailer {
    transport: AsyncFileTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for DirectoryMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryMailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

fn build(m: &OutboxMessage, from: &Mailbox) -> Result<Message, String> {
    let to: Mailbox = m
        .recipient
        .parse()
        .map_err(|e| format!("bad recipient {}: {e}", m.recipient))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| e.to_string())
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, m: &OutboxMessage) -> Result<(), String> {
        let msg = build(m, &self.from)?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

#[async_trait]
impl Mailer for DirectoryMailer {
    async fn send(&self, m: &OutboxMessage) -> Result<(), String> {
        let msg = build(m, &self.from)?;
        self.transport
            .send(msg)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The mailer for a configuration (`None` for [`MailConfig::None`]).
pub fn mailer(config: &MailConfig) -> anyhow::Result<Option<Arc<dyn Mailer>>> {
    Ok(match config {
        MailConfig::None => None,
        MailConfig::Smtp { url, from } => {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|e| anyhow::anyhow!("mail: bad SMTP URL: {e}"))?
                .build();
            let from = from
                .parse()
                .map_err(|e| anyhow::anyhow!("mail: bad sender address {from}: {e}"))?;
            Some(Arc::new(SmtpMailer { transport, from }))
        }
        MailConfig::Directory { path, from } => {
            std::fs::create_dir_all(path)
                .map_err(|e| anyhow::anyhow!("mail: cannot create {}: {e}", path.display()))?;
            let from = from
                .parse()
                .map_err(|e| anyhow::anyhow!("mail: bad sender address {from}: {e}"))?;
            Some(Arc::new(DirectoryMailer {
                transport: AsyncFileTransport::new(path),
                from,
            }))
        }
    })
}

/// One round: enqueue today's reminders, then deliver. Returns (enqueued, sent, failed).
pub async fn run_once(
    state: &AppState,
    mailer: Option<&dyn Mailer>,
    worker: &str,
) -> anyhow::Result<(usize, usize, usize)> {
    let now = state.now();
    let store = &*state.store;
    let enqueued = reminders::enqueue_due(store, jst_today(now), now).await?;
    let (sent, failed) = match mailer {
        Some(m) => reminders::deliver(store, m, worker, now).await?,
        None => (0, 0),
    };
    let expired = store.delete_expired_sessions(now).await?;
    if enqueued + sent + failed > 0 || expired > 0 {
        tracing::info!(enqueued, sent, failed, expired, "background jobs ran");
    }
    metrics::counter!("roei_outbox_enqueued_total").increment(enqueued as u64);
    metrics::counter!("roei_outbox_sent_total").increment(sent as u64);
    metrics::counter!("roei_outbox_failed_total").increment(failed as u64);
    Ok((enqueued, sent, failed))
}

/// Runs the jobs every `interval` until the task is dropped.
pub fn spawn(
    state: AppState,
    mailer: Option<Arc<dyn Mailer>>,
    interval: Duration,
) -> tokio::task::JoinHandle<()> {
    let worker = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = run_once(&state, mailer.as_deref(), &worker).await {
                tracing::error!(error = %e, "background jobs failed");
            }
        }
    })
}
