//! Demo data for `roei serve --demo`: a regulator, the police, two operators (one the other's
//! entrustee), a user of every role, and cases in every state — built only through the domain's
//! use cases, so the audit chain records every step.
//!
//! The story is dated relative to `now` (JST): each case was opened on the day its
//! organisation knew of it, and every later step happened on a later day, so the deadline board,
//! the regulator's inbox and the audit log read like a real history.

mod statistics;

use std::fmt::Write as _;

use jiff::civil::Date;
use jiff::tz::{TimeZone, offset};
use jiff::{Timestamp, ToSpan as _};
use roei_domain::accounts;
use roei_domain::casework::{
    self, EntrusterNoticeRequest, PoliceReportRequest, RegulatorActionRequest,
};
use roei_domain::model::{CaseId, IncidentCase, OrgKind, Organisation, Role};
use roei_domain::records::RegulatorActionKind;
use roei_domain::report::{ReportContent, ReportStage, Submission};
use roei_domain::reporting::{self, SubmitRequest};
use roei_domain::service::{self, Actor, jst_today};
use roei_domain::{DomainError, Store};
use roei_law::{Facts, Regime};
use serde::Serialize;

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "roei-demo-2026";
/// The regulator.
pub const REGULATOR: &str = "個人情報保護委員会";
/// The police.
pub const POLICE: &str = "警察庁サイバー警察局";
/// Operator A (委託元).
pub const OPERATOR_A: &str = "株式会社デモ商事";
/// Operator B, A's entrustee (委託先).
pub const OPERATOR_B: &str = "株式会社デモ情報サービス";

/// A login of the demo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub organisation: &'static str,
    pub role: Role,
    pub display_name: &'static str,
}

/// The demo's users: e-mail, display name, organisation, role.
const USERS: [(&str, &str, &str, Role); 6] = [
    ("admin@shoji.example", "佐藤 花子", OPERATOR_A, Role::Admin),
    (
        "member@shoji.example",
        "鈴木 一郎",
        OPERATOR_A,
        Role::Member,
    ),
    (
        "viewer@shoji.example",
        "高橋 美咲",
        OPERATOR_A,
        Role::Viewer,
    ),
    ("admin@joho.example", "田中 健太", OPERATOR_B, Role::Admin),
    ("officer@ppc.example", "伊藤 直樹", REGULATOR, Role::Member),
    ("liaison@npa.example", "渡辺 恵", POLICE, Role::Member),
];

/// A prefectural police (the target of a forward in the cooperation journeys).
pub const PREFECTURAL_POLICE: &str = "大阪府警察本部";

/// The users [`seed_cooperation`] adds: the regulator's admin (edits the police contacts) and a
/// prefectural police liaison.
const COOPERATION_USERS: [(&str, &str, &str, Role); 2] = [
    ("admin@ppc.example", "山本 由美", REGULATOR, Role::Admin),
    (
        "liaison@osaka-police.example",
        "中村 亮",
        PREFECTURAL_POLICE,
        Role::Member,
    ),
];

/// The demo logins (whether or not this database was seeded by this run).
pub fn demo_logins() -> Vec<DemoLogin> {
    USERS
        .iter()
        .chain(COOPERATION_USERS.iter())
        .map(|&(email, display_name, organisation, role)| DemoLogin {
            email,
            password: DEMO_PASSWORD,
            organisation,
            role,
            display_name,
        })
        .collect()
}

/// The logins as a table (e-mail / password / organisation / role), columns aligned for
/// a terminal (Japanese characters are two columns wide).
pub fn logins_table(logins: &[DemoLogin]) -> String {
    let header = ["email", "password", "organisation", "role"];
    let rows: Vec<[String; 4]> = logins
        .iter()
        .map(|l| {
            [
                l.email.to_owned(),
                l.password.to_owned(),
                l.organisation.to_owned(),
                l.role.as_str().to_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(width);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(cell));
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 4]| {
        let mut s = String::from("  ");
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w - width(cell) + 2));
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3]]);
    }
    out
}

