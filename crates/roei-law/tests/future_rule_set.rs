//! A future amendment is a new rule set with its own date, built from new provision versions;
//! the rule sets already in force decide exactly as before. This test builds a hypothetical one
//! (as the promulgated 2026 amendment will be built) without touching any existing module.

use jiff::civil::date;
use roei_law::provisions::{Provision, rule7};
use roei_law::rulesets::{self, Ctx, Finding, Kind, Mandatory, RULE_SETS, RuleSet, Trigger};
use roei_law::{Facts, Lang};

fn hypothetical_item4(ctx: &Ctx) -> Finding {
    // A made-up amended threshold, only to show that a new version is a new value.
    match ctx.facts.persons {
        Some(n) if n > 500 => Finding::yes("500人超", "more than 500"),
        _ => Finding::no("500人以下", "500 or fewer"),
    }
}

const ITEM4_FUTURE: Trigger = Trigger {
    item: 4,
    provision: Provision {
        id: "rule7.item4",
        citation: "規則7条4号",
        citation_en: "PPC Rules Art. 7(iv)",
        effective_from: date(2027, 4, 1),
        source: "hypothetical amendment (test only)",
    },
    counts_being_acquired: false,
    test: hypothetical_item4,
};

const FUTURE: RuleSet = RuleSet {
    version: "2027-04-01",
    effective_from: date(2027, 4, 1),
    citation: "hypothetical",
    citation_en: "hypothetical",
    title_ja: "仮の将来改正（テスト用）",
    title_en: "hypothetical future amendment (test only)",
    kind: Kind::Mandatory(Mandatory {
        private_items: &[rule7::ITEM1, rule7::ITEM2, rule7::ITEM3_2024, ITEM4_FUTURE],
        public_items: &[],
    }),
};

#[test]
fn a_new_rule_set_applies_from_its_date_and_leaves_the_old_ones_alone() {
    let mut sets: Vec<RuleSet> = RULE_SETS.to_vec();
    sets.push(FUTURE);
    let facts = |known_on: &str| {
        Facts::from_json(&format!(
            r#"{{"known_on":"{known_on}","events":["leak"],"data_items":["name"],"cause":"loss","persons":600}}"#
        ))
        .unwrap()
    };

    let before = facts("2027-03-31");
    let after = facts("2027-04-01");
    assert_eq!(
        rulesets::select(&sets, before.known_on).version,
        "2024-04-01"
    );
    assert_eq!(
        rulesets::select(&sets, after.known_on).version,
        "2027-04-01"
    );

    let old = rulesets::select(&sets, before.known_on).assess(&before);
    let new = rulesets::select(&sets, after.known_on).assess(&after);
    assert_eq!(old.items, Vec::<u8>::new());
    assert_eq!(new.items, vec![4]);
    assert_eq!(new.law_version, "2027-04-01");
    // The shipped engine, which does not know the hypothetical set, is unchanged.
    assert_eq!(roei_law::assess(&after).law_version, "2024-04-01");
    assert_eq!(roei_law::assess(&after).items, Vec::<u8>::new());
    // The trace names the new provision's date.
    let json = serde_json::to_value(new.localized(Lang::En)).unwrap();
    assert!(
        json["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["effective_from"] == "2027-04-01" && r["provision"] == "rule7.item4")
    );
}

#[test]
fn rule_sets_are_ordered_and_named_by_their_dates() {
    assert!(
        RULE_SETS
            .windows(2)
            .all(|w| w[0].effective_from < w[1].effective_from)
    );
    for rs in RULE_SETS {
        assert_eq!(rs.version, rs.effective_from.to_string());
    }
    assert_eq!(
        roei_law::rule_set_for(date(2022, 3, 31)).version,
        "2017-05-30"
    );
    assert_eq!(
        roei_law::rule_set_for(date(2022, 4, 1)).version,
        "2022-04-01"
    );
    assert_eq!(
        roei_law::rule_set_for(date(2024, 3, 31)).version,
        "2022-04-01"
    );
    assert_eq!(
        roei_law::rule_set_for(date(2024, 4, 1)).version,
        "2024-04-01"
    );
    assert_eq!(
        roei_law::rule_set_for(date(2010, 1, 1)).version,
        "2017-05-30"
    );
}
