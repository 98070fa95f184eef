//! The text explanation a privacy officer pastes into a memo: the answer first, then each reason
//! with its article, then the dates in 西暦 and 和暦.

use std::fmt::Write as _;

use jiff::civil::{Date, Weekday};

use crate::determination::{Determination, Exemption, Lang};
use crate::facts::Facts;

const VOLUNTARY: &str = crate::rulesets::v2017_05_30::RULES.version;

/// `2027-01-04（月）令和9年1月4日` / `2027-01-04 (Mon, Reiwa 9)`.
pub fn date_label(d: Date, lang: Lang) -> String {
    let wareki = roei_calendar::wareki(d)
        .map(|w| match lang {
            Lang::Ja => w.to_string(),
            Lang::En => format!("{} {}", w.era.name_en(), w.year),
        })
        .ok();
    match lang {
        Lang::Ja => match wareki {
            Some(w) => format!("{d}（{}）{w}", weekday_ja(d.weekday())),
            None => format!("{d}（{}）", weekday_ja(d.weekday())),
        },
        Lang::En => match wareki {
            Some(w) => format!("{d} ({}, {w})", weekday_en(d.weekday())),
            None => format!("{d} ({})", weekday_en(d.weekday())),
        },
    }
}

pub fn weekday_ja(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "月",
        Weekday::Tuesday => "火",
        Weekday::Wednesday => "水",
        Weekday::Thursday => "木",
        Weekday::Friday => "金",
        Weekday::Saturday => "土",
        Weekday::Sunday => "日",
    }
}

pub fn weekday_en(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Mon",
        Weekday::Tuesday => "Tue",
        Weekday::Wednesday => "Wed",
        Weekday::Thursday => "Thu",
        Weekday::Friday => "Fri",
        Weekday::Saturday => "Sat",
        Weekday::Sunday => "Sun",
    }
}

fn exemption_label(e: Exemption, lang: Lang) -> &'static str {
    match (e, lang) {
        (Exemption::NotAnIncident, Lang::Ja) => "漏えい等に該当しない",
        (Exemption::AdvancedEncryption, Lang::Ja) => "高度な暗号化等の措置が講じられている",
        (Exemption::Pseudonymized, Lang::Ja) => "仮名加工情報（法41条9項）",
        (Exemption::EntrusteeNotifiedEntruster, Lang::Ja) => {
            "委託元に通知済みの委託先（法26条1項ただし書）"
        }
        (Exemption::NotPersonalData, Lang::Ja) => {
            "報告対象の個人データ（保有個人情報）に当たらない"
        }
        (Exemption::NotAnIncident, Lang::En) => "not a leak, loss or damage",
        (Exemption::AdvancedEncryption, Lang::En) => "protected by advanced encryption",
        (Exemption::Pseudonymized, Lang::En) => {
            "pseudonymously processed information (Act Art. 41(9))"
        }
        (Exemption::EntrusteeNotifiedEntruster, Lang::En) => {
            "entrustee that has notified its entruster (Act Art. 26(1) proviso)"
        }
        (Exemption::NotPersonalData, Lang::En) => "not personal data within the rule",
    }
}

/// Renders the explanation.
pub fn explain(det: &Determination, facts: &Facts, lang: Lang) -> String {
    match lang {
        Lang::Ja => explain_ja(det, facts),
        Lang::En => explain_en(det, facts),
    }
}

fn explain_ja(det: &Determination, facts: &Facts) -> String {
    let mut s = String::with_capacity(2048);
    let items = det
        .items
        .iter()
        .map(|i| format!("{i}号"))
        .collect::<Vec<_>>()
        .join("・");
    s.push_str("【判定】");
    if det.report_required {
        let _ = writeln!(
            s,
            "個人情報保護委員会への報告が必要です（{}{items}に該当）。",
            det.rule
        );
    } else if det.law_version == VOLUNTARY {
        s.push_str("個人情報保護委員会への報告は法令上の義務ではありません（漏えい等報告の義務化前の事案）。\n");
    } else if !det.exemptions.is_empty() {
        let why = det
            .exemptions
            .iter()
            .map(|e| exemption_label(*e, Lang::Ja))
            .collect::<Vec<_>>()
            .join("、");
        if det.items.is_empty() {
            let _ = writeln!(
                s,
                "個人情報保護委員会への報告は法令上必要ありません（{why}）。"
            );
        } else {
            let _ = writeln!(
                s,
                "{}{items}に該当しますが、本組織による個人情報保護委員会への報告は必要ありません（{why}）。",
                det.rule
            );
        }
    } else {
        let _ = writeln!(
            s,
            "個人情報保護委員会への報告は法令上必要ありません（{}各号のいずれにも該当しません）。",
            det.rule
        );
    }
    let notice = match det.individual_notice_required {
        Some(true) => "必要（当該事態の状況に応じて速やかに）",
        None => "原則必要（通知が困難なため、公表・問合せ窓口等の代替措置で可）",
        Some(false) => "法令上の義務なし",
    };
    let _ = writeln!(s, "  本人への通知: {notice}");
    let _ = writeln!(
        s,
        "  委託元への通知: {}",
        match (det.entruster_notice_required, facts.entruster_notified) {
            (true, true) => "通知済み（規則9条）",
            (true, false) => "必要（速やかに。規則9条）",
            _ => "不要",
        }
    );
    let _ = writeln!(
        s,
        "  警察への相談・通報: {}",
        if det.police_consultation_recommended {
            "推奨（都道府県警察のサイバー犯罪相談窓口）"
        } else {
            "—"
        }
    );
    if det.law_version == VOLUNTARY {
        let _ = writeln!(
            s,
            "  適用規定: {VOLUNTARY}版（平成29年個人情報保護委員会告示第1号）"
        );
    } else {
        let _ = writeln!(s, "  適用規定: {}版（{}）", det.law_version, det.rule);
    }

    s.push_str("\n【理由】\n");
    for (n, r) in det.reasons.iter().enumerate() {
        let _ = writeln!(s, "{:>2}. 〔{}〕{}", n + 1, r.citation, r.text_ja);
    }

    s.push_str("\n【日付】\n");
    let _ = writeln!(s, "  知った日: {}", date_label(facts.known_on, Lang::Ja));
    if let Some(o) = facts.occurred_on {
        let _ = writeln!(s, "  発生日: {}", date_label(o, Lang::Ja));
    }
    match (
        det.quick_report_guide,
        det.final_report_due,
        det.final_report_days,
    ) {
        (Some(g), Some(due), Some(days)) => {
            let _ = writeln!(
                s,
                "  速報（目安）: {} ～ {}",
                date_label(g.from, Lang::Ja),
                date_label(g.to, Lang::Ja)
            );
            let _ = write!(s, "  確報期限（{days}日）: {}", date_label(due, Lang::Ja));
            if let Some(last) = det.final_report_last_day.filter(|l| *l != due) {
                let _ = write!(s, "　※末日{last}が行政機関の休日のため繰延べ");
            }
            s.push('\n');
        }
        _ => s.push_str("  報告期限: なし\n"),
    }
    s
}

