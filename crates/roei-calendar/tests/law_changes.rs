//! Each change of the holiday law, at its boundary.

use roei_calendar::{
    CalendarError, Date, FIRST_YEAR, Holiday, HolidayKind, LAST_YEAR, equinox_computed, holiday_on,
    holidays,
};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn on(s: &str) -> Option<&'static Holiday> {
    holiday_on(d(s)).unwrap()
}

/// Asserts that `date` is a holiday of `kind` named `name`, and returns it.
#[track_caller]
fn assert_holiday(date: &str, kind: HolidayKind, name: &str) -> &'static Holiday {
    let h = on(date).unwrap_or_else(|| panic!("{date} should be {name}"));
    assert_eq!((h.kind, h.name), (kind, name), "{date}");
    h
}

#[track_caller]
fn assert_not_holiday(date: &str) {
    assert_eq!(on(date), None, "{date} should not be a holiday");
}

use HolidayKind::{Citizens, National, Special, Substitute};

#[test]
fn range_of_supported_years() {
    assert_eq!(FIRST_YEAR, 1955);
    assert!(holidays(FIRST_YEAR).is_ok());
    assert!(holidays(LAST_YEAR).is_ok());
    assert_eq!(
        holidays(1954),
        Err(CalendarError::YearOutOfRange { year: 1954 })
    );
    assert_eq!(
        holidays(2151),
        Err(CalendarError::YearOutOfRange { year: 2151 })
    );
    assert_eq!(
        holiday_on(d("1954-12-31")),
        Err(CalendarError::YearOutOfRange { year: 1954 })
    );
    assert_eq!(
        holiday_on(d("2151-01-01")),
        Err(CalendarError::YearOutOfRange { year: 2151 })
    );
}

#[test]
fn original_1948_holidays_in_1955() {
    let names: Vec<&str> = holidays(1955).unwrap().iter().map(|h| h.name).collect();
    assert_eq!(
        names,
        [
            "元日",
            "成人の日",
            "春分の日",
            "天皇誕生日",
            "憲法記念日",
            "こどもの日",
            "秋分の日",
            "文化の日",
            "勤労感謝の日"
        ]
    );
    let h = assert_holiday("1955-01-01", National, "元日");
    assert_eq!(h.name_en, "New Year's Day");
    assert!(h.source.contains("昭和23年法律第178号"));
    assert_holiday("1955-03-21", National, "春分の日");
    assert_holiday("1955-09-24", National, "秋分の日");
}

#[test]
fn keiro_and_taiiku_from_1966_kenkoku_from_1967() {
    assert_not_holiday("1965-09-15");
    assert_not_holiday("1965-10-10");
    assert!(
        assert_holiday("1966-09-15", National, "敬老の日")
            .source
            .contains("昭和41年法律第86号")
    );
    assert_holiday("1966-10-10", National, "体育の日");
    assert_not_holiday("1966-02-11");
    let h = assert_holiday("1967-02-11", National, "建国記念の日");
    assert!(h.source.contains("昭和41年政令第376号"));
    assert_eq!(h.name_en, "National Foundation Day");
}

#[test]
fn substitute_holiday_from_1973_04_12_next_day_only() {
    // 1973-02-11 was a Sunday, before 昭和48年法律第10号 took effect: no 振替休日.
    assert_eq!(d("1973-02-11").weekday(), roei_calendar::Weekday::Sunday);
    assert_not_holiday("1973-02-12");
    // Nor in the years before (1972 had no Sunday 祝日; 1971-10-10 体育の日 was one).
    assert_holiday("1971-10-10", National, "体育の日");
    assert_not_holiday("1971-10-11");
    // The first 振替休日.
    assert_eq!(d("1973-04-29").weekday(), roei_calendar::Weekday::Sunday);
    let h = assert_holiday("1973-04-30", Substitute, "休日");
    assert_eq!(h.name_en, "Substitute Holiday");
    assert!(h.source.contains("昭和48年法律第10号"));
    assert_holiday("1973-09-24", Substitute, "休日");
}

#[test]
fn citizens_holiday_from_1985_12_27_with_its_exceptions() {
    // Before 昭和60年法律第103号: a Friday between 5/3 and 5/5 was a working day.
    assert_not_holiday("1985-05-04");
    // 1986-05-04 was a Sunday: excluded by the 1985 wording.
    assert_not_holiday("1986-05-04");
    // 1987-05-04 (Monday) is the 振替休日 for Sunday 5/3, so not a 国民の休日 (excluded).
    assert!(
        assert_holiday("1987-05-04", Substitute, "休日")
            .source
            .contains("昭和48年")
    );
    // The first 国民の休日.
    let h = assert_holiday("1988-05-04", Citizens, "休日");
    assert_eq!(h.name_en, "Citizens' Holiday");
    assert!(h.source.contains("昭和60年法律第103号"));
    // Still excluded on Sundays until 2006.
    assert_eq!(d("2003-05-04").weekday(), roei_calendar::Weekday::Sunday);
    assert_not_holiday("2003-05-04");
    assert_holiday("2006-05-04", Citizens, "休日");
}

