//! Rule sets, each named by its effective date and made of chosen provision versions. The rule
//! set applied is the latest one in force on `known_on` (the duty arises when the organisation
//! knows); `occurred_on` never changes it.
//!
//! Adding the promulgated 2026 amendment means adding a module `vYYYY_MM_DD` that builds a
//! [`RuleSet`] from new provision versions (e.g. a new notice rule) and appending it to
//! [`RULE_SETS`]; no existing module changes.

use jiff::civil::Date;

use crate::derive::{self, Answer};
use crate::determination::{Determination, Lang};
use crate::facts::{DataForm, Event, Facts, Regime};
use crate::provisions::{Provision, join_en};

mod mandatory;
pub mod v2017_05_30;
pub mod v2022_04_01;
pub mod v2024_04_01;

/// Every rule set, oldest first.
pub const RULE_SETS: &[RuleSet] = &[v2017_05_30::RULES, v2022_04_01::RULES, v2024_04_01::RULES];

/// A dated rule set.
#[derive(Debug, Clone, Copy)]
pub struct RuleSet {
    /// The effective date as a string, used as `law_version`.
    pub version: &'static str,
    pub effective_from: Date,
    /// The instrument to cite for the rule set as a whole.
    pub citation: &'static str,
    pub citation_en: &'static str,
    pub title_ja: &'static str,
    pub title_en: &'static str,
    pub kind: Kind,
}

/// What a rule set does.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Reporting was a best effort only (before 2022-04-01).
    Voluntary,
    /// Mandatory reporting, with these provision versions.
    Mandatory(Mandatory),
}

/// The provision versions of a mandatory rule set.
#[derive(Debug, Clone, Copy)]
pub struct Mandatory {
    /// 規則7条 1–4号.
    pub private_items: &'static [Trigger],
    /// 規則43条 1–5号.
    pub public_items: &'static [Trigger],
}

/// One numbered item of 規則7条 / 43条 in one of its versions.
#[derive(Debug, Clone, Copy)]
pub struct Trigger {
    pub item: u8,
    pub provision: Provision,
    /// Whether personal information being acquired (data_form `being_acquired`) counts.
    pub counts_being_acquired: bool,
    pub test: fn(&Ctx) -> Finding,
}

/// A trigger's result with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// None when the item does not concern the organisation at all (e.g. 43条5号 for a national body).
    pub applies: Option<bool>,
    pub ja: String,
    pub en: String,
}

impl Finding {
    pub fn yes(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            applies: Some(true),
            ja: ja.into(),
            en: en.into(),
        }
    }
    pub fn no(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            applies: Some(false),
            ja: ja.into(),
            en: en.into(),
        }
    }
    pub fn skip() -> Self {
        Self {
            applies: None,
            ja: String::new(),
            en: String::new(),
        }
    }
}

/// The facts with the derived answers, as the provisions see them.
#[derive(Debug)]
pub struct Ctx<'a> {
    pub facts: &'a Facts,
    /// The events that remain after the non-events are taken out.
    pub events: Vec<Event>,
    pub sensitive: Answer,
    pub financial: Answer,
    pub malicious: Answer,
}

impl<'a> Ctx<'a> {
    fn new(facts: &'a Facts, events: Vec<Event>) -> Self {
        Self {
            facts,
            events,
            sensitive: derive::sensitive(facts),
            financial: derive::financial_damage_risk(facts),
            malicious: derive::malicious(facts),
        }
    }

    pub fn being_acquired(&self) -> bool {
        self.facts.data_form == DataForm::BeingAcquired
    }

    /// 「漏えい・滅失が発生した事態」 / 「…が発生したおそれがある事態」.
    pub fn events_ja(&self) -> String {
        let kinds = self
            .events
            .iter()
            .map(|e| e.ja())
            .collect::<Vec<_>>()
            .join("・");
        if self.facts.suspected {
            format!("{kinds}が発生したおそれがある事態")
        } else {
            format!("{kinds}が発生した事態")
        }
    }

    pub fn events_en(&self) -> String {
        let kinds = join_en(self.events.iter().map(|e| e.en())).replace(", ", " or ");
        if self.facts.suspected {
            format!("possible {kinds}")
        } else {
            kinds
        }
    }

    /// 個人データ or 保有個人情報.
    pub fn data_ja(&self) -> &'static str {
        if self.facts.regime.is_public() {
            "保有個人情報"
        } else {
            "個人データ"
        }
    }

    pub fn data_en(&self) -> &'static str {
        if self.facts.regime.is_public() {
            "retained personal information"
        } else {
            "personal data"
        }
    }

    fn items_ja(items: &[u8]) -> String {
        items
            .iter()
            .map(|i| ITEM_LABELS[usize::from(*i)])
            .collect::<Vec<_>>()
            .join("・")
    }
}

const ITEM_LABELS: [&str; 6] = ["", "1号", "2号", "3号", "4号", "5号"];

/// `規則7条` / `規則43条` (or the English name) for a regime.
pub fn rule_name(regime: Regime, lang: Lang) -> &'static str {
    match (regime.is_public(), lang) {
        (false, Lang::Ja) => "規則7条",
        (true, Lang::Ja) => "規則43条",
        (false, Lang::En) => "PPC Rules Art. 7",
        (true, Lang::En) => "PPC Rules Art. 43",
    }
}

/// The rule set in force on `known_on`.
pub fn rule_set_for(known_on: Date) -> &'static RuleSet {
    select(RULE_SETS, known_on)
}

/// The rule set of `sets` (oldest first, non-empty) in force on `known_on`; days before the first
/// rule set get the first one.
pub fn select(sets: &[RuleSet], known_on: Date) -> &RuleSet {
    sets.iter()
        .rev()
        .find(|rs| rs.effective_from <= known_on)
        .unwrap_or(&sets[0])
}

/// The rule set with this version string.
pub fn rule_set(version: &str) -> Option<&'static RuleSet> {
    RULE_SETS.iter().find(|rs| rs.version == version)
}

impl RuleSet {
    /// The rule set as a citable provision (for the first trace step).
    pub fn provision(&self) -> Provision {
        Provision {
            id: "ruleset",
            citation: self.citation,
            citation_en: self.citation_en,
            effective_from: self.effective_from,
            source: self.title_ja,
        }
    }

    /// Applies this rule set to validated facts.
    pub fn assess(&self, facts: &Facts) -> Determination {
        match self.kind {
            Kind::Voluntary => mandatory::voluntary(self, facts),
            Kind::Mandatory(m) => mandatory::assess(self, &m, facts),
        }
    }
}
