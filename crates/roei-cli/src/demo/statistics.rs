//! The demo's history for the statistics pages: three more reporters (a logistics company, a
//! clinic and a city) and about forty past cases spread over the last two fiscal years and this
//! one, with a mix of causes, sectors, persons and 規則7条 / 43条 items — several large cells and
//! a few counts of one or two, so that the police package has something to hide.
//!
//! Every case is reported through the use cases (速報 then 確報, some with a 追完) and closed,
//! so none of them waits on a board or in the list of overdue 確報.

use jiff::civil::Date;
use jiff::tz::{TimeZone, offset};
use jiff::{Timestamp, ToSpan as _};
use roei_domain::accounts;
use roei_domain::model::{CaseStatus, OrgKind, Organisation, Role};
use roei_domain::report::{ReportContent, ReportStage};
use roei_domain::reporting::{self, SubmitRequest};
use roei_domain::service::{self, Actor};
use roei_domain::statistics::FiscalYear;
use roei_domain::{DomainError, Store};
use roei_law::{Facts, Regime};

use super::DEMO_PASSWORD;

/// The reporters of the history: name, regime, sector, e-mail of its one user.
const REPORTERS: [(&str, Regime, &str, &str); 3] = [
    (
        "株式会社サンプル物流",
        Regime::Private,
        "運輸業",
        "admin@butsuryu.example",
    ),
    (
        "医療法人サンプル会",
        Regime::Private,
        "医療・福祉",
        "admin@clinic.example",
    ),
    (
        "サンプル市",
        Regime::LocalPublic,
        "地方公共団体",
        "admin@city.example",
    ),
];

