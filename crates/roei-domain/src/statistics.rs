//! 統計: counts of the reports a regulator received, by 年度 (fiscal year), 規則7条 / 規則43条
//! item, cause, sector, persons bracket and stage, and the statistics package for the police
//! (覚書4条(2)ロ(イ)) with small counts hidden ([`crate::suppression`]).
//!
//! What is counted: **one case once**, by its latest submission to the regulator (a 速報 later
//! followed by a 確報 counts once, with the 確報's cause, items, persons…). The fiscal year is
//! that of the case's **first submission** (the day the Commission received the 速報, in Japan
//! time) — the way the Commission's annual report counts 受付件数 — not the 知った日: a report
//! received in April about a leak known in March belongs to the new year, and a year's count
//! never changes once the year is over.
//!
//! Only a regulator's users see statistics, and only of the reports sent to their regulator.
//! Operators and the police never see them; the police get the package.
//!
//! The counting is the store's ([`StatisticsStore`]): one `GROUP BY` over a table of counts the
//! database keeps up to date on every submission (migration 0005), never rows loaded into Rust.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::audit::AuditDraft;
use crate::model::{OrgId, OrgKind};
use crate::report::{CURRENT_FORM_VERSION, FormOptions, ReportStage};
use crate::service::{Actor, jst_today};
use crate::sharing::{self, ItemKind, SharedItem, SharingScope};
use crate::store::{Store, StoreResult};
use crate::suppression::{CountTable, Mask, suppress};

/// 年度: the fiscal year April–March, named by the year it starts in (FY2026 = 2026-04-01 …
/// 2027-03-31 = 令和8年度).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(pub i16);

impl FiscalYear {
    /// The fiscal year `d` falls in.
    pub fn of(d: Date) -> Self {
        Self(if d.month() >= 4 {
            d.year()
        } else {
            d.year() - 1
        })
    }

    /// The fiscal year of a moment, by the date in Japan.
    pub fn of_moment(t: Timestamp) -> Self {
        Self::of(jst_today(t))
    }

    pub fn first_day(self) -> Date {
        date(self.0, 4, 1)
    }

    pub fn last_day(self) -> Date {
        date(self.0 + 1, 3, 31)
    }

    /// `2026年度` / `FY2026`.
    pub fn label_ja(self) -> String {
        format!("{}年度", self.0)
    }

    pub fn label_en(self) -> String {
        format!("FY{}", self.0)
    }

    /// Parses `2026` (or `FY2026`) as the field `field`.
    pub fn parse(field: &str, s: &str) -> Result<Self, DomainError> {
        let t = s.trim();
        let digits = t
            .strip_prefix("FY")
            .or_else(|| t.strip_prefix("fy"))
            .unwrap_or(t);
        match digits.parse::<i16>() {
            Ok(y) if (2000..=2200).contains(&y) => Ok(Self(y)),
            _ => Err(DomainError::invalid(
                field,
                format!(
                    "\"{s}\" is not a fiscal year (a year such as 2026 for 2026-04-01 – 2027-03-31)"
                ),
            )),
        }
    }
}

impl std::fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What the reports are counted by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Key: the year, `2026`.
    FiscalYear,
    /// Key: `rule7:1` … `rule7:4`, `rule43:1` … `rule43:5` (規則7条 for private operators,
    /// 規則43条 for public bodies, by the organisation's regime), or `none`. A case with several
    /// items counts under each.
    Item,
    /// Key: the form's cause code (`unauthorized_access`, …) or `unknown`.
    Cause,
    /// Key: the report header's sector as written, or `unknown`.
    Sector,
    /// Key: a [`PersonsBracket`] code.
    Persons,
    /// Key: the stage of the latest submission (`quick_report`, `final_report`,
    /// `supplement`).
    Stage,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::FiscalYear => "fiscal_year",
            Dimension::Item => "item",
            Dimension::Cause => "cause",
            Dimension::Sector => "sector",
            Dimension::Persons => "persons",
            Dimension::Stage => "stage",
        }
    }
}

