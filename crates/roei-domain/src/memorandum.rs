//! 覚書の有効期間: the term of the 2023 PPC–NPA memorandum (第6条).
//!
//! > 本覚書の有効期間は、令和5年4月1日から令和6年3月31日までとする。ただし、期間満了日の3ヶ月前
//! > までに甲又は乙から申し出がない場合は、この覚書の効力は更に1年間延長されるものとし、以後も
//! > 同様とする。
//!
//! So the first term is fiscal year 2023 (2023-04-01 – 2024-03-31), and each term renews for one
//! more fiscal year unless either side objects by the day three months before it expires. Read
//! here: the expiry date is 3/31, "3ヶ月前" is 12/31 (the same day three months earlier, 民法143条
//! counted backwards), and "までに" includes that day — an objection made on 12/31 still stops the
//! renewal, one made on 1/1 does not. roei records no objection, so every term is taken to
//! have renewed; the page says so.
//!
//! Pure: the date is an argument.

use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::model::OrgKind;
use crate::service::Actor;

/// The first day of the memorandum (令和5年4月1日).
pub const IN_FORCE_FROM: Date = date(2023, 4, 1);

/// One term of the memorandum and what today means for it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemorandumTerm {
    /// 1 for the original term (FY2023), 2 for the first renewal, …
    pub term: u32,
    /// The fiscal year the term covers.
    pub fiscal_year: i16,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub starts_on: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub expires_on: Date,
    /// The last day an objection stops this term's renewal (three months before it expires).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub objection_deadline: Date,
    /// Whether an objection made today would still stop the renewal at the end of this term.
    pub objection_open: bool,
    /// The next objection deadline from today: this term's while it is open, else the next
    /// term's.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub next_objection_deadline: Date,
    /// Days from today to `next_objection_deadline` (0 on the day itself).
    pub days_to_next_objection_deadline: i64,
    /// The day the next term starts if nobody objects (the day after `expires_on`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub renews_on: Date,
}

/// The term `n` (1-based): fiscal year 2022 + n.
fn term_dates(n: u32) -> (i16, Date, Date, Date) {
    let fy = 2022 + i16::try_from(n).unwrap_or(i16::MAX - 2022);
    let starts = date(fy, 4, 1);
    let expires = date(fy + 1, 3, 31);
    // Three months before 3/31 is 12/31 of the year the term started.
    let deadline = date(fy, 12, 31);
    (fy, starts, expires, deadline)
}

/// The memorandum's term on `today` (assuming no side has objected), or `None` before it came
/// into force (2023-04-01).
pub fn term_on(today: Date) -> Option<MemorandumTerm> {
    if today < IN_FORCE_FROM {
        return None;
    }
    // Fiscal year of today: April–March.
    let fy = if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    };
    let n = u32::try_from(fy - 2022).ok()?;
    let (fiscal_year, starts_on, expires_on, objection_deadline) = term_dates(n);
    let objection_open = today <= objection_deadline;
    let next_objection_deadline = if objection_open {
        objection_deadline
    } else {
        term_dates(n + 1).3
    };
    Some(MemorandumTerm {
        term: n,
        fiscal_year,
        starts_on,
        expires_on,
        objection_deadline,
        objection_open,
        next_objection_deadline,
        days_to_next_objection_deadline: (next_objection_deadline - today).get_days().into(),
        renews_on: expires_on.tomorrow().ok()?,
    })
}

/// The term on `today` for a party to the memorandum: the regulator's and the police's users;
/// operators get `NotFound`.
pub fn term_for(actor: &Actor, today: Date) -> Result<Option<MemorandumTerm>, DomainError> {
    match actor.org.kind {
        OrgKind::Regulator | OrgKind::Police => Ok(term_on(today)),
        OrgKind::Operator => Err(DomainError::NotFound),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> MemorandumTerm {
        term_on(s.parse().unwrap()).unwrap()
    }

    #[test]
    fn not_in_force_before_2023_04_01() {
        assert_eq!(term_on(date(2023, 3, 31)), None);
        let first = t("2023-04-01");
        assert_eq!(first.term, 1);
        assert_eq!(first.fiscal_year, 2023);
        assert_eq!(first.starts_on, date(2023, 4, 1));
        assert_eq!(first.expires_on, date(2024, 3, 31));
        assert_eq!(first.objection_deadline, date(2023, 12, 31));
        assert_eq!(first.renews_on, date(2024, 4, 1));
    }

    #[test]
    fn around_the_objection_deadline() {
        // The day before: open, one day left.
        let before = t("2026-12-30");
        assert!(before.objection_open);
        assert_eq!(before.next_objection_deadline, date(2026, 12, 31));
        assert_eq!(before.days_to_next_objection_deadline, 1);
        // On the day: still open ("までに" includes it), zero days.
        let on = t("2026-12-31");
        assert!(on.objection_open);
        assert_eq!(on.next_objection_deadline, date(2026, 12, 31));
        assert_eq!(on.days_to_next_objection_deadline, 0);
        // The day after: closed for this term; the next deadline is a year on.
        let after = t("2027-01-01");
        assert!(!after.objection_open);
        assert_eq!(after.term, on.term);
        assert_eq!(after.expires_on, date(2027, 3, 31));
        assert_eq!(after.next_objection_deadline, date(2027, 12, 31));
        assert_eq!(after.days_to_next_objection_deadline, 364);
    }

    #[test]
    fn at_renewal() {
        let last_day = t("2027-03-31");
        assert_eq!(last_day.term, 4);
        assert_eq!(last_day.fiscal_year, 2026);
        assert_eq!(last_day.renews_on, date(2027, 4, 1));
        assert!(!last_day.objection_open);
        let renewed = t("2027-04-01");
        assert_eq!(renewed.term, 5);
        assert_eq!(renewed.fiscal_year, 2027);
        assert_eq!(renewed.starts_on, date(2027, 4, 1));
        assert_eq!(renewed.expires_on, date(2028, 3, 31));
        assert!(renewed.objection_open);
        assert_eq!(renewed.next_objection_deadline, date(2027, 12, 31));
        // The next deadline seen on the last day of a term is the one of the term to come.
        assert_eq!(last_day.next_objection_deadline, renewed.objection_deadline);
    }

    #[test]
    fn a_leap_year_term() {
        // FY2023 ends 2024-03-31 (2024 is a leap year): the deadline is still 12/31.
        let x = t("2024-02-29");
        assert_eq!(x.term, 1);
        assert_eq!(x.next_objection_deadline, date(2024, 12, 31));
        assert_eq!(x.days_to_next_objection_deadline, 306);
    }
}
