//! 和暦 at each era boundary.

use roei_calendar::{CalendarError, Date, Era, Wareki, wareki};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn w(s: &str) -> Wareki {
    wareki(d(s)).unwrap()
}

#[test]
fn showa_starts_1926_12_25() {
    assert_eq!(
        wareki(d("1926-12-24")),
        Err(CalendarError::DateOutOfRange {
            date: d("1926-12-24")
        })
    );
    let first = w("1926-12-25");
    assert_eq!(
        first,
        Wareki {
            era: Era::Showa,
            year: 1,
            month: 12,
            day: 25
        }
    );
    assert_eq!(first.to_string(), "昭和元年12月25日");
    assert_eq!(w("1927-01-01").to_string(), "昭和2年1月1日");
    assert_eq!(w("1955-01-01").to_string(), "昭和30年1月1日");
}

#[test]
fn showa_to_heisei() {
    assert_eq!(w("1989-01-07").to_string(), "昭和64年1月7日");
    let h = w("1989-01-08");
    assert_eq!(h.era, Era::Heisei);
    assert_eq!(h.to_string(), "平成元年1月8日");
    assert_eq!(w("1989-12-31").to_string(), "平成元年12月31日");
    assert_eq!(w("1990-01-01").to_string(), "平成2年1月1日");
}

#[test]
fn heisei_to_reiwa() {
    assert_eq!(w("2019-04-30").to_string(), "平成31年4月30日");
    let r = w("2019-05-01");
    assert_eq!(
        r,
        Wareki {
            era: Era::Reiwa,
            year: 1,
            month: 5,
            day: 1
        }
    );
    assert_eq!(r.to_string(), "令和元年5月1日");
    assert_eq!(w("2020-01-01").to_string(), "令和2年1月1日");
}

#[test]
fn reiwa_today_and_later() {
    let r = w("2026-11-22");
    assert_eq!(r.to_string(), "令和8年11月22日");
    assert_eq!(r.era_name(), "令和");
    assert_eq!(r.era.to_string(), "令和");
    assert_eq!(r.format_en(), "Reiwa 8 (2026)");
    assert_eq!(w("2019-05-01").format_en(), "Reiwa 1 (2019)");
    assert_eq!(w("1989-01-07").format_en(), "Showa 64 (1989)");
    assert_eq!(w("2150-12-31").to_string(), "令和132年12月31日");
}

#[test]
fn gregorian_year_round_trips() {
    let mut day = d("1926-12-25");
    let end = d("2151-01-01");
    while day < end {
        let x = wareki(day).unwrap();
        assert_eq!(x.gregorian_year(), day.year(), "{day}");
        assert_eq!((x.month, x.day), (day.month(), day.day()));
        assert!(day >= x.era.first_day());
        day = day.checked_add(jiff::Span::new().days(13)).unwrap();
    }
}