/// The persons brackets of the regulator's inbox filter, plus `unknown` (no number given).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PersonsBracket {
    #[serde(rename = "1-100")]
    UpTo100,
    #[serde(rename = "101-1000")]
    UpTo1000,
    #[serde(rename = "1001-10000")]
    UpTo10000,
    #[serde(rename = "10001-")]
    Over10000,
    /// No number (or 0) in the report.
    #[serde(rename = "unknown")]
    Unknown,
}

impl PersonsBracket {
    /// In order, `unknown` last.
    pub const ALL: [PersonsBracket; 5] = [
        PersonsBracket::UpTo100,
        PersonsBracket::UpTo1000,
        PersonsBracket::UpTo10000,
        PersonsBracket::Over10000,
        PersonsBracket::Unknown,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PersonsBracket::UpTo100 => "1-100",
            PersonsBracket::UpTo1000 => "101-1000",
            PersonsBracket::UpTo10000 => "1001-10000",
            PersonsBracket::Over10000 => "10001-",
            PersonsBracket::Unknown => "unknown",
        }
    }

    /// The bounds (inclusive); `None` for `unknown`. The stores' SQL uses the same bounds
    /// (migration 0005; tested by the conformance suite at every edge).
    pub fn bounds(self) -> Option<(u64, Option<u64>)> {
        match self {
            PersonsBracket::UpTo100 => Some((1, Some(100))),
            PersonsBracket::UpTo1000 => Some((101, Some(1000))),
            PersonsBracket::UpTo10000 => Some((1001, Some(10_000))),
            PersonsBracket::Over10000 => Some((10_001, None)),
            PersonsBracket::Unknown => None,
        }
    }

    /// The bracket of a number of persons.
    pub fn of(persons: Option<u64>) -> Self {
        match persons {
            None | Some(0) => PersonsBracket::Unknown,
            Some(1..=100) => PersonsBracket::UpTo100,
            Some(101..=1000) => PersonsBracket::UpTo1000,
            Some(1001..=10_000) => PersonsBracket::UpTo10000,
            Some(_) => PersonsBracket::Over10000,
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == s)
    }

    fn labels(self) -> (&'static str, &'static str) {
        match self {
            PersonsBracket::UpTo100 => ("1～100人", "1–100"),
            PersonsBracket::UpTo1000 => ("101～1,000人", "101–1,000"),
            PersonsBracket::UpTo10000 => ("1,001～10,000人", "1,001–10,000"),
            PersonsBracket::Over10000 => ("10,001人以上", "over 10,000"),
            PersonsBracket::Unknown => ("不明", "unknown"),
        }
    }
}

/// One count of the store: `cases` with key `row` (and `col` for a cross table).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Count {
    pub row: String,
    pub col: Option<String>,
    pub cases: u64,
}

/// The statistics queries of a store (a supertrait of [`Store`]).
#[async_trait]
pub trait StatisticsStore: Send + Sync {
    /// The cases submitted to `regulator`, each once by its latest submission, in the fiscal
    /// year of its first submission (every year when `None`), counted by `rows` (and `cols`).
    /// Keys as in [`Dimension`]; keys with no case are left out; in no particular order.
    /// `cols` differs from `rows`, and the sector is counted alone (see [`check_dimensions`]).
    async fn statistics_counts(
        &self,
        regulator: OrgId,
        fiscal_year: Option<FiscalYear>,
        rows: Dimension,
        cols: Option<Dimension>,
    ) -> StoreResult<Vec<Count>>;
}

/// The pairs a store counts: any dimension alone; two different ones crossed, but not the
/// sector (free text with many values, kept apart so that the other counts stay few).
pub fn check_dimensions(rows: Dimension, cols: Option<Dimension>) -> StoreResult<()> {
    match cols {
        Some(c) if c == rows || c == Dimension::Sector || rows == Dimension::Sector => {
            Err(crate::StoreError::Backend(format!(
                "statistics cannot cross {} with {}",
                rows.as_str(),
                c.as_str()
            )))
        }
        _ => Ok(()),
    }
}

