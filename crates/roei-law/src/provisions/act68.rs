//! 個人情報の保護に関する法律 68条: the public regime's duty to report (1項) and to notify the
//! individuals (2項, with the exceptions of 1号 and 2号). National bodies came under it on
//! 2022-04-01, local public bodies on 2023-04-01 (令和3年法律第37号 50条・51条).

use jiff::civil::Date;

use super::Provision;

/// 1項 for 国の行政機関・独立行政法人等.
pub const DUTY_NATIONAL: Provision = Provision {
    id: "act68.1",
    citation: "法68条1項",
    citation_en: "Act Art. 68(1)",
    effective_from: Date::constant(2022, 4, 1),
    source: "デジタル社会の形成を図るための関係法律の整備に関する法律（令和3年法律第37号）50条による改正、2022-04-01施行",
};

/// 1項 for 地方公共団体の機関・地方独立行政法人.
pub const DUTY_LOCAL: Provision = Provision {
    id: "act68.1",
    citation: "法68条1項",
    citation_en: "Act Art. 68(1)",
    effective_from: Date::constant(2023, 4, 1),
    source: "デジタル社会の形成を図るための関係法律の整備に関する法律（令和3年法律第37号）51条による改正、2023-04-01施行",
};

/// 2項本文.
pub const NOTICE: Provision = Provision {
    id: "act68.2",
    citation: "法68条2項",
    citation_en: "Act Art. 68(2)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律 68条2項",
};

/// 2項1号: notice difficult → substitute measure.
pub const NOTICE_DIFFICULT: Provision = Provision {
    id: "act68.2.1",
    citation: "法68条2項1号",
    citation_en: "Act Art. 68(2)(i)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律 68条2項1号",
};

/// 2項2号: the data contains information that would not be disclosed (法78条1項各号).
pub const NOTICE_NON_DISCLOSURE: Provision = Provision {
    id: "act68.2.2",
    citation: "法68条2項2号",
    citation_en: "Act Art. 68(2)(ii)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律 68条2項2号",
};

/// No entrustee exception in the public regime.
pub const NO_ENTRUSTEE_EXCEPTION: Provision = Provision {
    id: "act68.1.no_proviso",
    citation: "法68条1項",
    citation_en: "Act Art. 68(1)",
    effective_from: Date::constant(2022, 4, 1),
    source: "個人情報の保護に関する法律 68条1項",
};