/// Display width: East Asian wide characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = u32::from(c);
            if (0x1100..=0x115F).contains(&c)
                || (0x2E80..=0xA4CF).contains(&c)
                || (0xAC00..=0xD7A3).contains(&c)
                || (0xF900..=0xFAFF).contains(&c)
                || (0xFE30..=0xFE4F).contains(&c)
                || (0xFF00..=0xFF60).contains(&c)
                || (0xFFE0..=0xFFE6).contains(&c)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Days before `now`, in JST.
struct Timeline {
    today: Date,
    now: Timestamp,
}

impl Timeline {
    fn day(&self, ago: i64) -> anyhow::Result<Date> {
        Ok(self.today.checked_sub(ago.days())?)
    }

    /// `ago` days before today at `hour:minute` JST (never after `now`).
    fn at(&self, ago: i64, hour: i8, minute: i8) -> anyhow::Result<Timestamp> {
        let ts = self
            .day(ago)?
            .at(hour, minute, 0, 0)
            .to_zoned(TimeZone::fixed(offset(9)))?
            .timestamp();
        Ok(ts.min(self.now))
    }

    /// `M月D日`.
    fn md(&self, ago: i64) -> anyhow::Result<String> {
        let d = self.day(ago)?;
        Ok(format!("{}月{}日", d.month(), d.day()))
    }
}

fn facts(v: &serde_json::Value) -> anyhow::Result<Facts> {
    Facts::from_json(&v.to_string()).map_err(|e| anyhow::anyhow!("demo facts: {e}"))
}

/// Seeds the demo into an empty database (one without organisations) and returns the demo
/// logins. When organisations exist already nothing is written and the logins are returned
/// as they were seeded (their passwords may have been changed since).
pub async fn seed_demo(store: &dyn Store, now: Timestamp) -> anyhow::Result<Vec<DemoLogin>> {
    if !store.list_organisations().await?.is_empty() {
        tracing::info!("the database has organisations already: demo data not seeded");
        return Ok(demo_logins());
    }
    tracing::info!("seeding demo data");
    let t = Timeline {
        today: jst_today(now),
        now,
    };
    let people = setup(store, &t).await?;
    web_skimming(store, &t, &people).await?;
    misconfiguration(store, &t, &people).await?;
    ransomware(store, &t, &people).await?;
    missent_email(store, &t, &people).await?;
    entrustee_case(store, &t, &people).await?;
    seed_cooperation(store, &t, &people).await?;
    statistics::statistics_history(store, now, t.today, &people.ppc).await?;
    tracing::info!("demo data seeded");
    Ok(demo_logins())
}

/// The demo's organisations and users, as actors.
struct People {
    ppc: Organisation,
    a_admin: Actor,
    a_member: Actor,
    b_admin: Actor,
    officer: Actor,
}

async fn setup(store: &dyn Store, t: &Timeline) -> anyhow::Result<People> {
    let at = t.at(90, 9, 0)?;
    let ppc = accounts::create_organisation(store, REGULATOR, OrgKind::Regulator, None, at).await?;
    let npa = accounts::create_organisation(store, POLICE, OrgKind::Police, None, at).await?;
    let a = accounts::create_organisation(
        store,
        OPERATOR_A,
        OrgKind::Operator,
        Some(Regime::Private),
        at,
    )
    .await?;
    let b = accounts::create_organisation(
        store,
        OPERATOR_B,
        OrgKind::Operator,
        Some(Regime::Private),
        at,
    )
    .await?;
    accounts::create_entrustment(store, a.id, b.id, at).await?;
    let mut actors = Vec::new();
    for (email, name, org_name, role) in USERS {
        let org = [&ppc, &npa, &a, &b]
            .into_iter()
            .find(|o| o.name == org_name)
            .expect("every demo user's organisation is created above")
            .clone();
        let user = accounts::create_user(store, None, org.id, email, name, role, DEMO_PASSWORD, at)
            .await?;
        actors.push(Actor { user, org });
    }
    let mut take = |email: &str| {
        let i = actors
            .iter()
            .position(|a| a.user.email == email)
            .expect("a demo user");
        actors.swap_remove(i)
    };
    Ok(People {
        a_admin: take("admin@shoji.example"),
        a_member: take("member@shoji.example"),
        b_admin: take("admin@joho.example"),
        officer: take("officer@ppc.example"),
        ppc,
    })
}

