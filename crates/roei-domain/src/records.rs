//! What happens around a case besides its facts and its report: the entruster notice, the police
//! report, the operator–regulator message thread, the regulator's actions, and the server's own
//! records (sessions, API tokens, the mail outbox) and the read models of the deadline board and
//! the regulator's inbox.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;
use crate::model::{CaseId, IncidentCase, OrgId, UserId};
use crate::report::{ReportContent, ReportStage, SubmissionId};

/// 委託元への通知: an entrustee tells its entruster what it knows (法26条1項ただし書, 規則9条).
/// Once sent, the entrustee's own duty to report is discharged; the time is recorded.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrusterNotice {
    pub id: Uuid,
    pub case_id: CaseId,
    /// The entrustee sending it.
    pub org_id: OrgId,
    /// The entruster, when it is an organisation in roei (then it sees the notice).
    pub entruster_org: Option<OrgId>,
    /// The entruster's name as written on the notice.
    pub entruster_name: String,
    /// The matters known so far.
    pub content: ReportContent,
    pub sent_at: Timestamp,
    pub sent_by: UserId,
}

/// The operator's own report to a prefectural police (roei's field, not a PPC form field).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceReport {
    pub id: Uuid,
    pub case_id: CaseId,
    pub org_id: OrgId,
    /// The prefecture's JIS code, `01`–`47`.
    pub prefecture_code: String,
    pub reported_on: Date,
    /// 受理番号, when the police gave one.
    pub receipt_number: Option<String>,
    pub note: Option<String>,
    pub recorded_at: Timestamp,
    pub recorded_by: UserId,
}

pub use roei_law::prefectures::PREFECTURES;

/// The prefecture named by a JIS code, e.g. `13` → 東京都.
pub fn prefecture(code: &str) -> Result<&'static str, DomainError> {
    code.parse::<usize>()
        .ok()
        .filter(|n| code.len() == 2 && (1..=47).contains(n))
        .map(|n| PREFECTURES[n - 1])
        .ok_or_else(|| {
            DomainError::invalid(
                "prefecture_code",
                format!("\"{code}\" is not a prefecture code (01–47)"),
            )
        })
}

/// A message in the thread between an operator and the regulator about one case.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: Uuid,
    pub case_id: CaseId,
    /// The operator whose case it is.
    pub org_id: OrgId,
    pub author_org: OrgId,
    pub author: UserId,
    pub body: String,
    pub sent_at: Timestamp,
}

/// What a regulator did on a case.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegulatorActionKind {
    /// Received and read a submission (受理).
    Acknowledge,
    /// Introduced reporting to the prefectural police (覚書4条(1)イ).
    PoliceIntroduction,
}

impl RegulatorActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RegulatorActionKind::Acknowledge => "acknowledge",
            RegulatorActionKind::PoliceIntroduction => "police_introduction",
        }
    }
}

impl std::str::FromStr for RegulatorActionKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "acknowledge" => Ok(Self::Acknowledge),
            "police_introduction" => Ok(Self::PoliceIntroduction),
            _ => Err(DomainError::invalid(
                "kind",
                format!("unknown action \"{s}\" (acknowledge or police_introduction)"),
            )),
        }
    }
}

/// A regulator's action, visible to the operator.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatorAction {
    pub id: Uuid,
    pub case_id: CaseId,
    /// The operator whose case it is.
    pub org_id: OrgId,
    pub regulator_org: OrgId,
    pub kind: RegulatorActionKind,
    /// The submission acted on (acknowledge).
    pub submission_id: Option<SubmissionId>,
    /// For a police introduction: the prefecture suggested.
    pub prefecture_code: Option<String>,
    pub note: Option<String>,
    pub at: Timestamp,
    pub by: UserId,
}

/// A login session. The cookie carries a random token; the store keeps only its SHA-256.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Hex SHA-256 of the cookie's token.
    pub token_hash: String,
    pub user_id: UserId,
    /// The CSRF token forms and cookie-authenticated API calls must echo.
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An API token for automation (`Authorization: Bearer …`); only its SHA-256 is kept.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub user_id: UserId,
    pub name: String,
    #[serde(skip_serializing)]
    pub token_hash: String,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

/// A message waiting to be (or already) sent by e-mail. `dedupe_key` is unique: enqueueing the
/// same reminder twice, from any number of servers, keeps one row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub dedupe_key: String,
    /// e.g. `reminder.final_report_due`.
    pub kind: String,
    /// The organisation it concerns (shown in its UI).
    pub org_id: Option<OrgId>,
    pub case_id: Option<CaseId>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: Timestamp,
    /// Set while a worker holds it; another worker may take it after this time.
    pub claimed_until: Option<Timestamp>,
    pub claimed_by: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

/// A case on the operator's deadline board: the case, its latest determination and what has
/// been submitted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseOverview {
    pub case: IncidentCase,
    pub law_version: String,
    pub report_required: bool,
    pub items: Vec<u8>,
    pub quick_report_to: Option<Date>,
    pub final_report_due: Option<Date>,
    /// The stages submitted so far, in order.
    pub stages: Vec<ReportStage>,
}

/// A case in the regulator's inbox: its latest submission to that regulator.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    pub case_id: CaseId,
    pub org_id: OrgId,
    pub org_name: String,
    pub title: String,
    pub latest: SubmissionSummary,
    pub has_quick_report: bool,
    pub has_final_report: bool,
    pub first_submitted_at: Timestamp,
}

/// A submission without its content.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionSummary {
    pub id: SubmissionId,
    pub seq: i64,
    pub stage: ReportStage,
    pub items: Vec<u8>,
    pub persons: Option<u64>,
    pub cause: Option<String>,
    pub sector: Option<String>,
    pub final_report_due: Option<Date>,
    pub submitted_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
}
