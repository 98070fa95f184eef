//! Use cases of the report: draft, save, submit 速報 / 確報 / 追完, version history and diffs,
//! the operator's deadline board and the regulator's inbox.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::audit::AuditDraft;
use crate::model::{
    CaseId, CaseStatus, DeterminationRecord, IncidentCase, OrgId, OrgKind, truncate,
};
use crate::records::{CaseOverview, InboxRow};
use crate::report::{
    FieldChange, Missing, ReportContent, ReportDraft, ReportStage, Submission, SubmissionId, diff,
};
use crate::service::{Actor, operator_case};
use crate::store::Store;

/// The draft as the editor shows it: saved (`version` ≥ 1) or freshly prefilled from the case
/// (`version` 0, not stored yet), with what a 確報 still needs.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftView {
    pub draft: ReportDraft,
    pub missing_for_final: Vec<Missing>,
    /// The stage the next submission may take.
    pub next_stages: Vec<ReportStage>,
}

/// Which stages may come next after the ones already submitted: a first report is a 速報 or
/// directly a 確報 (a 速報 that contains everything may serve as the 確報, GL 3-5-3-4); after a
/// 速報 only the 確報; after the 確報 only 追完.
pub fn next_stages(submitted: &[ReportStage]) -> Vec<ReportStage> {
    if submitted.contains(&ReportStage::FinalReport) {
        vec![ReportStage::Supplement]
    } else if submitted.contains(&ReportStage::QuickReport) {
        vec![ReportStage::FinalReport]
    } else {
        vec![ReportStage::QuickReport, ReportStage::FinalReport]
    }
}

/// The case's draft, or a new one prefilled from the case and its latest determination.
pub async fn draft(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<DraftView, DomainError> {
    let case = operator_case(store, actor, case_id).await?;
    let draft = if let Some(d) = store.report_draft(actor.org.id, case_id).await? {
        d
    } else {
        let items = store
            .determinations(actor.org.id, case_id)
            .await?
            .last()
            .map(DeterminationRecord::items)
            .unwrap_or_default();
        ReportDraft {
            case_id,
            org_id: actor.org.id,
            content: ReportContent::prefill(&actor.org, &case, &items),
            version: 0,
            updated_at: case.updated_at,
            updated_by: None,
        }
    };
    draft_view(store, draft).await
}

/// The draft with what a 確報 still needs and the stages that may come next.
async fn draft_view(store: &dyn Store, draft: ReportDraft) -> Result<DraftView, DomainError> {
    let stages: Vec<ReportStage> = store
        .submissions(draft.case_id)
        .await?
        .iter()
        .map(|s| s.stage)
        .collect();
    Ok(DraftView {
        missing_for_final: draft.content.missing(),
        next_stages: next_stages(&stages),
        draft,
    })
}

/// Saves the draft if nobody saved it since `expected_version` (0 for the first save).
pub async fn save_draft(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    expected_version: i64,
    content: ReportContent,
    now: Timestamp,
) -> Result<DraftView, DomainError> {
    actor.require_operator_writer()?;
    content.validate()?;
    operator_case(store, actor, case_id).await?;
    if expected_version < 0 {
        return Err(DomainError::invalid("version", "must be 0 or more"));
    }
    let now = truncate(now);
    let draft = ReportDraft {
        case_id,
        org_id: actor.org.id,
        content,
        version: expected_version + 1,
        updated_at: now,
        updated_by: Some(actor.user.id),
    };
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "report.save_draft",
        format!("case:{case_id}"),
        &serde_json::json!({"version": draft.version}),
    );
    store.save_report_draft(&draft, &audit).await?;
    draft_view(store, draft).await
}

/// What to submit.
#[derive(Debug, Clone)]
pub struct SubmitRequest {
    pub stage: ReportStage,
    /// The draft version the user confirmed: what is sent is exactly what they saw.
    pub draft_version: i64,
    /// The regulator to send to; may be omitted when there is only one.
    pub to_org: Option<OrgId>,
    /// The client's `Idempotency-Key`.
    pub idempotency_key: Option<String>,
}