/// A row or column heading: the key with its Japanese and English label.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub code: String,
    pub ja: String,
    pub en: String,
}

impl Key {
    fn new(code: impl Into<String>, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            ja: ja.into(),
            en: en.into(),
        }
    }
}

/// A table of the statistics: headings and counts (a one-way table has the single column
/// `cases`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatTable {
    /// `fiscal_year`, `item`, `cause`, `sector`, `persons`, `stage`, `cause_by_persons`.
    pub id: String,
    pub title_ja: String,
    pub title_en: String,
    pub rows: Vec<Key>,
    pub cols: Vec<Key>,
    pub counts: CountTable,
}

/// The regulator's statistics for one fiscal year (or all).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    /// The year shown (`null`: every year).
    pub fiscal_year: Option<FiscalYear>,
    /// The years with reports, oldest first.
    pub fiscal_years: Vec<FiscalYear>,
    /// Cases in the year (or in all).
    pub total: u64,
    /// Cases per fiscal year (every year, whatever `fiscal_year`), then the year's tables.
    pub tables: Vec<StatTable>,
}

const ITEM_LABELS: [(&str, &str, &str); 10] = [
    (
        "rule7:1",
        "規則7条1号 要配慮個人情報",
        "Rule 7(1) sensitive information",
    ),
    (
        "rule7:2",
        "規則7条2号 財産的被害のおそれ",
        "Rule 7(2) risk of financial damage",
    ),
    (
        "rule7:3",
        "規則7条3号 不正の目的のおそれ",
        "Rule 7(3) possibly malicious act",
    ),
    (
        "rule7:4",
        "規則7条4号 千人超",
        "Rule 7(4) over 1,000 persons",
    ),
    (
        "rule43:1",
        "規則43条1号 要配慮個人情報",
        "Rule 43(1) sensitive information",
    ),
    (
        "rule43:2",
        "規則43条2号 財産的被害のおそれ",
        "Rule 43(2) risk of financial damage",
    ),
    (
        "rule43:3",
        "規則43条3号 不正の目的のおそれ",
        "Rule 43(3) possibly malicious act",
    ),
    (
        "rule43:4",
        "規則43条4号 百人超",
        "Rule 43(4) over 100 persons",
    ),
    (
        "rule43:5",
        "規則43条5号 条例要配慮個人情報",
        "Rule 43(5) ordinance-defined sensitive information",
    ),
    (
        "none",
        "該当号なし（任意の報告）",
        "no item (voluntary report)",
    ),
];

const STAGES: [ReportStage; 3] = [
    ReportStage::QuickReport,
    ReportStage::FinalReport,
    ReportStage::Supplement,
];

fn stage_en(s: ReportStage) -> &'static str {
    match s {
        ReportStage::QuickReport => "quick report only",
        ReportStage::FinalReport => "final report",
        ReportStage::Supplement => "supplemented",
    }
}

fn unknown() -> Key {
    Key::new("unknown", "不明", "unknown")
}

/// The headings of a dimension that always appear (zeros included), in order; keys the store
/// returns beyond them (sectors, years, an unknown code) are appended.
fn fixed_keys(d: Dimension) -> Vec<Key> {
    match d {
        Dimension::FiscalYear | Dimension::Sector => Vec::new(),
        Dimension::Item => ITEM_LABELS
            .iter()
            .map(|(c, ja, en)| Key::new(*c, *ja, *en))
            .collect(),
        Dimension::Cause => {
            let mut keys: Vec<Key> = FormOptions::get(CURRENT_FORM_VERSION)
                .map(|o| o.cause.as_slice())
                .unwrap_or_default()
                .iter()
                .map(|o| Key::new(&o.code, &o.ja, &o.en))
                .collect();
            keys.push(unknown());
            keys
        }
        Dimension::Persons => PersonsBracket::ALL
            .iter()
            .map(|b| {
                let (ja, en) = b.labels();
                Key::new(b.code(), ja, en)
            })
            .collect(),
        Dimension::Stage => STAGES
            .iter()
            .map(|s| {
                let ja = if *s == ReportStage::QuickReport {
                    "速報のみ"
                } else {
                    s.ja()
                };
                Key::new(s.as_str(), ja, stage_en(*s))
            })
            .collect(),
    }
}