fn explain_en(det: &Determination, facts: &Facts) -> String {
    let mut s = String::with_capacity(2048);
    let rule_en = if det.rule == "規則43条" {
        "PPC Rules Art. 43"
    } else {
        "PPC Rules Art. 7"
    };
    let items = det
        .items
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    s.push_str("DETERMINATION: ");
    if det.report_required {
        let _ = writeln!(
            s,
            "a report to the Personal Information Protection Commission is required ({rule_en}, item(s) {items})."
        );
    } else if det.law_version == VOLUNTARY {
        s.push_str(
            "no statutory report is required (the situation predates mandatory reporting).\n",
        );
    } else if !det.exemptions.is_empty() {
        let why = det
            .exemptions
            .iter()
            .map(|e| exemption_label(*e, Lang::En))
            .collect::<Vec<_>>()
            .join("; ");
        if det.items.is_empty() {
            let _ = writeln!(s, "no report is legally required ({why}).");
        } else {
            let _ = writeln!(
                s,
                "{rule_en} item(s) {items} apply, but this organisation need not report ({why})."
            );
        }
    } else {
        let _ = writeln!(
            s,
            "no report is legally required (no item of {rule_en} applies)."
        );
    }
    let notice = match det.individual_notice_required {
        Some(true) => "required (promptly, as the situation allows)",
        None => {
            "required in principle; a substitute measure (publication, enquiry desk) may replace it"
        }
        Some(false) => "no legal duty",
    };
    let _ = writeln!(s, "  Notice to individuals: {notice}");
    let _ = writeln!(
        s,
        "  Notice to the entruster: {}",
        match (det.entruster_notice_required, facts.entruster_notified) {
            (true, true) => "given (PPC Rules Art. 9)",
            (true, false) => "required (promptly; PPC Rules Art. 9)",
            _ => "not required",
        }
    );
    let _ = writeln!(
        s,
        "  Police: {}",
        if det.police_consultation_recommended {
            "consultation recommended (prefectural police cyber-crime desk)"
        } else {
            "—"
        }
    );
    if det.law_version == VOLUNTARY {
        let _ = writeln!(s, "  Rule set: {VOLUNTARY} (PPC Notice No. 1 of 2017)");
    } else {
        let _ = writeln!(s, "  Rule set: {} ({rule_en})", det.law_version);
    }

    s.push_str("\nREASONS\n");
    for (n, r) in det.reasons.iter().enumerate() {
        let _ = writeln!(s, "{:>2}. [{}] {}", n + 1, r.citation_en, r.text_en);
    }

    s.push_str("\nDATES\n");
    let _ = writeln!(s, "  Known on: {}", date_label(facts.known_on, Lang::En));
    if let Some(o) = facts.occurred_on {
        let _ = writeln!(s, "  Occurred on: {}", date_label(o, Lang::En));
    }
    match (
        det.quick_report_guide,
        det.final_report_due,
        det.final_report_days,
    ) {
        (Some(g), Some(due), Some(days)) => {
            let _ = writeln!(
                s,
                "  Quick report (guide): {} – {}",
                date_label(g.from, Lang::En),
                date_label(g.to, Lang::En)
            );
            let _ = write!(
                s,
                "  Final report due ({days} days): {}",
                date_label(due, Lang::En)
            );
            if let Some(last) = det.final_report_last_day.filter(|l| *l != due) {
                let _ = write!(
                    s,
                    " — day {days} ({last}) is a government closure day, so it rolls over"
                );
            }
            s.push('\n');
        }
        _ => s.push_str("  Deadlines: none\n"),
    }
    s
}
