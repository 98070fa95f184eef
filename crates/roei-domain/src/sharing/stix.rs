//! STIX 2.1 export of a shared item: a bundle with the originator's `identity`, the item as an
//! `incident` (an advice request) or a `report` (normal-time sharing), the official TLP 2.0
//! `marking-definition` (OASIS's TLP 2.0 extension: fixed ids, `created` 2022-10-01) and a
//! `statement` marking that states the designated scope in words, with the scope as structured
//! `x_roei_scope` too. Both markings are on every object but the markings themselves.

use jiff::Timestamp;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ItemKind, SharedItem, SharingScope, Tlp};
use crate::model::Organisation;

/// The OASIS extension definition every TLP 2.0 marking declares itself through.
pub const TLP2_EXTENSION: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
/// The `created` of the TLP 2.0 marking objects (part of the published objects).
pub const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// The official marking-definition id of a TLP 2.0 label.
pub fn tlp_marking_id(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// The official TLP 2.0 marking-definition object.
pub fn tlp_marking(tlp: Tlp) -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": tlp_marking_id(tlp),
        "created": TLP2_CREATED,
        "name": tlp.label(),
        "extensions": {
            TLP2_EXTENSION: {
                "extension_type": "property-extension",
                "tlp_2_0": tlp.as_str().to_lowercase(),
            }
        }
    })
}

/// The designated scope in words (Japanese first, then English).
pub fn scope_statement(scope: &SharingScope, recipients: &[Organisation]) -> String {
    let names = recipients
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join("、");
    let onward = if scope.onward_sharing {
        "共有範囲内での再共有可 / onward sharing within the label allowed"
    } else {
        "発信者の同意なく再共有不可 / no onward sharing without the originator's consent"
    };
    let expiry = scope.expires_at.map_or_else(
        || "期限なし / no expiry".to_owned(),
        |e| format!("期限 / expires {e}"),
    );
    format!(
        "共有範囲（覚書5条） / designated sharing scope (PPC–NPA memorandum Art. 5): {}; \
         受領者 / recipients: {}; 目的 / purpose: {}; {onward}; {expiry}",
        scope.tlp.label(),
        if names.is_empty() { "—" } else { &names },
        scope.purpose,
    )
}

fn stix_time(t: Timestamp) -> String {
    // STIX timestamps are RFC 3339 in UTC with a Z; millisecond precision.
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// A deterministic STIX id for `what` of the item (the same item exports to the same ids).
fn stix_id(kind: &str, item: &SharedItem, what: &str) -> String {
    format!("{kind}--{}", name_uuid(&format!("roei:{}:{what}", item.id)))
}

/// A name-based UUID (RFC 9562 version 8 from SHA-256 of `name`).
fn name_uuid(name: &str) -> Uuid {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The bundle of one item, exported at `now`.
pub fn bundle(
    item: &SharedItem,
    originator: &Organisation,
    recipients: &[Organisation],
    now: Timestamp,
) -> Value {
    let created = stix_time(item.created_at);
    let modified = stix_time(now.max(item.created_at));
    let identity_id = format!(
        "identity--{}",
        name_uuid(&format!("roei:organisation:{}", originator.id))
    );
    let scope_id = stix_id(
        "marking-definition",
        item,
        &format!("scope:{}", item.scope_version),
    );
    let markings = json!([tlp_marking_id(item.scope.tlp), scope_id]);
    let identity = json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id,
        "created": stix_time(originator.created_at),
        "modified": stix_time(originator.created_at),
        "name": originator.name,
        "identity_class": "organization",
        "object_marking_refs": markings,
    });
    let scope_marking = json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": scope_id,
        "created": created,
        "created_by_ref": identity_id,
        "name": "roei designated sharing scope",
        "definition_type": "statement",
        "definition": {"statement": scope_statement(&item.scope, recipients)},
        "x_roei_scope": {
            "tlp": item.scope.tlp.as_str(),
            "recipients": recipients.iter().map(|o| json!({"id": o.id.to_string(), "name": o.name})).collect::<Vec<_>>(),
            "purpose": item.scope.purpose,
            "onward_sharing": item.scope.onward_sharing,
            "expires_at": item.scope.expires_at.map(stix_time),
            "scope_version": item.scope_version,
        },
    });
    let description = serde_json::to_string_pretty(&item.body).unwrap_or_default();
    let main = if item.kind == ItemKind::AdviceRequest {
        json!({
            "type": "incident",
            "spec_version": "2.1",
            "id": stix_id("incident", item, "item"),
            "created_by_ref": identity_id,
            "created": created,
            "modified": modified,
            "name": item.title,
            "description": description,
            "object_marking_refs": markings,
            "x_roei_kind": item.kind.as_str(),
        })
    } else {
        let note_id = stix_id("note", item, "body");
        let note = json!({
            "type": "note",
            "spec_version": "2.1",
            "id": note_id,
            "created_by_ref": identity_id,
            "created": created,
            "modified": modified,
            "abstract": item.title,
            "content": description,
            "object_refs": [identity_id],
            "object_marking_refs": markings,
        });
        let report = json!({
            "type": "report",
            "spec_version": "2.1",
            "id": stix_id("report", item, "item"),
            "created_by_ref": identity_id,
            "created": created,
            "modified": modified,
            "name": item.title,
            "description": description,
            "report_types": [if item.kind == ItemKind::AttackMethods {
                "attack-pattern"
            } else {
                "threat-report"
            }],
            "published": created,
            "object_refs": [note_id],
            "object_marking_refs": markings,
            "x_roei_kind": item.kind.as_str(),
        });
        return json!({
            "type": "bundle",
            "id": stix_id("bundle", item, &format!("bundle:{}", now.as_microsecond())),
            "objects": [tlp_marking(item.scope.tlp), scope_marking, identity, report, note],
        });
    };
    json!({
        "type": "bundle",
        "id": stix_id("bundle", item, &format!("bundle:{}", now.as_microsecond())),
        "objects": [tlp_marking(item.scope.tlp), scope_marking, identity, main],
    })
}
