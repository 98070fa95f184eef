//! XLSX workbooks (calamine): each sheet a table, its first row a header when it looks like one.

use std::io::{Read, Seek};

use calamine::{Data, Reader, Xlsx};

use crate::FileError;
use crate::read::Outcome;
use crate::record::{Record, Tally};

/// Excel's day count (1900 system, serial 60 is the phantom 1900-02-29) → `YYYY-MM-DD`.
fn excel_date(serial: f64) -> Option<String> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01 (serial 25569), then the civil-from-days algorithm.
    #[allow(clippy::cast_possible_truncation)]
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            #[allow(clippy::cast_possible_truncation)]
            let i = *f as i64;
            i.to_string()
        }
        Data::DateTime(d) => excel_date(d.as_f64()).unwrap_or_else(|| d.to_string()),
        other => other.to_string(),
    }
}

pub(crate) fn scan<R: Read + Seek>(name: &str, r: R, bytes: u64) -> Outcome {
    let mut out = Outcome::default();
    let mut wb: Xlsx<R> = match Xlsx::new(r) {
        Ok(w) => w,
        Err(e) => {
            out.errors.push(FileError {
                path: name.to_owned(),
                error: format!("not a readable XLSX workbook: {e}"),
            });
            return out;
        }
    };
    let mut tally = Tally::default();
    let mut rec = Record::new();
    let mut problems = Vec::new();
    let mut sheets_read = 0;
    for sheet in wb.sheet_names() {
        let range = match wb.worksheet_range(&sheet) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("sheet {sheet}: {e}"));
                continue;
            }
        };
        sheets_read += 1;
        let mut rows = range.rows();
        let Some(first) = rows.next() else { continue };
        let first: Vec<String> = first.iter().map(cell_text).collect();
        let header = crate::read::header_kinds_pub(&first);
        if header.is_none() {
            for c in &first {
                rec.field(None, c);
            }
            rec.finish(&mut tally);
        }
        for row in rows {
            for (i, c) in row.iter().enumerate() {
                let t = cell_text(c);
                rec.field(
                    header.as_ref().and_then(|h| h.get(i).copied().flatten()),
                    &t,
                );
            }
            rec.finish(&mut tally);
        }
    }
    if sheets_read > 0 {
        out.files = 1;
        out.bytes = bytes;
        out.tally = tally;
    }
    if let Some(p) = problems.first() {
        out.errors.push(FileError {
            path: name.to_owned(),
            error: p.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn excel_dates() {
        assert_eq!(super::excel_date(29_222.0).as_deref(), Some("1980-01-02"));
        assert_eq!(super::excel_date(45_658.0).as_deref(), Some("2025-01-01"));
    }
}