#[test]
fn showa_to_heisei_1989() {
    assert_holiday("1988-04-29", National, "天皇誕生日");
    assert_not_holiday("1988-12-23");
    let h = assert_holiday("1989-04-29", National, "みどりの日");
    assert!(h.source.contains("平成元年法律第5号"));
    assert_holiday("1989-12-23", National, "天皇誕生日");
    let h = assert_holiday("1989-02-24", Special, "昭和天皇の大喪の礼");
    assert!(h.source.contains("平成元年法律第4号"));
}

#[test]
fn one_off_holidays() {
    assert!(
        assert_holiday("1959-04-10", Special, "皇太子明仁親王の結婚の儀")
            .source
            .contains("昭和34年法律第16号")
    );
    assert!(
        assert_holiday("1990-11-12", Special, "即位礼正殿の儀")
            .source
            .contains("平成2年法律第24号")
    );
    assert!(
        assert_holiday("1993-06-09", Special, "皇太子徳仁親王の結婚の儀")
            .source
            .contains("平成5年法律第32号")
    );
    // The day after the 1990 ceremony is not sandwiched (11/14 is a working day).
    assert_not_holiday("1990-11-13");
}

#[test]
fn marine_day_1996_and_happy_monday_2003() {
    assert_not_holiday("1995-07-20");
    assert!(
        assert_holiday("1996-07-20", National, "海の日")
            .source
            .contains("平成7年法律第22号")
    );
    assert_holiday("2002-07-20", National, "海の日");
    // 2003: third Monday of July, and of September for 敬老の日.
    assert_not_holiday("2003-07-20");
    assert!(
        assert_holiday("2003-07-21", National, "海の日")
            .source
            .contains("平成13年法律第59号")
    );
    assert_holiday("2002-09-15", National, "敬老の日");
    assert_holiday("2002-09-16", Substitute, "休日"); // 9/15/2002 was a Sunday
    assert_not_holiday("2004-09-15");
    assert_holiday("2004-09-20", National, "敬老の日");
}

#[test]
fn happy_monday_2000() {
    assert_holiday("1999-01-15", National, "成人の日");
    assert_not_holiday("2000-01-15");
    let h = assert_holiday("2000-01-10", National, "成人の日");
    assert!(h.source.contains("平成10年法律第141号"));
    // 体育の日 1999-10-10 was a Sunday.
    assert_holiday("1999-10-10", National, "体育の日");
    assert_holiday("1999-10-11", Substitute, "休日");
    assert_not_holiday("2000-10-10");
    assert_holiday("2000-10-09", National, "体育の日");
}

#[test]
fn showa_day_and_the_2007_rewording() {
    assert_holiday("2006-04-29", National, "みどりの日");
    assert_holiday("2006-05-04", Citizens, "休日");
    let h = assert_holiday("2007-04-29", National, "昭和の日");
    assert!(h.source.contains("平成17年法律第43号"));
    assert_holiday("2007-04-30", Substitute, "休日");
    assert_holiday("2007-05-04", National, "みどりの日");
    // The chain: 5/4 (Sunday) みどりの日, 5/5 こどもの日, so the 振替休日 is 5/6.
    assert_eq!(d("2008-05-04").weekday(), roei_calendar::Weekday::Sunday);
    assert_holiday("2008-05-05", National, "こどもの日");
    let h = assert_holiday("2008-05-06", Substitute, "休日");
    assert!(h.source.contains("平成17年法律第43号"));
    // 5/3 Sunday: 5/4 and 5/5 are 祝日, the 振替休日 is 5/6 (2009, 2015, 2020, 2026).
    for y in ["2009", "2015", "2020", "2026"] {
        assert_holiday(&format!("{y}-05-06"), Substitute, "休日");
    }
}

#[test]
fn silver_week_citizens_holidays() {
    for date in ["2009-09-22", "2015-09-22", "2026-09-22"] {
        let h = assert_holiday(date, Citizens, "休日");
        assert!(h.source.contains("平成17年法律第43号"), "{date}");
    }
    assert_holiday("2026-09-21", National, "敬老の日");
    assert_holiday("2026-09-23", National, "秋分の日");
}

#[test]
fn mountain_day_from_2016() {
    assert_not_holiday("2015-08-11");
    let h = assert_holiday("2016-08-11", National, "山の日");
    assert!(h.source.contains("平成26年法律第43号"));
}

#[test]
fn emperors_birthday_2018_2019_2020() {
    assert_holiday("2018-12-23", National, "天皇誕生日");
    assert_holiday("2018-12-24", Substitute, "休日");
    assert_not_holiday("2019-02-23");
    assert_not_holiday("2019-12-23");
    assert!(
        !holidays(2019)
            .unwrap()
            .iter()
            .any(|h| h.name == "天皇誕生日")
    );
    let h = assert_holiday("2020-02-23", National, "天皇誕生日");
    assert!(h.source.contains("平成29年法律第63号"));
    assert_holiday("2020-02-24", Substitute, "休日");
}

