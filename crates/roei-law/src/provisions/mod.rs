//! One module per provision. Each module holds the provision's dated versions as [`Provision`]
//! constants (citation, effective date, amending instrument) and the test or consequence it
//! encodes, with the explanation it adds to the trace. A rule set (see `rulesets`) is a choice of
//! provision versions; a future amendment adds a new version here and a new rule set, leaving the
//! old ones untouched.

use jiff::civil::Date;

use crate::determination::Reason;

pub mod act26;
pub mod act41_9;
pub mod act68;
pub mod definitions;
pub mod memorandum;
pub mod my_number;
pub mod notice2017;
pub mod rule10;
pub mod rule43;
pub mod rule44;
pub mod rule45;
pub mod rule7;
pub mod rule8;
pub mod rule9;

/// A provision in one of its dated versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provision {
    /// Stable identifier, e.g. `rule7.item3`.
    pub id: &'static str,
    /// Japanese citation, e.g. `規則7条3号`.
    pub citation: &'static str,
    /// English citation.
    pub citation_en: &'static str,
    /// From when this version is in force.
    pub effective_from: Date,
    /// The instrument that enacted this version.
    pub source: &'static str,
}

impl Provision {
    /// A trace step citing this provision.
    pub fn reason(&self, ja: impl Into<String>, en: impl Into<String>) -> Reason {
        Reason {
            provision: self.id,
            citation: self.citation,
            citation_en: self.citation_en,
            effective_from: self.effective_from,
            text_ja: ja.into(),
            text_en: en.into(),
        }
    }

    /// Whether this version is in force on `day`.
    pub fn in_force_on(&self, day: Date) -> bool {
        day >= self.effective_from
    }
}

/// The day mandatory reporting began (令和2年改正法, 令和2年法律第44号).
pub const MANDATORY_FROM: Date = Date::constant(2022, 4, 1);
/// The day local public bodies came under the Act (令和3年法律第37号 51条).
pub const LOCAL_PUBLIC_FROM: Date = Date::constant(2023, 4, 1);

/// Formats a number with thousands separators (1,001).
pub(crate) fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Joins labels with the Japanese enumeration comma.
pub(crate) fn join_ja<'a>(labels: impl IntoIterator<Item = &'a str>) -> String {
    labels.into_iter().collect::<Vec<_>>().join("、")
}

/// Joins labels with commas.
pub(crate) fn join_en<'a>(labels: impl IntoIterator<Item = &'a str>) -> String {
    labels.into_iter().collect::<Vec<_>>().join(", ")
}
