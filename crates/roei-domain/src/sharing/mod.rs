//! Regulator–police cooperation under the 2023 memorandum (覚書): shared items with their
//! designated scope (共有範囲, Art. 5), technical advice requests (技術的助言, Art. 4(1)ロ),
//! normal-time sharing (Art. 4(2)ロ), forwarding with the originator's consent (同意), read
//! receipts, and the prefectural police contacts of the police introduction (Art. 4(1)イ).
//!
//! One item, one scope: a recipient's "copy" is the item itself read through its current
//! scope, so narrowing, revoking or expiring a scope changes what every recipient sees at its
//! next read. Every use case here asks [`scope::decide`] before it shows, exports or passes on
//! anything; the store only finds candidates.

#[cfg(feature = "conformance")]
pub mod conformance;
pub mod contacts;
pub mod notify;
pub mod scope;
pub mod stix;
pub mod store;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::DomainError;
use crate::audit::AuditDraft;
use crate::model::{CaseId, OrgId, OrgKind, Organisation, UserId, required_text, truncate};
use crate::report::Matter;
use crate::reporting::visible_submissions;
use crate::service::Actor;
use crate::store::Store;
pub use scope::{Action, Decision, ItemFacts, Principal, Refusal, SharingScope, Tlp, decide};
pub use store::SharingStore;

/// What a shared item is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 技術的助言の求め: the regulator asks a police organisation for technical advice on a
    /// report, sharing chosen matters of it (覚書4条(1)ロ).
    AdviceRequest,
    /// 統計化された漏えい等の発生状況: a statistics package (覚書4条(2)ロ(イ)); its body is the
    /// structured JSON the statistics module builds.
    StatisticsPackage,
    /// セキュリティインシデントの攻撃手法等 (覚書4条(2)ロ(イ)).
    AttackMethods,
    /// 最新の脅威情報 (覚書4条(2)ロ(ロ)).
    ThreatInformation,
    /// 技術動向・調査研究結果 (覚書4条(2)ロ(ロ)).
    TechnicalTrend,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::AdviceRequest,
        ItemKind::StatisticsPackage,
        ItemKind::AttackMethods,
        ItemKind::ThreatInformation,
        ItemKind::TechnicalTrend,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::AdviceRequest => "advice_request",
            ItemKind::StatisticsPackage => "statistics_package",
            ItemKind::AttackMethods => "attack_methods",
            ItemKind::ThreatInformation => "threat_information",
            ItemKind::TechnicalTrend => "technical_trend",
        }
    }

    /// Who may originate it: the regulator shares advice requests, statistics and attack
    /// methods; the police share threat information and technical trends.
    pub fn originated_by(self) -> OrgKind {
        match self {
            ItemKind::AdviceRequest | ItemKind::StatisticsPackage | ItemKind::AttackMethods => {
                OrgKind::Regulator
            }
            ItemKind::ThreatInformation | ItemKind::TechnicalTrend => OrgKind::Police,
        }
    }
}

impl std::str::FromStr for ItemKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ItemKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| DomainError::invalid("kind", format!("unknown item kind \"{s}\"")))
    }
}

/// A shared item with its current scope.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub title: String,
    /// Structured content (JSON object or array), as the sharer supplied it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub body: Value,
    pub originator_org: OrgId,
    pub created_by: UserId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_at: Timestamp,
    /// The case an advice request is about — shown to the originator only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_case: Option<CaseId>,
    pub scope: SharingScope,
    /// 1 at creation, +1 at each change of the scope.
    pub scope_version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub revoked_at: Option<Timestamp>,
}

impl SharedItem {
    pub fn facts(&self) -> ItemFacts {
        ItemFacts {
            originator: self.originator_org,
            revoked_at: self.revoked_at,
        }
    }
}

/// How an item was read.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewVia {
    Page,
    Api,
    Export,
    Stix,
}

impl ViewVia {
    pub fn as_str(self) -> &'static str {
        match self {
            ViewVia::Page => "page",
            ViewVia::Api => "api",
            ViewVia::Export => "export",
            ViewVia::Stix => "stix",
        }
    }
}

