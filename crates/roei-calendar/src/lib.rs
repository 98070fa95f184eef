//! roei-calendar — Japan's government calendar, pure.
//!
//! * national holidays (国民の祝日, 振替休日, 国民の休日, one-off holidays set by special acts)
//!   for every year from 1955, derived from 国民の祝日に関する法律 as it stood in that year;
//! * 行政機関の休日 (行政機関の休日に関する法律 1条): Saturdays, Sundays, national holidays and
//!   12/29–1/3;
//! * deadline arithmetic (law.md §4): the day of knowing is day 1, the period runs in calendar
//!   days, and a last day that is a 行政機関の休日 moves to the next day that is not
//!   (行政機関の休日に関する法律 2条);
//! * 和暦 (Japanese era) rendering.
//!
//! Nothing here reads a clock or a file: every function takes its dates as arguments.

pub use jiff::civil::{Date, Weekday};

mod deadline;
mod equinox;
mod holidays;
mod wareki;

pub use deadline::{closure, deadline, next_open_day, nth_day};
pub use equinox::equinox_computed;
pub use holidays::{holiday_on, holidays};
pub use wareki::{Era, Wareki, wareki};

/// The first year this crate knows the holidays of (the holiday law's table is encoded from here).
pub const FIRST_YEAR: i16 = 1955;
/// The last year supported (the equinox approximation is valid up to here).
pub const LAST_YEAR: i16 = 2150;
/// The last year whose 春分・秋分 dates were published (国立天文台 暦要項 in the 官報, each February
/// for the next year). Later years use the standard approximation and are flagged `computed`.
pub const LAST_PUBLISHED_EQUINOX_YEAR: i16 = 2027;

/// What kind of day off a [`Holiday`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayKind {
    /// 国民の祝日 (祝日法 2条).
    National,
    /// 振替休日 (祝日法 3条2項).
    Substitute,
    /// 国民の休日 (祝日法 3条3項): a day sandwiched between two 国民の祝日.
    Citizens,
    /// A one-off holiday set by a special act (the imperial events of 1959, 1989, 1990, 1993 and
    /// 2019). The Olympic moves of 2020/2021 are not this kind: those acts moved the 国民の祝日
    /// themselves (海の日, スポーツの日, 山の日 stay [`HolidayKind::National`] on their new dates).
    Special,
}

/// One holiday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    /// Japanese name as in the law (`休日` for 振替休日 and 国民の休日).
    pub name: &'static str,
    /// English name.
    pub name_en: &'static str,
    pub kind: HolidayKind,
    /// The legal source of this entry (act and number, article), e.g.
    /// `国民の祝日に関する法律（昭和23年法律第178号）2条`.
    pub source: &'static str,
    /// True for 春分の日 / 秋分の日 of a year after [`LAST_PUBLISHED_EQUINOX_YEAR`], whose date comes
    /// from the standard approximation, not from a published 暦要項.
    pub computed: bool,
}

/// Why a day is a 行政機関の休日.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closure {
    /// A national holiday (行政機関の休日に関する法律 1条1項2号).
    Holiday(&'static Holiday),
    /// 12/29–12/31 or 1/1–1/3 that is not itself a national holiday (同項3号).
    YearEnd,
    /// 日曜日 (同項1号).
    Sunday,
    /// 土曜日 (同項1号).
    Saturday,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("year {year} is outside the supported range {FIRST_YEAR}–{LAST_YEAR}")]
    YearOutOfRange { year: i16 },
    #[error("a period of {days} days is not a valid deadline period (must be at least 1)")]
    InvalidPeriod { days: i32 },
    /// A date outside what the function handles (和暦 before 昭和, i.e. before 1926-12-25).
    #[error("date {date} is outside the supported range (和暦 starts at 昭和, 1926-12-25)")]
    DateOutOfRange { date: Date },
    /// Day `days` of a period starting `start` is not a representable date.
    #[error("day {days} of a period starting {start} is outside the representable dates")]
    DateOverflow { start: Date, days: i32 },
}

/// A computed deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub known_on: Date,
    pub days: i32,
    /// The last day of the period before any roll-over (day `days`, the day of knowing being day 1).
    pub last_day: Date,
    /// The due date: `last_day`, or the first day after it that is not a 行政機関の休日.
    pub due: Date,
    /// The closure days skipped, in order, starting with `last_day` when it was closed.
    pub rolled_over: Vec<(Date, Closure)>,
}
