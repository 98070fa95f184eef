//! 共有範囲 (designated sharing scope, 覚書5条): the TLP 2.0 label, the named recipient
//! organisations, the purpose, whether onward sharing is allowed, and an optional expiry — and
//! [`decide`], the one pure rule that says whether a principal may view, export, reply to or
//! forward an item under its *current* scope at a given time.
//!
//! Every use case of [`crate::sharing`] asks [`decide`] before it shows or passes on anything;
//! a delivered copy is only a reference to the item, so a narrowed, revoked or expired scope is
//! what every later read sees.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{OrgId, OrgKind};

/// The Traffic Light Protocol 2.0 label (FIRST), from the least to the most restrictive.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tlp {
    /// Disclosure is not limited.
    #[serde(rename = "CLEAR")]
    Clear,
    /// Limited to the community (in roei: the regulator and police organisations).
    #[serde(rename = "GREEN")]
    Green,
    /// Limited to the recipients' organisations (and their clients, on a need-to-know basis).
    #[serde(rename = "AMBER")]
    Amber,
    /// Limited to the recipients' organisations only.
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    /// For the named recipients only; it does not leave roei (no export).
    #[serde(rename = "RED")]
    Red,
}

impl Tlp {
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT`, `RED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "CLEAR",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Red => "RED",
        }
    }

    /// The label as written on a document: `TLP:AMBER+STRICT`.
    pub fn label(self) -> String {
        format!("TLP:{}", self.as_str())
    }

    /// Whether onward sharing may be allowed at all under this label (CLEAR and GREEN); AMBER
    /// and stricter never leave the recipients' organisations without the sharer's consent.
    pub fn permits_onward(self) -> bool {
        matches!(self, Tlp::Clear | Tlp::Green)
    }
}

impl std::str::FromStr for Tlp {
    type Err = crate::DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let s = s.strip_prefix("TLP:").unwrap_or(s);
        Tlp::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                crate::DomainError::invalid(
                    "scope.tlp",
                    format!(
                        "\"{s}\" is not a TLP 2.0 label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)"
                    ),
                )
            })
    }
}

/// The scope the sharer designates (覚書5条).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharingScope {
    pub tlp: Tlp,
    /// The organisations it is shared with (besides the originator).
    pub recipients: Vec<OrgId>,
    /// What the recipients may use it for.
    pub purpose: String,
    /// Recipients may pass it on within what the label allows (CLEAR: anyone; GREEN: the
    /// regulator and police organisations) without asking.
    #[serde(default)]
    pub onward_sharing: bool,
    /// After this moment only the originator sees it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub expires_at: Option<Timestamp>,
}

/// Who asks (the organisation decides; every user of a recipient organisation is a recipient).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub org: OrgId,
    pub kind: OrgKind,
}

/// What the principal wants to do with the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read it (page, API, list, search).
    View,
    /// Take a copy out of roei (JSON or STIX 2.1).
    Export,
    /// Write in its thread.
    Reply,
    /// Pass it on to another organisation.
    Forward { to: Principal },
    /// Change (narrow, revoke) its scope, or decide a consent request.
    Manage,
}

/// The facts of an item that the decision needs besides its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub originator: OrgId,
    pub revoked_at: Option<Timestamp>,
}

/// Why something is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The principal is outside the scope (or the scope ended): the item does not exist for it.
    OutOfScope,
    /// The principal sees it but may not do this (e.g. export a RED item, manage another's).
    NotPermitted,
}

/// The answer of [`decide`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// A forward beyond the scope: only with the originator's consent (覚書5条).
    NeedsConsent,
    Deny(Refusal),
}

/// Whether the scope is in force at `at` (not revoked, not expired).
pub fn in_force(item: &ItemFacts, scope: &SharingScope, at: Timestamp) -> bool {
    item.revoked_at.is_none_or(|r| at < r) && scope.expires_at.is_none_or(|e| at < e)
}

/// May `p` do `action` with the item under `scope` at `at`?
///
/// * The originator may do anything, always (it is its own information).
/// * Anyone else: nothing once the scope is revoked or expired. A named recipient may view,
///   reply and export (not RED: a RED item is not taken out of roei). Under CLEAR anyone may
///   view and export (not reply).
/// * Forwarding by a recipient (or a CLEAR reader) to another organisation is within the scope
///   when the target is a recipient already, when the label is CLEAR, or when the label is GREEN,
///   onward sharing is allowed and the target is a regulator or police organisation; any other
///   forward needs the originator's consent.
/// * Only the originator manages the scope.
pub fn decide(
    p: Principal,
    item: &ItemFacts,
    scope: &SharingScope,
    action: Action,
    at: Timestamp,
) -> Decision {
    if p.org == item.originator {
        return Decision::Allow;
    }
    if !in_force(item, scope, at) {
        return Decision::Deny(Refusal::OutOfScope);
    }
    let named = scope.recipients.contains(&p.org);
    let reads = named || scope.tlp == Tlp::Clear;
    if !reads {
        return Decision::Deny(Refusal::OutOfScope);
    }
    match action {
        Action::Export if scope.tlp == Tlp::Red => Decision::Deny(Refusal::NotPermitted),
        Action::View | Action::Export => Decision::Allow,
        Action::Reply if named => Decision::Allow,
        Action::Reply | Action::Manage => Decision::Deny(Refusal::NotPermitted),
        Action::Forward { to } => {
            if to.org == p.org || to.org == item.originator {
                // Nothing to pass on: it is theirs already.
                return Decision::Deny(Refusal::NotPermitted);
            }
            let community = matches!(to.kind, OrgKind::Regulator | OrgKind::Police);
            if scope.recipients.contains(&to.org)
                || scope.tlp == Tlp::Clear
                || (scope.tlp == Tlp::Green && scope.onward_sharing && community)
            {
                Decision::Allow
            } else {
                Decision::NeedsConsent
            }
        }
    }
}