/// The reporter's header of operator A.
fn header_a(c: &mut ReportContent) {
    let h = &mut c.header;
    h.reporter_name = Some(OPERATOR_A.into());
    h.address = Some("東京都中央区日本橋本町九丁目9番9号".into());
    h.representative = Some("代表取締役社長 山本 誠".into());
    h.sector = Some("小売業".into());
    h.contact_department = Some("情報セキュリティ推進室".into());
    h.contact_name = Some("佐藤 花子".into());
    h.contact_phone = Some("03-0000-1234".into());
    h.contact_email = Some("security@shoji.example".into());
}

async fn open(
    store: &dyn Store,
    actor: &Actor,
    title: &str,
    facts: Facts,
    at: Timestamp,
) -> anyhow::Result<IncidentCase> {
    Ok(service::open_case(store, actor, title, facts, at).await?.0)
}

/// The saved draft, or the prefill from the case.
async fn draft(
    store: &dyn Store,
    actor: &Actor,
    case: CaseId,
) -> Result<(ReportContent, i64), DomainError> {
    let view = reporting::draft(store, actor, case).await?;
    Ok((view.draft.content, view.draft.version))
}

async fn save(
    store: &dyn Store,
    actor: &Actor,
    case: CaseId,
    version: i64,
    content: ReportContent,
    at: Timestamp,
) -> Result<i64, DomainError> {
    Ok(
        reporting::save_draft(store, actor, case, version, content, at)
            .await?
            .draft
            .version,
    )
}

async fn submit(
    store: &dyn Store,
    actor: &Actor,
    case: CaseId,
    stage: ReportStage,
    draft_version: i64,
    to: &Organisation,
    at: Timestamp,
) -> Result<Submission, DomainError> {
    let req = SubmitRequest {
        stage,
        draft_version,
        to_org: Some(to.id),
        idempotency_key: None,
    };
    Ok(reporting::submit(store, actor, case, req, at).await?.0)
}

