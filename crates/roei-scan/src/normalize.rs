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
    fold_into(text, out, true);
}

/// The characters of `text`, each folded as [`normalize`] says, appended to `out`; white space
/// dropped unless `spaces`. Bytes that cannot change are copied without decoding them: ASCII,
/// and the three-byte hiragana, katakana (but ー) and CJK ideographs (U+4000–U+9FFF), none of
/// which folds or is white space.
fn fold_into(text: &str, out: &mut String, spaces: bool) {
    let b = text.as_bytes();
    let mut prev_digit = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            let ch = char::from(c);
            if spaces || !ch.is_whitespace() {
                out.push(ch);
            }
            prev_digit = c.is_ascii_digit();
            i += 1;
        } else if as_is(b, i) {
            out.push_str(&text[i..i + 3]);
            prev_digit = false;
            i += 3;
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            let n = fold(ch, prev_digit);
            prev_digit = n.is_ascii_digit();
            if spaces || !n.is_whitespace() {
                out.push(n);
            }
            i += ch.len_utf8();
        }
    }
}

/// The character starting at `b[i]` (a lead byte of valid UTF-8) is three bytes that fold to
/// themselves and are not white space.
fn as_is(b: &[u8], i: usize) -> bool {
    match b[i] {
        0xE4..=0xE9 => true,
        // U+3040–U+30FF, but U+30FC ー (E3 83 BC).
        0xE3 => match b[i + 1] {
            0x81 | 0x82 => true,
            0x83 => b[i + 2] != 0xBC,
            _ => false,
        },
        _ => false,
    }
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

/// `s` without leading and trailing white space (as `str::trim`).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    // Visible ASCII at both ends, the commonest: nothing to trim, decided inline.
    if let (Some(&first), Some(&last)) = (s.as_bytes().first(), s.as_bytes().last())
        && first > b' '
        && first < 0x80
        && last > b' '
        && last < 0x80
    {
        return s;
    }
    trim_ends(s)
}

/// [`trim`] of any ends, out of line.
#[inline(never)]
fn trim_ends(s: &str) -> &str {
    if may_start_white(s.as_bytes()) || may_end_white(s.as_bytes()) {
        s.trim()
    } else {
        s
    }
}

/// `s` without leading white space (as `str::trim_start`).
pub(crate) fn trim_start(s: &str) -> &str {
    if may_start_white(s.as_bytes()) {
        s.trim_start()
    } else {
        s
    }
}

// The white-space characters are U+0009–000D, U+0020, U+0085, U+00A0, U+1680, U+2000–200A,
// U+2028, U+2029, U+202F, U+205F and U+3000. In UTF-8 they start with a byte up to 0x20, C2,
// E1, E2 or E3 80, and end with a byte up to 0x20 or one after C2, 80, 81 or 9A: text that
// does not is returned by the trims as it is, without decoding.

/// `b` (valid UTF-8) may start with a white-space character.
fn may_start_white(b: &[u8]) -> bool {
    match b.first() {
        Some(&first) => {
            first <= b' ' || matches!(first, 0xC2 | 0xE1 | 0xE2) || (first == 0xE3 && b[1] == 0x80)
        }
        None => false,
    }
}

/// `b` (valid UTF-8) may end with a white-space character.
fn may_end_white(b: &[u8]) -> bool {
    match b.last() {
        Some(&last) => {
            last <= b' ' || (last >= 0x80 && matches!(b[b.len() - 2], 0x80 | 0x81 | 0x9A | 0xC2))
        }
        None => false,
    }
}

/// Removes every white-space character (half- and full-width) after normalizing: the name key
/// of the linkage rule.
pub fn name_key(text: &str, out: &mut String) {
    fold_into(text, out, false);
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
    fn trims_are_str_trims() {
        for s in [
            "",
            " ",
            "\u{3000}",
            "\u{3000} \u{3000}",
            " 山田 太郎\u{3000}",
            "\u{3000}\t山田\u{a0}",
            "\u{a0}a\u{2003}",
            "\u{1680}x\u{205f}",
            "\u{2028}也\u{2029}",
            "abc",
            "　ａ　",
            "漢字",
            "也",
            " x\r\n",
            "\x0ba\x0b",
            "\u{85}a\u{85}",
            "a ",
            " a",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(trim_start(s), s.trim_start(), "{s:?}");
        }
    }

    #[test]
    fn copying_unchanged_characters_is_folding_them() {
        // The fast path copies kana, kanji and ASCII as they are: the result must equal folding
        // every character, white space dropped or not.
        let parts = [
            "山田",
            "太郎",
            "ヤマダ",
            "タロウ",
            "ー",
            "ｰ",
            "ルーシー",
            "０",
            "９",
            "１２",
            "－",
            "‐",
            "−",
            "﹣",
            "\u{3000}",
            " ",
            "\t",
            "a",
            "Z",
            "1",
            "-",
            "＠",
            "ｔａｒｏ",
            "\u{a0}",
            "\u{2003}",
            "㐀",
            "😀",
            "é",
            "〒",
            "、",
            "\u{30ff}",
            "\u{3040}",
        ];
        let mut rng = crate::generate::Rng::new(11);
        for _ in 0..3000 {
            let n = usize::try_from(rng.below(8)).unwrap_or(0);
            let text: String = (0..n).map(|_| *rng.pick(&parts)).collect();
            let mut prev = false;
            let folded: Vec<char> = text
                .chars()
                .map(|c| {
                    let f = fold(c, prev);
                    prev = f.is_ascii_digit();
                    f
                })
                .collect();
            let mut all = String::new();
            normalize_into(&text, &mut all);
            assert_eq!(all, folded.iter().collect::<String>(), "{text:?}");
            let mut key = String::new();
            name_key(&text, &mut key);
            let want: String = folded.iter().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(key, want, "{text:?}");
        }
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
