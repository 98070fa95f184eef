//! The report (速報 / 確報 / 追完) as the layout of 別記様式第一: the header, then the nine
//! matters of 規則8条1項 with the form's option lists as check boxes.

use roei_domain::report::{FormOption, FormOptions, Matter as M, ReportContent, ReportStage};
use serde::Serialize;

use crate::input::CaseDocument;
use crate::text::{date_ja, lines, opt_date};

/// A field of the form.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    /// Free text, one entry per line; empty when not filled in.
    pub text: Vec<String>,
    /// Check boxes; empty for a free-text field.
    pub checks: Vec<Check>,
    /// Nothing filled in or chosen.
    pub empty: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Check {
    pub label: String,
    pub checked: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MatterView {
    pub number: u8,
    pub title: String,
    pub rows: Vec<Row>,
}

/// The data `templates/report.typ` reads.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReportView {
    pub doc_id: String,
    pub issued: String,
    pub addressee: String,
    pub stage: Vec<Check>,
    /// 速報: empty fields read 未確定; otherwise （記載なし）.
    pub quick: bool,
    pub empty_mark: String,
    pub header: Vec<Row>,
    pub matters: Vec<MatterView>,
    pub undecided: usize,
    pub form_note: String,
}

fn text_row(label: &str, value: Option<&str>) -> Row {
    let text = value.map(lines).unwrap_or_default();
    Row {
        label: label.to_owned(),
        empty: text.is_empty(),
        text,
        checks: Vec::new(),
    }
}

fn checks(list: &[FormOption], chosen: &[&str]) -> Vec<Check> {
    list.iter()
        .map(|o| Check {
            label: o.ja.clone(),
            checked: chosen.contains(&o.code.as_str()),
        })
        .collect()
}

fn check_row(label: &str, list: &[FormOption], chosen: &[String], other: Option<&str>) -> Row {
    let chosen: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let mut text = Vec::new();
    if chosen.contains(&"other")
        && let Some(o) = other.filter(|s| !s.trim().is_empty())
    {
        text.push(format!("その他の内容：{}", o.trim()));
    }
    Row {
        label: label.to_owned(),
        empty: chosen.is_empty(),
        checks: checks(list, &chosen),
        text,
    }
}

fn yes_no_row(label: &str, v: Option<bool>) -> Row {
    let checked = |b: bool| v == Some(b);
    Row {
        label: label.to_owned(),
        empty: v.is_none(),
        checks: vec![
            Check {
                label: "有".into(),
                checked: checked(true),
            },
            Check {
                label: "無".into(),
                checked: checked(false),
            },
        ],
        text: Vec::new(),
    }
}

/// The items of 規則7条 (private) or 規則43条 (public bodies), as the report lists them.
pub fn rule_items(public: bool) -> Vec<(u8, String)> {
    let data = if public {
        "保有個人情報"
    } else {
        "個人データ"
    };
    let mut v = vec![
        (1, format!("1号　要配慮個人情報が含まれる{data}の漏えい等")),
        (
            2,
            format!(
                "2号　不正に利用されることにより財産的被害が生じるおそれがある{data}の漏えい等"
            ),
        ),
        (
            3,
            format!("3号　不正の目的をもって行われたおそれがある{data}の漏えい等"),
        ),
        (
            4,
            format!(
                "4号　{data}に係る本人の数が{}を超える漏えい等",
                if public { "百人" } else { "千人" }
            ),
        ),
    ];
    if public {
        v.push((
            5,
            "5号　条例要配慮個人情報が含まれる保有個人情報の漏えい等".into(),
        ));
    }
    v
}