impl std::str::FromStr for ViewVia {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "page" => Ok(ViewVia::Page),
            "api" => Ok(ViewVia::Api),
            "export" => Ok(ViewVia::Export),
            "stix" => Ok(ViewVia::Stix),
            _ => Err(format!("unknown view kind \"{s}\"")),
        }
    }
}

/// One reading of an item (既読), shown to its originator.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadReceipt {
    pub id: Uuid,
    pub item_id: Uuid,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub via: ViewVia,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: Timestamp,
}

/// A message in an item's thread (e.g. the police's technical advice).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub id: Uuid,
    pub item_id: Uuid,
    pub author_org: OrgId,
    pub author: UserId,
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: Timestamp,
}

/// Where a consent request stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    Pending,
    Approved,
    Refused,
}

impl ConsentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentStatus::Pending => "pending",
            ConsentStatus::Approved => "approved",
            ConsentStatus::Refused => "refused",
        }
    }
}

impl std::str::FromStr for ConsentStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "pending" => Ok(ConsentStatus::Pending),
            "approved" => Ok(ConsentStatus::Approved),
            "refused" => Ok(ConsentStatus::Refused),
            _ => Err(format!("unknown consent status \"{s}\"")),
        }
    }
}

/// A recipient's request to pass an item on beyond its scope (覚書5条: only with the sharer's
/// consent).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequest {
    pub id: Uuid,
    pub item_id: Uuid,
    /// The item's originator, who decides.
    pub originator_org: OrgId,
    pub requested_by_org: OrgId,
    pub requested_by: UserId,
    /// The organisation it would be passed on to.
    pub to_org: OrgId,
    pub reason: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub requested_at: Timestamp,
    pub status: ConsentStatus,
    pub decided_by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub decided_at: Option<Timestamp>,
    pub decision_note: Option<String>,
}

fn principal(actor: &Actor) -> Principal {
    Principal {
        org: actor.org.id,
        kind: actor.org.kind,
    }
}

fn require_writer(actor: &Actor) -> Result<(), DomainError> {
    if actor.user.role.can_write() {
        Ok(())
    } else {
        Err(DomainError::Forbidden(
            "viewers cannot share, reply, forward or decide".into(),
        ))
    }
}

/// The item if `actor` may do `action` with it now: `NotFound` when it is outside the
/// actor's scope (the same as an id that does not exist), `Forbidden` when the actor sees it
/// but may not do this. `NeedsConsent` is returned as is (only `Forward` can give it).
async fn item_for(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    action: Action,
    now: Timestamp,
) -> Result<(SharedItem, Decision), DomainError> {
    let item = store.shared_item(id).await?.ok_or(DomainError::NotFound)?;
    match decide(principal(actor), &item.facts(), &item.scope, action, now) {
        Decision::Deny(Refusal::OutOfScope) => Err(DomainError::NotFound),
        Decision::Deny(Refusal::NotPermitted) => Err(DomainError::Forbidden(
            "the item's designated scope does not allow this".into(),
        )),
        d => Ok((redact(item, actor), d)),
    }
}

/// The audit event of a change to (or reading of) item `item` by `actor`.
fn item_audit(
    actor: &Actor,
    now: Timestamp,
    action: &str,
    item: Uuid,
    payload: &Value,
) -> AuditDraft {
    AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        action,
        format!("shared_item:{item}"),
        payload,
    )
}

/// The item its originator manages (narrow, revoke): a writer of the originating organisation.
async fn managed_item(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    now: Timestamp,
) -> Result<SharedItem, DomainError> {
    require_government(actor)?;
    let (item, _) = item_for(store, actor, id, Action::Manage, now).await?;
    require_writer(actor)?;
    if item.originator_org != actor.org.id {
        return Err(DomainError::NotFound);
    }
    Ok(item)
}

/// What a non-originator must not see of an item: the case it came from.
fn redact(mut item: SharedItem, actor: &Actor) -> SharedItem {
    if item.originator_org != actor.org.id {
        item.source_case = None;
    }
    item
}

/// The organisations items can be shared with: the regulator and police organisations.
pub async fn directory(store: &dyn Store, actor: &Actor) -> Result<Vec<Organisation>, DomainError> {
    require_government(actor)?;
    Ok(store
        .list_organisations()
        .await?
        .into_iter()
        .filter(|o| matches!(o.kind, OrgKind::Regulator | OrgKind::Police) && o.id != actor.org.id)
        .collect())
}

