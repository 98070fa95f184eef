//! Conformance cases of [`super::SharingStore`] (run by each backend through
//! [`crate::conformance_tests!`]).

#![allow(clippy::missing_panics_doc, clippy::unwrap_used)]

use std::sync::Arc;

use jiff::Timestamp;

use super::contacts::{self, ContactEdit, ContactStatus};
use super::{ConsentStatus, ForwardOutcome, ItemFilter, ItemKind, SharingScope, Tlp, ViewVia};
use crate::audit::AuditDraft;
use crate::model::{OrgKind, Organisation, Role, User};
use crate::service::Actor;
use crate::{DomainError, Store, StoreError};

fn now(offset_s: i64) -> Timestamp {
    Timestamp::from_second(1_795_000_000 + offset_s).unwrap()
}

async fn actor(store: &dyn Store, name: &str, kind: OrgKind, email: &str, role: Role) -> Actor {
    let org = Organisation::new(name, kind, None, now(0)).unwrap();
    let d = AuditDraft::new(
        now(0),
        None,
        None,
        "org.create",
        name,
        &serde_json::json!({}),
    );
    store.create_organisation(&org, &d).await.unwrap();
    let user = User::new(org.id, email, "担当", role, "$argon2id$fake".into(), now(0)).unwrap();
    store.create_user(&user, &d).await.unwrap();
    Actor { user, org }
}

/// The 47 contacts arrive with the migration exactly as shipped; an admin's correction is
/// stored and audited, and a non-admin's is refused.
pub async fn police_contacts_ship_and_edit(store: Arc<dyn Store>) {
    let stored = store.police_contacts().await.unwrap();
    assert_eq!(stored, contacts::shipped_contacts());
    let admin = actor(
        &*store,
        "委員会",
        OrgKind::Regulator,
        "admin@ppc.test",
        Role::Admin,
    )
    .await;
    let mut member = admin.clone();
    member.user.role = Role::Member;
    let edit = ContactEdit {
        contact_name: Some("サイバー犯罪対策課".into()),
        phone: Some("025-285-0110".into()),
        url: None,
        source: "新潟県警察に電話で確認".into(),
        retrieved: Some("2026-11-20".into()),
        confirmed: true,
    };
    let refused =
        contacts::update_police_contact(&*store, &member, "15", edit.clone(), now(1)).await;
    assert!(matches!(refused, Err(DomainError::Forbidden(_))));
    let before = store.audit_head().await.unwrap().unwrap().seq;
    let c = contacts::update_police_contact(&*store, &admin, "15", edit, now(1))
        .await
        .unwrap();
    assert_eq!(c.status(), ContactStatus::Confirmed);
    let back = store.police_contact("15").await.unwrap().unwrap();
    assert_eq!(back, c);
    let head = store.audit_head().await.unwrap().unwrap();
    assert_eq!(head.seq, before + 1);
    assert_eq!(head.action, "police_contact.update");
    assert!(head.payload.contains("025-285-0110"));
    let bad = ContactEdit {
        phone: Some("call us".into()),
        source: "x".into(),
        ..ContactEdit::default()
    };
    let e = contacts::update_police_contact(&*store, &admin, "15", bad, now(2))
        .await
        .unwrap_err();
    assert!(matches!(e, DomainError::Invalid { ref field, .. } if field == "phone"));
    assert_eq!(store.police_contact("15").await.unwrap().unwrap(), c);
}

