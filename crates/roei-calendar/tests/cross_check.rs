//! Every day 1955-01-01..=2027-12-31 against an independent list: the PyPI package `holidays`
//! (see tests/data/README.md for the version and how the CSV was generated).

use std::collections::BTreeMap;

use roei_calendar::{Date, HolidayKind, holiday_on, holidays};

const CSV: &str = include_str!("data/holidays-1955-2027.csv");

/// The vendored list: date -> name (in Japanese, as the package names it).
fn reference() -> BTreeMap<Date, &'static str> {
    let mut lines = CSV.lines().filter(|l| !l.starts_with('#'));
    assert_eq!(lines.next(), Some("date,name"), "CSV header");
    let mut map = BTreeMap::new();
    for line in lines {
        let (date, name) = line.split_once(',').expect("date,name");
        let date: Date = date.parse().expect("ISO date");
        assert!(map.insert(date, name).is_none(), "duplicate {date}");
    }
    map
}

/// Names where the package's wording differs from the acts' (both name the same day).
fn same_name(ours: &str, theirs: &str) -> bool {
    ours == theirs
        || matches!(
            (ours, theirs),
            (
                "皇太子明仁親王の結婚の儀" | "皇太子徳仁親王の結婚の儀",
                "結婚の儀"
            ) | ("昭和天皇の大喪の礼", "大喪の礼")
                | ("即位礼正殿の儀の行われる日", "即位礼正殿の儀が行われる日")
        )
}

#[test]
fn the_reference_list_is_complete() {
    let reference = reference();
    assert_eq!(reference.len(), 1067);
    assert_eq!(reference.keys().next().unwrap().to_string(), "1955-01-01");
    assert_eq!(reference.keys().last().unwrap().to_string(), "2027-11-23");
}

#[test]
fn every_day_1955_2027_is_a_holiday_exactly_when_the_reference_says_so() {
    let reference = reference();
    let mut day: Date = "1955-01-01".parse().unwrap();
    let end: Date = "2027-12-31".parse().unwrap();
    let mut mismatches = Vec::new();
    let mut days = 0;
    while day <= end {
        days += 1;
        let ours = holiday_on(day).unwrap();
        match (ours, reference.get(&day)) {
            (None, None) => {}
            (Some(h), Some(&theirs)) => {
                let kind_ok = match theirs {
                    "振替休日" => h.kind == HolidayKind::Substitute && h.name == "休日",
                    "国民の休日" => h.kind == HolidayKind::Citizens && h.name == "休日",
                    _ => {
                        matches!(h.kind, HolidayKind::National | HolidayKind::Special)
                            && same_name(h.name, theirs)
                    }
                };
                if !kind_ok {
                    mismatches.push(format!(
                        "{day}: ours {:?} {}, reference {theirs}",
                        h.kind, h.name
                    ));
                }
            }
            (Some(h), None) => {
                mismatches.push(format!("{day}: ours {}, reference none", h.name));
            }
            (None, Some(theirs)) => {
                mismatches.push(format!("{day}: ours none, reference {theirs}"));
            }
        }
        day = day.tomorrow().unwrap();
    }
    assert_eq!(days, 26_663);
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn yearly_lists_agree_with_the_reference_in_count() {
    let reference = reference();
    for year in 1955..=2027 {
        let theirs = reference.keys().filter(|d| d.year() == year).count();
        assert_eq!(holidays(year).unwrap().len(), theirs, "{year}");
    }
}
