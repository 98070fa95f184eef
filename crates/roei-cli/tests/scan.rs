//! `roei scan` on the real binary, in temp dirs, held to scan-contract.md.

mod common;

use std::path::Path;

use serde_json::Value;

fn scan(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let o = common::run_briefly({
        let mut c = common::roei(dir);
        c.arg("scan").args(args);
        c
    });
    let v = serde_json::from_slice(&o.stdout).unwrap_or(Value::Null);
    (o.status.code().unwrap_or(-1), v, common::stderr(&o))
}

#[test]
fn json_has_every_contract_field_and_the_generators_truth() {
    let d = tempfile::tempdir().unwrap();
    let leak = d.path().join("leak");
    std::fs::create_dir(&leak).unwrap();
    let truth = roei_scan::generate::write_leak(&leak, 3, 400).unwrap();
    let (code, v, err) = scan(
        d.path(),
        &["leak", "--format", "json", "--threads", "2", "--quiet"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["files"], truth.files);
    assert_eq!(v["records"], truth.records);
    assert_eq!(v["persons"], truth.persons);
    assert_eq!(
        v["persons_with_card_number"],
        truth.persons_with_card_number
    );
    assert_eq!(v["items"], serde_json::json!(truth.items()));
    assert_eq!(v["item_records"], serde_json::json!(truth.item_records));
    assert_eq!(v["facts"]["persons"], truth.persons);
    assert_eq!(v["facts"]["data_items"], v["items"]);
    assert_eq!(v["errors"], serde_json::json!([]));
    assert!(v["bytes"].as_u64().unwrap() > 100_000);
    assert!(v["elapsed_ms"].is_u64());
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = [
        "files",
        "bytes",
        "records",
        "persons",
        "persons_with_card_number",
        "items",
        "item_records",
        "facts",
        "errors",
        "elapsed_ms",
    ];
    want.sort_unstable();
    assert_eq!(keys, want);
    // The facts merge into an assess facts object as they are.
    let mut facts = serde_json::json!({"known_on": "2026-11-30", "events": ["leak"], "cause": "unauthorized_access"});
    for (k, val) in v["facts"].as_object().unwrap() {
        facts[k] = val.clone();
    }
    let f = d.path().join("facts.json");
    std::fs::write(&f, facts.to_string()).unwrap();
    let o = common::run_briefly({
        let mut c = common::roei(d.path());
        c.args(["assess", "facts.json", "--format", "json"]);
        c
    });
    assert!(o.status.success(), "{}", common::stderr(&o));
    let det: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(det["report_required"], true);
}

#[test]
fn snapshot_of_a_small_mixed_leak() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    std::fs::write(
        p.join("会員.csv"),
        "氏名,生年月日,電話番号,カード番号,注文番号\n山田 太郎,1980-01-02,03-1234-5678,4111 1111 1111 1111,4111111111111112\n佐藤 花子,1990/3/4,,,4000000000000001\n",
    )
    .unwrap();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS
        .encode("お名前,生年月日,病名\r\n山田　太郎,昭和55年1月2日,糖尿病\r\n");
    std::fs::write(p.join("sjis.csv"), &sjis).unwrap();
    std::fs::write(
        p.join("app.log"),
        "バッチ開始\n着信 +81 3-1234-5678\nマイナンバー: 123456789018\n",
    )
    .unwrap();
    std::fs::write(p.join("empty.txt"), "").unwrap();
    let (code, mut v, err) = scan(p, &[".", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("empty.txt: empty file"), "{err}");
    v["elapsed_ms"] = 0.into();
    insta::assert_json_snapshot!("scan_small_mixed_leak", v);
    let o = common::run_briefly({
        let mut c = common::roei(p);
        c.args([
            "scan",
            "会員.csv",
            "sjis.csv",
            "app.log",
            "--format",
            "text",
        ]);
        c
    });
    let text = common::stdout(&o);
    let text: Vec<&str> = text.lines().filter(|l| !l.contains(" ms")).collect();
    let text = text.join("\n");
    insta::assert_snapshot!("scan_small_mixed_leak_text", text);
}

#[test]
fn nothing_scanned_exits_2_with_the_errors_on_stderr() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("empty.csv"), "").unwrap();
    let (code, v, err) = scan(d.path(), &["empty.csv", "missing.csv"]);
    assert_eq!(code, 2);
    assert_eq!(v["files"], 0);
    assert_eq!(v["errors"].as_array().unwrap().len(), 2);
    assert!(err.contains("missing.csv: cannot open"), "{err}");
    assert!(err.contains("empty.csv: empty file"), "{err}");
}

#[test]
fn encoding_flag_forces_the_decoding() {
    let d = tempfile::tempdir().unwrap();
    let (sjis, _, _) =
        encoding_rs::SHIFT_JIS.encode("氏名,メール\r\n山田　太郎,taro@example.jp\r\n");
    std::fs::write(d.path().join("s.csv"), &sjis).unwrap();
    let (code, v, _) = scan(d.path(), &["s.csv", "--encoding", "shift_jis"]);
    assert_eq!(code, 0);
    assert_eq!(v["items"], serde_json::json!(["email", "name"]));
    // Read as UTF-8 only, the header is undecodable: the file is in errors, the data row read.
    let (_, v, _) = scan(d.path(), &["s.csv", "--encoding", "utf-8"]);
    assert!(
        v["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("invalid UTF-8"),
        "{v}"
    );
    let (code, _, err) = scan(d.path(), &["s.csv", "--threads", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("--threads"), "{err}");
    let (code, _, err) = scan(d.path(), &["s.csv", "--encoding", "latin1"]);
    assert_eq!(code, 2, "clap's usage error");
    assert!(err.contains("--encoding"), "{err}");
}