#[test]
fn enthronement_2019() {
    // 4/27 (Sat) to 5/6 (Mon): ten days off.
    let h = assert_holiday("2019-05-01", Special, "天皇の即位の日");
    assert!(h.source.contains("平成30年法律第99号"));
    for date in ["2019-04-30", "2019-05-02"] {
        let h = assert_holiday(date, Citizens, "休日");
        assert!(h.source.contains("平成30年法律第99号"), "{date}");
    }
    assert_holiday("2019-04-29", National, "昭和の日");
    assert_holiday("2019-05-03", National, "憲法記念日");
    assert_holiday("2019-05-04", National, "みどりの日");
    assert_holiday("2019-05-05", National, "こどもの日");
    assert_holiday("2019-05-06", Substitute, "休日");
    assert_not_holiday("2019-05-07");
    assert_holiday("2019-10-22", Special, "即位礼正殿の儀の行われる日");
    // 10/20 is an ordinary Sunday, so 10/21 is not sandwiched.
    assert_not_holiday("2019-10-21");
    assert_holiday("2019-10-14", National, "体育の日");
}

#[test]
fn olympic_moves_2020_2021() {
    for (date, name) in [
        ("2020-07-23", "海の日"),
        ("2020-07-24", "スポーツの日"),
        ("2020-08-10", "山の日"),
    ] {
        let h = assert_holiday(date, National, name);
        assert!(h.source.contains("平成30年法律第55号"), "{date}");
        assert!(h.source.contains("平成27年法律第33号"), "{date}");
    }
    assert_not_holiday("2020-07-20");
    assert_not_holiday("2020-08-11");
    assert_not_holiday("2020-10-12");
    assert!(!holidays(2020).unwrap().iter().any(|h| h.date.month() == 10));

    for (date, name) in [
        ("2021-07-22", "海の日"),
        ("2021-07-23", "スポーツの日"),
        ("2021-08-08", "山の日"),
    ] {
        let h = assert_holiday(date, National, name);
        assert!(h.source.contains("令和2年法律第68号"), "{date}");
    }
    // 8/8/2021 is a Sunday.
    assert_holiday("2021-08-09", Substitute, "休日");
    assert_not_holiday("2021-07-19");
    assert_not_holiday("2021-08-11");
    assert_not_holiday("2021-10-11");

    // Back to normal; スポーツの日 by 平成30年法律第57号.
    assert_holiday("2022-07-18", National, "海の日");
    assert_holiday("2022-08-11", National, "山の日");
    let h = assert_holiday("2022-10-10", National, "スポーツの日");
    assert_eq!(h.name_en, "Sports Day");
    assert!(h.source.contains("平成30年法律第57号"));
    assert_eq!(on("2019-10-14").unwrap().name_en, "Health and Sports Day");
}

#[test]
fn equinoxes_after_the_published_years_are_flagged() {
    assert!(!equinox_computed(2027));
    assert!(equinox_computed(2028));
    for h in holidays(2027).unwrap() {
        assert!(!h.computed, "{h:?}");
    }
    let computed: Vec<(&str, String)> = holidays(2028)
        .unwrap()
        .iter()
        .filter(|h| h.computed)
        .map(|h| (h.name, h.date.to_string()))
        .collect();
    assert_eq!(
        computed,
        [
            ("春分の日", "2028-03-20".to_string()),
            ("秋分の日", "2028-09-22".to_string())
        ]
    );
    // 2100-2150 use the other constants.
    assert_holiday("2100-03-20", National, "春分の日");
    assert_holiday("2150-03-21", National, "春分の日");
    assert_holiday("2150-09-23", National, "秋分の日");
}

#[test]
fn a_year_has_the_expected_holidays_2026() {
    let got: Vec<String> = holidays(2026)
        .unwrap()
        .iter()
        .map(|h| format!("{} {}", h.date, h.name))
        .collect();
    assert_eq!(
        got,
        [
            "2026-01-01 元日",
            "2026-01-12 成人の日",
            "2026-02-11 建国記念の日",
            "2026-02-23 天皇誕生日",
            "2026-03-20 春分の日",
            "2026-04-29 昭和の日",
            "2026-05-03 憲法記念日",
            "2026-05-04 みどりの日",
            "2026-05-05 こどもの日",
            "2026-05-06 休日",
            "2026-07-20 海の日",
            "2026-08-11 山の日",
            "2026-09-21 敬老の日",
            "2026-09-22 休日",
            "2026-09-23 秋分の日",
            "2026-10-12 スポーツの日",
            "2026-11-03 文化の日",
            "2026-11-23 勤労感謝の日",
        ]
    );
}

#[test]
fn every_holiday_has_names_and_a_source() {
    for y in FIRST_YEAR..=LAST_YEAR {
        for h in holidays(y).unwrap() {
            assert!(!h.name.is_empty() && !h.name_en.is_empty(), "{h:?}");
            assert!(h.source.contains("法律"), "{h:?}");
            assert_eq!(
                h.computed,
                matches!(h.name, "春分の日" | "秋分の日") && y > 2027
            );
        }
    }
}