/// (c) Web skimming of card numbers, known 70 days ago: 速報 and a complete 確報 submitted, the
/// regulator acknowledged the 確報 and asked a question, the operator answered.
async fn web_skimming(store: &dyn Store, t: &Timeline, people: &People) -> anyhow::Result<()> {
    let actor = &people.a_member;
    let case_facts = facts(&serde_json::json!({
        "regime": "private",
        "known_on": t.day(70)?.to_string(),
        "occurred_on": t.day(112)?.to_string(),
        "events": ["leak"],
        "suspected": true,
        "data_form": "being_acquired",
        "data_items": ["name", "address", "phone", "email", "card_number", "card_expiry", "card_security_code"],
        "cause": "web_skimming",
        "persons": 2140,
    }))?;
    let case = open(
        store,
        actor,
        "ECサイト決済画面の改ざんによるクレジットカード情報の漏えいのおそれ（Webスキミング）",
        case_facts,
        t.at(70, 11, 20)?,
    )
    .await?;
    let (mut c, v) = draft(store, actor, case.id).await?;
    header_a(&mut c);
    c.summary.discoverer = Some("決済代行会社".into());
    c.summary.has_entruster = Some(false);
    c.summary.has_entrustee = Some(false);
    c.summary.course_of_events = Some(format!(
        "{k}　決済代行会社から、当社ECサイト「デモ商事オンラインストア」で利用されたクレジットカードに不正利用の疑いがあるとの連絡を受けた。\n\
         {k}　同日中にカード決済を停止し、ECサイトを一時閉鎖した。\n\
         {k1}　外部のセキュリティ専門会社にフォレンジック調査を依頼した（調査中）。",
        k = t.md(70)?,
        k1 = t.md(69)?,
    ));
    c.summary.external_investigation = Some(format!(
        "{}、外部のセキュリティ専門会社にフォレンジック調査を依頼した（調査中）。",
        t.md(69)?
    ));
    c.data_items.media = vec!["electronic".into()];
    c.data_items.kinds = vec!["customer".into()];
    c.persons.count = Some(2500);
    c.cause.actor = Some("reporter".into());
    c.cause.details = Some("調査中".into());
    let v = save(store, actor, case.id, v, c, t.at(68, 16, 0)?).await?;
    submit(
        store,
        actor,
        case.id,
        ReportStage::QuickReport,
        v,
        &people.ppc,
        t.at(67, 10, 0)?,
    )
    .await?;

    // The forensic report is in: the 確報 with all nine matters.
    let (mut c, v) = draft(store, actor, case.id).await?;
    c.summary.course_of_events = Some(format!(
        "{o}　第三者がECサイトの管理画面に不正にログインし、決済画面にカード情報を外部へ送信する不正なプログラム（スキミングコード）を埋め込んだ（フォレンジック調査により判明）。\n\
         {k}　決済代行会社から、当社ECサイトで利用されたクレジットカードに不正利用の疑いがあるとの連絡を受けた。同日中にカード決済を停止し、ECサイトを一時閉鎖した。\n\
         {k1}　外部のセキュリティ専門会社にフォレンジック調査を依頼した。\n\
         {r}　調査会社から最終報告書を受領し、{o}から{k}までの間に決済画面で入力されたカード情報等が窃取されたおそれがあることが判明した。\n\
         {n}　対象のお客様への個別通知及び当社ウェブサイトでの公表を行った。",
        o = t.md(112)?,
        k = t.md(70)?,
        k1 = t.md(69)?,
        r = t.md(50)?,
        n = t.md(48)?,
    ));
    c.summary.external_investigation = Some(format!(
        "{}、外部のセキュリティ専門会社にフォレンジック調査を依頼し、{}に最終報告書を受領した。",
        t.md(69)?,
        t.md(50)?
    ));
    c.data_items.items = vec![
        "name".into(),
        "phone".into(),
        "email".into(),
        "credit_card".into(),
        "other".into(),
    ];
    c.data_items.items_other =
        Some("住所（クレジットカード情報は番号・有効期限・セキュリティコード）".into());
    c.persons.count = Some(2140);
    c.persons.with_card = Some(2140);
    c.cause.category = Some("unauthorized_access".into());
    c.cause.attack_point =
        Some("ECサイト（オープンソースのECパッケージ）の管理画面及び決済画面".into());
    c.cause.attack_method = Some(
        "管理画面の既知の脆弱性を悪用した不正ログインと、決済画面へのスキミングコードの埋め込み（Webスキミング）"
            .into(),
    );
    c.cause.details = Some(
        "ECパッケージのセキュリティ更新が未適用のまま運用されており、公開済みの脆弱性が悪用された。管理画面はインターネットから多要素認証なしで利用可能であった。"
            .into(),
    );
    c.secondary_harm.status = Some("yes".into());
    c.secondary_harm.details = Some(
        "カード会社の調査により、対象カードのうち37件で不正利用の疑いがある取引が確認されている。"
            .into(),
    );
    c.individual_response.status = Some("done".into());
    c.individual_response.details = Some(format!(
        "{}、対象となるお客様全員に電子メール及び書面で個別に通知し、カード利用明細の確認とカードの再発行手続きを案内した。同日、専用のお問い合わせ窓口を設置した。",
        t.md(48)?
    ));
    c.publication.status = Some("done".into());
    c.publication.date = Some(t.day(48)?);
    c.publication.methods = vec!["website".into(), "press_release".into()];
    c.publication.text = Some(
        "弊社が運営する「デモ商事オンラインストア」への不正アクセスによる個人情報漏えいに関するお詫びとお知らせ"
            .into(),
    );
    c.prevention.done = Some(
        "改ざんされたプログラムを除去し、ECパッケージを最新版に更新した。管理画面へのアクセスを社内ネットワークからに限定し、多要素認証を導入した。"
            .into(),
    );
    c.prevention.planned = Some(format!(
        "カード情報を当社サイトで入力させない決済方式（リンク型決済）へ移行した上で、{}にECサイトを再開する予定。脆弱性診断を年2回実施する。",
        t.md(20)?
    ));
    c.other = Some(format!(
        "{}、警視庁サイバー犯罪対策課に相談し、被害の届出を行った。",
        t.md(66)?
    ));
    debug_assert!(c.missing().is_empty(), "{:?}", c.missing());
    let v = save(store, actor, case.id, v, c, t.at(46, 18, 30)?).await?;
    let fin = submit(
        store,
        actor,
        case.id,
        ReportStage::FinalReport,
        v,
        &people.ppc,
        t.at(45, 10, 30)?,
    )
    .await?;

    casework::regulator_action(
        store,
        &people.officer,
        case.id,
        RegulatorActionRequest {
            kind: RegulatorActionKind::Acknowledge,
            submission_id: Some(fin.id),
            prefecture_code: None,
            note: Some("確報を受理".into()),
        },
        t.at(44, 14, 0)?,
    )
    .await?;
    casework::post_message(
        store,
        &people.officer,
        case.id,
        "確報を受理しました。不正利用の疑いがある取引（37件）について、カード会社からの集計で被害額や件数が確定しましたら、追完によりご報告ください。また、リンク型決済への移行後の再開予定日に変更があればお知らせください。",
        t.at(43, 15, 10)?,
    )
    .await?;
    casework::post_message(
        store,
        &people.a_admin,
        case.id,
        "承知しました。カード会社からの集計結果が届き次第、追完にてご報告いたします。再開予定日に変更が生じた場合も速やかにご連絡いたします。",
        t.at(42, 10, 5)?,
    )
    .await?;
    Ok(())
}

