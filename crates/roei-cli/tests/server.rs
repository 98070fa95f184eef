//! `roei serve`, `roei admin`, `roei audit verify` and `roei backup`: the real binary in temp
//! dirs.

mod common;

use std::path::Path;

use common::{Server, http_get, roei, run, stderr, stdout};
use sqlx::Connection as _;

/// Runs `roei ARGS` in `dir`.
fn roei_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut c = roei(dir);
    c.args(args);
    run(c, None)
}

/// The head `SEQ:HASH` of an `audit chain OK: …, head SEQ HASH` line.
fn head_of(line: &str) -> String {
    let rest = line
        .trim()
        .split_once(", head ")
        .unwrap_or_else(|| panic!("no head in {line:?}"))
        .1;
    rest.replacen(' ', ":", 1)
}

/// Runs SQL on the SQLite database at `path`, as an attacker with file access would.
fn tamper(path: &Path, sql: &'static str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
        let mut conn = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
        let done = sqlx::query(sql).execute(&mut conn).await.unwrap();
        assert_eq!(done.rows_affected(), 1, "{sql}");
        conn.close().await.unwrap();
    });
}

#[test]
fn serve_demo_on_port_0_prints_its_port_and_the_logins_and_answers_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(
        dir.path(),
        &["--listen", "127.0.0.1:0", "--data-dir", "data", "--demo"],
    );
    let first = server.out[0].clone();
    assert!(
        first.ends_with(&format!(
            "(sqlite: {})",
            Path::new("data").join("roei.sqlite3").display()
        )),
        "{first}"
    );
    assert!(!server.addr.ends_with(":0"), "the real port: {first}");
    server.wait_for(dir.path(), "liaison@npa.example");
    let out = server.out.join("\n");
    assert!(out.contains(&format!("{}/login", server.url)), "{out}");
    for (email, org, role) in [
        ("admin@shoji.example", "株式会社デモ商事", "admin"),
        ("member@shoji.example", "株式会社デモ商事", "member"),
        ("viewer@shoji.example", "株式会社デモ商事", "viewer"),
        ("admin@joho.example", "株式会社デモ情報サービス", "admin"),
        ("officer@ppc.example", "個人情報保護委員会", "member"),
        ("liaison@npa.example", "警察庁サイバー警察局", "member"),
    ] {
        let line = server
            .out
            .iter()
            .find(|l| l.contains(email))
            .unwrap_or_else(|| panic!("{email} not listed: {out}"));
        assert!(
            line.contains("roei-demo-2026")
                && line.contains(org)
                && line.trim_end().ends_with(role),
            "{line}"
        );
    }
    let (code, body) = http_get(&server.addr, "/healthz", None);
    assert_eq!(code, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"], "sqlite");
    assert!(server.stop(), "a graceful exit on SIGTERM");

    // A second start finds the data: nothing is seeded again, the logins are still printed.
    // (Its background job may still enqueue a reminder the first run had not reached, so the
    // audit log may grow; the organisations may not.)
    let orgs = |dir: &Path| {
        stdout(&roei_in(dir, &["admin", "list-orgs", "--data-dir", "data"]))
            .lines()
            .count()
    };
    // The story's five and the statistics history's three reporters.
    assert_eq!(orgs(dir.path()), 8);
    let mut again = Server::start(
        dir.path(),
        &["--listen", "127.0.0.1:0", "--data-dir", "data", "--demo"],
    );
    again.wait_for(dir.path(), "liaison@npa.example");
    assert!(again.stop());
    assert_eq!(orgs(dir.path()), 8, "nothing seeded again");
    let after = stdout(&roei_in(
        dir.path(),
        &["audit", "verify", "--data-dir", "data"],
    ));
    assert!(after.starts_with("audit chain OK: "), "{after}");
}