/// The view of the report.
#[allow(clippy::many_single_char_names)]
pub fn view(doc: &CaseDocument, opts: &FormOptions) -> ReportView {
    let c: &ReportContent = &doc.report;
    let public = doc.regime.is_public();
    let stage = doc.stage();
    let quick = stage == ReportStage::QuickReport;
    let h = &c.header;
    let contact = [h.contact_department.as_deref(), h.contact_name.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("　");
    let mut contact_lines = Vec::new();
    if !contact.is_empty() {
        contact_lines.push(contact);
    }
    if let Some(p) = h.contact_phone.as_deref().filter(|s| !s.trim().is_empty()) {
        contact_lines.push(format!("電話：{p}"));
    }
    if let Some(e) = h.contact_email.as_deref().filter(|s| !s.trim().is_empty()) {
        contact_lines.push(format!("メール：{e}"));
    }
    let header = vec![
        text_row("報告者の氏名又は名称", h.reporter_name.as_deref()),
        text_row("住所又は所在地", h.address.as_deref()),
        text_row("代表者の氏名", h.representative.as_deref()),
        text_row("法人番号", h.corporate_number.as_deref()),
        text_row("業種", h.sector.as_deref()),
        Row {
            label: "担当者（部署・氏名・連絡先）".into(),
            empty: contact_lines.is_empty(),
            text: contact_lines,
            checks: Vec::new(),
        },
    ];

    let s = &c.summary;
    let law = if public {
        "規則第43条"
    } else {
        "規則第7条"
    };
    let items = rule_items(public);
    let mut summary = vec![
        text_row("発生日", opt_date(s.occurred_on).as_deref()),
        text_row("発覚日", opt_date(s.discovered_on).as_deref()),
        check_row("発生事案", &opts.incident, &s.incident, None),
        check_row(
            "発生したか、おそれか",
            &opts.certainty,
            &s.certainty.iter().cloned().collect::<Vec<_>>(),
            None,
        ),
        text_row("発見者", s.discoverer.as_deref()),
        Row {
            label: format!("{law}各号該当性"),
            empty: s.applicable_items.is_empty(),
            checks: items
                .iter()
                .map(|(n, label)| Check {
                    label: label.clone(),
                    checked: s.applicable_items.contains(n),
                })
                .collect(),
            text: Vec::new(),
        },
        yes_no_row("委託元の有無", s.has_entruster),
        yes_no_row("委託先の有無", s.has_entrustee),
        text_row("事実経過", s.course_of_events.as_deref()),
    ];
    if s.applicable_items.contains(&3) || s.external_investigation.is_some() {
        summary.push(text_row(
            "外部機関による調査の実施状況（3号に該当する場合）",
            s.external_investigation.as_deref(),
        ));
    }

    let d = &c.data_items;
    let data_items = vec![
        check_row("媒体", &opts.media, &d.media, d.media_other.as_deref()),
        check_row("種類", &opts.kinds, &d.kinds, d.kinds_other.as_deref()),
        check_row("項目", &opts.items, &d.items, d.items_other.as_deref()),
    ];

    let persons = vec![
        text_row(
            "人数",
            c.persons
                .count
                .map(|n| format!("{}人", group(n)))
                .as_deref(),
        ),
        text_row(
            "うちクレジットカード情報を含む人数",
            c.persons
                .with_card
                .map(|n| format!("{}人", group(n)))
                .as_deref(),
        ),
    ];

    let k = &c.cause;
    let mut cause = vec![
        check_row(
            "主体",
            &opts.cause_actor,
            &k.actor.iter().cloned().collect::<Vec<_>>(),
            None,
        ),
        check_row(
            "原因",
            &opts.cause,
            &k.category.iter().cloned().collect::<Vec<_>>(),
            k.category_other.as_deref(),
        ),
    ];
    if k.category.as_deref() == Some("unauthorized_access")
        || k.attack_point.is_some()
        || k.attack_method.is_some()
    {
        cause.push(text_row("攻撃箇所", k.attack_point.as_deref()));
        cause.push(text_row("攻撃手法", k.attack_method.as_deref()));
    }
    cause.push(text_row("詳細", k.details.as_deref()));

    let status = |label: &str, list: &[FormOption], v: Option<&String>| {
        check_row(
            label,
            list,
            &v.iter().map(|s| (*s).clone()).collect::<Vec<_>>(),
            None,
        )
    };
    let harm = vec![
        status(
            "有無",
            &opts.secondary_harm,
            c.secondary_harm.status.as_ref(),
        ),
        text_row("内容", c.secondary_harm.details.as_deref()),
    ];
    let response = vec![
        status(
            "実施状況",
            &opts.individual_response,
            c.individual_response.status.as_ref(),
        ),
        text_row(
            "詳細（予定なしの場合は理由）",
            c.individual_response.details.as_deref(),
        ),
    ];
    let p = &c.publication;
    let publication = vec![
        status("事案の公表", &opts.publication, p.status.as_ref()),
        text_row("公表日（公表予定日）", opt_date(p.date).as_deref()),
        check_row(
            "公表の方法",
            &opts.publication_method,
            &p.methods,
            p.methods_other.as_deref(),
        ),
        text_row("公表文", p.text.as_deref()),
    ];
    let prevention = vec![
        text_row("実施済の措置", c.prevention.done.as_deref()),
        text_row(
            "今後実施予定の措置（長期に講ずる措置を含む）及び完了時期",
            c.prevention.planned.as_deref(),
        ),
    ];
    let other = vec![text_row("内容", c.other.as_deref())];

    let matters: Vec<MatterView> = [
        (M::Summary, summary),
        (M::DataItems, data_items),
        (M::Persons, persons),
        (M::Cause, cause),
        (M::SecondaryHarm, harm),
        (M::IndividualResponse, response),
        (M::Publication, publication),
        (M::Prevention, prevention),
        (M::Other, other),
    ]
    .into_iter()
    .map(|(m, rows)| MatterView {
        number: m.number(),
        title: if public && m == M::DataItems {
            "漏えい等が発生し、又は発生したおそれがある保有個人情報の項目".into()
        } else {
            m.ja().to_owned()
        },
        rows,
    })
    .collect();
    let undecided = header
        .iter()
        .chain(matters.iter().flat_map(|m| &m.rows))
        .filter(|r| r.empty)
        .count();
    ReportView {
        doc_id: doc.id(),
        issued: date_ja(doc.issued_on),
        addressee: doc
            .addressee
            .clone()
            .unwrap_or_else(|| "個人情報保護委員会".into()),
        stage: [
            ReportStage::QuickReport,
            ReportStage::FinalReport,
            ReportStage::Supplement,
        ]
        .into_iter()
        .map(|st| Check {
            label: st.ja().into(),
            checked: st == stage,
        })
        .collect(),
        quick,
        empty_mark: if quick {
            "未確定"
        } else {
            "（記載なし）"
        }
        .into(),
        header,
        matters,
        undecided: if quick { undecided } else { 0 },
        form_note: format!(
            "様式の細目：{}（{}）。{}",
            opts.version,
            opts.source,
            if public {
                "法第68条第1項による報告"
            } else {
                "法第26条第1項・規則第8条による報告"
            }
        ),
    }
}

/// 1234567 → "1,234,567".
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