/// (d) A misconfigured storage bucket exposing 1,200 members, known 40 days ago: only a 速報;
/// its 確報 (30 days) is overdue.
async fn misconfiguration(store: &dyn Store, t: &Timeline, people: &People) -> anyhow::Result<()> {
    let actor = &people.a_member;
    let case_facts = facts(&serde_json::json!({
        "regime": "private",
        "known_on": t.day(40)?.to_string(),
        "occurred_on": t.day(130)?.to_string(),
        "events": ["leak"],
        "suspected": true,
        "data_items": ["name", "email", "phone", "birth_date"],
        "cause": "misconfiguration",
        "persons": 1200,
    }))?;
    let case = open(
        store,
        actor,
        "会員向けファイル共有ストレージの公開設定の誤りによる会員情報の閲覧可能状態",
        case_facts,
        t.at(40, 17, 45)?,
    )
    .await?;
    let (mut c, v) = draft(store, actor, case.id).await?;
    header_a(&mut c);
    c.summary.discoverer = Some("会員からの問合せ".into());
    c.summary.has_entruster = Some(false);
    c.summary.has_entrustee = Some(false);
    c.summary.course_of_events = Some(format!(
        "{k}　会員から「検索結果に会員名簿らしきファイルが表示される」との問合せを受け、確認したところ、会員名簿を保存したクラウドストレージが誰でも閲覧できる設定になっていた。同日、公開設定を解除した。\n\
         {k1}　アクセスログの調査を開始した（調査中）。",
        k = t.md(40)?,
        k1 = t.md(39)?,
    ));
    c.data_items.media = vec!["electronic".into()];
    c.data_items.kinds = vec!["customer".into()];
    c.cause.actor = Some("reporter".into());
    c.cause.details = Some(format!(
        "{}のストレージ移行作業の際、共有設定を「リンクを知っている全員」としたまま運用していた。",
        t.md(130)?
    ));
    let v = save(store, actor, case.id, v, c, t.at(38, 11, 0)?).await?;
    submit(
        store,
        actor,
        case.id,
        ReportStage::QuickReport,
        v,
        &people.ppc,
        t.at(38, 15, 30)?,
    )
    .await?;
    Ok(())
}

