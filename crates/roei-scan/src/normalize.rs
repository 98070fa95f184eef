//! Width normalization: full-width digits, letters and symbols (０９０－１２３４) become ASCII,
//! the ideographic space a space, and the dash look-alikes a hyphen, before anything is matched.

use std::borrow::Cow;

/// `text` with full-width ASCII variants (U+FF01–U+FF5E) folded to ASCII, U+3000 to a space,
/// the dash look-alikes (‐ ‑ ‒ – — ― − ﹣) to `-`, and the prolonged-sound marks ー / ｰ to `-`
/// when they follow a digit (`０９０ー１２３４`). Pure ASCII input is returned as is.
pub fn normalize(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    normalize_into(text, &mut out);
    Cow::Owned(out)
}

/// [`normalize`] into a caller's buffer (appends).
pub fn normalize_into(text: &str, out: &mut String) {
    out.extend(folded(text));
}

/// The characters of `text`, each folded as [`normalize`] says.
fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    let mut prev_digit = false;
    text.chars().map(move |c| {
        let n = fold(c, prev_digit);
        prev_digit = n.is_ascii_digit();
        n
    })
}

fn fold(c: char, prev_digit: bool) -> char {
    let u = c as u32;
    match u {
        0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        0x2010..=0x2015 | 0x2212 | 0xFE63 => '-',
        0x30FC | 0xFF70 if prev_digit => '-',
        _ => c,
    }
}

/// Removes every white-space character (half- and full-width) after normalizing: the name key
/// of the linkage rule.
pub fn name_key(text: &str, out: &mut String) {
    out.extend(folded(text).filter(|c| !c.is_whitespace()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width() {
        assert_eq!(normalize("０９０－１２３４－５６７８"), "090-1234-5678");
        assert_eq!(normalize("０９０ー１２３４ー５６７８"), "090-1234-5678");
        assert_eq!(
            normalize("ＴＥＬ：ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
            "TEL:taro@example.jp"
        );
        assert_eq!(normalize("ルーシー"), "ルーシー");
        assert!(matches!(normalize("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn name_key_drops_all_spaces() {
        let mut a = String::new();
        name_key("山田　太郎", &mut a);
        let mut b = String::new();
        name_key(" 山田 太郎 ", &mut b);
        assert_eq!(a, "山田太郎");
        assert_eq!(a, b);
    }
}
