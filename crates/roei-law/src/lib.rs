//! roei-law — facts in, determination out, for Japan's personal-data breach reporting.
//!
//! * [`Facts`] is the input of `assess-contract.md`, parsed strictly ([`Facts::from_json`]).
//! * [`assess`] picks the rule set in force on `known_on` ([`rulesets::rule_set_for`]) and applies
//!   its provisions in order; each provision lives in its own module under [`provisions`], dated
//!   and citing its article.
//! * The [`Determination`] carries the rule-set version (`law_version`) and the trace
//!   (`reasons`), each step citing the provision applied, in Japanese and English.
//!
//! Pure: no I/O, no clock. Dates come in with the facts; the government calendar comes from
//! `roei-calendar`.

pub mod derive;
pub mod determination;
pub mod facts;
pub mod interview;
pub mod prefectures;
pub mod provisions;
pub mod rulesets;
pub mod text;

pub use determination::{Determination, Exemption, Lang, QuickReportGuide, Reason, RolledOverDay};
pub use facts::{Cause, DataForm, DataItem, Event, Facts, FactsError, Regime};
pub use rulesets::{RULE_SETS, RuleSet, rule_set_for};

/// Decides what the law requires for these (validated) facts.
pub fn assess(facts: &Facts) -> Determination {
    rule_set_for(facts.known_on).assess(facts)
}