/// Share → forward beyond the scope → refuse / approve → narrow → revoke, with read receipts
/// and optimistic versions; every step is what the next read sees.
pub async fn sharing_scope_round_trip(store: Arc<dyn Store>) {
    let s = &*store;
    let reg = actor(s, "委員会", OrgKind::Regulator, "m@ppc.test", Role::Member).await;
    let npa = actor(s, "警察庁", OrgKind::Police, "m@npa.test", Role::Member).await;
    let pref = actor(s, "県警", OrgKind::Police, "m@pref.test", Role::Member).await;
    let scope = SharingScope {
        tlp: Tlp::Amber,
        recipients: vec![npa.org.id],
        purpose: "調査研究".into(),
        onward_sharing: false,
        expires_at: None,
    };
    let item = super::share_item(
        s,
        &reg,
        ItemKind::StatisticsPackage,
        "令和8年度上半期の統計",
        serde_json::json!({"cells": [[1, 2], [3, 4]]}),
        scope.clone(),
        now(1),
    )
    .await
    .unwrap();
    let back = s.shared_item(item.id).await.unwrap().unwrap();
    assert_eq!(back, item);
    let listed = |a: &Actor| {
        let a = a.clone();
        let store = store.clone();
        async move {
            super::list_items(&*store, &a, &ItemFilter::default(), now(100))
                .await
                .unwrap()
                .len()
        }
    };
    assert_eq!(listed(&npa).await, 1);
    assert_eq!(listed(&pref).await, 0);
    let d = super::view_item(s, &npa, item.id, ViewVia::Api, now(2))
        .await
        .unwrap();
    assert_eq!(d.item.body, item.body);
    assert!(d.read_receipts.is_empty(), "receipts are the originator's");
    assert!(matches!(
        super::view_item(s, &pref, item.id, ViewVia::Api, now(2)).await,
        Err(DomainError::NotFound)
    ));
    // Beyond the scope: a consent request, refused.
    let ForwardOutcome::ConsentRequested { request } =
        super::forward(s, &npa, item.id, pref.org.id, "県警の捜査に必要", now(3))
            .await
            .unwrap()
    else {
        panic!("AMBER forward must need consent");
    };
    assert_eq!(
        s.consent_request(request.id).await.unwrap().unwrap(),
        request
    );
    assert!(matches!(
        super::forward(s, &npa, item.id, pref.org.id, "再度", now(3)).await,
        Err(DomainError::Conflict(_))
    ));
    let refused = super::decide_consent(s, &reg, request.id, false, Some("範囲外"), now(4))
        .await
        .unwrap();
    assert_eq!(refused.status, ConsentStatus::Refused);
    assert_eq!(refused.decision_note.as_deref(), Some("範囲外"));
    assert!(matches!(
        super::decide_consent(s, &reg, request.id, true, None, now(5)).await,
        Err(DomainError::Conflict(_))
    ));
    assert_eq!(listed(&pref).await, 0);
    let entries = super::consent_requests(s, &npa, now(5)).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].request.status, ConsentStatus::Refused);
    // Asked again and approved: the prefecture is a recipient.
    let ForwardOutcome::ConsentRequested { request } =
        super::forward(s, &npa, item.id, pref.org.id, "改めて", now(6))
            .await
            .unwrap()
    else {
        panic!()
    };
    super::decide_consent(s, &reg, request.id, true, None, now(7))
        .await
        .unwrap();
    let now_item = s.shared_item(item.id).await.unwrap().unwrap();
    assert_eq!(now_item.scope_version, 2);
    assert_eq!(now_item.scope.recipients, vec![npa.org.id, pref.org.id]);
    assert_eq!(listed(&pref).await, 1);
    // A stale version is a conflict and changes nothing.
    let narrowed = SharingScope {
        recipients: vec![npa.org.id],
        ..now_item.scope.clone()
    };
    assert!(matches!(
        s.update_scope(
            item.id,
            1,
            &narrowed,
            None,
            &AuditDraft::new(now(8), None, None, "x", "y", &serde_json::json!({}))
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let n = super::narrow_scope(s, &reg, item.id, 2, narrowed, now(8))
        .await
        .unwrap();
    assert_eq!(n.scope_version, 3);
    assert_eq!(listed(&pref).await, 0);
    assert_eq!(listed(&npa).await, 1);
    super::revoke(s, &reg, item.id, 3, now(9)).await.unwrap();
    assert_eq!(listed(&npa).await, 0);
    assert_eq!(listed(&reg).await, 1, "the originator keeps its item");
    let d = super::view_item(s, &reg, item.id, ViewVia::Page, now(10))
        .await
        .unwrap();
    let receipts: Vec<_> = d.read_receipts.iter().map(|r| (r.org_id, r.via)).collect();
    assert_eq!(
        receipts,
        vec![(npa.org.id, ViewVia::Api), (reg.org.id, ViewVia::Page)]
    );
    assert_eq!(d.consent_requests.len(), 2);
    // Replies are stored in order.
    let r = super::reply(s, &reg, item.id, "了解しました", now(11))
        .await
        .unwrap();
    assert_eq!(s.replies(item.id).await.unwrap(), vec![r]);
    crate::audit::verify_store(s, 50, None).await.unwrap();
}