/// (a) Ransomware on a file server (規則7条3号), known 10 days ago: police consulted, report
/// draft saved and the 速報 submitted; the draft is being completed for the 確報.
async fn ransomware(store: &dyn Store, t: &Timeline, people: &People) -> anyhow::Result<()> {
    let actor = &people.a_member;
    let case_facts = facts(&serde_json::json!({
        "regime": "private",
        "known_on": t.day(10)?.to_string(),
        "occurred_on": t.day(11)?.to_string(),
        "events": ["leak", "damage"],
        "suspected": true,
        "data_items": ["name", "address", "phone", "email", "customer_id"],
        "cause": "ransomware",
        "persons": 850,
    }))?;
    let case = open(
        store,
        actor,
        "ファイルサーバーへのランサムウェア攻撃による顧客情報の漏えい等のおそれ",
        case_facts,
        t.at(10, 9, 40)?,
    )
    .await?;
    casework::record_police_report(
        store,
        actor,
        case.id,
        PoliceReportRequest {
            prefecture_code: "13".into(),
            reported_on: t.day(9)?,
            receipt_number: None,
            note: Some("警視庁サイバー犯罪対策課に相談し、被害の届出を行った。".into()),
        },
        t.at(9, 17, 0)?,
    )
    .await?;
    let (mut c, v) = draft(store, actor, case.id).await?;
    header_a(&mut c);
    c.summary.discoverer = Some("情報システム部の従業員".into());
    c.summary.has_entruster = Some(false);
    c.summary.has_entrustee = Some(false);
    c.summary.course_of_events = Some(format!(
        "{o}深夜　社内ファイルサーバー及びバックアップサーバーのファイルが暗号化され、脅迫文が表示された（後日判明）。\n\
         {k}朝　始業時に従業員がファイルを開けないことに気付き、情報システム部に報告した。直ちに当該サーバーをネットワークから切り離した。\n\
         {k1}　外部のセキュリティ専門会社に調査を依頼した。警視庁に相談した。",
        o = t.md(11)?,
        k = t.md(10)?,
        k1 = t.md(9)?,
    ));
    c.summary.external_investigation = Some(format!(
        "{}、外部のセキュリティ専門会社にフォレンジック調査を依頼した（調査中）。",
        t.md(9)?
    ));
    c.data_items.media = vec!["electronic".into()];
    c.data_items.kinds = vec!["customer".into()];
    c.cause.actor = Some("reporter".into());
    c.cause.attack_point = Some("VPN装置（調査中）".into());
    let v = save(store, actor, case.id, v, c, t.at(9, 18, 0)?).await?;
    submit(
        store,
        actor,
        case.id,
        ReportStage::QuickReport,
        v,
        &people.ppc,
        t.at(8, 10, 0)?,
    )
    .await?;
    // Work towards the 確報 goes on in the draft.
    let (mut c, v) = draft(store, actor, case.id).await?;
    c.cause.details = Some(
        "VPN装置の認証情報が窃取され、社内ネットワークに侵入されたとみられる（調査中）。".into(),
    );
    c.individual_response.status = Some("planned".into());
    c.individual_response.details =
        Some("調査結果を踏まえ、対象のお客様に書面で通知する予定。".into());
    save(store, actor, case.id, v, c, t.at(5, 16, 20)?).await?;
    Ok(())
}

/// (b) An e-mail sent to the wrong address with three people's names and addresses: not
/// reportable.
async fn missent_email(store: &dyn Store, t: &Timeline, people: &People) -> anyhow::Result<()> {
    let case_facts = facts(&serde_json::json!({
        "regime": "private",
        "known_on": t.day(5)?.to_string(),
        "occurred_on": t.day(5)?.to_string(),
        "events": ["leak"],
        "data_items": ["name", "email"],
        "cause": "missent_email",
        "persons": 3,
    }))?;
    open(
        store,
        &people.a_member,
        "セミナー参加者3名の氏名・メールアドレスを記載したメールの誤送信",
        case_facts,
        t.at(5, 14, 10)?,
    )
    .await?;
    Ok(())
}

