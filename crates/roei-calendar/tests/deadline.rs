//! Closure days and deadline arithmetic (行政機関の休日に関する法律 1条・2条).

use roei_calendar::{
    CalendarError, Closure, Date, HolidayKind, closure, deadline, next_open_day, nth_day,
};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// A closure as a short label, for readable assertions.
fn label(c: Closure) -> String {
    match c {
        Closure::Holiday(h) => format!("Holiday({:?} {})", h.kind, h.name),
        Closure::YearEnd => "YearEnd".to_string(),
        Closure::Sunday => "Sunday".to_string(),
        Closure::Saturday => "Saturday".to_string(),
    }
}

fn rolled(dl: &roei_calendar::Deadline) -> Vec<(String, String)> {
    dl.rolled_over
        .iter()
        .map(|&(date, c)| (date.to_string(), label(c)))
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|&(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn closure_reasons_and_their_priority() {
    let c = |s: &str| closure(d(s)).unwrap().map(label);
    assert_eq!(c("2026-11-25"), None); // Wednesday
    assert_eq!(c("2026-11-28").as_deref(), Some("Saturday"));
    assert_eq!(c("2026-11-29").as_deref(), Some("Sunday"));
    assert_eq!(
        c("2026-11-23").as_deref(),
        Some("Holiday(National 勤労感謝の日)")
    );
    // Holiday before YearEnd.
    assert_eq!(c("2027-01-01").as_deref(), Some("Holiday(National 元日)"));
    assert_eq!(c("2023-01-02").as_deref(), Some("Holiday(Substitute 休日)"));
    // YearEnd before Sunday/Saturday.
    assert_eq!(c("2026-12-29").as_deref(), Some("YearEnd"));
    assert_eq!(c("2027-01-02").as_deref(), Some("YearEnd")); // a Saturday
    assert_eq!(c("2027-01-03").as_deref(), Some("YearEnd")); // a Sunday
    assert_eq!(c("2026-01-04").as_deref(), Some("Sunday"));
    assert_eq!(c("2026-12-28"), None); // Monday
    // Holiday before Sunday.
    assert_eq!(
        c("2026-05-03").as_deref(),
        Some("Holiday(National 憲法記念日)")
    );
    assert_eq!(
        closure(d("1954-06-01")),
        Err(CalendarError::YearOutOfRange { year: 1954 })
    );
}

#[test]
fn next_open_day_skips_closures_only() {
    assert_eq!(next_open_day(d("2026-11-25")).unwrap(), d("2026-11-25"));
    assert_eq!(next_open_day(d("2026-11-28")).unwrap(), d("2026-11-30"));
    // Golden Week 2019: 4/27 (Sat) to 5/6.
    assert_eq!(next_open_day(d("2019-04-27")).unwrap(), d("2019-05-07"));
    assert_eq!(next_open_day(d("2026-12-29")).unwrap(), d("2027-01-04"));
    // Past the last supported year: an error, not a wrong answer.
    assert_eq!(
        next_open_day(d("2150-12-31")),
        Err(CalendarError::YearOutOfRange { year: 2151 })
    );
}

#[test]
fn nth_day_counts_the_start_as_day_one() {
    assert_eq!(nth_day(d("2026-11-30"), 1).unwrap(), d("2026-11-30"));
    assert_eq!(nth_day(d("2026-11-30"), 2).unwrap(), d("2026-12-01"));
    assert_eq!(nth_day(d("2026-11-30"), 30).unwrap(), d("2026-12-29"));
    assert_eq!(nth_day(d("2024-02-28"), 3).unwrap(), d("2024-03-01"));
    assert_eq!(
        nth_day(d("2026-11-30"), 0),
        Err(CalendarError::InvalidPeriod { days: 0 })
    );
    assert_eq!(
        nth_day(d("2026-11-30"), -5),
        Err(CalendarError::InvalidPeriod { days: -5 })
    );
    assert_eq!(
        nth_day(d("9999-12-01"), 100),
        Err(CalendarError::DateOverflow {
            start: d("9999-12-01"),
            days: 100
        })
    );
    assert!(matches!(
        nth_day(d("2026-11-30"), i32::MAX),
        Err(CalendarError::DateOverflow { .. })
    ));
}

#[test]
fn law_md_example_year_end() {
    let dl = deadline(d("2026-11-30"), 30).unwrap();
    assert_eq!(dl.known_on, d("2026-11-30"));
    assert_eq!(dl.days, 30);
    assert_eq!(dl.last_day, d("2026-12-29"));
    assert_eq!(dl.due, d("2027-01-04"));
    assert_eq!(
        rolled(&dl),
        pairs(&[
            ("2026-12-29", "YearEnd"),
            ("2026-12-30", "YearEnd"),
            ("2026-12-31", "YearEnd"),
            ("2027-01-01", "Holiday(National 元日)"),
            ("2027-01-02", "YearEnd"),
            ("2027-01-03", "YearEnd"),
        ])
    );
}

#[test]
fn open_last_day_is_the_due_date() {
    let dl = deadline(d("2026-11-02"), 10).unwrap();
    assert_eq!(dl.last_day, d("2026-11-11"));
    assert_eq!(dl.due, d("2026-11-11"));
    assert!(dl.rolled_over.is_empty());
    // One day: the day of knowing itself.
    let dl = deadline(d("2026-11-25"), 1).unwrap();
    assert_eq!((dl.last_day, dl.due), (d("2026-11-25"), d("2026-11-25")));
}

#[test]
fn last_day_on_a_saturday() {
    let dl = deadline(d("2026-11-01"), 7).unwrap();
    assert_eq!(dl.last_day, d("2026-11-07"));
    assert_eq!(dl.due, d("2026-11-09"));
    assert_eq!(
        rolled(&dl),
        pairs(&[("2026-11-07", "Saturday"), ("2026-11-08", "Sunday")])
    );
}

#[test]
fn last_day_on_a_substitute_holiday() {
    // 2026-05-03 (Sunday) 憲法記念日: 5/4, 5/5 are 祝日, so 5/6 is the 振替休日.
    let dl = deadline(d("2026-04-07"), 30).unwrap();
    assert_eq!(dl.last_day, d("2026-05-06"));
    assert_eq!(dl.due, d("2026-05-07"));
    assert_eq!(
        rolled(&dl),
        pairs(&[("2026-05-06", "Holiday(Substitute 休日)")])
    );
}

#[test]
fn last_day_on_a_citizens_holiday() {
    let dl = deadline(d("2026-09-08"), 15).unwrap();
    assert_eq!(dl.last_day, d("2026-09-22"));
    assert_eq!(dl.due, d("2026-09-24"));
    assert_eq!(
        rolled(&dl),
        pairs(&[
            ("2026-09-22", "Holiday(Citizens 休日)"),
            ("2026-09-23", "Holiday(National 秋分の日)"),
        ])
    );
    let Closure::Holiday(h) = dl.rolled_over[0].1 else {
        panic!("not a holiday");
    };
    assert_eq!(h.kind, HolidayKind::Citizens);
}

#[test]
fn last_day_in_the_new_year_days() {
    // 2029-01-03 is a Wednesday: still closed (12/29–1/3), due Thursday 1/4.
    let dl = deadline(d("2028-12-05"), 30).unwrap();
    assert_eq!(dl.last_day, d("2029-01-03"));
    assert_eq!(dl.due, d("2029-01-04"));
    assert_eq!(rolled(&dl), pairs(&[("2029-01-03", "YearEnd")]));
    // Last day 12/31 on a Friday, 2027: the whole break and the weekend after it.
    let dl = deadline(d("2027-12-31"), 1).unwrap();
    assert_eq!(dl.due, d("2028-01-04"));
    assert_eq!(dl.rolled_over.len(), 4);
}

#[test]
fn deadline_errors() {
    assert_eq!(
        deadline(d("2026-11-30"), 0),
        Err(CalendarError::InvalidPeriod { days: 0 })
    );
    assert_eq!(
        deadline(d("2150-12-20"), 12),
        Err(CalendarError::YearOutOfRange { year: 2151 })
    );
    assert_eq!(
        deadline(d("1954-12-01"), 10),
        Err(CalendarError::YearOutOfRange { year: 1954 })
    );
}
