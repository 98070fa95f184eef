//! Property tests for the deadline laws.

use proptest::prelude::*;
use roei_calendar::{Date, closure, deadline, next_open_day};

fn base() -> Date {
    "1955-01-01".parse().unwrap()
}

/// Days from 1955-01-01 to mid-2149, leaving room for periods of up to a few hundred days.
const SPAN_DAYS: i32 = 71_000;

fn date_strategy() -> impl Strategy<Value = Date> {
    (0..SPAN_DAYS).prop_map(|off| base().checked_add(jiff::Span::new().days(off)).unwrap())
}

fn days_between(a: Date, b: Date) -> i32 {
    (b - a).get_days()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn deadline_laws(known_on in date_strategy(), days in 1i32..=400) {
        let dl = deadline(known_on, days).unwrap();
        prop_assert_eq!(dl.known_on, known_on);
        prop_assert_eq!(dl.days, days);
        prop_assert_eq!(days_between(known_on, dl.last_day), days - 1);
        prop_assert!(dl.due >= dl.last_day);
        prop_assert_eq!(closure(dl.due).unwrap(), None);
        // rolled_over: exactly the days from last_day up to due, each closed, in order.
        let n = usize::try_from(days_between(dl.last_day, dl.due)).unwrap();
        prop_assert_eq!(dl.rolled_over.len(), n);
        let mut expected = dl.last_day;
        for &(date, reason) in &dl.rolled_over {
            prop_assert_eq!(date, expected);
            prop_assert_eq!(closure(date).unwrap(), Some(reason));
            expected = expected.tomorrow().unwrap();
        }
        prop_assert_eq!(expected, dl.due);
        prop_assert_eq!(next_open_day(dl.last_day).unwrap(), dl.due);
    }

    #[test]
    fn later_known_on_never_gives_an_earlier_due(
        known_on in date_strategy(),
        later_by in 0i32..60,
        days in 1i32..=400,
    ) {
        let later = known_on.checked_add(jiff::Span::new().days(later_by)).unwrap();
        let a = deadline(known_on, days).unwrap();
        let b = deadline(later, days).unwrap();
        prop_assert!(b.due >= a.due, "{:?} then {:?}", a, b);
    }

    #[test]
    fn a_longer_period_never_gives_an_earlier_due(known_on in date_strategy(), days in 1i32..=400) {
        let a = deadline(known_on, days).unwrap();
        let b = deadline(known_on, days + 1).unwrap();
        prop_assert!(b.due >= a.due);
        prop_assert!(b.last_day > a.last_day);
    }

    #[test]
    fn next_open_day_is_idempotent_and_skips_only_closures(date in date_strategy()) {
        let open = next_open_day(date).unwrap();
        prop_assert!(open >= date);
        prop_assert_eq!(next_open_day(open).unwrap(), open);
        prop_assert_eq!(closure(open).unwrap(), None);
        let mut d = date;
        while d < open {
            prop_assert!(closure(d).unwrap().is_some(), "{} is open", d);
            d = d.tomorrow().unwrap();
        }
        // No run of closure days is longer than 10 (the 2019 Golden Week).
        prop_assert!(days_between(date, open) <= 10);
    }
}
