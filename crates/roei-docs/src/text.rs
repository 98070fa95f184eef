//! Dates in 西暦 with 和暦 beside them, text split into lines.

use jiff::civil::Date;

/// "2026年11月22日（令和8年11月22日）"; only 西暦 before 昭和.
pub fn date_ja(d: Date) -> String {
    let seireki = format!("{}年{}月{}日", d.year(), d.month(), d.day());
    match roei_calendar::wareki(d) {
        Ok(w) => format!("{seireki}（{w}）"),
        Err(_) => seireki,
    }
}

pub fn opt_date(d: Option<Date>) -> Option<String> {
    d.map(date_ja)
}

/// The non-empty lines of a free text, trimmed at the end.
pub fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// `Some(trimmed)` when the text is not blank.
pub fn filled(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_carry_their_wareki() {
        assert_eq!(
            date_ja(jiff::civil::date(2026, 11, 22)),
            "2026年11月22日（令和8年11月22日）"
        );
        assert_eq!(
            date_ja(jiff::civil::date(2019, 5, 1)),
            "2019年5月1日（令和元年5月1日）"
        );
        assert_eq!(date_ja(jiff::civil::date(1900, 1, 1)), "1900年1月1日");
    }
}
