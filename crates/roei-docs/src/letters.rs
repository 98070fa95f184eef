//! The letters: 本人への通知 (letter and e-mail), 委託元への通知 and the 公表文 draft. Their
//! wording is built here, once; `templates/letter.typ` lays it out and [`email_text`] writes it
//! as plain text.

use roei_domain::report::{FormOptions, ReportContent};
use serde::Serialize;

use crate::input::{CaseDocument, Enquiry};
use crate::report::{self, Row, group};
use crate::text::{date_ja, filled, lines, opt_date};

/// A section of a letter after 「記」.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub bullets: Vec<String>,
}

/// The data `templates/letter.typ` reads.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Letter {
    pub doc_id: String,
    pub issued: String,
    /// Lines at the top left (addressee); empty for an announcement.
    pub recipient: Vec<String>,
    /// Lines at the top right under the date (the sender).
    pub sender: Vec<String>,
    pub title: String,
    /// 拝啓 … 敬具 around the opening (letters, not announcements).
    pub formal: bool,
    pub opening: Vec<String>,
    pub sections: Vec<Section>,
    /// A last paragraph after the sections (before 以上).
    pub closing: Vec<String>,
}

const UNKNOWN: &str = "現在調査中です。判明次第、改めてお知らせいたします。";

fn section(heading: impl Into<String>, paragraphs: Vec<String>) -> Section {
    Section {
        heading: heading.into(),
        paragraphs,
        bullets: Vec::new(),
    }
}

fn person_term(doc: &CaseDocument) -> String {
    if let Some(t) = filled(doc.notice.person_term.as_ref()) {
        return t.to_owned();
    }
    let kinds = &doc.report.data_items.kinds;
    if kinds.is_empty() || kinds.iter().any(|k| k == "customer") {
        "お客様".into()
    } else {
        "ご本人様".into()
    }
}

/// 「漏えい」「漏えい・滅失」…; 「漏えい等」 when not known.
fn event_noun(c: &ReportContent, opts: &FormOptions) -> String {
    let words: Vec<&str> = c
        .summary
        .incident
        .iter()
        .filter_map(|code| FormOptions::label(&opts.incident, code))
        .map(|o| o.ja.as_str())
        .collect();
    if words.is_empty() {
        "漏えい等".into()
    } else {
        words.join("・")
    }
}

fn certain(c: &ReportContent) -> bool {
    c.summary.certainty.as_deref() == Some("occurred")
}

/// 「漏えいした」 / 「漏えいしたおそれがある」 (「漏えい等が発生した…」 when the kind is unknown).
fn event_clause(c: &ReportContent, opts: &FormOptions) -> String {
    let noun = event_noun(c, opts);
    let verb = if noun == "漏えい等" {
        format!("{noun}が発生した")
    } else {
        format!("{noun}した")
    };
    if certain(c) {
        verb
    } else {
        format!("{verb}おそれがある")
    }
}

fn sender_name(c: &ReportContent) -> String {
    filled(c.header.reporter_name.as_ref())
        .unwrap_or("当社")
        .to_owned()
}

fn sender_lines(c: &ReportContent) -> Vec<String> {
    let h = &c.header;
    [
        filled(h.address.as_ref()),
        filled(h.reporter_name.as_ref()),
        filled(h.representative.as_ref()),
    ]
    .into_iter()
    .flatten()
    .map(str::to_owned)
    .collect()
}

fn enquiry(doc: &CaseDocument) -> Enquiry {
    if let Some(e) = &doc.notice.enquiry {
        return e.clone();
    }
    let h = &doc.report.header;
    Enquiry {
        desk: filled(h.contact_department.as_ref()).map(str::to_owned),
        phone: filled(h.contact_phone.as_ref()).map(str::to_owned),
        email: filled(h.contact_email.as_ref()).map(str::to_owned),
        hours: None,
        url: None,
    }
}

fn enquiry_lines(doc: &CaseDocument) -> Vec<String> {
    let e = enquiry(doc);
    let mut out = vec![format!(
        "{}　{}",
        sender_name(&doc.report),
        filled(e.desk.as_ref()).unwrap_or("お問い合わせ窓口")
    )];
    if let Some(p) = filled(e.phone.as_ref()) {
        out.push(format!("電話番号：{p}"));
    }
    if let Some(h) = filled(e.hours.as_ref()) {
        out.push(format!("受付時間：{h}"));
    }
    if let Some(m) = filled(e.email.as_ref()) {
        out.push(format!("メールアドレス：{m}"));
    }
    if let Some(u) = filled(e.url.as_ref()) {
        out.push(format!("ウェブサイト：{u}"));
    }
    out
}