fn require_government(actor: &Actor) -> Result<(), DomainError> {
    if matches!(actor.org.kind, OrgKind::Regulator | OrgKind::Police) {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Checks a scope for a new item (or a narrowed one) and returns it normalised (recipients
/// de-duplicated in the order given, purpose trimmed).
async fn validate_scope(
    store: &dyn Store,
    actor: &Actor,
    mut scope: SharingScope,
    now: Timestamp,
) -> Result<SharingScope, DomainError> {
    scope.purpose = required_text("scope.purpose", &scope.purpose, 500)?;
    let mut seen = Vec::with_capacity(scope.recipients.len());
    for (i, r) in scope.recipients.iter().enumerate() {
        if seen.contains(r) {
            continue;
        }
        let field = format!("scope.recipients[{i}]");
        if *r == actor.org.id {
            return Err(DomainError::invalid(
                field,
                "is your own organisation (the originator always sees its items)",
            ));
        }
        match store.organisation(*r).await? {
            None => return Err(DomainError::invalid(field, "no such organisation")),
            Some(o) if o.kind == OrgKind::Operator => {
                return Err(DomainError::invalid(
                    field,
                    "items are shared between the regulator and the police, not with operators",
                ));
            }
            Some(_) => seen.push(*r),
        }
    }
    scope.recipients = seen;
    if scope.recipients.is_empty() && scope.tlp != Tlp::Clear {
        return Err(DomainError::invalid(
            "scope.recipients",
            "name at least one recipient organisation",
        ));
    }
    if scope.onward_sharing && !scope.tlp.permits_onward() {
        return Err(DomainError::invalid(
            "scope.onward_sharing",
            format!(
                "{} does not allow passing it on to other organisations (only CLEAR and GREEN do)",
                scope.tlp.label()
            ),
        ));
    }
    if let Some(e) = scope.expires_at {
        if e <= now {
            return Err(DomainError::invalid(
                "scope.expires_at",
                format!("{e} is not in the future"),
            ));
        }
        scope.expires_at = Some(truncate(e));
    }
    Ok(scope)
}

/// Largest body accepted, in bytes of JSON.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Shares an item under a designated scope (覚書4条(2)ロ, 5条). For the statistics module:
/// `share_item(store, actor, ItemKind::StatisticsPackage, title, package_json, scope, now)`.
pub async fn share_item(
    store: &dyn Store,
    actor: &Actor,
    kind: ItemKind,
    title: &str,
    body_json: Value,
    scope: SharingScope,
    now: Timestamp,
) -> Result<SharedItem, DomainError> {
    share(store, actor, kind, title, body_json, scope, None, now).await
}

#[allow(clippy::too_many_arguments)]
async fn share(
    store: &dyn Store,
    actor: &Actor,
    kind: ItemKind,
    title: &str,
    body: Value,
    scope: SharingScope,
    source_case: Option<CaseId>,
    now: Timestamp,
) -> Result<SharedItem, DomainError> {
    require_government(actor)?;
    require_writer(actor)?;
    if kind.originated_by() != actor.org.kind {
        return Err(DomainError::invalid(
            "kind",
            format!(
                "a {} organisation does not originate {} items",
                actor.org.kind.as_str(),
                kind.as_str()
            ),
        ));
    }
    if kind == ItemKind::AdviceRequest && source_case.is_none() {
        return Err(DomainError::invalid(
            "kind",
            "advice requests are made from a report (POST /cases/{case_id}/advice-requests)",
        ));
    }
    let title = required_text("title", title, 200)?;
    if !(body.is_object() || body.is_array()) {
        return Err(DomainError::invalid(
            "body",
            "must be a JSON object or array",
        ));
    }
    if body.to_string().len() > MAX_BODY_BYTES {
        return Err(DomainError::invalid(
            "body",
            format!("must be at most {MAX_BODY_BYTES} bytes of JSON"),
        ));
    }
    let scope = validate_scope(store, actor, scope, now).await?;
    let now = truncate(now);
    let item = SharedItem {
        id: Uuid::now_v7(),
        kind,
        title,
        body,
        originator_org: actor.org.id,
        created_by: actor.user.id,
        created_at: now,
        source_case,
        scope,
        scope_version: 1,
        revoked_at: None,
    };
    let audit = item_audit(
        actor,
        now,
        "shared_item.share",
        item.id,
        &serde_json::json!({
            "kind": kind.as_str(),
            "scope": item.scope,
            "source_case": source_case.map(|c| c.to_string()),
        }),
    );
    store.create_shared_item(&item, &audit).await?;
    Ok(item)
}

/// The scope of an advice request: the one police organisation asked, plus the rest.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdviceRequest {
    /// The police organisation asked.
    pub to_org: OrgId,
    /// What the regulator asks.
    pub question: String,
    /// The matters of the latest submission shared (規則8条1項; `header` names the reporter).
    pub matters: Vec<Matter>,
    pub tlp: Tlp,
    pub purpose: String,
    #[serde(default)]
    pub onward_sharing: bool,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub expires_at: Option<Timestamp>,
}

/// Asks a police organisation for technical advice on a report the regulator received
/// (覚書4条(1)ロ), sharing only the chosen matters of its latest version.
pub async fn request_advice(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    req: AdviceRequest,
    now: Timestamp,
) -> Result<SharedItem, DomainError> {
    actor.require_regulator_writer()?;
    let subs = visible_submissions(store, actor, case_id).await?;
    let latest = subs.last().ok_or(DomainError::NotFound)?;
    if !subs
        .iter()
        .any(|s| s.cause.as_deref() == Some("unauthorized_access"))
    {
        return Err(DomainError::invalid(
            "case",
            "technical advice under the memorandum concerns unauthorized-access reports (覚書2条)",
        ));
    }
    match store.organisation(req.to_org).await? {
        Some(o) if o.kind == OrgKind::Police => {}
        _ => {
            return Err(DomainError::invalid(
                "to_org",
                "is not a police organisation",
            ));
        }
    }
    let question = required_text("question", &req.question, 10_000)?;
    if req.matters.is_empty() {
        return Err(DomainError::invalid(
            "matters",
            "choose at least one matter of the report to share",
        ));
    }
    let content = serde_json::to_value(&latest.content)
        .map_err(|e| DomainError::Storage(format!("encoding a report: {e}")))?;
    let mut matters = serde_json::Map::new();
    let mut chosen: Vec<Matter> = req.matters.clone();
    chosen.sort();
    chosen.dedup();
    for m in &chosen {
        let key = serde_json::to_value(m)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        matters.insert(
            key.clone(),
            content.get(&key).cloned().unwrap_or(Value::Null),
        );
    }
    let body = serde_json::json!({
        "question": question,
        "report": {
            "stage": latest.stage,
            "version": latest.seq,
            "submitted_at": latest.submitted_at.to_string(),
            "items": latest.items,
        },
        "matters": matters,
    });
    let title = format!(
        "技術的助言の求め（{}）",
        chosen.iter().map(|m| m.ja()).collect::<Vec<_>>().join("・")
    );
    let title: String = title.chars().take(200).collect();
    let scope = SharingScope {
        tlp: req.tlp,
        recipients: vec![req.to_org],
        purpose: req.purpose,
        onward_sharing: req.onward_sharing,
        expires_at: req.expires_at,
    };
    share(
        store,
        actor,
        ItemKind::AdviceRequest,
        &title,
        body,
        scope,
        Some(case_id),
        now,
    )
    .await
}

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemFilter {
    /// Words that must all occur in the title or the body (case-insensitive).
    pub q: Option<String>,
    pub kind: Option<ItemKind>,
}

/// An item in a list: no body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemSummary {
    pub id: Uuid,
    pub kind: ItemKind,
    pub title: String,
    pub originator_org: OrgId,
    pub originator_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_at: Timestamp,
    pub scope: SharingScope,
    pub scope_version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub revoked_at: Option<Timestamp>,
    /// The actor originated it.
    pub own: bool,
}

/// The items the actor may see now, newest first (list and search).
pub async fn list_items(
    store: &dyn Store,
    actor: &Actor,
    filter: &ItemFilter,
    now: Timestamp,
) -> Result<Vec<ItemSummary>, DomainError> {
    let words: Vec<String> = filter
        .q
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let mut names = std::collections::HashMap::new();
    let mut out = Vec::new();
    for item in store.shared_item_candidates(actor.org.id).await? {
        if decide(
            principal(actor),
            &item.facts(),
            &item.scope,
            Action::View,
            now,
        ) != Decision::Allow
        {
            continue;
        }
        if filter.kind.is_some_and(|k| k != item.kind) {
            continue;
        }
        if !words.is_empty() {
            let text = format!("{} {}", item.title, item.body).to_lowercase();
            if !words.iter().all(|w| text.contains(w.as_str())) {
                continue;
            }
        }
        let originator_name = if let Some(n) = names.get(&item.originator_org) {
            String::clone(n)
        } else {
            let n = store
                .organisation(item.originator_org)
                .await?
                .map(|o| o.name)
                .unwrap_or_default();
            names.insert(item.originator_org, n.clone());
            n
        };
        out.push(ItemSummary {
            id: item.id,
            kind: item.kind,
            title: item.title,
            originator_org: item.originator_org,
            originator_name,
            created_at: item.created_at,
            own: item.originator_org == actor.org.id,
            scope: item.scope,
            scope_version: item.scope_version,
            revoked_at: item.revoked_at,
        });
    }
    Ok(out)
}

/// What the actor may do with an item it sees.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Permissions {
    pub reply: bool,
    pub export: bool,
    pub forward: bool,
    pub manage: bool,
}

