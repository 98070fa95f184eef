//! 春分日・秋分日 (the days of the vernal and autumnal equinox, JST).
//!
//! 祝日法 2条 sets 春分の日 on "春分日" and 秋分の日 on "秋分日" without naming a date: the date is
//! whatever 国立天文台 publishes in its 暦要項 (in the 官報 each February, for the next year). So:
//!
//! * [`FIRST_YEAR`]..=[`LAST_PUBLISHED_EQUINOX_YEAR`]: the published dates, as a table
//!   ([`PUBLISHED`]). Provenance: the table was produced from the standard formula (the
//!   1900–1979 constants 20.8357/23.2588 with the `(Y-1983)/4` term truncated toward zero, and
//!   the 1980–2099 constants for 1980 on) and then checked year by year against an independent
//!   list, the PyPI package `holidays` 0.109 (whose Japanese equinox rule is a hand-written table,
//!   not this formula; its holiday list agreed with the Cabinet Office's when checked). Every one
//!   of the 73 years agreed; `tests/cross_check.rs` re-checks them against the vendored CSV. The
//!   last two published years are 2026 (3/20, 9/23) and 2027 (3/21, 9/23).
//! * later years: the standard approximation ([`approximate`]), flagged `computed` on the
//!   [`Holiday`](crate::Holiday).

use crate::{FIRST_YEAR, LAST_PUBLISHED_EQUINOX_YEAR};

/// (春分日 in March, 秋分日 in September) for each year from [`FIRST_YEAR`] to
/// [`LAST_PUBLISHED_EQUINOX_YEAR`], as published by 国立天文台 (暦要項). See the module docs for
/// how it was produced and verified.
#[rustfmt::skip]
const PUBLISHED: [(i8, i8); 73] = [
    (21, 24), (21, 23), (21, 23), (21, 23), // 1955–1958
    (21, 24), (20, 23), (21, 23), (21, 23), // 1959–1962
    (21, 24), (20, 23), (21, 23), (21, 23), // 1963–1966
    (21, 24), (20, 23), (21, 23), (21, 23), // 1967–1970
    (21, 24), (20, 23), (21, 23), (21, 23), // 1971–1974
    (21, 24), (20, 23), (21, 23), (21, 23), // 1975–1978
    (21, 24), (20, 23), (21, 23), (21, 23), // 1979–1982
    (21, 23), (20, 23), (21, 23), (21, 23), // 1983–1986
    (21, 23), (20, 23), (21, 23), (21, 23), // 1987–1990
    (21, 23), (20, 23), (20, 23), (21, 23), // 1991–1994
    (21, 23), (20, 23), (20, 23), (21, 23), // 1995–1998
    (21, 23), (20, 23), (20, 23), (21, 23), // 1999–2002
    (21, 23), (20, 23), (20, 23), (21, 23), // 2003–2006
    (21, 23), (20, 23), (20, 23), (21, 23), // 2007–2010
    (21, 23), (20, 22), (20, 23), (21, 23), // 2011–2014
    (21, 23), (20, 22), (20, 23), (21, 23), // 2015–2018
    (21, 23), (20, 22), (20, 23), (21, 23), // 2019–2022
    (21, 23), (20, 22), (20, 23), (20, 23), // 2023–2026
    (21, 23),                               // 2027
];

// The table must cover exactly FIRST_YEAR..=LAST_PUBLISHED_EQUINOX_YEAR.
const _: () = assert!(PUBLISHED.len() == (LAST_PUBLISHED_EQUINOX_YEAR - FIRST_YEAR + 1) as usize);

/// The two equinox days of a year, and whether they were computed rather than published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Equinoxes {
    /// Day of March.
    pub vernal: i8,
    /// Day of September.
    pub autumnal: i8,
    /// True when from [`approximate`] (year > [`LAST_PUBLISHED_EQUINOX_YEAR`]).
    pub computed: bool,
}

/// True when the 春分/秋分 dates of `year` come from the approximation.
pub fn equinox_computed(year: i16) -> bool {
    year > LAST_PUBLISHED_EQUINOX_YEAR
}

