//! The holiday law as data, and the three rules that turn it into a year's holidays.
//!
//! * [`NATIONAL`]: 国民の祝日 (祝日法 2条) — each row is one holiday in one wording of the law, with
//!   the years that wording applied and its legal source. The Olympic years' moved days are rows
//!   of their own (the special act replaces the date for that year only).
//! * [`SPECIAL`]: days made holidays by one-off acts.
//! * the rules of 祝日法 3条: 3条1項 (a 国民の祝日 is a 休日), 3条2項 (振替休日) and 3条3項
//!   (国民の休日), each in the wording in force on the day in question ([`substitute_holidays`],
//!   [`citizens_holidays`]).
//!
//! Every year from [`FIRST_YEAR`] to [`LAST_YEAR`] is computed once, on first use, into a
//! process-wide table; lookups are then a binary search in a slice of about 20 entries.

use std::sync::OnceLock;

use jiff::civil::{Date, Weekday, date};

use crate::equinox::equinoxes;
use crate::{CalendarError, FIRST_YEAR, Holiday, HolidayKind, LAST_YEAR};

// --- Legal sources --------------------------------------------------------------------------
// Each names the act and its number, the article, and when that wording took effect.

const SRC_1948: &str =
    "国民の祝日に関する法律（昭和23年法律第178号）2条（制定時の規定、1948-07-20施行）";
const SRC_S41_86: &str =
    "国民の祝日に関する法律 2条（昭和41年法律第86号による改正、1966-06-25施行）";
const SRC_KENKOKU: &str = "国民の祝日に関する法律 2条（昭和41年法律第86号による改正、1966-06-25施行）、\
     日付は建国記念の日となる日を定める政令（昭和41年政令第376号、1966-12-09施行）";
const SRC_H1_5: &str = "国民の祝日に関する法律 2条（平成元年法律第5号による改正、1989-02-17施行）";
const SRC_H7_22: &str = "国民の祝日に関する法律 2条（平成7年法律第22号による改正、1996-01-01施行）";
const SRC_H10_141: &str =
    "国民の祝日に関する法律 2条（平成10年法律第141号による改正、2000-01-01施行）";
const SRC_H13_59: &str =
    "国民の祝日に関する法律 2条（平成13年法律第59号による改正、2003-01-01施行）";
const SRC_H17_43: &str =
    "国民の祝日に関する法律 2条（平成17年法律第43号による改正、2007-01-01施行）";
const SRC_H26_43: &str =
    "国民の祝日に関する法律 2条（平成26年法律第43号による改正、2016-01-01施行）";
const SRC_H29_63: &str = "国民の祝日に関する法律 2条（天皇の退位等に関する皇室典範特例法（平成29年法律第63号）\
     附則10条による改正、同法施行の2019-04-30施行、2020年から適用）";
const SRC_H30_57: &str = "国民の祝日に関する法律 2条（平成30年法律第57号による改正（体育の日をスポーツの日に改称）、\
     2020-01-01施行）";
const SRC_OLYMPIC_2020: &str = "平成三十二年東京オリンピック競技大会・東京パラリンピック競技大会特別措置法\
     （平成27年法律第33号）32条（平成30年法律第55号により追加、2018-06-20施行）による令和2年の祝日法2条の特例";
const SRC_OLYMPIC_2021: &str = "令和三年東京オリンピック競技大会・東京パラリンピック競技大会特別措置法\
     （平成27年法律第33号）32条2項（令和2年法律第68号による改正、2020-12-04施行）による令和3年の祝日法2条の特例";

const SRC_SUBSTITUTE_1973: &str =
    "国民の祝日に関する法律 3条2項（昭和48年法律第10号により追加、1973-04-12施行）";
const SRC_SUBSTITUTE_2007: &str =
    "国民の祝日に関する法律 3条2項（平成17年法律第43号による改正、2007-01-01施行）";
const SRC_CITIZENS_1985: &str =
    "国民の祝日に関する法律 3条3項（昭和60年法律第103号により追加、1985-12-27施行）";