/// The advice for the individuals: the given one, or chosen by the data items.
pub fn self_protection(doc: &CaseDocument) -> Vec<String> {
    if !doc.notice.self_protection.is_empty() {
        return doc.notice.self_protection.clone();
    }
    let who = sender_name(&doc.report);
    let items = &doc.report.data_items.items;
    let has = |code: &str| items.iter().any(|i| i == code);
    let mut out = Vec::new();
    if has("email") {
        out.push(format!("身に覚えのないメールや{who}を装った不審なメールを受け取られた場合は、本文中のURLや添付ファイルを開かず、削除してくださいますようお願いいたします。"));
    }
    if has("phone") {
        out.push(format!("{who}を装った不審な電話やSMSがあった場合は、個人情報をお伝えにならず、下記のお問い合わせ窓口までご連絡ください。"));
    }
    if has("credit_card") {
        out.push("クレジットカードのご利用明細に身に覚えのない請求がないかご確認ください。不審な請求があった場合は、お手数ですがカード裏面に記載のカード会社の窓口へご連絡ください。".into());
    }
    if has("password") {
        out.push(format!("{who}のサービスのパスワードを変更してください。同じパスワードを他のサービスでもお使いの場合は、そちらのパスワードも変更してくださいますようお願いいたします。"));
    }
    out.push(format!("{who}から、お電話やメールでパスワードやクレジットカード番号をお尋ねすることはございません。"));
    out
}

fn summary_paragraphs(doc: &CaseDocument) -> Vec<String> {
    let s = &doc.report.summary;
    let mut p = vec![
        format!(
            "発生日：{}",
            opt_date(s.occurred_on).unwrap_or_else(|| "調査中".into())
        ),
        format!(
            "発覚日：{}",
            opt_date(s.discovered_on).unwrap_or_else(|| "調査中".into())
        ),
    ];
    match filled(doc.notice.summary.as_ref()).or(filled(s.course_of_events.as_ref())) {
        Some(t) => p.extend(lines(t)),
        None => p.push(format!("経緯：{UNKNOWN}")),
    }
    p
}

fn items_paragraphs(c: &ReportContent, opts: &FormOptions) -> Vec<String> {
    let d = &c.data_items;
    let labels: Vec<String> = d
        .items
        .iter()
        .filter_map(|code| {
            if code == "other" {
                filled(d.items_other.as_ref()).map(str::to_owned)
            } else {
                FormOptions::label(&opts.items, code).map(|o| o.ja.clone())
            }
        })
        .collect();
    if labels.is_empty() {
        vec![UNKNOWN.into()]
    } else {
        vec![labels.join("、")]
    }
}

fn cause_paragraphs(c: &ReportContent, opts: &FormOptions) -> Vec<String> {
    let k = &c.cause;
    if let Some(d) = filled(k.details.as_ref()) {
        return lines(d);
    }
    match k.category.as_deref() {
        Some("other") => vec![
            filled(k.category_other.as_ref())
                .unwrap_or(UNKNOWN)
                .to_owned(),
        ],
        Some(code) => FormOptions::label(&opts.cause, code).map_or_else(
            || vec![UNKNOWN.into()],
            |o| vec![format!("{}によるものです。", o.ja)],
        ),
        None => vec![UNKNOWN.into()],
    }
}

fn harm_paragraphs(c: &ReportContent) -> Vec<String> {
    let details = filled(c.secondary_harm.details.as_ref()).map(lines);
    let mut p = vec![match c.secondary_harm.status.as_deref() {
        Some("yes") => "次の二次被害又はそのおそれを確認しております。".to_owned(),
        Some("no") => "現時点で、本件に起因する二次被害は確認されておりません。".to_owned(),
        _ => "現時点で、二次被害の有無は確認できておりません。引き続き調査を進めてまいります。"
            .to_owned(),
    }];
    p.extend(details.unwrap_or_default());
    p
}

fn number_the(sections: &mut [Section]) {
    for (i, s) in sections.iter_mut().enumerate() {
        s.heading = format!("{}　{}", i + 1, s.heading);
    }
}