/// Submits the saved draft as the next immutable version. With an idempotency key already used
/// by this organisation, returns the first submission and `true` (nothing new is stored).
pub async fn submit(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    req: SubmitRequest,
    now: Timestamp,
) -> Result<(Submission, bool), DomainError> {
    actor.require_operator_writer()?;
    if let Some(key) = &req.idempotency_key {
        if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::invalid(
                "Idempotency-Key",
                "must be 1–200 visible ASCII characters",
            ));
        }
        if let Some(first) = store.submission_by_key(actor.org.id, key).await? {
            return replay(first, case_id);
        }
    }
    let case = operator_case(store, actor, case_id).await?;
    if case.status == CaseStatus::Closed {
        return Err(DomainError::Conflict(
            "the case is closed; reopen it to submit".into(),
        ));
    }
    let Some(draft) = store.report_draft(actor.org.id, case_id).await? else {
        return Err(DomainError::invalid(
            "draft_version",
            "no draft saved yet: save the report first",
        ));
    };
    if draft.version != req.draft_version {
        return Err(DomainError::Conflict(format!(
            "the draft changed (version {} now, {} confirmed): review it again",
            draft.version, req.draft_version
        )));
    }
    draft.content.validate()?;
    let previous = store.submissions(case_id).await?;
    let stages: Vec<ReportStage> = previous.iter().map(|s| s.stage).collect();
    let allowed = next_stages(&stages);
    if !allowed.contains(&req.stage) {
        return Err(DomainError::invalid(
            "stage",
            format!(
                "a {} ({}) cannot follow {}; allowed now: {}",
                req.stage.ja(),
                req.stage,
                if stages.is_empty() {
                    "nothing".to_owned()
                } else {
                    stages.iter().map(|s| s.ja()).collect::<Vec<_>>().join("・")
                },
                allowed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if req.stage == ReportStage::FinalReport {
        let missing = draft.content.missing();
        if !missing.is_empty() {
            return Err(DomainError::Incomplete(missing));
        }
    }
    if req.stage == ReportStage::Supplement
        && previous
            .last()
            .is_some_and(|p| diff(&p.content, &draft.content).is_empty())
    {
        return Err(DomainError::invalid(
            "content",
            "a 追完 must change something: the draft equals the last submission",
        ));
    }
    let to_org = resolve_regulator(store, req.to_org, previous.last().map(|p| p.to_org)).await?;
    let det = store
        .determinations(actor.org.id, case_id)
        .await?
        .pop()
        .ok_or(DomainError::NotFound)?;
    let items = det.items();
    let now = truncate(now);
    let sub = Submission {
        id: SubmissionId::new(),
        case_id,
        org_id: actor.org.id,
        to_org,
        seq: previous.last().map_or(1, |p| p.seq + 1),
        stage: req.stage,
        persons: draft.content.persons.count,
        cause: draft.content.cause.category.clone(),
        sector: draft
            .content
            .header
            .sector
            .clone()
            .filter(|s| !s.trim().is_empty()),
        content: draft.content,
        determination_seq: det.seq,
        law_version: det.law_version,
        items,
        final_report_due: det.final_report_due,
        submitted_at: now,
        submitted_by: actor.user.id,
        idempotency_key: req.idempotency_key.clone(),
        acknowledged_at: None,
        acknowledged_by: None,
    };
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "report.submit",
        format!("case:{case_id}"),
        &serde_json::json!({
            "submission": sub.id.to_string(),
            "seq": sub.seq,
            "stage": sub.stage.as_str(),
            "to": sub.to_org.to_string(),
            "content_sha256": crate::auth::token_hash(
                &serde_json::to_string(&sub.content).unwrap_or_default()
            ),
        }),
    );
    match store.create_submission(&sub, &audit).await {
        Ok(()) => Ok((sub, false)),
        // Two retries with one key raced: the loser answers with the winner's result.
        Err(crate::StoreError::Conflict(m)) => {
            if let Some(key) = &req.idempotency_key
                && let Some(first) = store.submission_by_key(actor.org.id, key).await?
            {
                return replay(first, case_id);
            }
            Err(DomainError::Conflict(m))
        }
        Err(e) => Err(e.into()),
    }
}

fn replay(first: Submission, case_id: CaseId) -> Result<(Submission, bool), DomainError> {
    if first.case_id == case_id {
        Ok((first, true))
    } else {
        Err(DomainError::Conflict(
            "this Idempotency-Key was already used for another case".into(),
        ))
    }
}

async fn resolve_regulator(
    store: &dyn Store,
    wanted: Option<OrgId>,
    previous: Option<OrgId>,
) -> Result<OrgId, DomainError> {
    let regulators: Vec<OrgId> = store
        .list_organisations()
        .await?
        .into_iter()
        .filter(|o| o.kind == OrgKind::Regulator)
        .map(|o| o.id)
        .collect();
    if let (Some(w), Some(p)) = (wanted, previous)
        && w != p
    {
        // One case, one regulator: the thread and the acknowledgements stay with it.
        return Err(DomainError::invalid(
            "to_org",
            format!("this case reports to {p}; later versions go to the same regulator"),
        ));
    }
    match wanted.or(previous) {
        Some(id) if regulators.contains(&id) => Ok(id),
        Some(id) => Err(DomainError::invalid(
            "to_org",
            format!("{id} is not a regulator"),
        )),
        None => match regulators.as_slice() {
            [only] => Ok(*only),
            [] => Err(DomainError::invalid(
                "to_org",
                "no regulator is set up to receive reports",
            )),
            _ => Err(DomainError::invalid(
                "to_org",
                "several regulators exist: name the one to report to",
            )),
        },
    }
}

/// A submitted version with its changes from the previous one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionView {
    pub submission: Submission,
    /// Changes from the previous version (empty for the first).
    pub changes: Vec<FieldChange>,
}

/// The submissions of a case with their diffs, for its operator or for the regulator it was
/// sent to (which sees only the versions sent to it).
pub async fn submissions(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<SubmissionView>, DomainError> {
    let subs = visible_submissions(store, actor, case_id).await?;
    let mut out: Vec<SubmissionView> = Vec::with_capacity(subs.len());
    for s in subs {
        let changes = out
            .last()
            .map(|p| diff(&p.submission.content, &s.content))
            .unwrap_or_default();
        out.push(SubmissionView {
            submission: s,
            changes,
        });
    }
    Ok(out)
}

/// One submitted version (`seq`) of a case with the regime of the organisation that submitted
/// it — what a printed report needs to name 規則7条 or 規則43条 — for the same readers as
/// [`submissions`].
pub async fn submission_for_print(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    seq: i64,
) -> Result<(Submission, roei_law::Regime), DomainError> {
    let sub = visible_submissions(store, actor, case_id)
        .await?
        .into_iter()
        .find(|s| s.seq == seq)
        .ok_or(DomainError::NotFound)?;
    let regime = store
        .organisation(sub.org_id)
        .await?
        .and_then(|o| o.regime)
        .unwrap_or_default();
    Ok((sub, regime))
}

/// The submissions the actor may see: all of its own case's, or those sent to its regulator.
/// `NotFound` when there are none to see (a regulator never learns of drafts).
pub(crate) async fn visible_submissions(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<Submission>, DomainError> {
    match actor.org.kind {
        OrgKind::Operator => {
            operator_case(store, actor, case_id).await?;
            Ok(store.submissions(case_id).await?)
        }
        OrgKind::Regulator => {
            let subs: Vec<Submission> = store
                .submissions(case_id)
                .await?
                .into_iter()
                .filter(|s| s.to_org == actor.org.id)
                .collect();
            if subs.is_empty() {
                Err(DomainError::NotFound)
            } else {
                Ok(subs)
            }
        }
        OrgKind::Police => Err(DomainError::NotFound),
    }
}

/// How pressing a case is on the board.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// A deadline has passed.
    Overdue,
    /// Due within 3 days.
    DueSoon,
    Open,
    /// Nothing due (not reportable, or the 確報 is in).
    NothingDue,
}

/// One card of the deadline board.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardCard {
    pub overview: CaseOverview,
    pub urgency: Urgency,
    /// The next thing to do: `quick_report`, `final_report`, or none.
    pub next: Option<ReportStage>,
    /// The date it is due by (for a 速報, the end of the 3–5 day guide window).
    pub due: Option<Date>,
    /// Days from today to `due` (negative when overdue).
    pub days_left: Option<i64>,
}

/// Classifies one open case for `today`.
pub fn board_card(o: CaseOverview, today: Date) -> BoardCard {
    let has_final = o.stages.contains(&ReportStage::FinalReport);
    let has_quick = o.stages.contains(&ReportStage::QuickReport);
    let (next, due) = if !o.report_required || has_final {
        (None, None)
    } else if has_quick {
        (Some(ReportStage::FinalReport), o.final_report_due)
    } else {
        // The 速報 is due by the end of its guide window (概ね3～5日); once that has passed it is
        // overdue until sent, whatever the 確報 date.
        (
            Some(ReportStage::QuickReport),
            o.quick_report_to.or(o.final_report_due),
        )
    };
    let days_left = due.map(|d| (d - today).get_days().into());
    let quick_late =
        next == Some(ReportStage::QuickReport) && o.quick_report_to.is_some_and(|q| q < today);
    let urgency = match days_left {
        None => Urgency::NothingDue,
        Some(d) if d < 0 || quick_late => Urgency::Overdue,
        Some(d) if d <= 3 => Urgency::DueSoon,
        Some(_) => Urgency::Open,
    };
    BoardCard {
        overview: o,
        urgency,
        next,
        due,
        days_left,
    }
}

/// The operator's open cases, most urgent first (overdue, then by days left).
pub async fn board(
    store: &dyn Store,
    actor: &Actor,
    today: Date,
) -> Result<Vec<BoardCard>, DomainError> {
    actor.require_operator()?;
    let mut cards: Vec<BoardCard> = store
        .case_overviews(Some(actor.org.id))
        .await?
        .into_iter()
        .map(|o| board_card(o, today))
        .collect();
    cards.sort_by(|a, b| {
        (
            a.urgency,
            a.days_left.unwrap_or(i64::MAX),
            a.overview.case.known_on,
        )
            .cmp(&(
                b.urgency,
                b.days_left.unwrap_or(i64::MAX),
                b.overview.case.known_on,
            ))
    });
    Ok(cards)
}

/// One case of the incident register: the case, its latest determination and the stages
/// submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub case: IncidentCase,
    pub latest: DeterminationRecord,
    pub stages: Vec<ReportStage>,
}