const SRC_CITIZENS_2007: &str =
    "国民の祝日に関する法律 3条3項（平成17年法律第43号による改正、2007-01-01施行）";
const SRC_CITIZENS_2019: &str = "国民の祝日に関する法律 3条3項（平成17年法律第43号による改正、2007-01-01施行）、\
     天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律（平成30年法律第99号）附則2条により\
     同法の休日を国民の祝日として適用（2018-12-14施行）";
const SRC_SUBSTITUTE_2019: &str = "国民の祝日に関する法律 3条2項（平成17年法律第43号による改正、2007-01-01施行）、\
     天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律（平成30年法律第99号）附則2条により\
     同法の休日を国民の祝日として適用（2018-12-14施行）";

/// 振替休日 exists for a 国民の祝日 on a Sunday on or after this day (昭和48年法律第10号).
const SUBSTITUTE_FROM: Date = date(1973, 4, 12);
/// 国民の休日 exists from this day (昭和60年法律第103号).
const CITIZENS_FROM: Date = date(1985, 12, 27);
/// The current wording of 3条2項 and 3条3項 applies from this day (平成17年法律第43号).
const REWORDED_2007: Date = date(2007, 1, 1);

/// The last year a holiday rule can run to ("still in force").
const OPEN: i16 = LAST_YEAR;

/// How a 国民の祝日's date is fixed in the law.
#[derive(Debug, Clone, Copy)]
enum When {
    /// A fixed month and day.
    Fixed(i8, i8),
    /// The `nth` Monday of `month` (the "Happy Monday" holidays).
    NthMonday { month: i8, nth: i8 },
    /// 春分日.
    VernalEquinox,
    /// 秋分日.
    AutumnalEquinox,
}

/// One 国民の祝日 in one wording of the law.
#[derive(Debug)]
struct NationalRule {
    name: &'static str,
    name_en: &'static str,
    when: When,
    /// First and last year (inclusive) this row applies.
    from: i16,
    to: i16,
    source: &'static str,
}

const fn rule(
    name: &'static str,
    name_en: &'static str,
    when: When,
    from: i16,
    to: i16,
    source: &'static str,
) -> NationalRule {
    NationalRule {
        name,
        name_en,
        when,
        from,
        to,
        source,
    }
}

use When::{AutumnalEquinox, Fixed, NthMonday, VernalEquinox};

