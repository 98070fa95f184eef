//! The real `roei` binary, run in temp dirs, held to assess-contract.md to the letter.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn roei(args: &[&str], stdin: Option<&str>) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_roei"))
        .args(args)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn roei");
    let mut pipe = child.stdin.take().expect("stdin");
    pipe.write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(pipe);
    child.wait_with_output().expect("roei output")
}

fn with_file(name: &str, content: &str, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, content).expect("write input");
    let path = path.to_str().expect("utf-8 path").to_owned();
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "FILE" { path.as_str() } else { a })
        .collect();
    roei(&args, None)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

const RANSOMWARE: &str = r#"{"known_on":"2026-11-30","events":["leak","damage"],"suspected":true,"data_items":["name","medical_history"],"cause":"ransomware","persons":12000}"#;

#[test]
fn assess_json_has_every_contract_field_with_its_type() {
    let o = roei(&["assess", "-", "--format", "json"], Some(RANSOMWARE));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("one JSON object");
    assert_eq!(v["law_version"], "2024-04-01");
    assert_eq!(v["rule"], "規則7条");
    assert_eq!(v["report_required"], true);
    assert_eq!(v["items"], serde_json::json!([1, 3, 4]));
    assert_eq!(v["exemptions"], serde_json::json!([]));
    assert_eq!(v["individual_notice_required"], true);
    assert_eq!(v["final_report_days"], 60);
    assert_eq!(v["final_report_due"], "2027-01-28");
    assert_eq!(
        v["quick_report_guide"],
        serde_json::json!({"from": "2026-12-02", "to": "2026-12-04"})
    );
    assert_eq!(v["entruster_notice_required"], false);
    assert_eq!(v["police_consultation_recommended"], true);
    let reasons = v["reasons"].as_array().expect("reasons array");
    assert!(reasons.len() >= 5);
    for r in reasons {
        assert!(r["citation"].as_str().is_some_and(|c| !c.is_empty()));
        assert!(r["text"].as_str().is_some_and(|t| !t.is_empty()));
    }
    insta::assert_json_snapshot!("assess_ransomware_json", v);
}

#[test]
fn assess_nothing_due_has_nulls_and_empty_lists() {
    let facts = r#"{"known_on":"2026-11-20","events":["leak"],"data_items":["name","email"],"cause":"missent_email","persons":10}"#;
    let o = roei(&["assess", "-", "--format", "json"], Some(facts));
    assert!(o.status.success());
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["report_required"], false);
    assert_eq!(v["items"], serde_json::json!([]));
    assert_eq!(v["exemptions"], serde_json::json!([]));
    assert_eq!(v["individual_notice_required"], false);
    for key in [
        "final_report_days",
        "final_report_due",
        "quick_report_guide",
    ] {
        assert!(v[key].is_null(), "{key} should be null");
    }
}

#[test]
fn assess_notice_difficult_is_null() {
    let facts = r#"{"known_on":"2026-11-20","events":["leak"],"data_items":["card_number"],"cause":"unauthorized_access","persons":10,"notice_difficult":true}"#;
    let o = roei(&["assess", "-", "--format", "json"], Some(facts));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        v.as_object()
            .unwrap()
            .contains_key("individual_notice_required")
    );
    assert!(v["individual_notice_required"].is_null());
}

#[test]
fn assess_text_is_the_default_answer_first_then_reasons_then_dates() {
    let o = with_file("facts.json", RANSOMWARE, &["assess", "FILE"]);
    assert!(o.status.success());
    let text = stdout(&o);
    let (a, r, d) = (
        text.find("【判定】").unwrap(),
        text.find("【理由】").unwrap(),
        text.find("【日付】").unwrap(),
    );
    assert!(a < r && r < d);
    assert!(text.starts_with("【判定】個人情報保護委員会への報告が必要です"));
    assert!(text.contains("〔規則7条3号〕"));
    assert!(text.contains("令和9年1月28日"));
}