/// 本人への通知 (法26条2項 / 68条2項): matters 1, 2, 4, 5 and 9 (規則10条), worded for the
/// individual.
pub fn notice(doc: &CaseDocument, opts: &FormOptions) -> Letter {
    let c = &doc.report;
    let person = person_term(doc);
    let who = sender_name(c);
    let mut sections = vec![
        section("本件の概要", summary_paragraphs(doc)),
        section(
            format!(
                "{}した{}個人情報の項目",
                event_noun(c, opts),
                if certain(c) { "" } else { "おそれがある" }
            ),
            items_paragraphs(c, opts),
        ),
        section("原因", cause_paragraphs(c, opts)),
        section(
            "二次被害又はそのおそれの有無及びその内容",
            harm_paragraphs(c),
        ),
        Section {
            heading: format!("{person}にお願いしたいこと"),
            paragraphs: vec![format!(
                "二次被害を防ぐため、{person}におかれましては、次の点にご注意くださいますようお願いいたします。"
            )],
            bullets: self_protection(doc),
        },
        section("お問い合わせ窓口", {
            let mut l = enquiry_lines(doc);
            l.push("本件に関するお問い合わせは、上記の窓口までお願いいたします。".to_owned());
            l
        }),
    ];
    number_the(&mut sections);
    Letter {
        doc_id: doc.id(),
        issued: date_ja(doc.issued_on),
        recipient: vec![
            filled(doc.notice.recipient_name.as_ref())
                .map_or_else(|| format!("{person}各位"), |n| format!("{n}　様")),
        ],
        sender: sender_lines(c),
        title: format!("個人情報の{}に関するお詫びとお知らせ", event_title(c, opts)),
        formal: true,
        opening: vec![
            "平素は格別のご高配を賜り、厚く御礼申し上げます。".into(),
            format!(
                "このたび、{who}において、{person}の個人情報が{}ことが判明いたしました。{person}には多大なるご迷惑とご心配をおかけしますことを、心より深くお詫び申し上げます。",
                event_clause(c, opts)
            ),
            format!(
                "本件の概要と、{person}ご自身でお取りいただける対策につきまして、下記のとおりご案内申し上げます。{who}では、このような事態を二度と起こさぬよう、再発防止に全力で取り組んでまいります。"
            ),
        ],
        sections,
        closing: Vec::new(),
    }
}

fn event_title(c: &ReportContent, opts: &FormOptions) -> String {
    let noun = event_noun(c, opts);
    if certain(c) {
        noun
    } else {
        format!("{noun}のおそれ")
    }
}

fn row_line(r: &Row) -> String {
    let mut value: Vec<String> = r
        .checks
        .iter()
        .filter(|c| c.checked)
        .map(|c| c.label.clone())
        .collect();
    value.extend(r.text.iter().cloned());
    if value.is_empty() {
        format!("{}：調査中", r.label)
    } else {
        format!("{}：{}", r.label, value.join("、"))
    }
}

/// 委託元への通知 (法26条1項ただし書, 規則9条): the entrustee tells its entruster the matters
/// it knows so far.
pub fn entruster_notice(doc: &CaseDocument, opts: &FormOptions) -> Letter {
    let c = &doc.report;
    let who = sender_name(c);
    let view = report::view(doc, opts);
    let mut recipient = Vec::new();
    let e = doc.entruster.clone().unwrap_or_default();
    recipient.push(format!(
        "{}　御中",
        if e.name.trim().is_empty() {
            "委託元"
        } else {
            e.name.trim()
        }
    ));
    if let Some(a) = filled(e.attention.as_ref()) {
        recipient.push(a.to_owned());
    }
    let mut sections = vec![section(
        "当社が本事態を知った日",
        vec![opt_date(e.known_on.or(c.summary.discovered_on)).unwrap_or_else(|| "調査中".into())],
    )];
    for m in &view.matters {
        sections.push(section(
            m.title.clone(),
            m.rows.iter().map(row_line).collect(),
        ));
    }
    number_the(&mut sections);
    let basis = if doc.regime.is_public() {
        "現時点で判明している事項を、下記のとおりご報告いたします。".to_owned()
    } else {
        "個人情報の保護に関する法律第26条第1項ただし書及び同法施行規則第9条に基づき、現時点で判明している事項を下記のとおりご報告いたします。".to_owned()
    };
    Letter {
        doc_id: doc.id(),
        issued: date_ja(doc.issued_on),
        recipient,
        sender: sender_lines(c),
        title: "個人データの漏えい等に関するご報告".into(),
        formal: true,
        opening: vec![
            "時下ますますご清栄のこととお慶び申し上げます。平素は格別のお引き立てを賜り、厚く御礼申し上げます。".into(),
            format!(
                "さて、貴社より委託を受けて{who}が取り扱っている個人データについて、{}ことが判明いたしました。貴社に多大なるご迷惑をおかけしますことを、深くお詫び申し上げます。",
                event_clause(c, opts)
            ),
            format!("{basis}「調査中」とした事項は、判明し次第、速やかにご報告いたします。"),
        ],
        sections,
        closing: Vec::new(),
    }
}

