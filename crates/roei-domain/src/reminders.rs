//! Deadline reminders through the outbox.
//!
//! [`enqueue_due`] turns the deadline board into messages whose `dedupe_key` names the case, the
//! stage, the due date, the moment (3 days before, the day, overdue) and the recipient: however
//! many servers run it, however often, each reminder exists once. [`deliver`] claims messages
//! atomically and sends each through a [`Mailer`]; without one, they stay in the outbox and the
//! UI shows them.

use std::collections::HashMap;

use async_trait::async_trait;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::DomainError;
use crate::audit::AuditDraft;
use crate::model::{OrgId, User, truncate};
use crate::records::OutboxMessage;
use crate::report::ReportStage;
use crate::reporting::{BoardCard, Urgency, board_card};
use crate::store::Store;

/// Sends one message (SMTP, a mail directory…).
#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends the message; an error is kept on the message and it is retried later.
    async fn send(&self, m: &OutboxMessage) -> Result<(), String>;
}

/// Which reminder of a deadline.
fn moment(days_left: i64) -> Option<&'static str> {
    match days_left {
        i64::MIN..=-1 => Some("overdue"),
        0 => Some("due_today"),
        1..=3 => Some("due_in_3_days"),
        _ => None,
    }
}

/// The reminders a card calls for on `today`, one per recipient.
pub fn plan(card: &BoardCard, recipients: &[User], now: Timestamp) -> Vec<OutboxMessage> {
    let (Some(stage), Some(due), Some(days)) = (card.next, card.due, card.days_left) else {
        return vec![];
    };
    let Some(moment) = moment(days) else {
        return vec![];
    };
    if card.urgency == Urgency::NothingDue {
        return vec![];
    }
    let case = &card.overview.case;
    let what = match stage {
        ReportStage::QuickReport => "速報",
        ReportStage::FinalReport => "確報",
        ReportStage::Supplement => return vec![],
    };
    let subject = match moment {
        "overdue" => format!(
            "【期限超過】{what}の期限（{due}）を過ぎています: {}",
            case.title
        ),
        "due_today" => format!(
            "【本日期限】{what}の期限は本日（{due}）です: {}",
            case.title
        ),
        _ => format!(
            "【期限まで{days}日】{what}の期限は{due}です: {}",
            case.title
        ),
    };
    recipients
        .iter()
        .filter(|u| u.role.can_write())
        .map(|u| OutboxMessage {
            id: Uuid::now_v7(),
            dedupe_key: format!(
                "reminder:{}:{}:{due}:{moment}:{}",
                case.id,
                stage.as_str(),
                u.id
            ),
            kind: format!("reminder.{}", stage.as_str()),
            org_id: Some(case.org_id),
            case_id: Some(case.id),
            recipient: u.email.clone(),
            subject: subject.clone(),
            body: format!(
                "{name} 様\n\n事案「{title}」（知った日 {known}）の{what}の期限は {due} です。\n\
                 roei の事案ページから報告を作成・提出してください。\n\n-- roei\n",
                name = u.display_name,
                title = case.title,
                known = case.known_on,
            ),
            created_at: truncate(now),
            claimed_until: None,
            claimed_by: None,
            sent_at: None,
            attempts: 0,
            last_error: None,
        })
        .collect()
}

/// Enqueues every reminder due on `today` for every operator; returns how many were new.
pub async fn enqueue_due(
    store: &dyn Store,
    today: Date,
    now: Timestamp,
) -> Result<usize, DomainError> {
    let mut users: HashMap<OrgId, Vec<User>> = HashMap::new();
    let mut added = 0;
    for o in store.case_overviews(None).await? {
        let card = board_card(o, today);
        let org = card.overview.case.org_id;
        if let std::collections::hash_map::Entry::Vacant(v) = users.entry(org) {
            v.insert(store.list_users(org).await?);
        }
        for m in plan(&card, &users[&org], now) {
            let audit = AuditDraft::new(
                now,
                None,
                Some(org),
                "outbox.enqueue",
                format!("case:{}", card.overview.case.id),
                &serde_json::json!({"dedupe_key": m.dedupe_key, "to": m.recipient}),
            );
            if store.enqueue_outbox(&m, &audit).await? {
                added += 1;
            }
        }
    }
    Ok(added)
}

/// The messages concerning the actor's organisation, newest first (at most 200).
pub async fn outbox(
    store: &dyn Store,
    actor: &crate::service::Actor,
) -> Result<Vec<OutboxMessage>, DomainError> {
    Ok(store.list_outbox(Some(actor.org.id), 200).await?)
}

/// How long a worker holds a claimed message before another may retry it.
pub const CLAIM_LEASE: SignedDuration = SignedDuration::from_mins(5);

/// Claims and sends pending messages until none is left; returns (sent, failed).
pub async fn deliver(
    store: &dyn Store,
    mailer: &dyn Mailer,
    worker: &str,
    now: Timestamp,
) -> Result<(usize, usize), DomainError> {
    let (mut sent, mut failed) = (0, 0);
    loop {
        let batch = store
            .claim_outbox(worker, now, now + CLAIM_LEASE, 20)
            .await?;
        if batch.is_empty() {
            return Ok((sent, failed));
        }
        for m in batch {
            let result = mailer.send(&m).await;
            match &result {
                Ok(()) => sent += 1,
                Err(_) => failed += 1,
            }
            store
                .finish_outbox(m.id, worker, result.map(|()| truncate(now)))
                .await?;
        }
    }
}