/// 国民の祝日 (祝日法 2条) from 1948, as amended. Rows for the same holiday never overlap in years.
const NATIONAL: &[NationalRule] = &[
    rule("元日", "New Year's Day", Fixed(1, 1), 1948, OPEN, SRC_1948),
    rule(
        "成人の日",
        "Coming of Age Day",
        Fixed(1, 15),
        1948,
        1999,
        SRC_1948,
    ),
    rule(
        "成人の日",
        "Coming of Age Day",
        NthMonday { month: 1, nth: 2 },
        2000,
        OPEN,
        SRC_H10_141,
    ),
    rule(
        "建国記念の日",
        "National Foundation Day",
        Fixed(2, 11),
        1967,
        OPEN,
        SRC_KENKOKU,
    ),
    rule(
        "天皇誕生日",
        "The Emperor's Birthday",
        Fixed(2, 23),
        2020,
        OPEN,
        SRC_H29_63,
    ),
    rule(
        "春分の日",
        "Vernal Equinox Day",
        VernalEquinox,
        1948,
        OPEN,
        SRC_1948,
    ),
    rule(
        "天皇誕生日",
        "The Emperor's Birthday",
        Fixed(4, 29),
        1948,
        1988,
        SRC_1948,
    ),
    rule(
        "みどりの日",
        "Greenery Day",
        Fixed(4, 29),
        1989,
        2006,
        SRC_H1_5,
    ),
    rule(
        "昭和の日",
        "Showa Day",
        Fixed(4, 29),
        2007,
        OPEN,
        SRC_H17_43,
    ),
    rule(
        "憲法記念日",
        "Constitution Memorial Day",
        Fixed(5, 3),
        1948,
        OPEN,
        SRC_1948,
    ),
    rule(
        "みどりの日",
        "Greenery Day",
        Fixed(5, 4),
        2007,
        OPEN,
        SRC_H17_43,
    ),
    rule(
        "こどもの日",
        "Children's Day",
        Fixed(5, 5),
        1948,
        OPEN,
        SRC_1948,
    ),
    rule("海の日", "Marine Day", Fixed(7, 20), 1996, 2002, SRC_H7_22),
    rule(
        "海の日",
        "Marine Day",
        NthMonday { month: 7, nth: 3 },
        2003,
        2019,
        SRC_H13_59,
    ),
    rule(
        "海の日",
        "Marine Day",
        Fixed(7, 23),
        2020,
        2020,
        SRC_OLYMPIC_2020,
    ),
    rule(
        "海の日",
        "Marine Day",
        Fixed(7, 22),
        2021,
        2021,
        SRC_OLYMPIC_2021,
    ),
    rule(
        "海の日",
        "Marine Day",
        NthMonday { month: 7, nth: 3 },
        2022,
        OPEN,
        SRC_H13_59,
    ),
    rule(
        "スポーツの日",
        "Sports Day",
        Fixed(7, 24),
        2020,
        2020,
        SRC_OLYMPIC_2020,
    ),
    rule(
        "スポーツの日",
        "Sports Day",
        Fixed(7, 23),
        2021,
        2021,
        SRC_OLYMPIC_2021,
    ),
    rule(
        "山の日",
        "Mountain Day",
        Fixed(8, 11),
        2016,
        2019,
        SRC_H26_43,
    ),
    rule(
        "山の日",
        "Mountain Day",
        Fixed(8, 10),
        2020,
        2020,
        SRC_OLYMPIC_2020,
    ),
    rule(
        "山の日",
        "Mountain Day",
        Fixed(8, 8),
        2021,
        2021,
        SRC_OLYMPIC_2021,
    ),
    rule(
        "山の日",
        "Mountain Day",
        Fixed(8, 11),
        2022,
        OPEN,
        SRC_H26_43,
    ),
    rule(
        "敬老の日",
        "Respect for the Aged Day",
        Fixed(9, 15),
        1966,
        2002,
        SRC_S41_86,
    ),
    rule(
        "敬老の日",
        "Respect for the Aged Day",
        NthMonday { month: 9, nth: 3 },
        2003,
        OPEN,
        SRC_H13_59,
    ),
    rule(
        "秋分の日",
        "Autumnal Equinox Day",
        AutumnalEquinox,
        1948,
        OPEN,
        SRC_1948,
    ),
    rule(
        "体育の日",
        "Health and Sports Day",
        Fixed(10, 10),
        1966,
        1999,
        SRC_S41_86,
    ),
    rule(
        "体育の日",
        "Health and Sports Day",
        NthMonday { month: 10, nth: 2 },
        2000,
        2019,
        SRC_H10_141,
    ),
    rule(
        "スポーツの日",
        "Sports Day",
        NthMonday { month: 10, nth: 2 },
        2022,
        OPEN,
        SRC_H30_57,
    ),
    rule(
        "文化の日",
        "Culture Day",
        Fixed(11, 3),
        1948,
        OPEN,
        SRC_1948,
    ),
    rule(
        "勤労感謝の日",
        "Labour Thanksgiving Day",
        Fixed(11, 23),
        1948,
        OPEN,
        SRC_1948,
    ),
    rule(
        "天皇誕生日",
        "The Emperor's Birthday",
        Fixed(12, 23),
        1989,
        2018,
        SRC_H1_5,
    ),
];