/// The heading of a key the fixed list does not have.
fn extra_key(d: Dimension, code: &str) -> Key {
    match d {
        Dimension::FiscalYear => code.parse::<i16>().map_or_else(
            |_| Key::new(code, code, code),
            |y| Key::new(code, FiscalYear(y).label_ja(), FiscalYear(y).label_en()),
        ),
        _ if code == "unknown" => unknown(),
        _ => Key::new(code, code, code),
    }
}

/// Headings for `d`: the fixed ones, then those seen in `codes`, sectors by count (largest
/// first), years in order.
fn keys_for(d: Dimension, counts: &[(String, u64)]) -> Vec<Key> {
    let mut keys = fixed_keys(d);
    let mut extra: Vec<(String, u64)> = counts
        .iter()
        .filter(|(c, _)| !keys.iter().any(|k| &k.code == c))
        .cloned()
        .collect();
    match d {
        Dimension::FiscalYear => extra.sort(),
        // Unknown last, then by count.
        _ => extra.sort_by(|a, b| {
            (a.0 == "unknown", std::cmp::Reverse(a.1), &a.0).cmp(&(
                b.0 == "unknown",
                std::cmp::Reverse(b.1),
                &b.0,
            ))
        }),
    }
    keys.extend(extra.iter().map(|(c, _)| extra_key(d, c)));
    keys
}

fn titles(id: &str) -> (&'static str, &'static str) {
    match id {
        "fiscal_year" => ("年度別の件数", "Reports by fiscal year"),
        "item" => (
            "該当号別の件数（1件が複数の号に該当することがあります）",
            "Reports by item (one report may have several)",
        ),
        "cause" => ("原因別の件数", "Reports by cause"),
        "sector" => ("業種別の件数", "Reports by sector"),
        "persons" => ("本人の数別の件数", "Reports by number of persons"),
        "stage" => ("報告の段階別の件数", "Reports by stage reached"),
        "cause_by_persons" => (
            "原因×本人の数の件数",
            "Reports by cause and number of persons",
        ),
        _ => ("", ""),
    }
}

/// A one-way table of `d`. `with_total`: its cells sum to the total (not so for items).
async fn one_way(
    store: &dyn Store,
    regulator: OrgId,
    fy: Option<FiscalYear>,
    d: Dimension,
) -> Result<StatTable, DomainError> {
    let counts: Vec<(String, u64)> = store
        .statistics_counts(regulator, fy, d, None)
        .await?
        .into_iter()
        .map(|c| (c.row, c.cases))
        .collect();
    let rows = keys_for(d, &counts);
    let cells: Vec<Vec<u64>> = rows
        .iter()
        .map(|k| {
            vec![
                counts
                    .iter()
                    .find(|(c, _)| *c == k.code)
                    .map_or(0, |(_, n)| *n),
            ]
        })
        .collect();
    let with_total = d != Dimension::Item;
    let total = with_total.then(|| cells.iter().map(|r| r[0]).sum());
    let (ja, en) = titles(d.as_str());
    Ok(StatTable {
        id: d.as_str().to_owned(),
        title_ja: ja.to_owned(),
        title_en: en.to_owned(),
        rows,
        cols: vec![Key::new("cases", "件数", "reports")],
        counts: CountTable {
            cells,
            row_totals: None,
            col_totals: None,
            total,
        },
    })
}

