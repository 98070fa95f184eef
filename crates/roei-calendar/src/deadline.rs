//! 行政機関の休日 (closure days) and deadline arithmetic.

use jiff::Span;
use jiff::civil::{Date, Weekday};

use crate::holidays::holiday_on;
use crate::{CalendarError, Closure, Deadline};

/// Why `date` is a 行政機関の休日 (行政機関の休日に関する法律 1条1項), or `None` when government
/// offices are open. When several reasons apply the first of these wins: a national holiday, the
/// year-end/new-year days 12/29–1/3, Sunday, Saturday.
///
/// The definition is the one in force since 1992-05-01 (every Saturday); it is applied to every
/// supported year.
pub fn closure(date: Date) -> Result<Option<Closure>, CalendarError> {
    if let Some(h) = holiday_on(date)? {
        return Ok(Some(Closure::Holiday(h)));
    }
    let (month, day) = (date.month(), date.day());
    if (month == 12 && day >= 29) || (month == 1 && day <= 3) {
        return Ok(Some(Closure::YearEnd));
    }
    Ok(match date.weekday() {
        Weekday::Sunday => Some(Closure::Sunday),
        Weekday::Saturday => Some(Closure::Saturday),
        _ => None,
    })
}

/// The first day on or after `date` that is not a 行政機関の休日 (`date` itself when open).
pub fn next_open_day(date: Date) -> Result<Date, CalendarError> {
    let mut d = date;
    while closure(d)?.is_some() {
        d = tomorrow(d)?;
    }
    Ok(d)
}

/// Day `n` of a period that counts `start` as day 1 (`n >= 1`): `start + (n - 1)` days. Plain
/// calendar arithmetic, no closure days involved.
pub fn nth_day(start: Date, n: i32) -> Result<Date, CalendarError> {
    if n < 1 {
        return Err(CalendarError::InvalidPeriod { days: n });
    }
    let overflow = || CalendarError::DateOverflow { start, days: n };
    let span = Span::new().try_days(n - 1).map_err(|_| overflow())?;
    start.checked_add(span).map_err(|_| overflow())
}

/// A deadline per 行政機関の休日に関する法律 2条 as used for 規則8条2項: the day of knowing is day 1,
/// the period runs `days` calendar days, and a last day that is a 行政機関の休日 moves to the next
/// day that is not.
pub fn deadline(known_on: Date, days: i32) -> Result<Deadline, CalendarError> {
    let last_day = nth_day(known_on, days)?;
    let mut rolled_over = Vec::new();
    let mut due = last_day;
    while let Some(c) = closure(due)? {
        rolled_over.push((due, c));
        due = tomorrow(due)?;
    }
    Ok(Deadline {
        known_on,
        days,
        last_day,
        due,
        rolled_over,
    })
}

fn tomorrow(d: Date) -> Result<Date, CalendarError> {
    d.tomorrow()
        .map_err(|_| CalendarError::DateOverflow { start: d, days: 2 })
}