#[test]
fn admin_commands_build_an_organisation_and_tampering_breaks_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = roei_in(
        d,
        &[
            "admin",
            "create-org",
            "--name",
            "個人情報保護委員会",
            "--kind",
            "regulator",
            "--data-dir",
            "data",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = roei_in(
        d,
        &[
            "admin",
            "create-org",
            "--name",
            "株式会社テスト",
            "--kind",
            "operator",
            "--data-dir",
            "data",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let org = stdout(&o).trim().to_owned();
    assert_eq!(org.len(), 36, "a UUID: {org}");

    let mut c = roei(d);
    c.args([
        "admin",
        "create-user",
        "--org",
        &org,
        "--email",
        "Admin@Test.example",
        "--name",
        "管理者",
        "--role",
        "admin",
        "--password-stdin",
        "--data-dir",
        "data",
    ]);
    let o = run(c, Some("correct horse battery\n"));
    assert!(o.status.success(), "{}", stderr(&o));

    // The password from the environment, for reset-password.
    let mut c = roei(d);
    c.args([
        "admin",
        "reset-password",
        "--email",
        "admin@test.example",
        "--data-dir",
        "data",
    ])
    .env("ROEI_PASSWORD", "another long password");
    let o = run(c, None);
    assert!(o.status.success(), "{}", stderr(&o));

    let o = roei_in(
        d,
        &[
            "admin",
            "issue-token",
            "--email",
            "admin@test.example",
            "--name",
            "ci",
            "--data-dir",
            "data",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).trim().starts_with("roei_"), "{}", stdout(&o));

    let o = roei_in(d, &["admin", "list-orgs", "--data-dir", "data"]);
    assert!(stdout(&o).contains(&org) && stdout(&o).contains("株式会社テスト"));

    let o = roei_in(d, &["audit", "verify", "--data-dir", "data"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("audit chain OK: 5 events, head 5 "),
        "{}",
        stdout(&o)
    );

    tamper(
        &d.join("data").join("roei.sqlite3"),
        "UPDATE audit_events SET payload = '{}' WHERE seq = 2",
    );
    let o = roei_in(d, &["audit", "verify", "--data-dir", "data"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("audit chain BROKEN at event 2: "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn admin_errors_exit_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = roei_in(
        d,
        &[
            "admin",
            "create-org",
            "--name",
            "A",
            "--kind",
            "operator",
            "--data-dir",
            "data",
        ],
    );
    let org = stdout(&o).trim().to_owned();
    let user = |args: &[&str], env_password: Option<&str>, stdin: Option<&str>| {
        let mut c = roei(d);
        c.args(["admin", "create-user", "--data-dir", "data"])
            .args(args);
        if let Some(p) = env_password {
            c.env("ROEI_PASSWORD", p);
        }
        run(c, stdin)
    };
    let base = [
        "--org",
        org.as_str(),
        "--email",
        "a@a.example",
        "--name",
        "A",
    ];
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (vec!["--role", "admin"], None, "error: password: "),
        (
            vec!["--role", "boss"],
            Some("long enough password"),
            "error: role: ",
        ),
        (
            vec!["--role", "admin"],
            Some("short"),
            "error: password: must be at least 10",
        ),
    ];
    for (extra, password, want) in cases {
        let args: Vec<&str> = base.iter().copied().chain(extra).collect();
        let o = user(&args, password, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with(want), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    }
    let o = user(
        &[
            "--org",
            "nope",
            "--email",
            "a@a.example",
            "--name",
            "A",
            "--role",
            "admin",
        ],
        Some("long enough password"),
        None,
    );
    assert!(stderr(&o).starts_with("error: --org: "), "{}", stderr(&o));
    let ok = [
        "--org",
        org.as_str(),
        "--email",
        "a@a.example",
        "--name",
        "A",
        "--role",
        "admin",
        "--password-stdin",
    ];
    assert!(
        user(&ok, None, Some("long enough password\n"))
            .status
            .success()
    );
    let o = user(&ok, None, Some("long enough password\n"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("error: email: "), "{}", stderr(&o));

    for (args, want) in [
        (
            vec!["create-org", "--name", "X", "--kind", "bank"],
            "error: kind: ",
        ),
        (
            vec![
                "create-org",
                "--name",
                "X",
                "--kind",
                "operator",
                "--regime",
                "eu",
            ],
            "error: regime: ",
        ),
        (
            vec!["create-org", "--name", " ", "--kind", "police"],
            "error: name: ",
        ),
        (
            vec![
                "create-org",
                "--name",
                "X",
                "--kind",
                "police",
                "--regime",
                "private",
            ],
            "error: regime: ",
        ),
        (
            vec!["issue-token", "--email", "nobody@a.example", "--name", "x"],
            "error: email: ",
        ),
        (
            vec!["entrust", "--entruster", &org, "--entrustee", &org],
            "error: entrustee: ",
        ),
    ] {
        let mut c = roei(d);
        c.arg("admin").args(&args).args(["--data-dir", "data"]);
        let o = run(c, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with(want), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn expect_head_detects_deleting_the_newest_events() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let org = |name: &str| {
        let o = roei_in(
            d,
            &[
                "admin",
                "create-org",
                "--name",
                name,
                "--kind",
                "regulator",
                "--data-dir",
                "data",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    org("R1");
    org("R2");
    let o = roei_in(d, &["audit", "verify", "--data-dir", "data"]);
    let old_head = head_of(&stdout(&o));
    assert!(old_head.starts_with("2:"), "{old_head}");
    org("R3");
    let o = roei_in(d, &["audit", "verify", "--data-dir", "data"]);
    let new_head = head_of(&stdout(&o));
    assert!(new_head.starts_with("3:"), "{new_head}");
    // An older head is still part of a longer chain.
    let o = roei_in(
        d,
        &[
            "audit",
            "verify",
            "--data-dir",
            "data",
            "--expect-head",
            &old_head,
        ],
    );
    assert!(o.status.success(), "{}", stdout(&o));

    tamper(
        &d.join("data").join("roei.sqlite3"),
        "DELETE FROM audit_events WHERE seq = 3",
    );
    // The chain alone cannot tell…
    let o = roei_in(d, &["audit", "verify", "--data-dir", "data"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).starts_with("audit chain OK: 2 events"));
    // …the remembered head can.
    let o = roei_in(
        d,
        &[
            "audit",
            "verify",
            "--data-dir",
            "data",
            "--expect-head",
            &new_head,
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let line = stdout(&o);
    assert!(
        line.starts_with("audit chain BROKEN at event 3: ") && line.contains("deleted"),
        "{line}"
    );
    // A different hash for an event still there.
    let wrong = format!("2:{}", "0".repeat(64));
    let o = roei_in(
        d,
        &[
            "audit",
            "verify",
            "--data-dir",
            "data",
            "--expect-head",
            &wrong,
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("audit chain BROKEN at event 2: its hash is "));
    // A malformed head is bad input.
    let o = roei_in(
        d,
        &[
            "audit",
            "verify",
            "--data-dir",
            "data",
            "--expect-head",
            "3",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: --expect-head: "),
        "{}",
        stderr(&o)
    );
    // The help explains why the flag exists.
    let o = roei_in(d, &["audit", "verify", "--help"]);
    assert!(
        stdout(&o).contains("deletion of the newest events"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn audit_verify_and_backup_refuse_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let o = roei_in(
        dir.path(),
        &["audit", "verify", "--data-dir", "nothing-here"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: data_dir (from flag --data-dir): "),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("nothing-here").exists(), "nothing created");
    let o = roei_in(
        dir.path(),
        &[
            "backup",
            "--output",
            "b.sqlite3",
            "--database-url",
            "postgres://x@y/z",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("pg_dump"), "{}", stderr(&o));
}

#[test]
fn backup_while_serving_is_a_verifiable_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut server = Server::start(
        d,
        &["--listen", "127.0.0.1:0", "--data-dir", "live", "--demo"],
    );
    server.wait_for(d, "liaison@npa.example");
    std::fs::create_dir(d.join("copy")).unwrap();
    let target = d.join("copy").join("roei.sqlite3");
    let target = target.to_str().unwrap();
    let o = roei_in(d, &["backup", "--output", target, "--data-dir", "live"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let head = out
        .lines()
        .find_map(|l| l.strip_prefix("audit head of the backup: "))
        .unwrap_or_else(|| panic!("{out}"))
        .replacen(' ', ":", 1);
    assert!(out.contains(" bytes)"), "{out}");
    // The server keeps answering during and after the backup.
    assert_eq!(http_get(&server.addr, "/healthz", None).0, 200);

    let o = roei_in(
        d,
        &[
            "audit",
            "verify",
            "--data-dir",
            "copy",
            "--expect-head",
            &head,
        ],
    );
    assert!(o.status.success(), "{} {}", stdout(&o), stderr(&o));
    assert_eq!(head_of(&stdout(&o)), head);
    // The live chain still contains the backup's head.
    let o = roei_in(
        d,
        &[
            "audit",
            "verify",
            "--data-dir",
            "live",
            "--expect-head",
            &head,
        ],
    );
    assert!(o.status.success(), "{}", stdout(&o));

    let o = roei_in(d, &["backup", "--output", target, "--data-dir", "live"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: --output: "),
        "{}",
        stderr(&o)
    );
    assert!(server.stop());
}

fn print_config(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> serde_json::Value {
    let mut c = roei(dir);
    c.args(["serve", "--print-config"]).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = run(c, None);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn flags_beat_environment_beat_file_beat_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let defaults = print_config(d, &[], &[]);
    assert_eq!(defaults["listen"], "127.0.0.1:8080");
    assert_eq!(defaults["data_dir"], "./roei-data");
    assert_eq!(defaults["demo"], false);
    assert_eq!(defaults["config_file"], serde_json::Value::Null);

    std::fs::write(
        d.join("roei.toml"),
        "listen = \"127.0.0.1:1111\"\ndata_dir = \"from-file\"\nsecure_cookies = true\n",
    )
    .unwrap();
    let env = [("ROEI_LISTEN", "127.0.0.1:2222")];
    let v = print_config(d, &env, &["--listen", "127.0.0.1:3333"]);
    assert_eq!(v["listen"], "127.0.0.1:3333", "the flag wins");
    assert_eq!(v["data_dir"], "from-file");
    assert_eq!(v["secure_cookies"], true);
    assert_eq!(v["config_file"], "roei.toml");
    assert_eq!(
        print_config(d, &env, &[])["listen"],
        "127.0.0.1:2222",
        "then the environment"
    );
    assert_eq!(
        print_config(d, &[], &[])["listen"],
        "127.0.0.1:1111",
        "then the file"
    );

    // --config and ROEI_CONFIG name another file; the flag wins over the variable.
    std::fs::write(d.join("a.toml"), "listen = \"127.0.0.1:4444\"\n").unwrap();
    std::fs::write(d.join("b.toml"), "listen = \"127.0.0.1:5555\"\n").unwrap();
    let v = print_config(d, &[("ROEI_CONFIG", "b.toml")], &["--config", "a.toml"]);
    assert_eq!(v["listen"], "127.0.0.1:4444");
    let v = print_config(d, &[("ROEI_CONFIG", "b.toml")], &[]);
    assert_eq!(v["listen"], "127.0.0.1:5555");

    // Every setting from the environment; the URL's password is masked.
    let v = print_config(
        d,
        &[
            ("ROEI_DATA_DIR", "env-data"),
            ("ROEI_DATABASE_URL", "postgres://roei:s3cret@db:5432/roei"),
            ("ROEI_DEMO", "1"),
            ("ROEI_SMTP_URL", "smtp://mail:25?tls=none"),
            ("ROEI_MAIL_FROM", "roei@example.jp"),
            ("ROEI_SECURE_COOKIES", "false"),
            ("ROEI_LOG_FORMAT", "json"),
        ],
        &[],
    );
    assert_eq!(v["data_dir"], "env-data");
    assert_eq!(v["database_url"], "postgres://roei:***@db:5432/roei");
    assert_eq!(v["demo"], true);
    assert_eq!(v["smtp_url"], "smtp://mail:25?tls=none");
    assert_eq!(v["mail_from"], "roei@example.jp");
    assert_eq!(v["secure_cookies"], false);
    assert_eq!(v["log_format"], "json");
    assert!(
        !stdout(&{
            let mut c = roei(d);
            c.args(["serve", "--print-config"])
                .env("ROEI_DATABASE_URL", "postgres://roei:s3cret@db/roei");
            run(c, None)
        })
        .contains("s3cret")
    );
}

#[test]
fn the_example_config_documents_every_key_and_parses_to_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../roei.example.toml");
    let text = std::fs::read_to_string(&example).unwrap();
    for key in roei_cli::config::KEYS {
        assert!(text.contains(&format!("{key} = ")), "{key} undocumented");
        assert!(
            text.contains(&format!("ROEI_{}", key.to_ascii_uppercase())),
            "{key}'s variable undocumented"
        );
    }
    let mut v = print_config(dir.path(), &[], &["--config", example.to_str().unwrap()]);
    let mut defaults = print_config(dir.path(), &[], &[]);
    v["config_file"] = serde_json::Value::Null;
    defaults["config_file"] = serde_json::Value::Null;
    assert_eq!(v, defaults);
}

/// Runs `roei serve` expecting exit 2 and one line on stderr containing every `want`.
fn bad_config(dir: &Path, env: &[(&str, &str)], args: &[&str], want: &[&str]) {
    let mut c = roei(dir);
    c.arg("serve").args(["--data-dir", "data"]).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = common::run_briefly(c);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?} {env:?}: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for w in want {
        assert!(err.contains(w), "{w:?} not in {err}");
    }
}

#[test]
fn a_bad_setting_exits_2_naming_it_and_its_source() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    bad_config(
        d,
        &[],
        &["--listen", "localhost"],
        &["error: listen", "flag --listen"],
    );
    bad_config(
        d,
        &[("ROEI_DEMO", "maybe")],
        &[],
        &["error: demo", "ROEI_DEMO"],
    );
    bad_config(
        d,
        &[("ROEI_SECURE_COOKIES", "sure")],
        &[],
        &["error: secure_cookies", "ROEI_SECURE_COOKIES"],
    );
    bad_config(
        d,
        &[("ROEI_DATABASE_URL", "mysql://x")],
        &[],
        &["error: database_url", "ROEI_DATABASE_URL"],
    );
    bad_config(
        d,
        &[("ROEI_SMTP_URL", "smtp://mail.example:25")],
        &[],
        &["error: mail_from", "ROEI_SMTP_URL"],
    );
    bad_config(
        d,
        &[
            ("ROEI_SMTP_URL", "bogus://x"),
            ("ROEI_MAIL_FROM", "roei@example.jp"),
        ],
        &[],
        &["error: smtp_url", "ROEI_SMTP_URL"],
    );
    bad_config(
        d,
        &[
            ("ROEI_MAIL_DIR", "mail"),
            ("ROEI_MAIL_FROM", "not an address"),
        ],
        &[],
        &["error: mail_from", "ROEI_MAIL_FROM"],
    );
    bad_config(
        d,
        &[],
        &["--config", "missing.toml"],
        &["error: config", "missing.toml"],
    );

    std::fs::write(d.join("roei.toml"), "listen = 8080\n").unwrap();
    bad_config(d, &[], &[], &["error: listen", "config file roei.toml"]);
    std::fs::write(d.join("roei.toml"), "lisen = \"127.0.0.1:1\"\n").unwrap();
    bad_config(
        d,
        &[],
        &[],
        &["error: lisen", "unknown setting", "roei.toml"],
    );
    std::fs::write(d.join("roei.toml"), "listen = \"127.0.0.1:1\n").unwrap();
    bad_config(d, &[], &[], &["error: config", "roei.toml", "TOML"]);
    std::fs::write(d.join("roei.toml"), "log_format = \"xml\"\n").unwrap();
    bad_config(d, &[], &[], &["error: log_format", "roei.toml"]);
}

/// `serve --demo --database-url`: the demo on a fresh PostgreSQL database.
#[test]
fn serve_demo_on_postgres() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (url, name) = rt.block_on(common::create_pg_database());
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let result = std::panic::catch_unwind(|| {
        let mut server = Server::start(
            d,
            &["--listen", "127.0.0.1:0", "--demo", "--database-url", &url],
        );
        assert!(server.out[0].ends_with("(postgres)"), "{}", server.out[0]);
        server.wait_for(d, "liaison@npa.example");
        let (code, body) = http_get(&server.addr, "/healthz", None);
        assert_eq!(code, 200);
        assert!(body.contains("\"postgres\""), "{body}");
        let o = roei_in(d, &["audit", "verify", "--database-url", &url]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).starts_with("audit chain OK: "), "{}", stdout(&o));
        assert!(server.stop());
    });
    rt.block_on(common::drop_pg_database(&name));
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