/// An item as its reader sees it: the thread, the consent requests it may see, and (for the
/// originator) the read receipts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDetail {
    pub item: SharedItem,
    pub originator_name: String,
    pub replies: Vec<Reply>,
    /// The originator sees all; a requester its own.
    pub consent_requests: Vec<ConsentRequest>,
    /// The originator only (empty for everyone else).
    pub read_receipts: Vec<ReadReceipt>,
    pub may: Permissions,
}

/// Opens an item: checks the scope, records the reading (read receipt + audit) and returns
/// what the actor may see.
pub async fn view_item(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    via: ViewVia,
    now: Timestamp,
) -> Result<ItemDetail, DomainError> {
    let (item, _) = item_for(store, actor, id, Action::View, now).await?;
    record(store, actor, &item, via, now).await?;
    let p = principal(actor);
    let own = item.originator_org == actor.org.id;
    let named = own || item.scope.recipients.contains(&actor.org.id);
    let replies = if named {
        store.replies(id).await?
    } else {
        Vec::new()
    };
    let consent_requests = store
        .consent_requests(id)
        .await?
        .into_iter()
        .filter(|c| own || c.requested_by_org == actor.org.id)
        .collect();
    let read_receipts = if own {
        store.read_receipts(id).await?
    } else {
        Vec::new()
    };
    let allows = |a: Action| decide(p, &item.facts(), &item.scope, a, now) == Decision::Allow;
    let can_write = actor.user.role.can_write();
    let may = Permissions {
        reply: can_write && allows(Action::Reply),
        export: allows(Action::Export),
        forward: can_write && item.revoked_at.is_none() && (own || named),
        manage: can_write && allows(Action::Manage),
    };
    let originator_name = store
        .organisation(item.originator_org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(ItemDetail {
        item,
        originator_name,
        replies,
        consent_requests,
        read_receipts,
        may,
    })
}

async fn record(
    store: &dyn Store,
    actor: &Actor,
    item: &SharedItem,
    via: ViewVia,
    now: Timestamp,
) -> Result<(), DomainError> {
    let now = truncate(now);
    let r = ReadReceipt {
        id: Uuid::now_v7(),
        item_id: item.id,
        org_id: actor.org.id,
        user_id: actor.user.id,
        via,
        at: now,
    };
    let audit = item_audit(
        actor,
        now,
        "shared_item.view",
        item.id,
        &serde_json::json!({"via": via.as_str(), "scope_version": item.scope_version}),
    );
    store.record_view(&r, &audit).await?;
    Ok(())
}

/// A copy to take out of roei.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// The item as JSON, with its scope.
    Json,
    /// A STIX 2.1 bundle ([`stix::bundle`]).
    Stix,
}

