//! 和暦 (Japanese era) dates, 昭和 onward.

use std::fmt;

use jiff::civil::{Date, date};

use crate::CalendarError;

/// A Japanese era (元号). Only the eras this crate's dates can fall in (昭和 onward).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Era {
    /// 昭和, from 1926-12-25.
    Showa,
    /// 平成, from 1989-01-08.
    Heisei,
    /// 令和, from 2019-05-01.
    Reiwa,
}

impl Era {
    /// All supported eras, oldest first.
    pub const ALL: [Era; 3] = [Era::Showa, Era::Heisei, Era::Reiwa];

    /// The era's name: "昭和", "平成", "令和".
    pub fn name(self) -> &'static str {
        match self {
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The era's name in romaji: "Showa", "Heisei", "Reiwa".
    pub fn name_en(self) -> &'static str {
        match self {
            Era::Showa => "Showa",
            Era::Heisei => "Heisei",
            Era::Reiwa => "Reiwa",
        }
    }

    /// The first day of the era (元年 starts here).
    pub fn first_day(self) -> Date {
        match self {
            Era::Showa => date(1926, 12, 25),
            Era::Heisei => date(1989, 1, 8),
            Era::Reiwa => date(2019, 5, 1),
        }
    }
}

impl fmt::Display for Era {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A date in 和暦. `Display` renders e.g. "令和8年11月22日", with 元年 for year 1
/// ("令和元年5月1日").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Wareki {
    pub era: Era,
    /// Year of the era; 1 is 元年.
    pub year: i16,
    pub month: i8,
    pub day: i8,
}

impl Wareki {
    /// The era's name: "令和" etc.
    pub fn era_name(&self) -> &'static str {
        self.era.name()
    }

    /// The Gregorian year this era year falls in.
    pub fn gregorian_year(&self) -> i16 {
        self.era.first_day().year() + self.year - 1
    }

    /// English-friendly era year: "Reiwa 8 (2026)", "Reiwa 1 (2019)".
    pub fn format_en(&self) -> String {
        format!(
            "{} {} ({})",
            self.era.name_en(),
            self.year,
            self.gregorian_year()
        )
    }
}

impl fmt::Display for Wareki {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.era.name())?;
        if self.year == 1 {
            f.write_str("元")?;
        } else {
            write!(f, "{}", self.year)?;
        }
        write!(f, "年{}月{}日", self.month, self.day)
    }
}

/// `date` in 和暦. Dates before 昭和 (1926-12-25) are an error ([`CalendarError::DateOutOfRange`]).
pub fn wareki(date: Date) -> Result<Wareki, CalendarError> {
    let era = Era::ALL
        .into_iter()
        .rev()
        .find(|e| date >= e.first_day())
        .ok_or(CalendarError::DateOutOfRange { date })?;
    Ok(Wareki {
        era,
        year: date.year() - era.first_day().year() + 1,
        month: date.month(),
        day: date.day(),
    })
}