#[test]
fn assess_lang_en_translates_text_and_reasons() {
    let o = roei(&["assess", "-", "--lang", "en"], Some(RANSOMWARE));
    assert!(stdout(&o).starts_with("DETERMINATION: a report"));
    let o = roei(
        &["assess", "-", "--format", "json", "--lang", "en"],
        Some(RANSOMWARE),
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        v["reasons"][1]["text"]
            .as_str()
            .unwrap()
            .contains("item 1 applies")
    );
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_field_and_writes_nothing() {
    let cases = [
        (
            r#"{"known_on":"2026-11-22","events":["leak"],"persns":3}"#,
            "persns",
        ),
        (
            r#"{"known_on":"2026-11-22","events":["leak"],"suspected":"no"}"#,
            "suspected",
        ),
        (r#"{"known_on":"2026-02-30","events":["leak"]}"#, "known_on"),
        (r#"{"known_on":"2026-11-22","events":[]}"#, "events"),
        (
            r#"{"known_on":"2026-11-22","events":["leak"],"persons":-5}"#,
            "persons",
        ),
        (
            r#"{"known_on":"2026-11-22","events":["leak"],"ordinance_sensitive":true}"#,
            "ordinance_sensitive",
        ),
        (
            r#"{"regime":"private","known_on":"2026-11-22","events":["leak"],"non_disclosure_info":true}"#,
            "non_disclosure_info",
        ),
        (
            r#"{"regime":"national_public","known_on":"2026-11-22","events":["leak"],"pseudonymized":true}"#,
            "pseudonymized",
        ),
        (
            r#"{"known_on":"2026-11-22","events":["leak"],"cause":"hacking"}"#,
            "cause",
        ),
        (
            r#"{"known_on":"2026-11-22","events":["leak"],"data_items":["name","shoe_size"]}"#,
            "data_items[1]",
        ),
        (r#"{"events":["leak"]}"#, "known_on"),
        (r#"{"known_on":"2026-11-22"}"#, "events"),
        (
            r#"{"regime":"corporate","known_on":"2026-11-22","events":["leak"]}"#,
            "regime",
        ),
    ];
    for (json, field) in cases {
        let o = roei(&["assess", "-", "--format", "json"], Some(json));
        assert_eq!(o.status.code(), Some(2), "{json}");
        assert!(o.stdout.is_empty(), "{json}: wrote to stdout");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{json}: {err}");
        assert!(
            err.starts_with(&format!("error: {field}: ")),
            "{json}: {err}"
        );
    }
}

#[test]
fn missing_file_is_bad_input() {
    let o = roei(&["assess", "/nonexistent/facts.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/facts.json"));
}

#[test]
fn batch_gives_one_line_per_input_line_and_goes_on_after_errors() {
    let input = [
        RANSOMWARE,
        r#"{"known_on":"2026-02-30","events":["leak"]}"#,
        "",
        r#"{"regime":"national_public","known_on":"2026-09-01","events":["loss"],"persons":101}"#,
        "not json",
    ]
    .join("\n");
    let o = with_file("facts.jsonl", &input, &["assess", "--batch", "FILE"]);
    assert_eq!(o.status.code(), Some(2));
    let out = stdout(&o);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["items"], serde_json::json!([1, 3, 4]));
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .starts_with("line 2: known_on: ")
    );
    assert!(lines[2]["error"].as_str().unwrap().starts_with("line 3: "));
    assert_eq!(lines[3]["rule"], "規則43条");
    assert_eq!(lines[3]["items"], serde_json::json!([4]));
    assert!(lines[4]["error"].as_str().unwrap().starts_with("line 5: "));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 3);
    assert!(err.lines().all(|l| l.starts_with("error: line ")));
}

#[test]
fn batch_all_good_exits_0_from_stdin() {
    let input = format!("{RANSOMWARE}\n{RANSOMWARE}\n");
    let o = roei(&["assess", "--batch", "-"], Some(&input));
    assert!(o.status.success());
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn deadline_json_rolls_over_the_year_end() {
    let o = roei(
        &["deadline", "--known-on", "2026-11-30", "--format", "json"],
        None,
    );
    assert!(o.status.success());
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["known_on"], "2026-11-30");
    assert_eq!(v["days"], 30);
    assert_eq!(v["due"], "2027-01-04");
    assert_eq!(
        v["rolled_over"],
        serde_json::json!([
            "2026-12-29",
            "2026-12-30",
            "2026-12-31",
            "2027-01-01",
            "2027-01-02",
            "2027-01-03"
        ])
    );
    let o = roei(
        &[
            "deadline",
            "--known-on",
            "2026-08-24",
            "--days",
            "30",
            "--format",
            "json",
        ],
        None,
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    // Day 30 is 2026-09-22 (国民の休日), then 9/23 秋分の日 → due 9/24.
    assert_eq!(v["due"], "2026-09-24");
    assert_eq!(
        v["rolled_over"],
        serde_json::json!(["2026-09-22", "2026-09-23"])
    );
}

#[test]
fn deadline_bad_input_exits_2() {
    for args in [
        &["deadline", "--known-on", "2026-02-29"][..],
        &["deadline", "--known-on", "2026-11-30", "--days", "45"][..],
        &["deadline"][..],
    ] {
        let o = roei(args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn holidays_json_lists_the_years_days() {
    let o = roei(&["holidays", "2019", "--format", "json"], None);
    assert!(o.status.success());
    let v: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let dates: Vec<&str> = v.iter().map(|h| h["date"].as_str().unwrap()).collect();
    for d in [
        "2019-04-30",
        "2019-05-01",
        "2019-05-02",
        "2019-05-06",
        "2019-10-22",
    ] {
        assert!(dates.contains(&d), "{d} missing");
    }
    assert!(!dates.contains(&"2019-12-23"), "no 天皇誕生日 in 2019");
    assert!(dates.windows(2).all(|w| w[0] < w[1]));
    assert!(
        v.iter()
            .all(|h| h["name"].as_str().is_some_and(|n| !n.is_empty()))
    );
    let o = roei(&["holidays", "2026", "--format", "json"], None);
    let v: Vec<Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.len(), 18);
    assert_eq!(
        v[13],
        serde_json::json!({"date": "2026-09-22", "name": "休日"})
    );
}

#[test]
fn holidays_text_says_when_equinoxes_are_computed() {
    let o = roei(&["holidays", "2030"], None);
    assert!(o.status.success());
    assert!(stdout(&o).contains("推定"));
    let o = roei(&["holidays", "2026"], None);
    assert!(!stdout(&o).contains("近似式"));
}

#[test]
fn holidays_outside_the_law_exit_2() {
    for y in ["1954", "2151", "abc"] {
        let o = roei(&["holidays", y], None);
        assert_eq!(o.status.code(), Some(2), "{y}");
    }
}

#[test]
fn shipped_examples_are_valid() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for name in ["ransomware.json", "missent-email.json"] {
        let p = root.join(name);
        let o = roei(&["assess", p.to_str().unwrap()], None);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
    }
    let p = root.join("batch.jsonl");
    let o = roei(&["assess", "--batch", p.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", stderr(&o));
}