/// Exports an item (not RED; recorded as a reading).
pub async fn export_item(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    format: ExportFormat,
    now: Timestamp,
) -> Result<Value, DomainError> {
    let (item, _) = item_for(store, actor, id, Action::Export, now).await?;
    let originator = store
        .organisation(item.originator_org)
        .await?
        .ok_or(DomainError::NotFound)?;
    let mut recipients = Vec::new();
    for r in &item.scope.recipients {
        if let Some(o) = store.organisation(*r).await? {
            recipients.push(o);
        }
    }
    let (via, out) = match format {
        ExportFormat::Json => (
            ViewVia::Export,
            serde_json::json!({
                "item": item,
                "originator": originator.name,
                "recipients": recipients.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
                "scope_statement": stix::scope_statement(&item.scope, &recipients),
            }),
        ),
        ExportFormat::Stix => (
            ViewVia::Stix,
            stix::bundle(&item, &originator, &recipients, truncate(now)),
        ),
    };
    record(store, actor, &item, via, now).await?;
    Ok(out)
}

/// Writes in an item's thread (originator and named recipients).
pub async fn reply(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    body: &str,
    now: Timestamp,
) -> Result<Reply, DomainError> {
    require_government(actor)?;
    let (item, _) = item_for(store, actor, id, Action::Reply, now).await?;
    require_writer(actor)?;
    let body = required_text("body", body, 10_000)?;
    let now = truncate(now);
    let r = Reply {
        id: Uuid::now_v7(),
        item_id: item.id,
        author_org: actor.org.id,
        author: actor.user.id,
        body,
        at: now,
    };
    let audit = item_audit(
        actor,
        now,
        "shared_item.reply",
        item.id,
        &serde_json::json!({"reply": r.id.to_string(), "chars": r.body.chars().count()}),
    );
    store.create_reply(&r, &audit).await?;
    Ok(r)
}

