//! Runs every scenario in `scenarios/*.toml` (written from the PPC's guideline 3-5 and Q&A
//! chapter 6, each citing its source) through the engine and compares the expected fields.

use std::collections::BTreeSet;
use std::path::Path;

use roei_law::{Facts, Lang, assess};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scenario: Vec<Scenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    id: String,
    source: String,
    quote: String,
    #[serde(default)]
    #[allow(dead_code)] // documentation for the reader of the data file
    note: Option<String>,
    facts: toml::Table,
    expect: toml::Table,
    /// Output fields expected to be JSON null (TOML cannot write null).
    #[serde(default)]
    expect_null: Vec<String>,
}

fn load() -> Vec<(String, Scenario)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read scenario file");
        let file: File =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.extend(file.scenario.into_iter().map(|s| (name.clone(), s)));
    }
    out
}

#[test]
fn every_scenario_is_decided_as_the_commission_decides() {
    let scenarios = load();
    assert!(scenarios.len() >= 60, "only {} scenarios", scenarios.len());
    let mut ids = BTreeSet::new();
    let mut failures = Vec::new();
    for (file, s) in &scenarios {
        assert!(ids.insert(s.id.clone()), "duplicate scenario id {}", s.id);
        assert!(
            !s.source.trim().is_empty() && !s.quote.trim().is_empty(),
            "{}: source and quote are required",
            s.id
        );
        assert!(
            s.expect.contains_key("report_required") && s.expect.contains_key("items"),
            "{}: every scenario states report_required and items",
            s.id
        );
        let facts_json = serde_json::to_value(&s.facts).expect("facts to JSON");
        let facts = match Facts::from_value(&facts_json) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{file} {}: facts rejected: {e}", s.id));
                continue;
            }
        };
        let det = assess(&facts);
        let got = serde_json::to_value(det.localized(Lang::Ja)).expect("determination to JSON");
        for (key, want) in &s.expect {
            let want = serde_json::to_value(want).expect("expectation to JSON");
            match got.get(key) {
                None => failures.push(format!("{file} {}: output has no field {key}", s.id)),
                Some(have) if *have != want => failures.push(format!(
                    "{file} {} ({}): {key}: expected {want}, got {have}",
                    s.id, s.source
                )),
                Some(_) => {}
            }
        }
        for key in &s.expect_null {
            match got.get(key) {
                Some(serde_json::Value::Null) => {}
                other => failures.push(format!(
                    "{file} {}: {key}: expected null, got {other:?}",
                    s.id
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios disagree:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}