/// One past case: reporter, facts cause, data items, persons, a 追完 after the 確報.
type Story = (usize, &'static str, &'static [&'static str], u64, bool);

const NAME: &[&str] = &["name", "address", "phone"];
const CARD: &[&str] = &["name", "card_number", "card_expiry"];
const MEDICAL: &[&str] = &["name", "medical_history"];

/// The cases of a year, by how many years ago it was (2, 1, 0 = this one).
fn stories(years_ago: i16) -> Vec<Story> {
    let mut v: Vec<Story> = Vec::new();
    let repeat = |v: &mut Vec<Story>, n: usize, s: Story| v.extend(std::iter::repeat_n(s, n));
    match years_ago {
        2 => {
            repeat(&mut v, 6, (0, "unauthorized_access", NAME, 1200, false));
            repeat(&mut v, 3, (1, "misdelivery", MEDICAL, 3, false));
            repeat(&mut v, 2, (2, "missent_email", NAME, 150, false));
            v.push((0, "loss", NAME, 2500, false));
        }
        1 => {
            repeat(&mut v, 8, (0, "unauthorized_access", CARD, 40, true));
            repeat(&mut v, 5, (1, "missent_email", MEDICAL, 12, false));
            repeat(&mut v, 3, (2, "misdelivery", NAME, 230, false));
            v.push((1, "theft", MEDICAL, 1, false));
            v.push((2, "loss", NAME, 15_000, false));
            v.push((0, "ransomware", NAME, 5400, true));
            v.push((0, "insider_misconduct", CARD, 800, false));
        }
        _ => {
            repeat(&mut v, 5, (0, "unauthorized_access", NAME, 1100, false));
            repeat(&mut v, 2, (2, "missent_email", NAME, 300, false));
            v.push((1, "misdelivery", MEDICAL, 2, false));
        }
    }
    v
}

/// Seeds the statistics history for the regulator `ppc`.
pub(super) async fn statistics_history(
    store: &dyn Store,
    now: Timestamp,
    today: Date,
    ppc: &Organisation,
) -> anyhow::Result<()> {
    let this_year = FiscalYear::of(today);
    let set_up = this_year.first_day().checked_sub(800.days())?;
    let at = |d: Date| -> anyhow::Result<Timestamp> {
        Ok(d.at(10, 0, 0, 0)
            .to_zoned(TimeZone::fixed(offset(9)))?
            .timestamp()
            .min(now))
    };
    let mut reporters = Vec::new();
    for (name, regime, _, email) in REPORTERS {
        let org = accounts::create_organisation(
            store,
            name,
            OrgKind::Operator,
            Some(regime),
            at(set_up)?,
        )
        .await?;
        let user = accounts::create_user(
            store,
            None,
            org.id,
            email,
            "報告担当",
            Role::Admin,
            DEMO_PASSWORD,
            at(set_up)?,
        )
        .await?;
        reporters.push(Actor { user, org });
    }
    for years_ago in [2i16, 1, 0] {
        let fy = FiscalYear(this_year.0 - years_ago);
        // The days of the year that are over (this year: up to yesterday).
        let last = if years_ago == 0 {
            today.checked_sub(4.days())?
        } else {
            fy.last_day()
        };
        let span = (last - fy.first_day()).get_days();
        let all = stories(years_ago);
        if span < 2 {
            continue;
        }
        let n = i32::try_from(all.len()).unwrap_or(1);
        for (i, story) in (0i32..).zip(all) {
            let known = fy.first_day().checked_add((span * i / n).days())?;
            report(store, &reporters, ppc, story, known, &at).await?;
        }
    }
    Ok(())
}

async fn report(
    store: &dyn Store,
    reporters: &[Actor],
    ppc: &Organisation,
    (who, cause, items, persons, supplement): Story,
    known: Date,
    at: &impl Fn(Date) -> anyhow::Result<Timestamp>,
) -> anyhow::Result<()> {
    let actor = &reporters[who];
    let (_, regime, sector, _) = REPORTERS[who];
    let facts = Facts::from_json(
        &serde_json::json!({
            "regime": regime.as_str(),
            "known_on": known.to_string(),
            "events": ["leak"],
            "suspected": cause == "unauthorized_access",
            "data_items": items,
            "cause": cause,
            "persons": persons,
        })
        .to_string(),
    )
    .map_err(|e| anyhow::anyhow!("demo facts: {e}"))?;
    let title = format!(
        "{}（{}）",
        roei_law::Cause::ALL
            .iter()
            .find(|c| c.code() == cause)
            .map_or(cause, |c| c.ja()),
        known
    );
    let (case, _) = service::open_case(store, actor, &title, facts, at(known)?).await?;
    let view = reporting::draft(store, actor, case.id).await?;
    let mut content = complete(view.draft.content, actor, sector, known);
    let mut version = view.draft.version;
    let mut send =
        async |stage: ReportStage, content: ReportContent, day: i64| -> Result<(), DomainError> {
            let when = at(known
                .checked_add(day.days())
                .map_err(|e| DomainError::invalid("date", e.to_string()))?)
            .map_err(|e| DomainError::invalid("date", e.to_string()))?;
            version = reporting::save_draft(store, actor, case.id, version, content, when)
                .await?
                .draft
                .version;
            let req = SubmitRequest {
                stage,
                draft_version: version,
                to_org: Some(ppc.id),
                idempotency_key: None,
            };
            reporting::submit(store, actor, case.id, req, when).await?;
            Ok(())
        };
    send(ReportStage::QuickReport, content.clone(), 1).await?;
    send(ReportStage::FinalReport, content.clone(), 2).await?;
    if supplement {
        content.other = Some("確報後に判明した事項を追記した。".into());
        send(ReportStage::Supplement, content, 3).await?;
    }
    let case = store
        .case(actor.org.id, case.id)
        .await?
        .ok_or(DomainError::NotFound)?;
    service::set_case_status(
        store,
        actor,
        case.id,
        case.version,
        CaseStatus::Closed,
        at(known.checked_add(3.days())?)?,
    )
    .await?;
    Ok(())
}

/// The prefilled content with every matter a 確報 needs.
fn complete(mut c: ReportContent, actor: &Actor, sector: &str, known: Date) -> ReportContent {
    let h = &mut c.header;
    h.reporter_name = Some(actor.org.name.clone());
    h.sector = Some(sector.to_owned());
    h.contact_name = Some("報告担当".into());
    h.contact_phone = Some("03-0000-0000".into());
    let s = &mut c.summary;
    s.discovered_on = Some(known);
    if s.incident.is_empty() {
        s.incident = vec!["leak".into()];
    }
    s.certainty.get_or_insert_with(|| "occurred".into());
    s.has_entruster = Some(false);
    s.has_entrustee = Some(false);
    s.course_of_events = Some(format!("{known}に判明した。"));
    // Item 3 (不正の目的) asks for the investigation and the attack.
    s.external_investigation = Some("外部の専門会社に調査を依頼した。".into());
    c.cause
        .attack_point
        .get_or_insert_with(|| "業務システム".into());
    c.cause.attack_method.get_or_insert_with(|| "調査中".into());
    let d = &mut c.data_items;
    d.media = vec!["electronic".into()];
    d.kinds = vec!["customer".into()];
    if d.items.is_empty() {
        d.items = vec!["name".into()];
    }
    c.cause.actor = Some("reporter".into());
    c.cause.details = Some("調査により判明した。".into());
    if c.cause.category.as_deref() == Some("other") {
        c.cause.category_other = Some("その他".into());
    }
    c.secondary_harm.status = Some("no".into());
    c.individual_response.status = Some("done".into());
    c.individual_response.details = Some("本人に通知した。".into());
    c.publication.status = Some("none".into());
    c.prevention.done = Some("手順を見直した。".into());
    c.other = Some("特になし".into());
    c
}