/// A day made a holiday by a one-off act.
#[derive(Debug)]
struct SpecialDay {
    date: Date,
    name: &'static str,
    name_en: &'static str,
    source: &'static str,
    /// The act says the day counts as a 国民の祝日 for 祝日法 3条2項・3項 (only 平成30年法律第99号
    /// does; the earlier acts only make the day a 休日 "for the other laws that set 休日").
    counts_as_national: bool,
}

const SPECIAL: &[SpecialDay] = &[
    SpecialDay {
        date: date(1959, 4, 10),
        name: "皇太子明仁親王の結婚の儀",
        name_en: "The Wedding Ceremony of Crown Prince Akihito",
        source: "皇太子明仁親王の結婚の儀の行われる日を休日とする法律（昭和34年法律第16号）本則（1959-03-17施行）",
        counts_as_national: false,
    },
    SpecialDay {
        date: date(1989, 2, 24),
        name: "昭和天皇の大喪の礼",
        name_en: "The Funeral Ceremony of Emperor Showa",
        source: "昭和天皇の大喪の礼の行われる日を休日とする法律（平成元年法律第4号）本則（1989-02-17施行）",
        counts_as_national: false,
    },
    SpecialDay {
        date: date(1990, 11, 12),
        name: "即位礼正殿の儀",
        name_en: "The Enthronement Ceremony of Emperor Akihito",
        source: "即位礼正殿の儀の行われる日を休日とする法律（平成2年法律第24号）本則（1990年、公布の日から施行）",
        counts_as_national: false,
    },
    SpecialDay {
        date: date(1993, 6, 9),
        name: "皇太子徳仁親王の結婚の儀",
        name_en: "The Wedding Ceremony of Crown Prince Naruhito",
        source: "皇太子徳仁親王の結婚の儀の行われる日を休日とする法律（平成5年法律第32号）本則（1993-04-30施行）",
        counts_as_national: false,
    },
    SpecialDay {
        date: date(2019, 5, 1),
        name: "天皇の即位の日",
        name_en: "The Day of the Emperor's Enthronement",
        source: "天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律（平成30年法律第99号）本則\
                 （2018-12-14施行）、附則2条により祝日法3条2項・3項の適用上は国民の祝日",
        counts_as_national: true,
    },
    SpecialDay {
        date: date(2019, 10, 22),
        name: "即位礼正殿の儀の行われる日",
        name_en: "The Day of the Enthronement Ceremony",
        source: "天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律（平成30年法律第99号）本則\
                 （2018-12-14施行）、附則2条により祝日法3条2項・3項の適用上は国民の祝日",
        counts_as_national: true,
    },
];

/// A day that counts as a 国民の祝日 for 祝日法 3条2項・3項, and whether it does so only by the
/// deeming clause of 平成30年法律第99号.
#[derive(Debug, Clone, Copy)]
struct Shukujitsu {
    date: Date,
    deemed: bool,
}

fn is_shukujitsu(set: &[Shukujitsu], d: Date) -> bool {
    set.iter().any(|s| s.date == d)
}

fn rule_date(year: i16, when: When) -> Date {
    let ymd = |m, d| Date::new(year, m, d).expect("the law's fixed dates exist every year");
    match when {
        Fixed(m, d) => ymd(m, d),
        NthMonday { month, nth } => ymd(month, 1)
            .nth_weekday_of_month(nth, Weekday::Monday)
            .expect("every month has a 1st to 4th Monday"),
        VernalEquinox => ymd(3, equinoxes(year).vernal),
        AutumnalEquinox => ymd(9, equinoxes(year).autumnal),
    }
}

/// 祝日法 3条2項 as in force on the Sunday `sunday`: the 休日 it creates, if any.
fn substitute_for(set: &[Shukujitsu], sunday: Date) -> Option<Date> {
    if sunday < SUBSTITUTE_FROM {
        return None;
    }
    let next = sunday.tomorrow().expect("within jiff's range");
    if sunday < REWORDED_2007 {
        // 「「国民の祝日」が日曜日にあたるときは、その翌日を休日とする。」 — the next day only; if that
        // is itself a 国民の祝日 it is a 休日 anyway and nothing more is created.
        (!is_shukujitsu(set, next)).then_some(next)
    } else {
        // 「その日後においてその日に最も近い「国民の祝日」でない日を休日とする。」
        let mut d = next;
        while is_shukujitsu(set, d) {
            d = d.tomorrow().expect("within jiff's range");
        }
        Some(d)
    }
}

