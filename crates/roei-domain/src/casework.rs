//! Use cases around a case: the entruster notice, the police report, the message thread between
//! operator and regulator, and the regulator's actions.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;
use crate::audit::AuditDraft;
use std::collections::HashMap;

use crate::model::{
    CaseId, DeterminationRecord, IncidentCase, OrgId, OrgKind, Organisation, UserId, truncate,
};
use crate::records::{
    EntrusterNotice, Message, PoliceReport, RegulatorAction, RegulatorActionKind, prefecture,
};
use crate::report::{ReportContent, SubmissionId};
use crate::reporting::visible_submissions;
use crate::service::{Actor, jst_today, operator_case};
use crate::store::Store;

/// Whom the entrustee notifies.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntrusterNoticeRequest {
    /// The case version the user saw.
    pub version: i64,
    /// An entruster organisation in roei (linked by an entrustment).
    #[serde(default)]
    pub entruster_org: Option<OrgId>,
    /// An entruster outside roei (the notice then goes as a PDF).
    #[serde(default)]
    pub entruster_name: Option<String>,
    /// The matters known so far; the saved draft (or a prefill) when omitted.
    #[serde(default)]
    pub content: Option<ReportContent>,
}

/// Sends the entruster notice (規則9条): stores it with its time and re-assesses the case with
/// `entruster_notified`, which discharges the entrustee's own report (法26条1項ただし書).
pub async fn notify_entruster(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    req: EntrusterNoticeRequest,
    now: Timestamp,
) -> Result<(EntrusterNotice, IncidentCase), DomainError> {
    actor.require_operator_writer()?;
    let case = operator_case(store, actor, case_id).await?;
    if !case.facts.entrustee {
        return Err(DomainError::invalid(
            "facts.entrustee",
            "the case is not handled as an entrustee (委託先): set facts.entrustee first",
        ));
    }
    let entruster_name = match (req.entruster_org, req.entruster_name.as_deref()) {
        (Some(org), _) => {
            if !store.entrusters_of(actor.org.id).await?.contains(&org) {
                return Err(DomainError::invalid(
                    "entruster_org",
                    "is not an entruster of this organisation",
                ));
            }
            store
                .organisation(org)
                .await?
                .ok_or(DomainError::NotFound)?
                .name
        }
        (None, Some(name)) => crate::model::required_text("entruster_name", name, 200)?,
        (None, None) => {
            return Err(DomainError::invalid(
                "entruster_org",
                "name the entruster: entruster_org (in roei) or entruster_name",
            ));
        }
    };
    let content = match req.content {
        Some(c) => c,
        None => {
            crate::reporting::draft(store, actor, case_id)
                .await?
                .draft
                .content
        }
    };
    content.validate()?;
    let now = truncate(now);
    let notice = EntrusterNotice {
        id: Uuid::now_v7(),
        case_id,
        org_id: actor.org.id,
        entruster_org: req.entruster_org,
        entruster_name,
        content,
        sent_at: now,
        sent_by: actor.user.id,
    };
    let record = if case.facts.entruster_notified {
        None
    } else {
        let history = store.determinations(actor.org.id, case_id).await?;
        let seq = history.last().map_or(1, |d| d.seq + 1);
        let mut facts = case.facts.clone();
        facts.entruster_notified = true;
        Some(DeterminationRecord::assess(
            case_id,
            seq,
            &facts,
            Some(actor.user.id),
            now,
        ))
    };
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "entruster_notice.send",
        format!("case:{case_id}"),
        &serde_json::json!({
            "notice": notice.id.to_string(),
            "entruster_org": notice.entruster_org.map(|o| o.to_string()),
            "entruster_name": notice.entruster_name,
            "reassessed": record.as_ref().map(|r| r.seq),
        }),
    );
    let updated = store
        .create_entruster_notice(&notice, record.as_ref().map(|r| (req.version, r)), &audit)
        .await?;
    let case = match updated {
        Some(c) => c,
        None => operator_case(store, actor, case_id).await?,
    };
    Ok((notice, case))
}

/// The organisations the actor's organisation is entrustee of (its 委託元 in roei), for the
/// notice form.
pub async fn entrusters(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<Organisation>, DomainError> {
    actor.require_operator()?;
    let mut out = Vec::new();
    for id in store.entrusters_of(actor.org.id).await? {
        out.extend(store.organisation(id).await?);
    }
    Ok(out)
}

/// A notice received, with the name of the entrustee that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedNotice {
    pub notice: EntrusterNotice,
    pub from: String,
}

