//! 個人情報の保護に関する法律 26条: the private regime's duty to report (1項), the entrustee
//! proviso (1項ただし書) and the notice to individuals (2項).

use jiff::civil::Date;

use super::Provision;

const SOURCE: &str = "個人情報の保護に関する法律（令和2年法律第44号による改正、2022-04-01施行）";

/// 1項本文: report to the Commission.
pub const DUTY: Provision = Provision {
    id: "act26.1",
    citation: "法26条1項",
    citation_en: "Act Art. 26(1)",
    effective_from: Date::constant(2022, 4, 1),
    source: SOURCE,
};

/// 1項ただし書: an entrustee that notified its entruster is exempt.
pub const ENTRUSTEE_PROVISO: Provision = Provision {
    id: "act26.1.proviso",
    citation: "法26条1項ただし書",
    citation_en: "Act Art. 26(1), proviso",
    effective_from: Date::constant(2022, 4, 1),
    source: SOURCE,
};

/// 2項: notice to the individuals (ただし書: a substitute measure when notice is difficult).
pub const NOTICE: Provision = Provision {
    id: "act26.2",
    citation: "法26条2項",
    citation_en: "Act Art. 26(2)",
    effective_from: Date::constant(2022, 4, 1),
    source: SOURCE,
};

/// 2項ただし書.
pub const NOTICE_PROVISO: Provision = Provision {
    id: "act26.2.proviso",
    citation: "法26条2項ただし書",
    citation_en: "Act Art. 26(2), proviso",
    effective_from: Date::constant(2022, 4, 1),
    source: SOURCE,
};
