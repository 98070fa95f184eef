//! The text explanation a privacy officer pastes into a memo: the answer first, then each reason
//! with its article, then the dates in 西暦 and 和暦.

use std::fmt::Write as _;

use jiff::civil::{Date, Weekday};

use roei_calendar::{Closure, HolidayKind};

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

/// A closure day's reason in `lang`: 土曜日, 振替休日, 元日, 年末年始の休日….
pub fn closure_label(c: Closure, lang: Lang) -> String {
    let (ja, en): (&str, &str) = match c {
        Closure::Holiday(h) => match h.kind {
            HolidayKind::Substitute => ("振替休日", "substitute holiday"),
            HolidayKind::Citizens => ("国民の休日", "citizens' holiday"),
            HolidayKind::National | HolidayKind::Special => (h.name, h.name_en),
        },
        Closure::YearEnd => (
            "年末年始の休日（12月29日～1月3日）",
            "year-end closure (29 Dec – 3 Jan)",
        ),
        Closure::Sunday => ("日曜日", "Sunday"),
        Closure::Saturday => ("土曜日", "Saturday"),
    };
    match lang {
        Lang::Ja => ja.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// The fixed wording of the explanation, per language.
struct Words {
    head: &'static str,
    required: &'static str,
    voluntary: &'static str,
    exempt_no_items: &'static str,
    exempt_with_items: &'static str,
    no_item: &'static str,
    notice: [&'static str; 4],
    entruster: [&'static str; 4],
    police: [&'static str; 2],
    rule_set: [&'static str; 2],
    reasons_head: &'static str,
    dates_head: &'static str,
    known_on: &'static str,
    occurred_on: &'static str,
    quick: &'static str,
    due: &'static str,
    rolled: &'static str,
    no_deadline: &'static str,
    list_sep: &'static str,
}

const JA: Words = Words {
    head: "【判定】",
    required: "個人情報保護委員会への報告が必要です（{rule}{items}に該当）。",
    voluntary: "個人情報保護委員会への報告は法令上の義務ではありません（漏えい等報告の義務化前の事案）。",
    exempt_no_items: "個人情報保護委員会への報告は法令上必要ありません（{why}）。",
    exempt_with_items: "{rule}{items}に該当しますが、本組織による個人情報保護委員会への報告は必要ありません（{why}）。",
    no_item: "個人情報保護委員会への報告は法令上必要ありません（{rule}各号のいずれにも該当しません）。",
    notice: [
        "  本人への通知: ",
        "必要（当該事態の状況に応じて速やかに）",
        "原則必要（通知が困難なため、公表・問合せ窓口等の代替措置で可）",
        "法令上の義務なし",
    ],
    entruster: [
        "  委託元への通知: ",
        "通知済み（規則9条）",
        "必要（速やかに。規則9条）",
        "不要",
    ],
    police: [
        "  警察への相談・通報: ",
        "推奨（都道府県警察のサイバー犯罪相談窓口）",
    ],
    rule_set: [
        "  適用規定: {version}版（{rule}）",
        "平成29年個人情報保護委員会告示第1号",
    ],
    reasons_head: "\n【理由】\n",
    dates_head: "\n【日付】\n",
    known_on: "  知った日: ",
    occurred_on: "  発生日: ",
    quick: "  速報（目安）: {from} ～ {to}",
    due: "  確報期限（{days}日）: {due}",
    rolled: "　※末日{last}が行政機関の休日のため繰延べ",
    no_deadline: "  報告期限: なし",
    list_sep: "、",
};

const EN: Words = Words {
    head: "DETERMINATION: ",
    required: "a report to the Personal Information Protection Commission is required ({rule}, item(s) {items}).",
    voluntary: "no statutory report is required (the situation predates mandatory reporting).",
    exempt_no_items: "no report is legally required ({why}).",
    exempt_with_items: "{rule} item(s) {items} apply, but this organisation need not report ({why}).",
    no_item: "no report is legally required (no item of {rule} applies).",
    notice: [
        "  Notice to individuals: ",
        "required (promptly, as the situation allows)",
        "required in principle; a substitute measure (publication, enquiry desk) may replace it",
        "no legal duty",
    ],
    entruster: [
        "  Notice to the entruster: ",
        "given (PPC Rules Art. 9)",
        "required (promptly; PPC Rules Art. 9)",
        "not required",
    ],
    police: [
        "  Police: ",
        "consultation recommended (prefectural police cyber-crime desk)",
    ],
    rule_set: ["  Rule set: {version} ({rule})", "PPC Notice No. 1 of 2017"],
    reasons_head: "\nREASONS\n",
    dates_head: "\nDATES\n",
    known_on: "  Known on: ",
    occurred_on: "  Occurred on: ",
    quick: "  Quick report (guide): {from} – {to}",
    due: "  Final report due ({days} days): {due}",
    rolled: " — day {days} ({last}) is a government closure day, so it rolls over",
    no_deadline: "  Deadlines: none",
    list_sep: "; ",
};

/// Fills `{name}` placeholders.
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

/// Renders the explanation: the answer, then each reason with its article, then the dates.
pub fn explain(det: &Determination, facts: &Facts, lang: Lang) -> String {
    let w = match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    };
    let (rule, items) = match lang {
        Lang::Ja => (
            det.rule.to_owned(),
            det.items
                .iter()
                .map(|i| format!("{i}号"))
                .collect::<Vec<_>>()
                .join("・"),
        ),
        Lang::En => (
            crate::rulesets::rule_name(facts.regime, Lang::En).to_owned(),
            det.items
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    let why = det
        .exemptions
        .iter()
        .map(|e| exemption_label(*e, lang))
        .collect::<Vec<_>>()
        .join(w.list_sep);
    let vars = [
        ("rule", rule.as_str()),
        ("items", items.as_str()),
        ("why", why.as_str()),
    ];
    let voluntary = det.law_version == VOLUNTARY;

    let mut s = String::with_capacity(2048);
    s.push_str(w.head);
    let verdict = if det.report_required {
        w.required
    } else if voluntary {
        w.voluntary
    } else if det.exemptions.is_empty() {
        w.no_item
    } else if det.items.is_empty() {
        w.exempt_no_items
    } else {
        w.exempt_with_items
    };
    let _ = writeln!(s, "{}", fill(verdict, &vars));
    let notice = match det.individual_notice_required {
        Some(true) => w.notice[1],
        None => w.notice[2],
        Some(false) => w.notice[3],
    };
    let _ = writeln!(s, "{}{notice}", w.notice[0]);
    let entruster = match (det.entruster_notice_required, facts.entruster_notified) {
        (true, true) => w.entruster[1],
        (true, false) => w.entruster[2],
        _ => w.entruster[3],
    };
    let _ = writeln!(s, "{}{entruster}", w.entruster[0]);
    let police = if det.police_consultation_recommended {
        w.police[1]
    } else {
        "—"
    };
    let _ = writeln!(s, "{}{police}", w.police[0]);
    let rule_set_rule = if voluntary {
        w.rule_set[1]
    } else {
        rule.as_str()
    };
    let _ = writeln!(
        s,
        "{}",
        fill(
            w.rule_set[0],
            &[("version", det.law_version), ("rule", rule_set_rule)]
        )
    );

    s.push_str(w.reasons_head);
    for (n, r) in det.reasons.iter().enumerate() {
        let _ = match lang {
            Lang::Ja => writeln!(s, "{:>2}. 〔{}〕{}", n + 1, r.citation, r.text_ja),
            Lang::En => writeln!(s, "{:>2}. [{}] {}", n + 1, r.citation_en, r.text_en),
        };
    }

    s.push_str(w.dates_head);
    let _ = writeln!(s, "{}{}", w.known_on, date_label(facts.known_on, lang));
    if let Some(o) = facts.occurred_on {
        let _ = writeln!(s, "{}{}", w.occurred_on, date_label(o, lang));
    }
    match (
        det.quick_report_guide,
        det.final_report_due,
        det.final_report_days,
    ) {
        (Some(g), Some(due), Some(days)) => {
            let (from, to) = (date_label(g.from, lang), date_label(g.to, lang));
            let _ = writeln!(s, "{}", fill(w.quick, &[("from", &from), ("to", &to)]));
            let (days, due_label) = (days.to_string(), date_label(due, lang));
            s.push_str(&fill(w.due, &[("days", &days), ("due", &due_label)]));
            if let Some(last) = det.final_report_last_day.filter(|l| *l != due) {
                s.push_str(&fill(
                    w.rolled,
                    &[("days", &days), ("last", &last.to_string())],
                ));
            }
            s.push('\n');
        }
        _ => {
            let _ = writeln!(s, "{}", w.no_deadline);
        }
    }
    s
}