/// What came of a forward.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ForwardOutcome {
    /// Within the scope: the organisation is now a recipient (the item's new scope; the body
    /// is not echoed).
    Forwarded {
        item_id: Uuid,
        scope: SharingScope,
        scope_version: i64,
    },
    /// Beyond the scope: the originator is asked for consent.
    ConsentRequested { request: ConsentRequest },
}

/// Passes an item on to another organisation: directly when the scope allows it (or the
/// actor is the originator), else as a consent request to the originator (覚書5条).
pub async fn forward(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    to_org: OrgId,
    reason: &str,
    now: Timestamp,
) -> Result<ForwardOutcome, DomainError> {
    require_government(actor)?;
    let to = store
        .organisation(to_org)
        .await?
        .ok_or_else(|| DomainError::invalid("to_org", "no such organisation"))?;
    let target = Principal {
        org: to.id,
        kind: to.kind,
    };
    let (item, decision) = item_for(store, actor, id, Action::Forward { to: target }, now).await?;
    require_writer(actor)?;
    if item.revoked_at.is_some() {
        return Err(DomainError::Conflict(
            "the item's sharing was revoked".into(),
        ));
    }
    if to.id == item.originator_org || item.scope.recipients.contains(&to.id) {
        return Err(DomainError::Conflict(format!(
            "{} sees the item already",
            to.name
        )));
    }
    if to.kind == OrgKind::Operator && item.scope.tlp != Tlp::Clear {
        return Err(DomainError::invalid(
            "to_org",
            "only TLP:CLEAR items may go to an operator",
        ));
    }
    let reason = required_text("reason", reason, 2000)?;
    let now = truncate(now);
    match decision {
        Decision::Allow => {
            let mut scope = item.scope.clone();
            scope.recipients.push(to.id);
            let audit = item_audit(
                actor,
                now,
                "shared_item.forward",
                item.id,
                &serde_json::json!({"to_org": to.id.to_string(), "reason": reason,
                                    "scope_version": item.scope_version + 1}),
            );
            let item = store
                .update_scope(item.id, item.scope_version, &scope, None, &audit)
                .await?;
            Ok(ForwardOutcome::Forwarded {
                item_id: item.id,
                scope: item.scope,
                scope_version: item.scope_version,
            })
        }
        Decision::NeedsConsent => {
            if store.consent_requests(item.id).await?.iter().any(|c| {
                c.status == ConsentStatus::Pending
                    && c.to_org == to.id
                    && c.requested_by_org == actor.org.id
            }) {
                return Err(DomainError::Conflict(
                    "a consent request for this organisation is pending already".into(),
                ));
            }
            let request = ConsentRequest {
                id: Uuid::now_v7(),
                item_id: item.id,
                originator_org: item.originator_org,
                requested_by_org: actor.org.id,
                requested_by: actor.user.id,
                to_org: to.id,
                reason,
                requested_at: now,
                status: ConsentStatus::Pending,
                decided_by: None,
                decided_at: None,
                decision_note: None,
            };
            let originator_users = store.list_users(item.originator_org).await?;
            let notify = notify::request_messages(
                &item.title,
                &request,
                &actor.org.name,
                &to.name,
                &originator_users,
                now,
            );
            let audit = item_audit(
                actor,
                now,
                "consent.request",
                item.id,
                &serde_json::json!({"consent_request": request.id.to_string(),
                                    "to_org": to.id.to_string(),
                                    "notified": recipients_of(&notify)}),
            );
            store
                .create_consent_request(&request, &notify, &audit)
                .await?;
            Ok(ForwardOutcome::ConsentRequested { request })
        }
        Decision::Deny(_) => Err(DomainError::Forbidden(
            "the item's designated scope does not allow this".into(),
        )),
    }
}