/// The incident register: every case of the actor's organisation, open or closed, reportable or
/// not, newest known first, with its latest determination (the reasoning) and the stages sent.
pub async fn register(store: &dyn Store, actor: &Actor) -> Result<Vec<RegisterEntry>, DomainError> {
    actor.require_operator()?;
    let mut cases = store.list_cases(actor.org.id).await?;
    cases.sort_by_key(|c| std::cmp::Reverse(c.known_on));
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let Some(latest) = store.determinations(actor.org.id, case.id).await?.pop() else {
            continue;
        };
        let stages = store
            .submissions(case.id)
            .await?
            .iter()
            .map(|s| s.stage)
            .collect();
        out.push(RegisterEntry {
            case,
            latest,
            stages,
        });
    }
    Ok(out)
}

/// Filters of the regulator's inbox; every field is optional.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InboxFilter {
    /// Stage of the latest submission.
    pub stage: Option<ReportStage>,
    /// Has this 規則7条 / 43条 item.
    pub item: Option<u8>,
    pub cause: Option<String>,
    pub sector: Option<String>,
    pub persons_min: Option<u64>,
    pub persons_max: Option<u64>,
    /// Only 確報 overdue: a 速報 received, the due date passed, no 確報.
    pub final_overdue: bool,
}

/// A row of the inbox with its 確報 state.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    #[serde(flatten)]
    pub row: InboxRow,
    pub final_overdue: bool,
    /// Days past the 確報 due date (when overdue).
    pub days_overdue: Option<i64>,
}