/// 振替休日 of a year, given its 国民の祝日 (and the days deemed so).
fn substitute_holidays(set: &[Shukujitsu]) -> Vec<Holiday> {
    let mut out = Vec::new();
    for s in set.iter().filter(|s| s.date.weekday() == Weekday::Sunday) {
        if let Some(d) = substitute_for(set, s.date) {
            let source = if s.date < REWORDED_2007 {
                SRC_SUBSTITUTE_1973
            } else if s.deemed {
                SRC_SUBSTITUTE_2019
            } else {
                SRC_SUBSTITUTE_2007
            };
            out.push(Holiday {
                date: d,
                name: "休日",
                name_en: "Substitute Holiday",
                kind: HolidayKind::Substitute,
                source,
                computed: false,
            });
        }
    }
    out
}

/// 国民の休日 of a year, given its 国民の祝日 and 振替休日.
fn citizens_holidays(set: &[Shukujitsu], substitutes: &[Holiday]) -> Vec<Holiday> {
    let mut out = Vec::new();
    for before in set {
        let day = before.date.tomorrow().expect("within jiff's range");
        let after_date = day.tomorrow().expect("within jiff's range");
        let Some(after) = set.iter().find(|s| s.date == after_date) else {
            continue;
        };
        if day < CITIZENS_FROM || is_shukujitsu(set, day) {
            continue;
        }
        let source = if day < REWORDED_2007 {
            // 「その前日及び翌日が「国民の祝日」である日（日曜日にあたる日及び前項に規定する休日にあたる
            // 日を除く。）は、休日とする。」
            if day.weekday() == Weekday::Sunday || substitutes.iter().any(|h| h.date == day) {
                continue;
            }
            SRC_CITIZENS_1985
        } else {
            // 「その前日及び翌日が「国民の祝日」である日（「国民の祝日」でない日に限る。）は、休日とする。」
            // A day that is already a 振替休日 stays listed once, as that.
            if substitutes.iter().any(|h| h.date == day) {
                continue;
            }
            if before.deemed || after.deemed {
                SRC_CITIZENS_2019
            } else {
                SRC_CITIZENS_2007
            }
        };
        out.push(Holiday {
            date: day,
            name: "休日",
            name_en: "Citizens' Holiday",
            kind: HolidayKind::Citizens,
            source,
            computed: false,
        });
    }
    out
}

/// Every holiday of `year`, ascending by date (uncached).
fn compute_year(year: i16) -> Vec<Holiday> {
    let computed_equinox = equinoxes(year).computed;
    let mut list: Vec<Holiday> = NATIONAL
        .iter()
        .filter(|r| (r.from..=r.to).contains(&year))
        .map(|r| Holiday {
            date: rule_date(year, r.when),
            name: r.name,
            name_en: r.name_en,
            kind: HolidayKind::National,
            source: r.source,
            computed: computed_equinox && matches!(r.when, VernalEquinox | AutumnalEquinox),
        })
        .collect();
    let mut set: Vec<Shukujitsu> = list
        .iter()
        .map(|h| Shukujitsu {
            date: h.date,
            deemed: false,
        })
        .collect();
    for s in SPECIAL.iter().filter(|s| s.date.year() == year) {
        list.push(Holiday {
            date: s.date,
            name: s.name,
            name_en: s.name_en,
            kind: HolidayKind::Special,
            source: s.source,
            computed: false,
        });
        if s.counts_as_national {
            set.push(Shukujitsu {
                date: s.date,
                deemed: true,
            });
        }
    }
    set.sort_by_key(|s| s.date);

    let substitutes = substitute_holidays(&set);
    let citizens = citizens_holidays(&set, &substitutes);
    for h in substitutes.into_iter().chain(citizens) {
        // A rule never lands on a day that is already a holiday, except a one-off that is not
        // deemed a 国民の祝日 (none does, but do not list a day twice).
        if !list.iter().any(|x| x.date == h.date) {
            list.push(h);
        }
    }
    list.sort_by_key(|h| h.date);
    debug_assert!(list.windows(2).all(|w| w[0].date < w[1].date));
    debug_assert!(list.iter().all(|h| h.date.year() == year));
    list
}