/// (e) Operator B, as A's entrustee: unauthorized access to a system it runs for A; the
/// entruster notice sent to A (which discharges B's own report).
async fn entrustee_case(store: &dyn Store, t: &Timeline, people: &People) -> anyhow::Result<()> {
    let actor = &people.b_admin;
    let case_facts = facts(&serde_json::json!({
        "regime": "private",
        "known_on": t.day(3)?.to_string(),
        "occurred_on": t.day(4)?.to_string(),
        "events": ["leak"],
        "suspected": true,
        "data_items": ["name", "email", "login_id", "password"],
        "cause": "unauthorized_access",
        "persons": 4300,
        "entrustee": true,
    }))?;
    let case = open(
        store,
        actor,
        "受託運用中の会員管理システムへの不正アクセス（委託元：株式会社デモ商事）",
        case_facts,
        t.at(3, 10, 0)?,
    )
    .await?;
    let (mut c, v) = draft(store, actor, case.id).await?;
    let header = &mut c.header;
    header.reporter_name = Some(OPERATOR_B.into());
    header.sector = Some("情報サービス業".into());
    header.contact_department = Some("システム運用部".into());
    header.contact_name = Some("田中 健太".into());
    header.contact_phone = Some("03-0000-5678".into());
    header.contact_email = Some("soc@joho.example".into());
    c.summary.discoverer = Some("当社の監視センター".into());
    c.summary.has_entruster = Some(true);
    c.summary.has_entrustee = Some(false);
    c.summary.course_of_events = Some(format!(
        "{o}　株式会社デモ商事から受託して運用する会員管理システムに、海外のIPアドレスから大量のログイン試行があった。\n\
         {k}　監視センターが管理者アカウントによる不審なデータ出力を検知し、当該アカウントを停止した。",
        o = t.md(4)?,
        k = t.md(3)?,
    ));
    c.data_items.media = vec!["electronic".into()];
    c.data_items.kinds = vec!["customer".into()];
    c.cause.actor = Some("entrustee".into());
    c.cause.attack_point = Some("会員管理システムの管理画面".into());
    c.cause.attack_method =
        Some("パスワードリスト攻撃による管理者アカウントへの不正ログイン".into());
    save(store, actor, case.id, v, c, t.at(3, 15, 0)?).await?;
    casework::notify_entruster(
        store,
        actor,
        case.id,
        EntrusterNoticeRequest {
            version: case.version,
            entruster_org: Some(people.a_admin.org.id),
            entruster_name: None,
            content: None,
        },
        t.at(2, 11, 0)?,
    )
    .await?;
    Ok(())
}

/// The regulator–police cooperation (覚書): a prefectural police with its liaison, the
/// regulator's admin, and a summary of attack methods the regulator shared with the NPA under
/// TLP:GREEN (覚書4条(2)ロ(イ)).
async fn seed_cooperation(store: &dyn Store, t: &Timeline, people: &People) -> anyhow::Result<()> {
    let at = t.at(90, 9, 30)?;
    let osaka =
        accounts::create_organisation(store, PREFECTURAL_POLICE, OrgKind::Police, None, at).await?;
    for (email, name, org_name, role) in COOPERATION_USERS {
        let org = if org_name == REGULATOR {
            people.ppc.id
        } else {
            osaka.id
        };
        accounts::create_user(store, None, org, email, name, role, DEMO_PASSWORD, at).await?;
    }
    let npa = store
        .list_organisations()
        .await?
        .into_iter()
        .find(|o| o.name == POLICE)
        .ok_or_else(|| anyhow::anyhow!("the demo's police organisation is missing"))?;
    roei_domain::sharing::share_item(
        store,
        &people.officer,
        roei_domain::sharing::ItemKind::AttackMethods,
        "ECサイトの決済画面改ざん（Webスキミング）の手口",
        serde_json::json!({"text": "管理画面の既知の脆弱性を悪用して不正にログインし、決済画面にスキミングコードを埋め込む手口の報告が続いている。多要素認証の未導入とセキュリティ更新の未適用が共通している。"}),
        roei_domain::sharing::SharingScope {
            tlp: roei_domain::sharing::Tlp::Green,
            recipients: vec![npa.id],
            purpose: "調査・研究及び注意喚起の検討（覚書4条(2)ロ(イ)）".into(),
            onward_sharing: true,
            expires_at: None,
        },
        t.at(3, 11, 0)?,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_aligns_japanese_names() {
        let table = logins_table(&demo_logins());
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 9);
        let role_col = |l: &str| width(&l[..l.rfind("  ").unwrap()]);
        assert!(lines.iter().all(|l| role_col(l) == role_col(lines[0])));
        assert!(table.contains("viewer@shoji.example"));
    }
}