/// The originator approves or refuses a consent request; an approval adds the organisation to
/// the scope. Both are audited; the requester sees the decision on the item and in its list.
pub async fn decide_consent(
    store: &dyn Store,
    actor: &Actor,
    request_id: Uuid,
    approve: bool,
    note: Option<&str>,
    now: Timestamp,
) -> Result<ConsentRequest, DomainError> {
    require_government(actor)?;
    let req = store
        .consent_request(request_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    if req.originator_org != actor.org.id {
        return Err(DomainError::NotFound);
    }
    let (item, _) = item_for(store, actor, req.item_id, Action::Manage, now).await?;
    require_writer(actor)?;
    if req.status != ConsentStatus::Pending {
        return Err(DomainError::Conflict(format!(
            "the request was {} already",
            req.status.as_str()
        )));
    }
    let note = match note.map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(required_text("note", s, 2000)?),
    };
    let now = truncate(now);
    let status = if approve {
        ConsentStatus::Approved
    } else {
        ConsentStatus::Refused
    };
    let mut scope = item.scope.clone();
    let grant = if approve {
        if item.revoked_at.is_some() {
            return Err(DomainError::Conflict(
                "the item's sharing was revoked".into(),
            ));
        }
        if !scope.recipients.contains(&req.to_org) {
            scope.recipients.push(req.to_org);
        }
        Some((item.scope_version, &scope))
    } else {
        None
    };
    // The requester is told in the same transaction as the decision.
    let decided = ConsentRequest {
        status,
        decided_by: Some(actor.user.id),
        decided_at: Some(now),
        decision_note: note.clone(),
        ..req.clone()
    };
    let to_name = store
        .organisation(req.to_org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let notify = notify::decision_messages(
        &item.title,
        &decided,
        &actor.org.name,
        &to_name,
        &store.list_users(req.requested_by_org).await?,
        now,
    );
    let audit = item_audit(
        actor,
        now,
        if approve {
            "consent.approve"
        } else {
            "consent.refuse"
        },
        item.id,
        &serde_json::json!({"consent_request": req.id.to_string(),
                            "to_org": req.to_org.to_string(),
                            "requested_by_org": req.requested_by_org.to_string(),
                            "note": note,
                            "notified": recipients_of(&notify)}),
    );
    Ok(store
        .decide_consent(
            req.id,
            status,
            actor.user.id,
            now,
            note.as_deref(),
            grant,
            &notify,
            &audit,
        )
        .await?)
}

/// The addresses of the messages, for the audit event.
fn recipients_of(messages: &[crate::records::OutboxMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.recipient.as_str()).collect()
}

/// A consent request with the names a list shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentEntry {
    pub request: ConsentRequest,
    /// The item's title when the actor may still see it.
    pub item_title: Option<String>,
    pub requested_by_name: String,
    pub to_name: String,
    /// The actor decides it (it originated the item).
    pub to_decide: bool,
}