/// 公表文 draft: the facts for the public, with the enquiry desk where individuals can check
/// whether they are affected — usable as the substitute measure when notice is difficult
/// (規則10条 / 45条 ただし書の代替措置).
pub fn announcement(doc: &CaseDocument, opts: &FormOptions) -> Letter {
    let c = &doc.report;
    let person = person_term(doc);
    let who = sender_name(c);
    let persons = match (c.persons.count, c.persons.with_card) {
        (Some(n), Some(k)) if k > 0 => vec![format!(
            "{}人（うちクレジットカード情報を含む方 {}人）",
            group(n),
            group(k)
        )],
        (Some(n), _) => vec![format!("{}人", group(n))],
        (None, _) => vec![UNKNOWN.into()],
    };
    let response = match filled(c.individual_response.details.as_ref()) {
        Some(d) => lines(d),
        None => vec![format!(
            "対象となる{person}には、個別にご連絡を差し上げております。ご連絡先が不明な方につきましては、本お知らせをもってご連絡に代えさせていただきます。"
        )],
    };
    let mut prevention = Vec::new();
    if let Some(d) = filled(c.prevention.done.as_ref()) {
        prevention.push("【実施済みの措置】".to_owned());
        prevention.extend(lines(d));
    }
    if let Some(p) = filled(c.prevention.planned.as_ref()) {
        prevention.push("【今後実施する措置】".to_owned());
        prevention.extend(lines(p));
    }
    if prevention.is_empty() {
        prevention.push("再発防止策を検討しております。決定次第、お知らせいたします。".into());
    }
    let mut sections = vec![
        section("本件の概要", summary_paragraphs(doc)),
        section("対象となる個人情報の項目", items_paragraphs(c, opts)),
        section(format!("対象となる{person}の数"), persons),
        section("原因", cause_paragraphs(c, opts)),
        section("二次被害又はそのおそれの有無", harm_paragraphs(c)),
        section(format!("{person}への対応"), response),
        section("再発防止策", prevention),
        section("お問い合わせ窓口", {
            let mut l = vec![format!(
                "ご自身の情報が本件の対象に含まれているかどうかのご確認を含め、本件に関するお問い合わせは、下記の窓口にて承ります。"
            )];
            l.extend(enquiry_lines(doc));
            l
        }),
    ];
    number_the(&mut sections);
    Letter {
        doc_id: doc.id(),
        issued: date_ja(doc.issued_on),
        recipient: Vec::new(),
        sender: sender_lines(c),
        title: format!("個人情報の{}に関するお詫びとお知らせ", event_title(c, opts)),
        formal: false,
        opening: vec![
            format!(
                "このたび、{who}において、{person}の個人情報が{}ことが判明いたしました。{person}をはじめ関係者の皆様に多大なるご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。",
                event_clause(c, opts)
            ),
            "本件の概要等につきまして、下記のとおりご報告いたします。".into(),
        ],
        sections,
        closing: vec![format!(
            "{who}では、本件を厳粛に受け止め、再発防止に全力で取り組んでまいります。{person}には重ねて深くお詫び申し上げます。"
        )],
    }
}

/// The notice as a plain-text e-mail: a subject line, a blank line, the body.
pub fn email_text(letter: &Letter) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = write!(out, "件名：【重要】{}\n\n", letter.title);
    for r in &letter.recipient {
        let _ = writeln!(out, "{r}");
    }
    out.push('\n');
    for p in &letter.opening {
        let _ = write!(out, "{p}\n\n");
    }
    for s in &letter.sections {
        let _ = writeln!(out, "■{}", s.heading);
        for p in &s.paragraphs {
            let _ = writeln!(out, "{p}");
        }
        for b in &s.bullets {
            let _ = writeln!(out, "・{b}");
        }
        out.push('\n');
    }
    for p in &letter.closing {
        let _ = write!(out, "{p}\n\n");
    }
    out.push_str("――――――――――――――――――――\n");
    for l in &letter.sender {
        let _ = writeln!(out, "{l}");
    }
    let _ = writeln!(out, "{}", letter.issued);
    let _ = writeln!(out, "文書番号：{}", letter.doc_id);
    out
}
