//! Deadline reminders: enqueued once per reminder and sent once, even with two server instances
//! running the job at the same time on one PostgreSQL; kept in the outbox without a mailer.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use std::sync::Arc;

use common::{
    Backend, Client, TestClock, database, ransomware_facts, second_store, start_on, world,
};
use roei_web::AppState;
use roei_web::jobs::{self, MailConfig};
use serde_json::json;

fn state_on(store: Arc<dyn roei_domain::Store>, clock: &TestClock) -> AppState {
    let mut s = AppState::new(store, roei_web::WebConfig::default());
    let c = clock.clone();
    s.clock = Arc::new(move || c.now());
    s
}

async fn open_cases(server: &common::Server, n: usize) {
    let a = Client::login(server, "member@a.example").await;
    for i in 0..n {
        let r = a
            .post(
                "/api/v1/cases",
                &json!({"title": format!("事案{i}"), "facts": ransomware_facts()}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_send_each_reminder_once() {
    let clock = TestClock::at("2026-11-20T01:00:00Z");
    let db = database(Backend::Postgres).await;
    let other = second_store(&db).await;
    let server = start_on(db, clock.clone()).await;
    world(&*server.db.store).await;
    open_cases(&server, 4).await;
    // Known 2026-11-18: the 速報 guide window ends 2026-11-22. On 11-20 that is 2 days away.
    let dir = tempfile::tempdir().unwrap();
    let mail = MailConfig::Directory {
        path: dir.path().to_owned(),
        from: "roei@example.jp".into(),
    };
    let m1 = jobs::mailer(&mail).unwrap().unwrap();
    let m2 = jobs::mailer(&mail).unwrap().unwrap();
    let s1 = state_on(server.db.store.clone(), &clock);
    let s2 = state_on(other, &clock);
    for _ in 0..3 {
        let (a, b) = tokio::join!(
            jobs::run_once(&s1, Some(&*m1), "instance-1"),
            jobs::run_once(&s2, Some(&*m2), "instance-2"),
        );
        a.unwrap();
        b.unwrap();
    }
    // 4 cases × 2 writers (admin and member of A; viewers get none) = 8 reminders.
    let outbox = server.db.store.list_outbox(None, 1000).await.unwrap();
    assert_eq!(outbox.len(), 8, "{outbox:#?}");
    assert!(
        outbox
            .iter()
            .all(|m| m.sent_at.is_some() && m.attempts == 1)
    );
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(files, 8, "each reminder sent exactly once");
    // A day later the same reminder is not sent again; overdue ones come when due passes.
    clock.set("2026-11-21T01:00:00Z");
    let (a, b) = tokio::join!(
        jobs::run_once(&s1, Some(&*m1), "instance-1"),
        jobs::run_once(&s2, Some(&*m2), "instance-2"),
    );
    assert_eq!(a.unwrap().0 + b.unwrap().0, 0);
    clock.set("2026-11-24T01:00:00Z");
    let (a, b) = tokio::join!(
        jobs::run_once(&s1, Some(&*m1), "instance-1"),
        jobs::run_once(&s2, Some(&*m2), "instance-2"),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.0 + b.0, 8, "the overdue reminders");
    assert_eq!(a.1 + b.1, 8);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 16);
    let one = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let eml = std::fs::read_to_string(one).unwrap();
    assert!(eml.contains("Subject:"), "{eml}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_mailer_reminders_wait_in_the_outbox() {
    let clock = TestClock::at("2026-11-20T01:00:00Z");
    let server = start_on(database(Backend::Sqlite).await, clock.clone()).await;
    world(&*server.db.store).await;
    open_cases(&server, 1).await;
    let s = state_on(server.db.store.clone(), &clock);
    assert_eq!(jobs::run_once(&s, None, "w").await.unwrap(), (2, 0, 0));
    assert_eq!(jobs::run_once(&s, None, "w").await.unwrap(), (0, 0, 0));
    let a = Client::login(&server, "viewer@a.example").await;
    let outbox = a.get("/api/v1/outbox").await;
    assert_eq!(outbox.status, 200);
    let list = outbox.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|m| m["sent_at"].is_null()));
    assert!(list[0]["subject"].as_str().unwrap().contains("速報"));
    // Another operator sees none of them.
    let b = Client::login(&server, "admin@b.example").await;
    assert_eq!(b.get("/api/v1/outbox").await.body, json!([]));
}

/// A minimal SMTP server that accepts every message and keeps its DATA.
async fn smtp_sink() -> (String, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let got: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let store = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap());
                            w.write_all(b"250 OK queued\r\n").await.unwrap();
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"250 OK\r\n",
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (addr, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_out_by_smtp() {
    let clock = TestClock::at("2026-11-20T01:00:00Z");
    let server = start_on(database(Backend::Sqlite).await, clock.clone()).await;
    world(&*server.db.store).await;
    open_cases(&server, 1).await;
    let (addr, got) = smtp_sink().await;
    let mailer = jobs::mailer(&MailConfig::Smtp {
        url: format!("smtp://{addr}"),
        from: "roei@example.jp".into(),
    })
    .unwrap()
    .unwrap();
    let s = state_on(server.db.store.clone(), &clock);
    assert_eq!(
        jobs::run_once(&s, Some(&*mailer), "w").await.unwrap(),
        (2, 2, 0)
    );
    let mails = got.lock().unwrap().clone();
    assert_eq!(mails.len(), 2);
    assert!(
        mails.iter().any(|m| m.contains("To: admin@a.example")),
        "{mails:?}"
    );
    assert!(mails.iter().all(|m| m.contains("Subject:")));
    // Sent once: the next round sends nothing.
    assert_eq!(
        jobs::run_once(&s, Some(&*mailer), "w").await.unwrap(),
        (0, 0, 0)
    );
    // A mail server that refuses: the message stays in the outbox with the error, for a retry.
    let dead = jobs::mailer(&MailConfig::Smtp {
        url: "smtp://127.0.0.1:9".into(),
        from: "roei@example.jp".into(),
    })
    .unwrap()
    .unwrap();
    open_cases(&server, 1).await;
    let (_, sent, failed) = jobs::run_once(&s, Some(&*dead), "w").await.unwrap();
    assert_eq!((sent, failed), (0, 2));
    let outbox = server.db.store.list_outbox(None, 10).await.unwrap();
    assert!(
        outbox
            .iter()
            .filter(|m| m.sent_at.is_none())
            .all(|m| m.last_error.is_some())
    );
}