/// Checks that `new` is no wider than `old`: the same or a stricter label, recipients only
/// removed, onward sharing not newly allowed, the expiry not removed or moved later. Returns
/// the field and the problem otherwise.
pub fn narrowing_problem(old: &SharingScope, new: &SharingScope) -> Option<(&'static str, String)> {
    if new.tlp < old.tlp {
        return Some((
            "scope.tlp",
            format!(
                "{} is less restrictive than {}: a scope can only be narrowed here",
                new.tlp.label(),
                old.tlp.label()
            ),
        ));
    }
    if let Some(added) = new.recipients.iter().find(|r| !old.recipients.contains(r)) {
        return Some((
            "scope.recipients",
            format!("{added} is not a recipient yet: add recipients by forwarding"),
        ));
    }
    if new.onward_sharing && !old.onward_sharing {
        return Some((
            "scope.onward_sharing",
            "onward sharing cannot be newly allowed when narrowing".to_owned(),
        ));
    }
    match (old.expires_at, new.expires_at) {
        (Some(_), None) => Some((
            "scope.expires_at",
            "the expiry cannot be removed when narrowing".to_owned(),
        )),
        (Some(o), Some(n)) if n > o => Some((
            "scope.expires_at",
            format!("{n} is later than the current expiry {o}"),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn org(n: u128) -> OrgId {
        OrgId(Uuid::from_u128(n))
    }
    const ORIGIN: u128 = 1;
    const NAMED: u128 = 2;
    const OTHER_POLICE: u128 = 3;
    const OPERATOR: u128 = 4;
    const THIRD_POLICE: u128 = 5;

    fn p(n: u128, kind: OrgKind) -> Principal {
        Principal { org: org(n), kind }
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn scope(tlp: Tlp, onward: bool, expires: Option<&str>) -> SharingScope {
        SharingScope {
            tlp,
            recipients: vec![org(NAMED)],
            purpose: "技術的助言".into(),
            onward_sharing: onward,
            expires_at: expires.map(t),
        }
    }

    const NOW: &str = "2026-11-20T01:00:00Z";

    /// Every principal × label × onward × expiry × revocation × action, against the rule
    /// written out independently as a table of expectations.
    #[test]
    fn every_combination() {
        let item_live = ItemFacts {
            originator: org(ORIGIN),
            revoked_at: None,
        };
        let item_revoked = ItemFacts {
            originator: org(ORIGIN),
            revoked_at: Some(t("2026-11-19T00:00:00Z")),
        };
        let item_revoked_later = ItemFacts {
            originator: org(ORIGIN),
            revoked_at: Some(t("2026-11-21T00:00:00Z")),
        };
        let principals = [
            ("originator", p(ORIGIN, OrgKind::Regulator)),
            ("named", p(NAMED, OrgKind::Police)),
            ("other police", p(OTHER_POLICE, OrgKind::Police)),
            ("operator", p(OPERATOR, OrgKind::Operator)),
        ];
        let targets = [
            ("third police", p(THIRD_POLICE, OrgKind::Police)),
            ("operator", p(OPERATOR, OrgKind::Operator)),
            ("named", p(NAMED, OrgKind::Police)),
        ];
        let mut n = 0;
        for tlp in Tlp::ALL {
            for onward in [false, true] {
                for expires in [
                    None,
                    Some("2026-11-19T12:00:00Z"),
                    Some("2026-12-01T00:00:00Z"),
                ] {
                    for (revoked_name, item) in [
                        ("live", &item_live),
                        ("revoked", &item_revoked),
                        ("revoked later", &item_revoked_later),
                    ] {
                        let s = scope(tlp, onward, expires);
                        let ended =
                            revoked_name == "revoked" || expires == Some("2026-11-19T12:00:00Z");
                        for (who, pr) in principals {
                            let mut actions = vec![
                                ("view", Action::View),
                                ("export", Action::Export),
                                ("reply", Action::Reply),
                                ("manage", Action::Manage),
                            ];
                            for (tn, to) in targets {
                                actions.push((tn, Action::Forward { to }));
                            }
                            for (an, action) in actions {
                                let got = decide(pr, item, &s, action, t(NOW));
                                let want = expected(who, tlp, onward, ended, an);
                                assert_eq!(
                                    got, want,
                                    "{who} {an} under {tlp:?} onward={onward} expires={expires:?} {revoked_name}"
                                );
                                n += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(n, 5 * 2 * 3 * 3 * 4 * 7);
    }

    /// The rule as a table, written without calling [`decide`].
    fn expected(who: &str, tlp: Tlp, onward: bool, ended: bool, action: &str) -> Decision {
        use Decision::{Allow, Deny, NeedsConsent};
        use Refusal::{NotPermitted, OutOfScope};
        if who == "originator" {
            return Allow;
        }
        if ended {
            return Deny(OutOfScope);
        }
        let named = who == "named";
        if !named && tlp != Tlp::Clear {
            return Deny(OutOfScope);
        }
        match action {
            "view" => Allow,
            "export" => {
                if tlp == Tlp::Red {
                    Deny(NotPermitted)
                } else {
                    Allow
                }
            }
            "reply" => {
                if named {
                    Allow
                } else {
                    Deny(NotPermitted)
                }
            }
            "manage" => Deny(NotPermitted),
            // Forwarding to the named recipient: already in scope, or (the recipient itself)
            // nothing to pass on.
            "named" => {
                if named {
                    Deny(NotPermitted)
                } else {
                    Allow
                }
            }
            "operator" if who == "operator" => Deny(NotPermitted),
            "operator" => {
                if tlp == Tlp::Clear {
                    Allow
                } else {
                    NeedsConsent
                }
            }
            "third police" => match tlp {
                Tlp::Clear => Allow,
                Tlp::Green if onward => Allow,
                _ => NeedsConsent,
            },
            other => panic!("no expectation for {other}"),
        }
    }

    #[test]
    fn expiry_and_revocation_bite_at_the_instant() {
        let named = p(NAMED, OrgKind::Police);
        let s = scope(Tlp::Amber, false, Some("2026-11-20T01:00:00Z"));
        let item = ItemFacts {
            originator: org(ORIGIN),
            revoked_at: None,
        };
        assert_eq!(
            decide(
                named,
                &item,
                &s,
                Action::View,
                t("2026-11-20T00:59:59.999999Z")
            ),
            Decision::Allow
        );
        assert_eq!(
            decide(named, &item, &s, Action::View, t("2026-11-20T01:00:00Z")),
            Decision::Deny(Refusal::OutOfScope)
        );
        let revoked = ItemFacts {
            originator: org(ORIGIN),
            revoked_at: Some(t("2026-11-20T00:30:00Z")),
        };
        let s = scope(Tlp::Amber, false, None);
        assert_eq!(
            decide(named, &revoked, &s, Action::View, t("2026-11-20T00:30:00Z")),
            Decision::Deny(Refusal::OutOfScope)
        );
        assert_eq!(
            decide(
                p(ORIGIN, OrgKind::Regulator),
                &revoked,
                &s,
                Action::View,
                t(NOW)
            ),
            Decision::Allow
        );
    }

    #[test]
    fn narrowing_only_narrows() {
        let old = SharingScope {
            tlp: Tlp::Green,
            recipients: vec![org(NAMED), org(OTHER_POLICE)],
            purpose: "p".into(),
            onward_sharing: true,
            expires_at: Some(t("2026-12-01T00:00:00Z")),
        };
        let mut new = old.clone();
        assert_eq!(narrowing_problem(&old, &new), None);
        new.tlp = Tlp::Red;
        new.recipients = vec![org(NAMED)];
        new.onward_sharing = false;
        new.expires_at = Some(t("2026-11-25T00:00:00Z"));
        assert_eq!(narrowing_problem(&old, &new), None);
        for (field, change) in [
            (
                "scope.tlp",
                Box::new(|s: &mut SharingScope| s.tlp = Tlp::Clear)
                    as Box<dyn Fn(&mut SharingScope)>,
            ),
            (
                "scope.recipients",
                Box::new(|s: &mut SharingScope| s.recipients.push(org(OPERATOR))),
            ),
            (
                "scope.expires_at",
                Box::new(|s: &mut SharingScope| s.expires_at = None),
            ),
            (
                "scope.expires_at",
                Box::new(|s: &mut SharingScope| s.expires_at = Some(t("2027-01-01T00:00:00Z"))),
            ),
        ] {
            let mut wider = old.clone();
            change(&mut wider);
            assert_eq!(narrowing_problem(&old, &wider).map(|p| p.0), Some(field));
        }
        let mut closed = old.clone();
        closed.onward_sharing = false;
        let mut reopened = closed.clone();
        reopened.onward_sharing = true;
        assert_eq!(
            narrowing_problem(&closed, &reopened).map(|p| p.0),
            Some("scope.onward_sharing")
        );
    }

    #[test]
    fn labels_parse_and_print() {
        for tlp in Tlp::ALL {
            assert_eq!(tlp.as_str().parse::<Tlp>().unwrap(), tlp);
            assert_eq!(tlp.label().parse::<Tlp>().unwrap(), tlp);
            assert_eq!(serde_json::to_value(tlp).unwrap(), tlp.as_str());
        }
        assert!("WHITE".parse::<Tlp>().is_err());
        assert!(Tlp::Clear < Tlp::Red);
    }
}