/// The notices an entruster received, each with its sender's name.
pub async fn received_entruster_notices_named(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<ReceivedNotice>, DomainError> {
    let notices = received_entruster_notices(store, actor).await?;
    let mut names = Names::default();
    let mut out = Vec::with_capacity(notices.len());
    for notice in notices {
        let from = names.org(store, notice.org_id).await?;
        out.push(ReceivedNotice { notice, from });
    }
    Ok(out)
}

/// Names of users and organisations, each looked up once.
#[derive(Default)]
struct Names {
    users: HashMap<UserId, String>,
    orgs: HashMap<OrgId, String>,
}

impl Names {
    async fn user(&mut self, store: &dyn Store, id: UserId) -> Result<String, DomainError> {
        if let Some(n) = self.users.get(&id) {
            return Ok(n.clone());
        }
        let n = store
            .user(id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        self.users.insert(id, n.clone());
        Ok(n)
    }

    async fn org(&mut self, store: &dyn Store, id: OrgId) -> Result<String, DomainError> {
        if let Some(n) = self.orgs.get(&id) {
            return Ok(n.clone());
        }
        let n = store
            .organisation(id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        self.orgs.insert(id, n.clone());
        Ok(n)
    }
}

/// The notices an entruster received from its entrustees.
pub async fn received_entruster_notices(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<EntrusterNotice>, DomainError> {
    actor.require_operator()?;
    Ok(store.entruster_notices_received(actor.org.id).await?)
}

/// The notices sent about the actor's case.
pub async fn entruster_notices(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<EntrusterNotice>, DomainError> {
    operator_case(store, actor, case_id).await?;
    Ok(store.entruster_notices(case_id).await?)
}

/// A police report to record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoliceReportRequest {
    /// `01`–`47`.
    pub prefecture_code: String,
    pub reported_on: Date,
    #[serde(default)]
    pub receipt_number: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records the operator's report to a prefectural police.
pub async fn record_police_report(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    req: PoliceReportRequest,
    now: Timestamp,
) -> Result<PoliceReport, DomainError> {
    actor.require_operator_writer()?;
    let case = operator_case(store, actor, case_id).await?;
    prefecture(&req.prefecture_code)?;
    if req.reported_on > jst_today(now) {
        return Err(DomainError::invalid(
            "reported_on",
            format!("{} is in the future", req.reported_on),
        ));
    }
    if let Some(o) = case.facts.occurred_on
        && req.reported_on < o
    {
        return Err(DomainError::invalid(
            "reported_on",
            format!("{} is before the incident occurred ({o})", req.reported_on),
        ));
    }
    let opt = |field: &str, v: Option<String>, max: usize| -> Result<Option<String>, DomainError> {
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => crate::model::required_text(field, s, max).map(Some),
        }
    };
    let now = truncate(now);
    let r = PoliceReport {
        id: Uuid::now_v7(),
        case_id,
        org_id: actor.org.id,
        prefecture_code: req.prefecture_code,
        reported_on: req.reported_on,
        receipt_number: opt("receipt_number", req.receipt_number, 100)?,
        note: opt("note", req.note, 2000)?,
        recorded_at: now,
        recorded_by: actor.user.id,
    };
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "police_report.record",
        format!("case:{case_id}"),
        &serde_json::json!({
            "police_report": r.id.to_string(),
            "prefecture_code": r.prefecture_code,
            "reported_on": r.reported_on.to_string(),
        }),
    );
    store.create_police_report(&r, &audit).await?;
    Ok(r)
}

/// The police reports of the actor's case.
pub async fn police_reports(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<PoliceReport>, DomainError> {
    operator_case(store, actor, case_id).await?;
    Ok(store.police_reports(case_id).await?)
}

/// The operator whose case it is, when the actor may take part in its thread: the operator
/// itself, or a regulator that received a submission of it.
async fn thread_owner(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<OrgId, DomainError> {
    let subs = visible_submissions(store, actor, case_id).await?;
    match actor.org.kind {
        OrgKind::Operator => Ok(actor.org.id),
        _ => subs.first().map(|s| s.org_id).ok_or(DomainError::NotFound),
    }
}

/// Posts a message in the case's thread. The thread opens with the first submission: before
/// it, the regulator does not know the case exists.
pub async fn post_message(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    body: &str,
    now: Timestamp,
) -> Result<Message, DomainError> {
    let owner = thread_owner(store, actor, case_id).await?;
    if !actor.user.role.can_write() {
        return Err(DomainError::Forbidden(
            "viewers cannot post messages".into(),
        ));
    }
    if actor.org.kind == OrgKind::Operator && store.submissions(case_id).await?.is_empty() {
        return Err(DomainError::Conflict(
            "the thread with the regulator opens with the first submission".into(),
        ));
    }
    let body = body.trim();
    if body.is_empty() {
        return Err(DomainError::invalid("body", "must not be empty"));
    }
    if body.chars().count() > 10_000 {
        return Err(DomainError::invalid(
            "body",
            "must be at most 10000 characters",
        ));
    }
    if body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DomainError::invalid(
            "body",
            "must not contain control characters",
        ));
    }
    let now = truncate(now);
    let m = Message {
        id: Uuid::now_v7(),
        case_id,
        org_id: owner,
        author_org: actor.org.id,
        author: actor.user.id,
        body: body.to_owned(),
        sent_at: now,
    };
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "message.post",
        format!("case:{case_id}"),
        &serde_json::json!({"message": m.id.to_string(), "chars": m.body.chars().count()}),
    );
    store.create_message(&m, &audit).await?;
    Ok(m)
}

/// The case's thread, oldest first.
pub async fn messages(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<Message>, DomainError> {
    match actor.org.kind {
        OrgKind::Operator => {
            operator_case(store, actor, case_id).await?;
        }
        _ => {
            thread_owner(store, actor, case_id).await?;
        }
    }
    Ok(store.messages(case_id).await?)
}

/// A message with the names of its author and the author's organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadMessage {
    pub message: Message,
    pub author_name: String,
    pub author_org_name: String,
}

/// The case's thread, oldest first, with who wrote each message (for the same readers as
/// [`messages`]).
pub async fn thread(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<ThreadMessage>, DomainError> {
    let msgs = messages(store, actor, case_id).await?;
    let mut names = Names::default();
    let mut out = Vec::with_capacity(msgs.len());
    for message in msgs {
        let author_name = names.user(store, message.author).await?;
        let author_org_name = names.org(store, message.author_org).await?;
        out.push(ThreadMessage {
            message,
            author_name,
            author_org_name,
        });
    }
    Ok(out)
}

/// A regulator action to record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegulatorActionRequest {
    pub kind: RegulatorActionKind,
    /// The submission acknowledged (required for `acknowledge`).
    #[serde(default)]
    pub submission_id: Option<SubmissionId>,
    /// The prefecture whose police the operator is introduced to.
    #[serde(default)]
    pub prefecture_code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records a regulator action on a case submitted to it.
pub async fn regulator_action(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    req: RegulatorActionRequest,
    now: Timestamp,
) -> Result<RegulatorAction, DomainError> {
    actor.require_regulator_writer()?;
    let subs = visible_submissions(store, actor, case_id).await?;
    let owner = subs
        .first()
        .map(|s| s.org_id)
        .ok_or(DomainError::NotFound)?;
    match req.kind {
        RegulatorActionKind::Acknowledge => {
            let Some(id) = req.submission_id else {
                return Err(DomainError::invalid(
                    "submission_id",
                    "name the submission to acknowledge",
                ));
            };
            if !subs.iter().any(|s| s.id == id) {
                return Err(DomainError::invalid(
                    "submission_id",
                    "is not a submission of this case",
                ));
            }
        }
        RegulatorActionKind::PoliceIntroduction => {
            if !subs
                .iter()
                .any(|s| s.cause.as_deref() == Some("unauthorized_access"))
            {
                return Err(DomainError::invalid(
                    "kind",
                    "police introduction applies to unauthorized-access reports (覚書4条(1)イ)",
                ));
            }
            if store
                .regulator_actions(case_id)
                .await?
                .iter()
                .any(|a| a.kind == RegulatorActionKind::PoliceIntroduction)
            {
                return Err(DomainError::Conflict(
                    "police reporting was introduced on this case already".into(),
                ));
            }
        }
    }
    if let Some(code) = &req.prefecture_code {
        prefecture(code)?;
    }
    let note = match req.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(crate::model::required_text("note", s, 2000)?),
    };
    let now = truncate(now);
    let action = RegulatorAction {
        id: Uuid::now_v7(),
        case_id,
        org_id: owner,
        regulator_org: actor.org.id,
        kind: req.kind,
        submission_id: req.submission_id,
        prefecture_code: req.prefecture_code,
        note,
        at: now,
        by: actor.user.id,
    };
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        &format!("regulator.{}", action.kind.as_str()),
        format!("case:{case_id}"),
        &serde_json::json!({
            "action": action.id.to_string(),
            "submission": action.submission_id.map(|s| s.to_string()),
        }),
    );
    store.create_regulator_action(&action, &audit).await?;
    Ok(action)
}

/// The regulator's actions on a case, for its operator or the regulator.
pub async fn regulator_actions(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<RegulatorAction>, DomainError> {
    if actor.org.kind == OrgKind::Operator {
        operator_case(store, actor, case_id).await?;
        Ok(store.regulator_actions(case_id).await?)
    } else {
        visible_submissions(store, actor, case_id).await?;
        Ok(store
            .regulator_actions(case_id)
            .await?
            .into_iter()
            .filter(|a| a.regulator_org == actor.org.id)
            .collect())
    }
}