/// The cross table cause × persons bracket, with its margins.
async fn cause_by_persons(
    store: &dyn Store,
    regulator: OrgId,
    fy: Option<FiscalYear>,
) -> Result<StatTable, DomainError> {
    let counts = store
        .statistics_counts(regulator, fy, Dimension::Cause, Some(Dimension::Persons))
        .await?;
    let mut by_row: Vec<(String, u64)> = Vec::new();
    for c in &counts {
        match by_row.iter_mut().find(|(k, _)| *k == c.row) {
            Some((_, n)) => *n += c.cases,
            None => by_row.push((c.row.clone(), c.cases)),
        }
    }
    let rows = keys_for(Dimension::Cause, &by_row);
    let cols = keys_for(Dimension::Persons, &[]);
    let cells: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| {
            cols.iter()
                .map(|col| {
                    counts
                        .iter()
                        .find(|c| c.row == r.code && c.col.as_deref() == Some(&col.code))
                        .map_or(0, |c| c.cases)
                })
                .collect()
        })
        .collect();
    let row_totals: Vec<u64> = cells.iter().map(|r| r.iter().sum()).collect();
    let col_totals: Vec<u64> = (0..cols.len())
        .map(|j| cells.iter().map(|r| r[j]).sum())
        .collect();
    let total = row_totals.iter().sum();
    let (ja, en) = titles("cause_by_persons");
    Ok(StatTable {
        id: "cause_by_persons".into(),
        title_ja: ja.to_owned(),
        title_en: en.to_owned(),
        rows,
        cols,
        counts: CountTable {
            cells,
            row_totals: Some(row_totals),
            col_totals: Some(col_totals),
            total: Some(total),
        },
    })
}

/// Whether the actor may see statistics (a regulator's users; `NotFound` for anyone else).
pub fn check_access(actor: &Actor) -> Result<(), DomainError> {
    actor.require_regulator()
}

/// The regulator's statistics for `fiscal_year` (every year when `None`).
pub async fn statistics(
    store: &dyn Store,
    actor: &Actor,
    fiscal_year: Option<FiscalYear>,
) -> Result<Statistics, DomainError> {
    actor.require_regulator()?;
    let reg = actor.org.id;
    let years = one_way(store, reg, None, Dimension::FiscalYear).await?;
    let fiscal_years: Vec<FiscalYear> = years
        .rows
        .iter()
        .filter_map(|k| k.code.parse().ok().map(FiscalYear))
        .collect();
    let mut tables = vec![years];
    for d in [
        Dimension::Item,
        Dimension::Cause,
        Dimension::Sector,
        Dimension::Persons,
        Dimension::Stage,
    ] {
        tables.push(one_way(store, reg, fiscal_year, d).await?);
    }
    tables.push(cause_by_persons(store, reg, fiscal_year).await?);
    let total = tables
        .iter()
        .find(|t| t.id == "cause")
        .and_then(|t| t.counts.total)
        .unwrap_or(0);
    Ok(Statistics {
        fiscal_year,
        fiscal_years,
        total,
        tables,
    })
}

/// The default threshold of the police package: counts of 1–4 are hidden.
pub const DEFAULT_THRESHOLD: u64 = 5;
/// The smallest threshold allowed: a count of 1 or 2 is always hidden (with 2, each of the two
/// reporters could tell the other).
pub const MIN_THRESHOLD: u64 = 3;
/// The largest threshold allowed.
pub const MAX_THRESHOLD: u64 = 100;

/// A table of the package: the counts with the hidden ones `null` (秘匿).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageTable {
    pub id: String,
    pub title_ja: String,
    pub title_en: String,
    pub rows: Vec<Key>,
    pub cols: Vec<Key>,
    /// `null` = hidden.
    pub cells: Vec<Vec<Option<u64>>>,
    /// Per row (cross tables only; `null` = hidden).
    pub row_totals: Option<Vec<Option<u64>>>,
    /// Per column (cross tables only; `null` = hidden).
    pub col_totals: Option<Vec<Option<u64>>>,
    /// The table's total (`null` when hidden or when the cells do not add up to one).
    pub total: Option<u64>,
    pub total_hidden: bool,
    /// How many numbers of the table are hidden.
    pub hidden: usize,
}

