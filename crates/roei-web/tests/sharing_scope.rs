//! The scope test matrix (覚書5条): every sharing path (view, list, search, JSON export, STIX
//! export, forward, the item's web page) × every scope setting (the five TLP 2.0 labels, onward
//! sharing on and off) × every phase (as shared, after narrowing, after revocation, after
//! expiry) × the originator, the named recipient, another police organisation and an operator,
//! over the real server on SQLite and PostgreSQL. The expectations are written out here as a
//! rule of their own ([`expected`]), not by calling the domain's decision.
//!
//! Also: a body never leaks into a refusal, read receipts reach the originator, a refused
//! consent request leaves the other organisation blind.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use common::{Backend, Client, PASSWORD, Server};
use roei_domain::model::{OrgKind, Role};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Originator,
    Named,
    OtherPolice,
    Operator,
}

const WHO: [Who; 4] = [Who::Originator, Who::Named, Who::OtherPolice, Who::Operator];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// As shared with the police organisation only.
    Shared,
    /// Shared with the police and the prefecture, then narrowed to the police only.
    Narrowed,
    Revoked,
    /// Its expiry has passed (checked after the clock moves).
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathKind {
    View,
    List,
    Search,
    Export,
    Stix,
    Page,
    Forward,
}

const PATHS: [PathKind; 7] = [
    PathKind::View,
    PathKind::List,
    PathKind::Search,
    PathKind::Export,
    PathKind::Stix,
    PathKind::Page,
    PathKind::Forward,
];

/// The scope settings: label and onward sharing (only CLEAR and GREEN can allow it).
const SETTINGS: [(&str, bool); 7] = [
    ("CLEAR", false),
    ("CLEAR", true),
    ("GREEN", false),
    ("GREEN", true),
    ("AMBER", false),
    ("AMBER+STRICT", false),
    ("RED", false),
];

/// The rule, independently: what status (or, for list/search, 200 = listed, 404 = not) `who`
/// gets on `path` for an item with this label, onward setting and phase.
fn expected(who: Who, tlp: &str, onward: bool, phase: Phase, path: PathKind) -> u16 {
    let ended = matches!(phase, Phase::Revoked | Phase::Expired);
    let reads = match who {
        Who::Originator => true,
        _ if ended => false,
        Who::Named => true,
        Who::OtherPolice | Who::Operator => tlp == "CLEAR",
    };
    match path {
        PathKind::View | PathKind::List | PathKind::Search | PathKind::Page => {
            if reads {
                200
            } else {
                404
            }
        }
        PathKind::Export | PathKind::Stix => {
            if !reads {
                404
            } else if tlp == "RED" && who != Who::Originator {
                403
            } else {
                200
            }
        }
        PathKind::Forward => {
            if who == Who::Operator || !reads {
                404
            } else if who == Who::Originator && phase == Phase::Revoked {
                409
            } else if who == Who::Originator || tlp == "CLEAR" || (tlp == "GREEN" && onward) {
                201
            } else {
                202
            }
        }
    }
}

struct Item {
    id: String,
    token: String,
    tlp: &'static str,
    onward: bool,
    phase: Phase,
}

async fn make_user(server: &Server, org: roei_domain::model::OrgId, email: &str) {
    roei_domain::accounts::create_user(
        &*server.state.store,
        None,
        org,
        email,
        "県警の担当者",
        Role::Member,
        PASSWORD,
        jiff::Timestamp::now(),
    )
    .await
    .unwrap();
}