/// The equinox days of `year` (which the caller has range-checked to be >= [`FIRST_YEAR`]).
pub(crate) fn equinoxes(year: i16) -> Equinoxes {
    if let Some(&(vernal, autumnal)) = usize::try_from(year - FIRST_YEAR)
        .ok()
        .and_then(|i| PUBLISHED.get(i))
    {
        Equinoxes {
            vernal,
            autumnal,
            computed: false,
        }
    } else {
        let (vernal, autumnal) = approximate(year);
        Equinoxes {
            vernal,
            autumnal,
            computed: true,
        }
    }
}

/// The standard approximation (the one used by 国立天文台's own long-range tables and most
/// calendar software), valid 1980–2150:
///
/// * 1980–2099: 春分日 = ⌊20.8431 + 0.242194·(Y−1980) − ⌊(Y−1980)/4⌋⌋,
///   秋分日 = ⌊23.2488 + 0.242194·(Y−1980) − ⌊(Y−1980)/4⌋⌋;
/// * 2100–2150: the same with 21.8510 and 24.2488 (2100 is not a leap year).
///
/// Computed in exact integer arithmetic (millionths) so that no float rounding can move a day.
pub(crate) fn approximate(year: i16) -> (i8, i8) {
    let (vernal_c, autumnal_c): (i64, i64) = if year <= 2099 {
        (20_843_100, 23_248_800)
    } else {
        (21_851_000, 24_248_800)
    };
    let dy = i64::from(year) - 1980;
    let day = |c: i64| {
        let micro = c + 242_194 * dy - 1_000_000 * dy.div_euclid(4);
        i8::try_from(micro.div_euclid(1_000_000)).expect("an equinox day of month fits in i8")
    };
    (day(vernal_c), day(autumnal_c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 1900–1979 form of the standard formula, with C-style truncation of `(Y-1983)/4` (which
    /// is how the formula is usually stated and the only reading that matches the published
    /// dates).
    fn formula_1900_1979(year: i16) -> (i8, i8) {
        let dy = i64::from(year) - 1980;
        let q = (i64::from(year) - 1983) / 4; // truncates toward zero
        let day = |c: i64| {
            let micro = c + 242_194 * dy - 1_000_000 * q;
            i8::try_from(micro.div_euclid(1_000_000)).unwrap()
        };
        (day(20_835_700), day(23_258_800))
    }

    #[test]
    fn published_table_matches_the_formula_it_was_generated_from() {
        for year in FIRST_YEAR..=LAST_PUBLISHED_EQUINOX_YEAR {
            let e = equinoxes(year);
            let expected = if year <= 1979 {
                formula_1900_1979(year)
            } else {
                approximate(year)
            };
            assert_eq!((e.vernal, e.autumnal), expected, "year {year}");
            assert!(!e.computed);
        }
    }

    #[test]
    fn known_published_dates() {
        // Spot checks against 暦要項 as published.
        for (year, vernal, autumnal) in [
            (1979, 21, 24),
            (1980, 20, 23),
            (2012, 20, 22),
            (2016, 20, 22),
            (2025, 20, 23),
            (2026, 20, 23),
            (2027, 21, 23),
        ] {
            let e = equinoxes(year);
            assert_eq!((e.vernal, e.autumnal), (vernal, autumnal), "year {year}");
        }
    }

    #[test]
    fn approximation_after_the_published_years() {
        assert!(!equinox_computed(2027));
        assert!(equinox_computed(2028));
        assert_eq!(
            equinoxes(2028),
            Equinoxes {
                vernal: 20,
                autumnal: 22,
                computed: true
            }
        );
        // Pinned values of the approximation (2092 is its first 3/19).
        assert_eq!(approximate(2030), (20, 23));
        assert_eq!(approximate(2044), (20, 22));
        assert_eq!(approximate(2092), (19, 22));
        assert_eq!(approximate(2099), (20, 23));
        assert_eq!(approximate(2100), (20, 23));
        assert_eq!(approximate(2150), (21, 23));
    }

    #[test]
    fn approximation_stays_in_plausible_days() {
        for year in 1980..=crate::LAST_YEAR {
            let (v, a) = approximate(year);
            assert!((19..=21).contains(&v), "vernal {v} in {year}");
            assert!((22..=24).contains(&a), "autumnal {a} in {year}");
        }
    }
}