impl PackageTable {
    /// The table with nothing hidden (the regulator's own view, in the package's shape).
    pub fn unmasked(t: &StatTable) -> Self {
        let none = |n: usize| vec![false; n];
        let c = &t.counts;
        let mask = Mask {
            cells: c.cells.iter().map(|r| none(r.len())).collect(),
            row_totals: none(c.row_totals.as_ref().map_or(0, Vec::len)),
            col_totals: none(c.col_totals.as_ref().map_or(0, Vec::len)),
            total: false,
        };
        Self::new(t, &mask)
    }

    fn new(t: &StatTable, m: &Mask) -> Self {
        let show = |v: u64, h: bool| (!h).then_some(v);
        let c = &t.counts;
        let hidden = m.cells.iter().flatten().filter(|h| **h).count()
            + m.row_totals.iter().filter(|h| **h).count()
            + m.col_totals.iter().filter(|h| **h).count()
            + usize::from(m.total);
        Self {
            id: t.id.clone(),
            title_ja: t.title_ja.clone(),
            title_en: t.title_en.clone(),
            rows: t.rows.clone(),
            cols: t.cols.clone(),
            cells: c
                .cells
                .iter()
                .zip(&m.cells)
                .map(|(r, h)| r.iter().zip(h).map(|(v, h)| show(*v, *h)).collect())
                .collect(),
            row_totals: c.row_totals.as_ref().map(|r| {
                r.iter()
                    .zip(&m.row_totals)
                    .map(|(v, h)| show(*v, *h))
                    .collect()
            }),
            col_totals: c.col_totals.as_ref().map(|r| {
                r.iter()
                    .zip(&m.col_totals)
                    .map(|(v, h)| show(*v, *h))
                    .collect()
            }),
            total: c.total.filter(|_| !m.total),
            total_hidden: m.total,
            hidden,
        }
    }
}

/// 統計パッケージ: what the Commission shares with the police under 覚書4条(2)ロ(イ) — the year's
/// counts with every count below `threshold` hidden, and enough others that none can be worked
/// out from the totals. Serializable as it is published (an opaque JSON body of a shared item).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatisticsPackage {
    /// `roei.statistics_package.v1`.
    pub format: String,
    pub fiscal_year: FiscalYear,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub period_from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub period_to: Date,
    /// The regulator that made it.
    pub regulator: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub generated_at: Timestamp,
    /// Counts of 1 to `threshold − 1` are hidden (zeros are shown).
    pub threshold: u64,
    /// How the reports are counted, in Japanese.
    pub basis_ja: String,
    pub basis_en: String,
    pub tables: Vec<PackageTable>,
}

/// Checks a threshold asked for.
pub fn check_threshold(t: u64) -> Result<u64, DomainError> {
    if (MIN_THRESHOLD..=MAX_THRESHOLD).contains(&t) {
        Ok(t)
    } else {
        Err(DomainError::invalid(
            "threshold",
            format!(
                "{t} is not allowed: between {MIN_THRESHOLD} and {MAX_THRESHOLD} (default {DEFAULT_THRESHOLD})"
            ),
        ))
    }
}

