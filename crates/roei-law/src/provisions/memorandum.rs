//! The PPC – National Police Agency Cyber Police Bureau memorandum (2023, in force 2023-04-01):
//! on an unauthorized-access report the Commission introduces reporting to the prefectural
//! police (4条(1)イ).

use jiff::civil::Date;

use super::Provision;
use crate::determination::Reason;
use crate::facts::Cause;

pub const POLICE_INTRODUCTION: Provision = Provision {
    id: "memorandum.4.1.i",
    citation: "個人情報保護委員会・警察庁サイバー警察局覚書4条(1)イ",
    citation_en: "PPC–NPA Cyber Police Bureau memorandum, Art. 4(1)(i)",
    effective_from: Date::constant(2023, 4, 1),
    source: "個人情報保護委員会と警察庁サイバー警察局との間における情報共有等に関する覚書（2023年）",
};

/// Before the memorandum: police reporting is still advisable for a cyber crime.
pub const GENERAL: Provision = Provision {
    id: "police.general",
    citation: "不正アクセス行為の禁止等に関する法律",
    citation_en: "Unauthorized Computer Access Act",
    effective_from: Date::constant(2000, 2, 13),
    source: "不正アクセス行為の禁止等に関する法律（平成11年法律第128号）",
};

pub fn reason(cause: Cause, known_on: Date) -> Reason {
    if POLICE_INTRODUCTION.in_force_on(known_on) {
        POLICE_INTRODUCTION.reason(
            format!(
                "原因が{}であり、不正アクセス等による事案です。個人情報保護委員会は報告を受けた際に都道府県警察への通報を紹介します。都道府県警察（サイバー犯罪相談窓口）への相談・通報を推奨します。",
                cause.ja()
            ),
            format!(
                "The cause is {}, an unauthorized-access type incident: the Commission introduces reporting to the prefectural police on receiving such a report. Consulting the prefectural police (cyber-crime desk) is recommended.",
                cause.en()
            ),
        )
    } else {
        GENERAL.reason(
            format!(
                "原因が{}であり、犯罪に当たり得る事案です。都道府県警察（サイバー犯罪相談窓口）への相談・通報を推奨します（委員会と警察庁の覚書は2023-04-01以降の事案に適用）。",
                cause.ja()
            ),
            format!(
                "The cause is {}, possibly a crime: consulting the prefectural police (cyber-crime desk) is recommended (the PPC–NPA memorandum applies from 2023-04-01).",
                cause.en()
            ),
        )
    }
}
