//! The things roei keeps: organisations, users, entrustments, incident cases and the history of
//! their determinations.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use roei_law::{Facts, Lang, Regime};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::DomainError;

macro_rules! id {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id (UUID v7).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id!(
    /// An organisation.
    OrgId
);
id!(
    /// A user.
    UserId
);
id!(
    /// An incident case.
    CaseId
);

/// What an organisation is in the system.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A business or public body that reports (個人情報取扱事業者 / 行政機関等).
    Operator,
    /// The Commission, or a minister with delegated powers (法150条).
    Regulator,
    /// The NPA Cyber Police Bureau or a prefectural police.
    Police,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Operator => "operator",
            OrgKind::Regulator => "regulator",
            OrgKind::Police => "police",
        }
    }
}

impl FromStr for OrgKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "operator" => Ok(OrgKind::Operator),
            "regulator" => Ok(OrgKind::Regulator),
            "police" => Ok(OrgKind::Police),
            _ => Err(DomainError::invalid(
                "kind",
                format!("unknown organisation kind \"{s}\""),
            )),
        }
    }
}

/// Parses a regime code (`private`, `national_public`, `local_public`).
pub fn parse_regime(s: &str) -> Result<Regime, DomainError> {
    match s {
        "private" => Ok(Regime::Private),
        "national_public" => Ok(Regime::NationalPublic),
        "local_public" => Ok(Regime::LocalPublic),
        _ => Err(DomainError::invalid(
            "regime",
            format!("unknown regime \"{s}\""),
        )),
    }
}

/// An organisation. Operators carry the regime that governs them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    /// Set for operators only: `private`, `national_public` or `local_public`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub regime: Option<Regime>,
    pub created_at: Timestamp,
}

impl Organisation {
    /// A validated new organisation.
    pub fn new(
        name: &str,
        kind: OrgKind,
        regime: Option<Regime>,
        now: Timestamp,
    ) -> Result<Self, DomainError> {
        let name = required_text("name", name, 200)?;
        match (kind, regime) {
            (OrgKind::Operator, None) => {
                return Err(DomainError::invalid(
                    "regime",
                    "an operator needs a regime (private, national_public or local_public)",
                ));
            }
            (OrgKind::Regulator | OrgKind::Police, Some(_)) => {
                return Err(DomainError::invalid(
                    "regime",
                    "only operators have a regime",
                ));
            }
            _ => {}
        }
        Ok(Self {
            id: OrgId::new(),
            name,
            kind,
            regime,
            created_at: truncate(now),
        })
    }
}

/// A user's role within its organisation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads only.
    Viewer,
    /// Works on cases and reports.
    Member,
    /// Also manages users and settings.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }
    /// May change data (member or admin).
    pub fn can_write(self) -> bool {
        self >= Role::Member
    }
}

impl FromStr for Role {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "viewer" => Ok(Role::Viewer),
            "member" => Ok(Role::Member),
            "admin" => Ok(Role::Admin),
            _ => Err(DomainError::invalid(
                "role",
                format!("unknown role \"{s}\" (admin, member or viewer)"),
            )),
        }
    }
}

/// A user of one organisation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    /// Lower-cased; unique across the system.
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// An argon2 PHC string; never serialized to clients.
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub created_at: Timestamp,
}

impl User {
    /// A validated new user (the password is hashed by the caller).
    pub fn new(
        org_id: OrgId,
        email: &str,
        display_name: &str,
        role: Role,
        password_hash: String,
        now: Timestamp,
    ) -> Result<Self, DomainError> {
        let email = required_text("email", email, 254)?.to_lowercase();
        let at = email.find('@');
        if !at.is_some_and(|i| i > 0 && i + 1 < email.len()) || email.contains(char::is_whitespace)
        {
            return Err(DomainError::invalid(
                "email",
                format!("\"{email}\" is not an e-mail address"),
            ));
        }
        Ok(Self {
            id: UserId::new(),
            org_id,
            email,
            display_name: required_text("display_name", display_name, 100)?,
            role,
            password_hash,
            created_at: truncate(now),
        })
    }
}

/// 委託: the entrustee handles personal data on behalf of the entruster.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entrustment {
    /// 委託元.
    pub entruster: OrgId,
    /// 委託先.
    pub entrustee: OrgId,
    pub created_at: Timestamp,
}

/// Whether a case is still being worked on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }
}

impl FromStr for CaseStatus {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(CaseStatus::Open),
            "closed" => Ok(CaseStatus::Closed),
            _ => Err(DomainError::invalid(
                "status",
                format!("unknown case status \"{s}\""),
            )),
        }
    }
}

/// An incident case of one operator. `version` increases with every change (optimistic
/// concurrency: an update names the version it read).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentCase {
    pub id: CaseId,
    pub org_id: OrgId,
    pub title: String,
    /// 知った日, also inside `facts`; kept as a column for the deadline board.
    pub known_on: Date,
    /// The facts (assess-contract.md §Input).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub facts: Facts,
    pub status: CaseStatus,
    pub version: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One determination of a case, as it was made: the facts, the rule set and the full trace.
/// Never changed; a change of facts appends a new record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeterminationRecord {
    pub case_id: CaseId,
    /// 1, 2, 3… in the order they were made.
    pub seq: i64,
    /// The facts (assess-contract.md §Input).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub facts: Facts,
    pub law_version: String,
    pub report_required: bool,
    pub final_report_due: Option<Date>,
    /// The determination as JSON, with the reasons in Japanese (`text`) and English (`text_en`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub determination: serde_json::Value,
    pub assessed_at: Timestamp,
    pub assessed_by: Option<UserId>,
}

impl DeterminationRecord {
    /// Runs the law engine on `facts` and records the result.
    pub fn assess(
        case_id: CaseId,
        seq: i64,
        facts: &Facts,
        by: Option<UserId>,
        now: Timestamp,
    ) -> Self {
        let det = roei_law::assess(facts);
        let mut json = serde_json::to_value(det.localized(Lang::Ja)).unwrap_or_default();
        if let Some(reasons) = json.get_mut("reasons").and_then(|r| r.as_array_mut()) {
            for (out, r) in reasons.iter_mut().zip(&det.reasons) {
                out["text_en"] = serde_json::Value::String(r.text_en.clone());
                out["citation_en"] = serde_json::Value::String(r.citation_en.to_owned());
            }
        }
        Self {
            case_id,
            seq,
            facts: facts.clone(),
            law_version: det.law_version.to_owned(),
            report_required: det.report_required,
            final_report_due: det.final_report_due,
            determination: json,
            assessed_at: truncate(now),
            assessed_by: by,
        }
    }
}

impl DeterminationRecord {
    /// The items of 規則7条 / 43条 found (from the stored determination).
    pub fn items(&self) -> Vec<u8> {
        self.determination
            .get("items")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    /// A store refuses a record for another case than the one it is stored with: a caller's bug,
    /// reported as a backend error (nothing is written).
    pub fn check_case(&self, case: CaseId) -> Result<(), crate::StoreError> {
        if self.case_id == case {
            Ok(())
        } else {
            Err(crate::StoreError::Backend(format!(
                "the determination record is for case {}, not case {case}",
                self.case_id
            )))
        }
    }
}

/// Timestamps are kept to the microsecond, the precision both databases store.
pub fn truncate(ts: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(ts.as_microsecond()).unwrap_or(ts)
}

/// Trims and checks a required text field.
pub(crate) fn required_text(
    field: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, DomainError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if v.chars().count() > max_chars {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_owned())
}