/// The package of `fiscal_year` for the police, from `stats` (made for the same year): tables
/// cause × persons (with margins), sector, stage and item. Every table but the items one has
/// the year's total; it is hidden in all of them or in none (else one table would give away
/// another's hidden total).
pub fn package_of(
    stats: &Statistics,
    regulator: &str,
    threshold: u64,
    now: Timestamp,
) -> Result<StatisticsPackage, DomainError> {
    let threshold = check_threshold(threshold)?;
    let fy = stats
        .fiscal_year
        .ok_or_else(|| DomainError::invalid("fiscal_year", "a package covers one fiscal year"))?;
    let chosen: Vec<&StatTable> = ["cause_by_persons", "sector", "stage", "item"]
        .iter()
        .filter_map(|id| stats.tables.iter().find(|t| t.id == *id))
        .collect();
    let mut masks: Vec<Mask> = chosen
        .iter()
        .map(|t| suppress(&t.counts, threshold, false))
        .collect();
    if masks.iter().any(|m| m.total) {
        masks = chosen
            .iter()
            .map(|t| suppress(&t.counts, threshold, t.counts.total.is_some()))
            .collect();
    }
    Ok(StatisticsPackage {
        format: "roei.statistics_package.v1".into(),
        fiscal_year: fy,
        period_from: fy.first_day(),
        period_to: fy.last_day(),
        regulator: regulator.to_owned(),
        generated_at: now,
        threshold,
        basis_ja: format!(
            "{}（{}～{}）に初めて受け付けた漏えい等報告を、事案ごとに最新の報告で1件として数えたもの。\
             1～{}件のセルは秘匿し、合計から逆算できないよう他のセルも秘匿しています（0件は表示）。",
            fy.label_ja(),
            fy.first_day(),
            fy.last_day(),
            threshold - 1
        ),
        basis_en: format!(
            "Leak reports first received in {} ({} – {}), each case counted once by its latest \
             report. Counts of 1–{} are hidden, with other cells hidden so that none can be \
             worked out from the totals (zeros are shown).",
            fy.label_en(),
            fy.first_day(),
            fy.last_day(),
            threshold - 1
        ),
        tables: chosen
            .iter()
            .zip(&masks)
            .map(|(t, m)| PackageTable::new(t, m))
            .collect(),
    })
}

/// The police package of `fiscal_year` (required: `Invalid` without) with `threshold`
/// (regulator only).
pub async fn police_package(
    store: &dyn Store,
    actor: &Actor,
    fiscal_year: Option<FiscalYear>,
    threshold: u64,
    now: Timestamp,
) -> Result<StatisticsPackage, DomainError> {
    actor.require_regulator()?;
    let fiscal_year = fiscal_year.ok_or_else(|| {
        DomainError::invalid("fiscal_year", "a package covers one fiscal year: name it")
    })?;
    check_threshold(threshold)?;
    let stats = statistics(store, actor, Some(fiscal_year)).await?;
    package_of(&stats, &actor.org.name, threshold, now)
}

/// How the regulator read the police package (the audit event names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageRead {
    /// The package page.
    Page,
    /// The JSON download.
    Json,
    /// The CSV download.
    Csv,
    /// `GET /api/v1/statistics/package`.
    Api,
}

impl PackageRead {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageRead::Page => "page",
            PackageRead::Json => "json",
            PackageRead::Csv => "csv",
            PackageRead::Api => "api",
        }
    }
}

/// [`police_package`], with the reading recorded in the audit log (`statistics.package.read`:
/// the year, the threshold, how it was read and how many numbers were hidden). The pages, the
/// downloads and the API read the package through this.
pub async fn read_package(
    store: &dyn Store,
    actor: &Actor,
    fiscal_year: Option<FiscalYear>,
    threshold: u64,
    via: PackageRead,
    now: Timestamp,
) -> Result<StatisticsPackage, DomainError> {
    let package = police_package(store, actor, fiscal_year, threshold, now).await?;
    store
        .append_audit(&AuditDraft::new(
            now,
            Some(actor.user.id),
            Some(actor.org.id),
            "statistics.package.read",
            format!("statistics_package:{}", package.fiscal_year),
            &serde_json::json!({
                "via": via.as_str(),
                "fiscal_year": package.fiscal_year,
                "threshold": package.threshold,
                "hidden": package.tables.iter().map(|t| t.hidden).sum::<usize>(),
            }),
        ))
        .await?;
    Ok(package)
}

/// The title a published package gets unless one is given.
pub fn default_package_title(fiscal_year: FiscalYear) -> String {
    format!("漏えい等報告の統計パッケージ（{}）", fiscal_year.label_ja())
}