/// Whether a case's 確報 is overdue on `today`.
pub fn final_overdue(row: &InboxRow, today: Date) -> Option<i64> {
    if row.has_final_report || !row.has_quick_report {
        return None;
    }
    let due = row.latest.final_report_due?;
    (due < today).then(|| (today - due).get_days().into())
}

/// The regulator's inbox: the cases submitted to it, newest first, filtered.
pub async fn inbox(
    store: &dyn Store,
    actor: &Actor,
    filter: &InboxFilter,
    today: Date,
) -> Result<Vec<InboxEntry>, DomainError> {
    actor.require_regulator()?;
    let rows = store.inbox(actor.org.id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let days_overdue = final_overdue(&row, today);
            let l = &row.latest;
            let keep = filter.stage.is_none_or(|s| s == l.stage)
                && filter.item.is_none_or(|i| l.items.contains(&i))
                && filter
                    .cause
                    .as_ref()
                    .is_none_or(|c| l.cause.as_ref() == Some(c))
                && filter
                    .sector
                    .as_ref()
                    .is_none_or(|c| l.sector.as_ref() == Some(c))
                && filter
                    .persons_min
                    .is_none_or(|m| l.persons.is_some_and(|p| p >= m))
                && filter
                    .persons_max
                    .is_none_or(|m| l.persons.is_some_and(|p| p <= m))
                && (!filter.final_overdue || days_overdue.is_some());
            keep.then_some(InboxEntry {
                final_overdue: days_overdue.is_some(),
                days_overdue,
                row,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReportStage::*;

    #[test]
    fn stages_follow_the_law() {
        assert_eq!(next_stages(&[]), [QuickReport, FinalReport]);
        assert_eq!(next_stages(&[QuickReport]), [FinalReport]);
        assert_eq!(next_stages(&[QuickReport, FinalReport]), [Supplement]);
        assert_eq!(next_stages(&[FinalReport, Supplement]), [Supplement]);
    }
}