/// The consent requests the actor's organisation made or must decide, newest first.
pub async fn consent_requests(
    store: &dyn Store,
    actor: &Actor,
    now: Timestamp,
) -> Result<Vec<ConsentEntry>, DomainError> {
    require_government(actor)?;
    let mut out = Vec::new();
    for request in store.consent_requests_involving(actor.org.id).await? {
        let item_title = match store.shared_item(request.item_id).await? {
            Some(i)
                if decide(principal(actor), &i.facts(), &i.scope, Action::View, now)
                    == Decision::Allow =>
            {
                Some(i.title)
            }
            _ => None,
        };
        let name = |o: Option<Organisation>| o.map(|o| o.name).unwrap_or_default();
        out.push(ConsentEntry {
            requested_by_name: name(store.organisation(request.requested_by_org).await?),
            to_name: name(store.organisation(request.to_org).await?),
            to_decide: request.originator_org == actor.org.id,
            item_title,
            request,
        });
    }
    Ok(out)
}

/// Narrows an item's scope (the originator only): it applies at once to every recipient.
pub async fn narrow_scope(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    scope: SharingScope,
    now: Timestamp,
) -> Result<SharedItem, DomainError> {
    let item = managed_item(store, actor, id, now).await?;
    let mut scope = scope;
    scope.purpose = required_text("scope.purpose", &scope.purpose, 500)?;
    if let Some((field, problem)) = scope::narrowing_problem(&item.scope, &scope) {
        return Err(DomainError::invalid(field, problem));
    }
    if scope.recipients.is_empty() && scope.tlp != Tlp::Clear {
        return Err(DomainError::invalid(
            "scope.recipients",
            "keep at least one recipient (or revoke the sharing)",
        ));
    }
    if scope.onward_sharing && !scope.tlp.permits_onward() {
        return Err(DomainError::invalid(
            "scope.onward_sharing",
            format!(
                "{} does not allow passing it on to other organisations",
                scope.tlp.label()
            ),
        ));
    }
    scope.expires_at = scope.expires_at.map(truncate);
    let now = truncate(now);
    let audit = item_audit(
        actor,
        now,
        "shared_item.narrow",
        item.id,
        &serde_json::json!({"before": item.scope, "after": scope,
                            "scope_version": expected_version + 1}),
    );
    Ok(store
        .update_scope(id, expected_version, &scope, None, &audit)
        .await?)
}

/// Revokes an item's sharing (the originator only): no recipient sees it any more.
pub async fn revoke(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    now: Timestamp,
) -> Result<SharedItem, DomainError> {
    let item = managed_item(store, actor, id, now).await?;
    if item.revoked_at.is_some() {
        return Err(DomainError::Conflict(
            "the sharing was revoked already".into(),
        ));
    }
    let now = truncate(now);
    let audit = item_audit(
        actor,
        now,
        "shared_item.revoke",
        item.id,
        &serde_json::json!({"scope_version": expected_version + 1}),
    );
    Ok(store
        .update_scope(id, expected_version, &item.scope, Some(now), &audit)
        .await?)
}

/// The advice requests made from a case, for the regulator's report page.
pub async fn advice_requests_of_case(
    store: &dyn Store,
    actor: &Actor,
    case_id: CaseId,
    now: Timestamp,
) -> Result<Vec<ItemSummary>, DomainError> {
    actor.require_regulator()?;
    visible_submissions(store, actor, case_id).await?;
    let ids: Vec<Uuid> = store
        .shared_item_candidates(actor.org.id)
        .await?
        .into_iter()
        .filter(|i| i.source_case == Some(case_id) && i.originator_org == actor.org.id)
        .map(|i| i.id)
        .collect();
    Ok(list_items(
        store,
        actor,
        &ItemFilter {
            q: None,
            kind: Some(ItemKind::AdviceRequest),
        },
        now,
    )
    .await?
    .into_iter()
    .filter(|s| ids.contains(&s.id))
    .collect())
}
