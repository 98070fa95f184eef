//! Laws of the determination that hold for any facts.

use proptest::prelude::*;
use roei_law::{Cause, DataItem, Event, Exemption, Facts, Regime, assess};

fn arb_facts() -> impl Strategy<Value = Facts> {
    let regime = prop_oneof![
        Just(Regime::Private),
        Just(Regime::NationalPublic),
        Just(Regime::LocalPublic)
    ];
    let events =
        proptest::sample::subsequence(vec![Event::Leak, Event::Loss, Event::Damage], 1..=3);
    let items = proptest::sample::subsequence(DataItem::ALL.to_vec(), 0..=6);
    let cause = proptest::option::of(proptest::sample::select(Cause::ALL.to_vec()));
    let day =
        (0i32..(365 * 12)).prop_map(|d| jiff::civil::date(2018, 1, 1) + jiff::Span::new().days(d));
    (
        regime,
        events,
        items,
        cause,
        day,
        proptest::option::of(0u64..5000),
        proptest::collection::vec(any::<bool>(), 12),
        proptest::option::of(any::<bool>()),
        0u8..3,
    )
        .prop_map(
            |(regime, events, data_items, cause, known_on, persons, b, malicious, form)| {
                let private = regime == Regime::Private;
                Facts {
                    regime,
                    known_on,
                    occurred_on: None,
                    events,
                    suspected: b[0],
                    recovered_before_viewed: b[1],
                    copy_kept_elsewhere: b[2],
                    data_form: [
                        roei_law::DataForm::PersonalData,
                        roei_law::DataForm::BeingAcquired,
                        roei_law::DataForm::NotPersonalData,
                    ][usize::from(form)],
                    data_items,
                    sensitive: None,
                    ordinance_sensitive: b[3] && regime == Regime::LocalPublic,
                    financial_damage_risk: None,
                    cause,
                    malicious,
                    persons,
                    advanced_encryption: b[4],
                    key_compromised: b[5],
                    pseudonymized: b[6] && private,
                    entrustee: b[7],
                    entruster_notified: b[7] && b[8],
                    notice_difficult: b[9],
                    non_disclosure_info: b[10] && !private,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn determination_is_consistent(f in arb_facts()) {
        prop_assert!(f.validate().is_ok());
        let d = assess(&f);
        // Dates exist exactly when a report is required.
        prop_assert_eq!(d.report_required, d.final_report_due.is_some());
        prop_assert_eq!(d.report_required, d.quick_report_guide.is_some());
        prop_assert_eq!(d.report_required, d.final_report_days.is_some());
        // A report needs an item; items are ascending and within the rule.
        if d.report_required { prop_assert!(!d.items.is_empty()); }
        prop_assert!(d.items.windows(2).all(|w| w[0] < w[1]));
        let max = if f.regime == Regime::Private { 4 } else { 5 };
        prop_assert!(d.items.iter().all(|i| (1..=max).contains(i)));
        // 60 days exactly when item 3 applies.
        if let Some(days) = d.final_report_days {
            prop_assert_eq!(days == 60, d.items.contains(&3));
        }
        // An exclusion leaves no items; only the entrustee exemption keeps them.
        let excluded = d.exemptions.iter().any(|e| *e != Exemption::EntrusteeNotifiedEntruster);
        if excluded { prop_assert!(d.items.is_empty()); }
        // Nothing due means no notice duty.
        if !d.report_required { prop_assert_eq!(d.individual_notice_required, Some(false)); }
        // Police follows the cause.
        prop_assert_eq!(d.police_consultation_recommended, f.cause.is_some_and(Cause::is_cyber));
        // The due date is on or after the nominal last day, within the calendar.
        if let (Some(due), Some(last)) = (d.final_report_due, d.final_report_last_day) {
            prop_assert!(due >= last);
            prop_assert!(roei_calendar::closure(due).unwrap().is_none());
        }
        // Every determination explains itself with citations.
        prop_assert!(!d.reasons.is_empty());
        prop_assert!(d.reasons.iter().all(|r| !r.citation.is_empty() && !r.text_ja.is_empty() && !r.text_en.is_empty()));
    }

    #[test]
    fn more_persons_never_remove_an_item(f in arb_facts(), extra in 0u64..5000) {
        let base = assess(&f);
        let mut g = f.clone();
        g.persons = Some(f.persons.unwrap_or(0) + extra);
        let more = assess(&g);
        prop_assert!(base.items.iter().all(|i| more.items.contains(i)));
    }

    #[test]
    fn occurred_on_never_changes_the_rule_set(f in arb_facts(), back in 0i32..2000) {
        let mut g = f.clone();
        g.occurred_on = Some(f.known_on - jiff::Span::new().days(back));
        let (a, b) = (assess(&f), assess(&g));
        prop_assert_eq!(a.law_version, b.law_version);
        prop_assert_eq!(a.items, b.items);
        prop_assert_eq!(a.final_report_due, b.final_report_due);
    }
}
