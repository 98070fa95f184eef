//! `roei deadline` and `roei holidays`.

use std::io::Write as _;
use std::process::ExitCode;

use roei_calendar::{CalendarError, HolidayKind};
use roei_law::Lang;
use roei_law::text::{closure_label, date_label, weekday_ja};
use serde::Serialize;

use crate::BadInput;

#[derive(Serialize)]
struct DeadlineOut {
    known_on: String,
    days: i32,
    due: String,
    rolled_over: Vec<String>,
    last_day: String,
    rolled_over_reasons: Vec<RolledOut>,
}

#[derive(Serialize)]
struct RolledOut {
    date: String,
    why: String,
}

pub fn deadline(known_on: &str, days: i32, json: bool) -> anyhow::Result<ExitCode> {
    let known = roei_law::facts::parse_iso_date(known_on)
        .map_err(|e| BadInput(format!("--known-on: {e}")))?;
    if days != 30 && days != 60 {
        return Err(BadInput(format!(
            "--days: {days} is not a 確報 period: use 30, or 60 for a situation of 規則7条3号 / 43条3号"
        ))
        .into());
    }
    let d = roei_calendar::deadline(known, days).map_err(|e| calendar_bad("--known-on", &e))?;
    let mut out = std::io::stdout().lock();
    if json {
        let o = DeadlineOut {
            known_on: d.known_on.to_string(),
            days: d.days,
            due: d.due.to_string(),
            rolled_over: d.rolled_over.iter().map(|(x, _)| x.to_string()).collect(),
            last_day: d.last_day.to_string(),
            rolled_over_reasons: d
                .rolled_over
                .iter()
                .map(|(x, c)| RolledOut {
                    date: x.to_string(),
                    why: closure_label(*c, Lang::Ja),
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut out, &o)?;
        writeln!(out)?;
    } else {
        writeln!(out, "確報期限: {}", date_label(d.due, Lang::Ja))?;
        writeln!(
            out,
            "  知った日（1日目）: {}",
            date_label(d.known_on, Lang::Ja)
        )?;
        writeln!(
            out,
            "  {}日目: {}",
            d.days,
            date_label(d.last_day, Lang::Ja)
        )?;
        if d.rolled_over.is_empty() {
            writeln!(
                out,
                "  {}日目は行政機関の休日ではないため、そのまま期限となります。",
                d.days
            )?;
        } else {
            writeln!(
                out,
                "  {}日目が行政機関の休日に当たるため、翌日以降の最初の開庁日に繰り延べます（行政機関の休日に関する法律2条）。",
                d.days
            )?;
            for (x, c) in &d.rolled_over {
                writeln!(
                    out,
                    "    繰延べ: {x}（{}） {}",
                    weekday_ja(x.weekday()),
                    closure_label(*c, Lang::Ja)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct HolidayOut<'a> {
    date: String,
    name: &'a str,
}

pub fn holidays(year: i32, json: bool) -> anyhow::Result<ExitCode> {
    let y = i16::try_from(year)
        .ok()
        .filter(|y| (roei_calendar::FIRST_YEAR..=roei_calendar::LAST_YEAR).contains(y))
        .ok_or_else(|| {
            BadInput(format!(
                "YEAR: {year} is outside {}–{} (holidays are encoded from the holiday law as it stood from 1955)",
                roei_calendar::FIRST_YEAR,
                roei_calendar::LAST_YEAR
            ))
        })?;
    let list = roei_calendar::holidays(y).map_err(|e| calendar_bad("YEAR", &e))?;
    let mut out = std::io::stdout().lock();
    if json {
        let v: Vec<HolidayOut> = list
            .iter()
            .map(|h| HolidayOut {
                date: h.date.to_string(),
                name: h.name,
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        let era = roei_calendar::wareki(jiff::civil::Date::new(y, 12, 31)?)
            .map(|w| {
                format!(
                    "（{}{}年）",
                    w.era_name(),
                    if w.year == 1 {
                        "元".to_owned()
                    } else {
                        w.year.to_string()
                    }
                )
            })
            .unwrap_or_default();
        writeln!(out, "{y}年{era}の国民の祝日・休日（{}日）", list.len())?;
        for h in list {
            let kind = match h.kind {
                HolidayKind::Substitute => "（振替休日）",
                HolidayKind::Citizens => "（国民の休日）",
                HolidayKind::Special => "（特例法による休日）",
                HolidayKind::National => "",
            };
            let computed = if h.computed { " ※推定" } else { "" };
            writeln!(
                out,
                "{}（{}） {}{kind}{computed}",
                h.date,
                weekday_ja(h.date.weekday()),
                h.name
            )?;
        }
        if roei_calendar::equinox_computed(y) {
            writeln!(
                out,
                "※ 春分の日・秋分の日は、官報で公表された日付（{}年分まで）ではなく、標準的な近似式による推定です。正式には前年2月の官報（暦要項）で決まります。",
                roei_calendar::LAST_PUBLISHED_EQUINOX_YEAR
            )?;
        }
        writeln!(
            out,
            "※ 行政機関の休日（土日・12月29日～1月3日）は国民の祝日ではないため含みません。"
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn calendar_bad(field: &str, e: &CalendarError) -> BadInput {
    BadInput(format!("{field}: {e}"))
}