/// Publishes the police package of `fiscal_year` with `threshold` to the police
/// (覚書4条(2)ロ(イ)): a shared item of kind `statistics_package` whose body is the package as
/// [`police_package`] makes it (the hidden cells `null`, never the counts behind them), under
/// the designated `scope` (覚書5条). Only a regulator's members and admins publish
/// (`Forbidden` for anyone else); a bad year, threshold, title or scope is `Invalid` and
/// nothing is stored. The share is audited (`shared_item.share`) with the item.
pub async fn publish_package(
    store: &dyn Store,
    actor: &Actor,
    fiscal_year: Option<FiscalYear>,
    threshold: u64,
    title: Option<&str>,
    scope: SharingScope,
    now: Timestamp,
) -> Result<SharedItem, DomainError> {
    if actor.org.kind != OrgKind::Regulator {
        return Err(DomainError::Forbidden(
            "only the regulator publishes the statistics package".into(),
        ));
    }
    if !actor.user.role.can_write() {
        return Err(DomainError::Forbidden(
            "viewers cannot publish the statistics package".into(),
        ));
    }
    let package = police_package(store, actor, fiscal_year, threshold, now).await?;
    for (i, r) in scope.recipients.iter().enumerate() {
        // Unknown organisations, operators and the regulator itself are refused by the share.
        if let Some(o) = store.organisation(*r).await?
            && o.kind == OrgKind::Regulator
            && o.id != actor.org.id
        {
            return Err(DomainError::invalid(
                format!("scope.recipients[{i}]"),
                format!(
                    "{} is not a police organisation: the package goes to the police",
                    o.name
                ),
            ));
        }
    }
    let title = match title.map(str::trim) {
        None | Some("") => default_package_title(package.fiscal_year),
        Some(t) => t.to_owned(),
    };
    let body = serde_json::to_value(&package)
        .map_err(|e| DomainError::Storage(format!("encoding the package: {e}")))?;
    sharing::share_item(
        store,
        actor,
        ItemKind::StatisticsPackage,
        &title,
        body,
        scope,
        now,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiscal_years_run_april_to_march() {
        assert_eq!(FiscalYear::of(date(2026, 4, 1)), FiscalYear(2026));
        assert_eq!(FiscalYear::of(date(2027, 3, 31)), FiscalYear(2026));
        assert_eq!(FiscalYear::of(date(2026, 3, 31)), FiscalYear(2025));
        assert_eq!(FiscalYear(2026).first_day(), date(2026, 4, 1));
        assert_eq!(FiscalYear(2026).last_day(), date(2027, 3, 31));
        // 2026-03-31T15:00Z is 2026-04-01 00:00 in Japan.
        let t: Timestamp = "2026-03-31T15:00:00Z".parse().unwrap();
        assert_eq!(FiscalYear::of_moment(t), FiscalYear(2026));
        let t: Timestamp = "2026-03-31T14:59:59Z".parse().unwrap();
        assert_eq!(FiscalYear::of_moment(t), FiscalYear(2025));
        assert_eq!(FiscalYear::parse("fy", "FY2026").unwrap(), FiscalYear(2026));
        let e = FiscalYear::parse("fiscal_year", "26").unwrap_err();
        assert!(e.to_string().starts_with("fiscal_year: \"26\""), "{e}");
    }

    #[test]
    fn persons_brackets_are_the_inbox_brackets() {
        for (n, b) in [
            (None, PersonsBracket::Unknown),
            (Some(0), PersonsBracket::Unknown),
            (Some(1), PersonsBracket::UpTo100),
            (Some(100), PersonsBracket::UpTo100),
            (Some(101), PersonsBracket::UpTo1000),
            (Some(1000), PersonsBracket::UpTo1000),
            (Some(1001), PersonsBracket::UpTo10000),
            (Some(10_000), PersonsBracket::UpTo10000),
            (Some(10_001), PersonsBracket::Over10000),
        ] {
            assert_eq!(PersonsBracket::of(n), b, "{n:?}");
            if let (Some(n), Some((lo, hi))) = (n, b.bounds()) {
                assert!(n >= lo && hi.is_none_or(|h| n <= h));
            }
        }
    }

    #[test]
    fn thresholds_are_bounded() {
        assert!(check_threshold(2).is_err());
        assert_eq!(check_threshold(5).unwrap(), 5);
        assert!(check_threshold(101).is_err());
    }
}