#[allow(clippy::too_many_lines)]
async fn matrix(backend: Backend) {
    let server = common::start(backend).await;
    let world = common::world(&*server.state.store).await;
    let store = &*server.state.store;
    let now = jiff::Timestamp::now();
    let pref =
        roei_domain::accounts::create_organisation(store, "大阪府警察", OrgKind::Police, None, now)
            .await
            .unwrap();
    make_user(&server, pref.id, "member@pref.example").await;
    // Where each principal forwards to (one each, so that one's forward never changes what
    // another's answer should be; they have no users, so nobody in the matrix reads as them).
    let mut targets = Vec::new();
    for name in ["福岡県警察", "北海道警察", "愛知県警察", "広島県警察"] {
        let o = roei_domain::accounts::create_organisation(store, name, OrgKind::Police, None, now)
            .await
            .unwrap();
        targets.push(o.id.to_string());
    }
    let reg = Client::login(&server, "member@ppc.example").await;
    let clients = [
        (Who::Originator, reg.clone()),
        (
            Who::Named,
            Client::login(&server, "member@npa.example").await,
        ),
        (
            Who::OtherPolice,
            Client::login(&server, "member@pref.example").await,
        ),
        (
            Who::Operator,
            Client::login(&server, "member@a.example").await,
        ),
    ];
    let npa = world.police.id.to_string();
    let pref_id = pref.id.to_string();

    // AMBER and stricter cannot allow onward sharing: refused, naming the field.
    let r = reg
        .post(
            "/api/v1/shared-items",
            &json!({"kind": "attack_methods", "title": "x", "body": {},
                    "scope": {"tlp": "AMBER", "recipients": [npa], "purpose": "p",
                              "onward_sharing": true}}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["field"], "scope.onward_sharing");

    // 2026-11-20 10:00 JST is the server's clock; the expiring items end at 12:00 JST.
    let expiry = "2026-11-20T03:00:00Z";
    let mut items = Vec::new();
    let mut n = 0;
    for (tlp, onward) in SETTINGS {
        for phase in [
            Phase::Shared,
            Phase::Narrowed,
            Phase::Revoked,
            Phase::Expired,
        ] {
            n += 1;
            let token = format!("tok{n}x{}", tlp.replace('+', "").to_lowercase());
            let recipients = if phase == Phase::Narrowed {
                json!([npa, pref_id])
            } else {
                json!([npa])
            };
            let mut scope = json!({"tlp": tlp, "recipients": recipients,
                                   "purpose": "調査研究（行列）", "onward_sharing": onward});
            if phase == Phase::Expired {
                scope["expires_at"] = json!(expiry);
            }
            let r = reg
                .post(
                    "/api/v1/shared-items",
                    &json!({"kind": "attack_methods", "title": format!("攻撃手法 {n}"),
                            "body": {"summary": format!("秘密の本文 {token}")}, "scope": scope}),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.body);
            let id = r.body["id"].as_str().unwrap().to_owned();
            // Before narrowing, the prefecture reads the two-recipient items: the copy it was
            // "delivered" is about to shrink under it.
            if phase == Phase::Narrowed {
                let r = clients[2]
                    .1
                    .get(&format!("/api/v1/shared-items/{id}"))
                    .await;
                assert_eq!(r.status, 200, "the prefecture reads before narrowing");
                let mut narrowed = scope.clone();
                narrowed["recipients"] = json!([npa]);
                let r = reg
                    .put(
                        &format!("/api/v1/shared-items/{id}/scope"),
                        &json!({"version": 1, "scope": narrowed}),
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
            }
            if phase == Phase::Revoked {
                let r = clients[1]
                    .1
                    .get(&format!("/api/v1/shared-items/{id}"))
                    .await;
                assert_eq!(r.status, 200, "the police read before revocation");
                let r = reg
                    .post(
                        &format!("/api/v1/shared-items/{id}/revoke"),
                        &json!({"version": 1}),
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
            }
            items.push(Item {
                id,
                token,
                tlp,
                onward,
                phase,
            });
        }
    }

    let mut failures = Vec::new();
    let mut cells = 0;
    // The expired items are checked after the clock passes their expiry, the others before.
    for after_expiry in [false, true] {
        if after_expiry {
            server.clock.set("2026-11-20T04:00:00Z");
        }
        for item in items
            .iter()
            .filter(|i| (i.phase == Phase::Expired) == after_expiry)
        {
            for ((who, client), target) in clients.iter().zip(&targets) {
                for path in PATHS {
                    let want = expected(*who, item.tlp, item.onward, item.phase, path);
                    let (got, text) = run(client, item, path, target).await;
                    cells += 1;
                    if got != want {
                        failures.push(format!(
                            "{path:?} as {who:?} on {} onward={} {:?}: expected {want}, got {got}",
                            item.tlp, item.onward, item.phase
                        ));
                    }
                    // What the scope hides never shows, not even in a refusal.
                    let hidden = !(200..300).contains(&got) || path == PathKind::Forward;
                    if hidden && text.contains(&item.token) {
                        failures.push(format!(
                            "{path:?} as {who:?} on {} {:?}: the body leaked in a {got}",
                            item.tlp, item.phase
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} scope cells wrong on {backend:?}:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("scope matrix on {backend:?}: {cells} cells");
    assert_eq!(cells, SETTINGS.len() * 4 * WHO.len() * PATHS.len());

    // Read receipts: the originator sees who read its item, and how.
    let shared = &items[4 * 4]; // AMBER, as shared
    assert_eq!((shared.tlp, shared.phase), ("AMBER", Phase::Shared));
    let r = reg
        .get(&format!("/api/v1/shared-items/{}", shared.id))
        .await;
    let vias: Vec<(String, String)> = r.body["read_receipts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["org_id"].as_str().unwrap().to_owned(),
                x["via"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for via in ["api", "export", "stix", "page"] {
        assert!(
            vias.contains(&(npa.clone(), via.to_owned())),
            "no {via} receipt of the police in {vias:?}"
        );
    }
    assert!(
        !vias.iter().any(|(o, _)| *o == pref_id),
        "the prefecture never read it: {vias:?}"
    );
    let r = clients[1]
        .1
        .get(&format!("/api/v1/shared-items/{}", shared.id))
        .await;
    assert_eq!(
        r.body["read_receipts"],
        json!([]),
        "receipts are the originator's"
    );
}

/// One request of the matrix: the status (list/search: 200 when listed, 404 when not) and the
/// response text.
async fn run(client: &Client, item: &Item, path: PathKind, third: &str) -> (u16, String) {
    let id = &item.id;
    match path {
        PathKind::View => {
            let r = client.get(&format!("/api/v1/shared-items/{id}")).await;
            (r.status, r.body.to_string())
        }
        PathKind::List | PathKind::Search => {
            let url = if path == PathKind::List {
                "/api/v1/shared-items".to_owned()
            } else {
                format!("/api/v1/shared-items?q={}", item.token)
            };
            let r = client.get(&url).await;
            assert_eq!(r.status, 200, "{url}: {}", r.body);
            let listed = r
                .body
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == Value::String(id.clone()));
            if path == PathKind::Search && listed {
                assert_eq!(
                    r.body.as_array().unwrap().len(),
                    1,
                    "search by a unique word"
                );
            }
            (if listed { 200 } else { 404 }, String::new())
        }
        PathKind::Export => {
            let r = client
                .get(&format!("/api/v1/shared-items/{id}/export"))
                .await;
            (r.status, r.body.to_string())
        }
        PathKind::Stix => {
            let r = client.get(&format!("/api/v1/shared-items/{id}/stix")).await;
            (r.status, r.body.to_string())
        }
        PathKind::Page => {
            let r = client.get(&format!("/sharing/items/{id}")).await;
            (r.status, r.body.to_string())
        }
        PathKind::Forward => {
            let r = client
                .post(
                    &format!("/api/v1/shared-items/{id}/forward"),
                    &json!({"to_org": third, "reason": "行列"}),
                )
                .await;
            (r.status, r.body.to_string())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_matrix_sqlite() {
    matrix(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_matrix_postgres() {
    matrix(Backend::Postgres).await;
}
