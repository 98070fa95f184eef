//! Derivations of law.md §2: the trigger questions answered from the facts when the organisation
//! left them open (`null`). Shared by 規則7条 and 規則43条, whose items 1–3 ask the same questions.

use crate::facts::{Cause, DataItem, Facts};

/// How a yes/no answer was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The organisation answered the question itself.
    Stated,
    /// Derived from these data items.
    Items(Vec<DataItem>),
    /// Derived from the cause.
    FromCause(Cause),
    /// Nothing in the facts supports it.
    Nothing,
}

/// An answer with its basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub yes: bool,
    pub basis: Basis,
}

impl Answer {
    fn stated(yes: bool) -> Self {
        Self {
            yes,
            basis: Basis::Stated,
        }
    }

    /// A parenthesised Japanese / English note on where the answer came from.
    pub fn basis_text(&self) -> (String, String) {
        match &self.basis {
            Basis::Stated => ("（報告者の回答による）".into(), " (as stated)".into()),
            Basis::Items(items) => (
                format!(
                    "（{}）",
                    crate::provisions::join_ja(items.iter().map(|i| i.ja()))
                ),
                format!(
                    " ({})",
                    crate::provisions::join_en(items.iter().map(|i| i.en()))
                ),
            ),
            Basis::FromCause(c) => (
                format!("（原因: {}）", c.ja()),
                format!(" (cause: {})", c.en()),
            ),
            Basis::Nothing => (String::new(), String::new()),
        }
    }
}

/// 要配慮個人情報 present (法2条3項, 政令2条).
pub fn sensitive(f: &Facts) -> Answer {
    if let Some(yes) = f.sensitive {
        return Answer::stated(yes);
    }
    let found: Vec<DataItem> = unique(f.data_items.iter().copied().filter(|i| i.is_sensitive()));
    from_items(found)
}

/// 不正に利用されることにより財産的被害が生じるおそれ: a full card number, internet-banking or
/// payment-service credentials, or a bank account together with its PIN. Contact data alone and
/// the last 4 digits with the expiry do not derive it.
pub fn financial_damage_risk(f: &Facts) -> Answer {
    if let Some(yes) = f.financial_damage_risk {
        return Answer::stated(yes);
    }
    let has = |i: DataItem| f.data_items.contains(&i);
    let mut found: Vec<DataItem> = unique(f.data_items.iter().copied().filter(|i| {
        matches!(
            i,
            DataItem::CardNumber
                | DataItem::OnlineBankingCredentials
                | DataItem::PaymentServiceCredentials
        )
    }));
    if has(DataItem::BankAccount) && has(DataItem::BankPin) {
        found.extend([DataItem::BankAccount, DataItem::BankPin]);
    }
    from_items(found)
}

/// 不正の目的をもって行われたおそれがある行為.
pub fn malicious(f: &Facts) -> Answer {
    if let Some(yes) = f.malicious {
        return Answer::stated(yes);
    }
    match f.cause {
        Some(c) => Answer {
            yes: c.implies_malice(),
            basis: Basis::FromCause(c),
        },
        None => Answer {
            yes: false,
            basis: Basis::Nothing,
        },
    }
}

fn from_items(found: Vec<DataItem>) -> Answer {
    if found.is_empty() {
        Answer {
            yes: false,
            basis: Basis::Nothing,
        }
    } else {
        Answer {
            yes: true,
            basis: Basis::Items(found),
        }
    }
}

fn unique(items: impl Iterator<Item = DataItem>) -> Vec<DataItem> {
    let mut v: Vec<DataItem> = items.collect();
    v.sort_unstable();
    v.dedup();
    v
}
