//! A submission acknowledged is never lost: SIGKILL the server during a burst of submissions;
//! after a restart every submission that got a 2xx is there, and the audit chain verifies.

#![allow(clippy::missing_panics_doc, clippy::unwrap_used)]

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{roei, run, stdout};

/// A bare HTTP/1.1 request: (status, body), or an error when the server is gone.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    extra: &str,
    body: &str,
) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n{extra}\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Err(std::io::Error::other("no response"));
    };
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok((code, body.to_owned()))
}

fn json_field(body: &str, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v.pointer(key)
        .and_then(|x| x.as_str())
        .unwrap_or_else(|| panic!("no {key} in {body}"))
        .to_owned()
}

/// Sets up organisations, a user and an API token with `roei admin`; returns the token.
fn provision(dir: &Path, store: &[&str]) -> String {
    let admin = |args: &[&str], stdin: Option<&str>| {
        let mut c = roei(dir);
        c.arg("admin").args(args).args(store);
        let o = run(c, stdin);
        assert!(o.status.success(), "{args:?}: {}", common::stderr(&o));
        stdout(&o).trim().to_owned()
    };
    admin(
        &[
            "create-org",
            "--name",
            "個人情報保護委員会",
            "--kind",
            "regulator",
        ],
        None,
    );
    let org = admin(
        &[
            "create-org",
            "--name",
            "株式会社キル",
            "--kind",
            "operator",
            "--regime",
            "private",
        ],
        None,
    );
    let org = org.split_whitespace().last().unwrap().to_owned();
    admin(
        &[
            "create-user",
            "--org",
            &org,
            "--email",
            "member@kill.example",
            "--name",
            "担当者",
            "--role",
            "member",
            "--password-stdin",
        ],
        Some("kill-test-password\n"),
    );
    let out = admin(
        &[
            "issue-token",
            "--email",
            "member@kill.example",
            "--name",
            "load",
        ],
        None,
    );
    out.split_whitespace()
        .find(|w| w.starts_with("roei_"))
        .unwrap_or_else(|| panic!("no token in {out}"))
        .to_owned()
}

fn kill_during_burst(dir: &Path, store: &[&str]) {
    let token = provision(dir, store);
    let mut args = vec!["--listen", "127.0.0.1:0"];
    args.extend_from_slice(store);
    let server = common::Server::start(dir, &args);
    let addr = server.addr.clone();
    // Cases, each with a saved draft (a 速報 may be incomplete).
    let facts = r#"{"known_on":"2026-11-18","events":["leak"],"data_items":["name","email"],"cause":"misconfiguration","persons":1500}"#;
    let mut cases = Vec::new();
    for i in 0..120 {
        let (code, body) = http(
            &addr,
            "POST",
            "/api/v1/cases",
            &token,
            "",
            &format!(r#"{{"title":"事案{i}","facts":{facts}}}"#),
        )
        .unwrap();
        assert_eq!(code, 201, "{body}");
        let id = json_field(&body, "/case/id");
        let (code, body) = http(
            &addr,
            "PUT",
            &format!("/api/v1/cases/{id}/report/draft"),
            &token,
            "",
            r#"{"version":0,"content":{"form_version":"draft-2020-12","header":{"reporter_name":"株式会社キル"}}}"#,
        )
        .unwrap();
        assert_eq!(code, 200, "{body}");
        cases.push(id);
    }
    // The burst: 8 clients submitting 速報; SIGKILL once 30 were acknowledged.
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let next = Arc::new(AtomicUsize::new(0));
    let gone = Arc::new(AtomicBool::new(false));
    let cases = Arc::new(cases);
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (acked, next, gone, cases, addr, token) = (
                acked.clone(),
                next.clone(),
                gone.clone(),
                cases.clone(),
                addr.clone(),
                token.clone(),
            );
            std::thread::spawn(move || {
                while !gone.load(Ordering::SeqCst) {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(case) = cases.get(i) else { break };
                    let res = http(
                        &addr,
                        "POST",
                        &format!("/api/v1/cases/{case}/report/submissions"),
                        &token,
                        &format!("Idempotency-Key: burst-{i}\r\n"),
                        r#"{"stage":"quick_report","draft_version":1}"#,
                    );
                    match res {
                        Ok((201, body)) => acked
                            .lock()
                            .unwrap()
                            .push((case.clone(), json_field(&body, "/id"))),
                        Ok((code, body)) => panic!("{code}: {body}"),
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    while acked.lock().unwrap().len() < 30 {
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = server.pid();
    Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    gone.store(true, Ordering::SeqCst);
    for w in workers {
        w.join().unwrap();
    }
    drop(server);
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 30 && acked.len() < 120,
        "{} acked",
        acked.len()
    );

    // Restart: every acknowledged submission is there.
    let server = common::Server::start(dir, &args);
    for (case, sub) in &acked {
        let (code, body) = http(
            &server.addr,
            "GET",
            &format!("/api/v1/cases/{case}/report/submissions"),
            &token,
            "",
            "",
        )
        .unwrap();
        assert_eq!(code, 200, "{body}");
        assert!(
            body.contains(sub),
            "submission {sub} of case {case} was lost"
        );
    }
    assert!(server.stop());
    let mut c = roei(dir);
    c.args(["audit", "verify"]).args(store);
    let o = run(c, None);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(stdout(&o).starts_with("audit chain OK"), "{}", stdout(&o));
}

#[test]
fn sqlite_keeps_every_acknowledged_submission_through_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    kill_during_burst(dir.path(), &["--data-dir", data.to_str().unwrap()]);
}

#[test]
fn postgres_keeps_every_acknowledged_submission_through_sigkill() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (url, name) = rt.block_on(common::create_pg_database());
    let dir = tempfile::tempdir().unwrap();
    kill_during_burst(dir.path(), &["--database-url", &url]);
    rt.block_on(common::drop_pg_database(&name));
}
