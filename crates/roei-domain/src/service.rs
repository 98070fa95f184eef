//! Use cases: each checks who may do it, validates, calls the law engine and stores the change
//! with its audit event.

use jiff::Timestamp;
use roei_law::{DataItem, Facts};

use crate::DomainError;
use crate::audit::AuditDraft;
use crate::model::{
    CaseId, CaseStatus, DeterminationRecord, IncidentCase, OrgKind, Organisation, User,
    required_text, truncate,
};
use crate::store::Store;

/// Who is acting: the user and their organisation.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub org: Organisation,
}

/// Today's date in Japan (JST, UTC+9, no daylight saving), the calendar the deadlines count on.
pub fn jst_today(now: Timestamp) -> jiff::civil::Date {
    now.to_zoned(JST).date()
}

/// The first moment of `date` in Japan (00:00 JST); `None` past jiff's range.
pub fn jst_start_of(date: jiff::civil::Date) -> Option<Timestamp> {
    date.to_zoned(JST).ok().map(|z| z.timestamp())
}

/// Japan's time zone: UTC+9, no daylight saving.
const JST: jiff::tz::TimeZone = jiff::tz::TimeZone::fixed(jiff::tz::offset(9));

impl Actor {
    /// An operator's user (any role): reads its own cases. Others get `NotFound`, so they learn
    /// nothing about which cases exist.
    pub(crate) fn require_operator(&self) -> Result<(), DomainError> {
        if self.org.kind == OrgKind::Operator {
            Ok(())
        } else {
            Err(DomainError::NotFound)
        }
    }

    /// A regulator's user (any role).
    pub(crate) fn require_regulator(&self) -> Result<(), DomainError> {
        if self.org.kind == OrgKind::Regulator {
            Ok(())
        } else {
            Err(DomainError::NotFound)
        }
    }

    /// A regulator's member or admin.
    pub(crate) fn require_regulator_writer(&self) -> Result<(), DomainError> {
        self.require_regulator()?;
        if self.user.role.can_write() {
            Ok(())
        } else {
            Err(DomainError::Forbidden(
                "viewers cannot act on reports".into(),
            ))
        }
    }

    pub(crate) fn require_operator_writer(&self) -> Result<(), DomainError> {
        if self.org.kind != OrgKind::Operator {
            return Err(DomainError::Forbidden(
                "only operators keep incident cases".into(),
            ));
        }
        if !self.user.role.can_write() {
            return Err(DomainError::Forbidden("viewers cannot change cases".into()));
        }
        Ok(())
    }

    fn check_regime(&self, facts: &Facts) -> Result<(), DomainError> {
        if self.org.regime.is_some_and(|r| r != facts.regime) {
            return Err(DomainError::invalid(
                "facts.regime",
                format!(
                    "\"{}\" differs from the organisation's regime \"{}\"",
                    facts.regime.as_str(),
                    self.org
                        .regime
                        .map(roei_law::Regime::as_str)
                        .unwrap_or_default()
                ),
            ));
        }
        Ok(())
    }
}

/// Opens a case: validates, assesses the facts and stores both with an audit event.
pub async fn open_case(
    store: &dyn Store,
    actor: &Actor,
    title: &str,
    facts: Facts,
    now: Timestamp,
) -> Result<(IncidentCase, DeterminationRecord), DomainError> {
    actor.require_operator_writer()?;
    let title = required_text("title", title, 200)?;
    facts
        .validate()
        .map_err(|e| DomainError::invalid(format!("facts.{}", e.field), e.problem))?;
    actor.check_regime(&facts)?;
    let now = truncate(now);
    let case = IncidentCase {
        id: CaseId::new(),
        org_id: actor.org.id,
        title,
        known_on: facts.known_on,
        facts,
        status: CaseStatus::Open,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let record = DeterminationRecord::assess(case.id, 1, &case.facts, Some(actor.user.id), now);
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "case.open",
        format!("case:{}", case.id),
        &serde_json::json!({
            "title": case.title,
            "known_on": case.known_on.to_string(),
            "law_version": record.law_version,
            "report_required": record.report_required,
        }),
    );
    store.create_case(&case, &record, &audit).await?;
    Ok((case, record))
}

/// The facts with a leak-scope scan (`roei scan`) applied: the scan's data items are added to
/// the case's, and 本人の数 becomes the larger of the two (the number counts the maximum possible
/// while it is not fixed, law.md §2 item 4).
pub fn facts_with_scan(facts: &Facts, items: &[DataItem], persons: u64) -> Facts {
    let mut facts = facts.clone();
    for item in items {
        if !facts.data_items.contains(item) {
            facts.data_items.push(*item);
        }
    }
    facts.persons = Some(facts.persons.unwrap_or(0).max(persons));
    facts
}

/// Applies a scan's result to an operator's case and assesses it again ([`update_facts`]).
pub async fn apply_scan(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    expected_version: i64,
    items: &[DataItem],
    persons: u64,
    now: Timestamp,
) -> Result<(IncidentCase, DeterminationRecord), DomainError> {
    let case = operator_case(store, actor, case_id).await?;
    let facts = facts_with_scan(&case.facts, items, persons);
    update_facts(store, actor, case_id, expected_version, facts, now).await
}

/// Changes a case's facts: re-assesses and appends the new determination (history kept).
pub async fn update_facts(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    expected_version: i64,
    facts: Facts,
    now: Timestamp,
) -> Result<(IncidentCase, DeterminationRecord), DomainError> {
    actor.require_operator_writer()?;
    facts
        .validate()
        .map_err(|e| DomainError::invalid(format!("facts.{}", e.field), e.problem))?;
    actor.check_regime(&facts)?;
    let now = truncate(now);
    let history = store.determinations(actor.org.id, case_id).await?;
    let Some(last) = history.last() else {
        return Err(DomainError::NotFound);
    };
    let seq = last.seq + 1;
    let record = DeterminationRecord::assess(case_id, seq, &facts, Some(actor.user.id), now);
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "case.update_facts",
        format!("case:{case_id}"),
        &serde_json::json!({
            "seq": seq,
            "law_version": record.law_version,
            "report_required": record.report_required,
        }),
    );
    let case = store
        .update_case_facts(actor.org.id, expected_version, &record, &audit)
        .await?;
    Ok((case, record))
}

/// `org`'s case, or `NotFound`.
pub async fn operator_case(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<IncidentCase, DomainError> {
    actor.require_operator()?;
    store
        .case(actor.org.id, case_id)
        .await?
        .ok_or(DomainError::NotFound)
}

/// The actor's organisation's cases, newest first (operators only).
pub async fn list_cases(
    store: &dyn Store,
    actor: &Actor,
) -> Result<Vec<IncidentCase>, DomainError> {
    actor.require_operator()?;
    Ok(store.list_cases(actor.org.id).await?)
}

/// The determinations of the actor's case, oldest first.
pub async fn determinations(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<DeterminationRecord>, DomainError> {
    operator_case(store, actor, case_id).await?;
    Ok(store.determinations(actor.org.id, case_id).await?)
}

/// Closes or reopens a case.
pub async fn set_case_status(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    expected_version: i64,
    status: CaseStatus,
    now: Timestamp,
) -> Result<IncidentCase, DomainError> {
    actor.require_operator_writer()?;
    let now = truncate(now);
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "case.set_status",
        format!("case:{case_id}"),
        &serde_json::json!({"status": status.as_str()}),
    );
    Ok(store
        .set_case_status(actor.org.id, case_id, expected_version, status, now, &audit)
        .await?)
}
