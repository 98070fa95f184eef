//! STIX 2.1 export of shared items, validated by the `stix2` Python package (OASIS's library:
//! `stix2.parse`, which checks every object against the STIX 2.1 object model), for every TLP
//! label that may leave roei and for both object shapes (an advice request as an `incident`, a
//! normal-time item as a `report` with a `note`). Also checks the official TLP 2.0 marking ids,
//! the scope statement, and that the export is refused where the scope refuses it.
//! `scripts/test` installs `stix2` when it is missing.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use std::process::Command;

use common::{Backend, Client};
use serde_json::{Value, json};

/// Runs `stix2.parse` on the bundle; returns the types it parsed, or its error.
fn stix2_parse(bundle: &Value) -> Result<Vec<String>, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, bundle.to_string()).unwrap();
    let script = "import json, sys, stix2\n\
        b = stix2.parse(json.load(open(sys.argv[1], encoding='utf-8')), allow_custom=True)\n\
        print(' '.join(o['type'] for o in b.objects))\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs (scripts/test installs the stix2 package)");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

const TLP_IDS: [(&str, &str); 4] = [
    (
        "CLEAR",
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    ),
    (
        "GREEN",
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    ),
    (
        "AMBER",
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    ),
    (
        "AMBER+STRICT",
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    ),
];

/// A's unauthorized-access case with its 速報 sent to the regulator; returns its id.
async fn submitted_case(server: &common::Server) -> String {
    let a = Client::login(server, "member@a.example").await;
    let r = a
        .post(
            "/api/v1/cases",
            &json!({"title": "VPN経由の侵入", "facts": common::ransomware_facts()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["case"]["id"].as_str().unwrap().to_owned();
    let r = a
        .put(
            &format!("/api/v1/cases/{id}/report/draft"),
            &json!({"version": 0, "content": common::complete_report()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = a
        .post(
            &format!("/api/v1/cases/{id}/report/submissions"),
            &json!({"stage": "quick_report", "draft_version": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stix_exports_parse_with_stix2_and_carry_tlp_and_scope() {
    let server = common::start(Backend::Sqlite).await;
    let world = common::world(&*server.state.store).await;
    let reg = Client::login(&server, "member@ppc.example").await;
    let npa = Client::login(&server, "member@npa.example").await;
    let police = world.police.id.to_string();

    for (tlp, marking) in TLP_IDS {
        let r = reg
            .post(
                "/api/v1/shared-items",
                &json!({"kind": "attack_methods", "title": format!("フィッシングの手口（{tlp}）"),
                        "body": {"summary": "偽ログイン画面", "indicators": ["example.invalid"]},
                        "scope": {"tlp": tlp, "recipients": [police], "purpose": "注意喚起の検討",
                                  "expires_at": "2027-03-31T15:00:00Z"}}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_str().unwrap();
        let r = npa.get(&format!("/api/v1/shared-items/{id}/stix")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/stix+json")
        );
        let bundle = r.body;
        let types = stix2_parse(&bundle).unwrap_or_else(|e| panic!("{tlp}: stix2 refused: {e}"));
        assert_eq!(
            types,
            [
                "marking-definition",
                "marking-definition",
                "identity",
                "report",
                "note"
            ]
        );
        let objects = bundle["objects"].as_array().unwrap();
        let tlp_def = &objects[0];
        assert_eq!(tlp_def["id"], marking);
        assert_eq!(tlp_def["created"], "2022-10-01T00:00:00.000Z");
        assert_eq!(tlp_def["name"], format!("TLP:{tlp}"));
        assert_eq!(
            tlp_def["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]["tlp_2_0"],
            tlp.to_lowercase()
        );
        let scope_def = &objects[1];
        assert_eq!(scope_def["definition_type"], "statement");
        let statement = scope_def["definition"]["statement"].as_str().unwrap();
        for part in [
            format!("TLP:{tlp}"),
            "警察庁サイバー警察局".to_owned(),
            "注意喚起の検討".to_owned(),
            "2027-03-31".to_owned(),
        ] {
            assert!(statement.contains(&part), "{statement} lacks {part}");
        }
        assert_eq!(scope_def["x_roei_scope"]["recipients"][0]["id"], police);
        for o in &objects[2..] {
            assert_eq!(
                o["object_marking_refs"],
                json!([marking, scope_def["id"]]),
                "{} is not marked",
                o["type"]
            );
        }
    }

    // An advice request exports as an incident; the report's case id never appears in it.
    let case = submitted_case(&server).await;
    let r = reg
        .post(
            &format!("/api/v1/cases/{case}/advice-requests"),
            &json!({"to_org": police, "question": "侵入経路の特定について", "matters": ["summary", "cause"],
                    "tlp": "AMBER", "purpose": "技術的助言"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["id"].as_str().unwrap();
    let r = npa.get(&format!("/api/v1/shared-items/{id}/stix")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.to_string().contains(&case), "the case id leaked");
    let types = stix2_parse(&r.body).unwrap();
    assert_eq!(
        types,
        [
            "marking-definition",
            "marking-definition",
            "identity",
            "incident"
        ]
    );

    // RED does not leave roei; outside the scope the export does not exist.
    let r = reg
        .post(
            "/api/v1/shared-items",
            &json!({"kind": "attack_methods", "title": "赤", "body": {},
                    "scope": {"tlp": "RED", "recipients": [police], "purpose": "p"}}),
        )
        .await;
    let red = r.body["id"].as_str().unwrap().to_owned();
    let r = npa.get(&format!("/api/v1/shared-items/{red}/stix")).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = reg.get(&format!("/api/v1/shared-items/{red}/stix")).await;
    assert_eq!(r.status, 200, "the originator exports its own");
    stix2_parse(&r.body).unwrap();
    let op = Client::login(&server, "member@a.example").await;
    assert_eq!(
        op.get(&format!("/api/v1/shared-items/{id}/stix"))
            .await
            .status,
        404
    );

    // The validator is not vacuous: a bundle with a broken marking reference is refused.
    let mut broken = r.body.clone();
    broken["objects"][2]["object_marking_refs"] = json!(["not-a-marking"]);
    assert!(stix2_parse(&broken).is_err());
}