fn table() -> &'static [Box<[Holiday]>] {
    static TABLE: OnceLock<Box<[Box<[Holiday]>]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (FIRST_YEAR..=LAST_YEAR)
            .map(|y| compute_year(y).into_boxed_slice())
            .collect()
    })
}

fn check_year(year: i16) -> Result<usize, CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(usize::try_from(year - FIRST_YEAR).expect("non-negative"))
    } else {
        Err(CalendarError::YearOutOfRange { year })
    }
}

/// Every holiday of `year`, ascending by date: 国民の祝日, 振替休日, 国民の休日 (named "休日"), and
/// the one-off special-act holidays. Computed once per process; repeated calls are cheap.
pub fn holidays(year: i16) -> Result<&'static [Holiday], CalendarError> {
    let i = check_year(year)?;
    Ok(&table()[i])
}

/// The holiday on `date`, if any.
pub fn holiday_on(date: Date) -> Result<Option<&'static Holiday>, CalendarError> {
    let year = holidays(date.year())?;
    Ok(year
        .binary_search_by_key(&date, |h| h.date)
        .ok()
        .map(|i| &year[i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_names_an_act_an_article_and_an_effective_date() {
        let sources = NATIONAL
            .iter()
            .map(|r| r.source)
            .chain(SPECIAL.iter().map(|s| s.source))
            .chain([
                SRC_SUBSTITUTE_1973,
                SRC_SUBSTITUTE_2007,
                SRC_SUBSTITUTE_2019,
                SRC_CITIZENS_1985,
                SRC_CITIZENS_2007,
                SRC_CITIZENS_2019,
            ]);
        for s in sources {
            assert!(s.contains("法律第"), "no act number: {s}");
            assert!(s.contains('条') || s.contains("本則"), "no article: {s}");
            assert!(s.contains("施行"), "no effective date: {s}");
        }
    }

    #[test]
    fn rows_of_the_same_holiday_do_not_overlap() {
        for (i, a) in NATIONAL.iter().enumerate() {
            assert!(a.from <= a.to);
            for b in &NATIONAL[i + 1..] {
                if a.name == b.name {
                    assert!(a.to < b.from || b.to < a.from, "{} overlaps", a.name);
                }
            }
        }
    }

    #[test]
    fn no_two_holidays_share_a_day_in_any_year() {
        for y in FIRST_YEAR..=LAST_YEAR {
            let national: Vec<Date> = NATIONAL
                .iter()
                .filter(|r| (r.from..=r.to).contains(&y))
                .map(|r| rule_date(y, r.when))
                .chain(
                    SPECIAL
                        .iter()
                        .filter(|s| s.date.year() == y)
                        .map(|s| s.date),
                )
                .collect();
            let mut sorted = national.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(
                sorted.len(),
                national.len(),
                "two holidays on one day in {y}"
            );
        }
    }

    #[test]
    fn table_is_sorted_and_within_its_year() {
        for y in FIRST_YEAR..=LAST_YEAR {
            let hs = holidays(y).unwrap();
            assert!(hs.windows(2).all(|w| w[0].date < w[1].date), "{y}");
            assert!(hs.iter().all(|h| h.date.year() == y), "{y}");
        }
    }

    #[test]
    fn holidays_are_cached() {
        let a = holidays(2026).unwrap();
        let b = holidays(2026).unwrap();
        assert!(std::ptr::eq(a, b));
    }
}
