//! Header and label words, Japanese and English: what a column (or a `label: value` in free
//! text) holds. Matching ignores case, width, `_`, `-`, spaces and brackets.

use std::collections::HashMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use roei_law::DataItem;

use crate::normalize::normalize;

/// What a column or label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// 氏名 (also 姓 / 名 columns, concatenated).
    Name,
    /// フリガナ: the name key when a record has no 氏名.
    Kana,
    BirthDate,
    Email,
    Phone,
    Address,
    /// 郵便番号: part of the address.
    Postal,
    Card,
    MyNumber,
    BankAccount,
    Passport,
    License,
    /// Any other item, counted for every non-empty value.
    Item(DataItem),
    /// A known header word that names no personal data (注文番号, 金額, …): helps header
    /// detection; its values still go through content detection.
    NotPersonal,
}

impl Kind {
    /// The item a non-empty value of this kind adds.
    pub fn item(self) -> Option<DataItem> {
        Some(match self {
            Kind::Name | Kind::Kana => DataItem::Name,
            Kind::BirthDate => DataItem::BirthDate,
            Kind::Email => DataItem::Email,
            Kind::Phone => DataItem::Phone,
            Kind::Address | Kind::Postal => DataItem::Address,
            Kind::Card => DataItem::CardNumber,
            Kind::MyNumber => DataItem::MyNumber,
            Kind::BankAccount => DataItem::BankAccount,
            Kind::Passport => DataItem::PassportNumber,
            Kind::License => DataItem::DriversLicenseNumber,
            Kind::Item(i) => i,
            Kind::NotPersonal => return None,
        })
    }
}

use DataItem as D;
use Kind as K;

/// (word, kind, usable as a label in free text). Words are in matching form: lower case, no
/// `_`/`-`/spaces.
const WORDS: &[(&str, Kind, bool)] = &[
    // names
    ("氏名", K::Name, true),
    ("名前", K::Name, true),
    ("お名前", K::Name, true),
    ("姓名", K::Name, true),
    ("顧客名", K::Name, true),
    ("会員名", K::Name, true),
    ("患者名", K::Name, true),
    ("社員名", K::Name, true),
    ("宛名", K::Name, true),
    ("受取人", K::Name, false),
    ("姓", K::Name, false),
    ("名", K::Name, false),
    ("name", K::Name, true),
    ("fullname", K::Name, true),
    ("customername", K::Name, true),
    ("lastname", K::Name, false),
    ("firstname", K::Name, false),
    ("familyname", K::Name, false),
    ("givenname", K::Name, false),
    ("フリガナ", K::Kana, true),
    ("ふりがな", K::Kana, true),
    ("カナ", K::Kana, false),
    ("氏名カナ", K::Kana, true),
    ("セイ", K::Kana, false),
    ("メイ", K::Kana, false),
    ("kana", K::Kana, true),
    ("furigana", K::Kana, true),
    ("namekana", K::Kana, false),
    // birth date
    ("生年月日", K::BirthDate, true),
    ("誕生日", K::BirthDate, true),
    ("birthday", K::BirthDate, true),
    ("birthdate", K::BirthDate, true),
    ("dateofbirth", K::BirthDate, true),
    ("dob", K::BirthDate, true),
    // contact
    ("メールアドレス", K::Email, true),
    ("メール", K::Email, true),
    ("eメール", K::Email, true),
    ("email", K::Email, true),
    ("emailaddress", K::Email, true),
    ("mail", K::Email, false),
    ("mailaddress", K::Email, true),
    ("電話番号", K::Phone, true),
    ("電話", K::Phone, true),
    ("携帯電話", K::Phone, true),
    ("携帯番号", K::Phone, true),
    ("携帯", K::Phone, true),
    ("連絡先", K::Phone, false),
    ("fax", K::Phone, true),
    ("tel", K::Phone, true),
    ("phone", K::Phone, true),
    ("phonenumber", K::Phone, true),
    ("telephone", K::Phone, true),
    ("mobile", K::Phone, true),
    ("住所", K::Address, true),
    ("所在地", K::Address, true),
    ("現住所", K::Address, true),
    ("都道府県", K::Address, false),
    ("市区町村", K::Address, false),
    ("番地", K::Address, false),
    ("address", K::Address, true),
    ("addr", K::Address, false),
    ("street", K::Address, false),
    ("city", K::Address, false),
    ("prefecture", K::Address, false),
    ("郵便番号", K::Postal, true),
    ("〒", K::Postal, false),
    ("zip", K::Postal, false),
    ("zipcode", K::Postal, true),
    ("postalcode", K::Postal, true),
    ("postcode", K::Postal, true),
    // numbers
    ("カード番号", K::Card, true),
    ("クレジットカード番号", K::Card, true),
    ("クレジットカード", K::Card, true),
    ("cardnumber", K::Card, true),
    ("creditcard", K::Card, true),
    ("creditcardnumber", K::Card, true),
    ("cardno", K::Card, true),
    ("ccnumber", K::Card, false),
    ("pan", K::Card, false),
    ("マイナンバー", K::MyNumber, true),
    ("個人番号", K::MyNumber, true),
    ("mynumber", K::MyNumber, true),
    ("individualnumber", K::MyNumber, true),
    ("口座番号", K::BankAccount, true),
    ("銀行口座", K::BankAccount, true),
    ("振込先口座", K::BankAccount, true),
    ("口座", K::BankAccount, false),
    ("accountnumber", K::BankAccount, true),
    ("bankaccount", K::BankAccount, true),
    ("旅券番号", K::Passport, true),
    ("パスポート番号", K::Passport, true),
    ("passport", K::Passport, true),
    ("passportnumber", K::Passport, true),
    ("passportno", K::Passport, true),
    ("運転免許証番号", K::License, true),
    ("免許証番号", K::License, true),
    ("運転免許番号", K::License, true),
    ("driverslicense", K::License, true),
    ("driverslicence", K::License, true),
    ("licensenumber", K::License, true),
    ("licencenumber", K::License, true),
    ("有効期限", K::Item(D::CardExpiry), false),
    ("カード有効期限", K::Item(D::CardExpiry), true),
    ("expiry", K::Item(D::CardExpiry), false),
    ("expirydate", K::Item(D::CardExpiry), false),
    ("expiration", K::Item(D::CardExpiry), false),
    ("cardexpiry", K::Item(D::CardExpiry), true),
    ("exp", K::Item(D::CardExpiry), false),
    ("セキュリティコード", K::Item(D::CardSecurityCode), true),
    ("securitycode", K::Item(D::CardSecurityCode), true),
    ("cvv", K::Item(D::CardSecurityCode), true),
    ("cvc", K::Item(D::CardSecurityCode), true),
    ("cvv2", K::Item(D::CardSecurityCode), false),
    ("カード下4桁", K::Item(D::CardLast4), true),
    ("last4", K::Item(D::CardLast4), false),
    ("cardlast4", K::Item(D::CardLast4), true),
    ("暗証番号", K::Item(D::BankPin), true),
    ("pin", K::Item(D::BankPin), false),
    ("pincode", K::Item(D::BankPin), false),
    ("パスワード", K::Item(D::Password), true),
    ("パスワードハッシュ", K::Item(D::Password), true),
    ("password", K::Item(D::Password), true),
    ("passwordhash", K::Item(D::Password), true),
    ("passwd", K::Item(D::Password), true),
    ("pwd", K::Item(D::Password), false),
    ("pass", K::Item(D::Password), false),
    ("hash", K::Item(D::Password), false),
    ("ログインid", K::Item(D::LoginId), true),
    ("ユーザーid", K::Item(D::LoginId), true),
    ("ユーザid", K::Item(D::LoginId), true),
    ("loginid", K::Item(D::LoginId), true),
    ("userid", K::Item(D::LoginId), false),
    ("username", K::Item(D::LoginId), false),
    ("login", K::Item(D::LoginId), false),
    ("顧客番号", K::Item(D::CustomerId), false),
    ("顧客id", K::Item(D::CustomerId), false),
    ("会員番号", K::Item(D::CustomerId), false),
    ("会員id", K::Item(D::CustomerId), false),
    ("customerid", K::Item(D::CustomerId), false),
    ("customerno", K::Item(D::CustomerId), false),
    ("memberid", K::Item(D::CustomerId), false),
    ("社員番号", K::Item(D::EmployeeId), false),
    ("従業員番号", K::Item(D::EmployeeId), false),
    ("職員番号", K::Item(D::EmployeeId), false),
    ("employeeid", K::Item(D::EmployeeId), false),
    ("staffid", K::Item(D::EmployeeId), false),
    ("性別", K::Item(D::Gender), false),
    ("gender", K::Item(D::Gender), false),
    ("sex", K::Item(D::Gender), false),
    ("保険証番号", K::Item(D::HealthInsuranceNumber), true),
    ("被保険者番号", K::Item(D::HealthInsuranceNumber), true),
    ("健康保険証番号", K::Item(D::HealthInsuranceNumber), true),
    ("保険者番号", K::Item(D::HealthInsuranceNumber), false),
    ("insurancenumber", K::Item(D::HealthInsuranceNumber), false),
    ("snsアカウント", K::Item(D::SnsAccount), true),
    ("twitter", K::Item(D::SnsAccount), false),
    ("instagram", K::Item(D::SnsAccount), false),
    ("顔写真", K::Item(D::Photo), true),
    ("photo", K::Item(D::Photo), false),
    // 要配慮個人情報
    ("病名", K::Item(D::MedicalHistory), true),
    ("病歴", K::Item(D::MedicalHistory), true),
    ("既往歴", K::Item(D::MedicalHistory), true),
    ("診断名", K::Item(D::MedicalHistory), true),
    ("診断", K::Item(D::MedicalHistory), true),
    ("傷病名", K::Item(D::MedicalHistory), true),
    ("疾患", K::Item(D::MedicalHistory), true),
    ("diagnosis", K::Item(D::MedicalHistory), true),
    ("disease", K::Item(D::MedicalHistory), true),
    ("medicalhistory", K::Item(D::MedicalHistory), true),
    ("処方", K::Item(D::MedicalCare), true),
    ("処方薬", K::Item(D::MedicalCare), true),
    ("調剤", K::Item(D::MedicalCare), true),
    ("診療内容", K::Item(D::MedicalCare), true),
    ("投薬", K::Item(D::MedicalCare), true),
    ("prescription", K::Item(D::MedicalCare), true),
    ("medication", K::Item(D::MedicalCare), true),
    ("健康診断", K::Item(D::HealthCheckup), true),
    ("健康診断結果", K::Item(D::HealthCheckup), true),
    ("健診結果", K::Item(D::HealthCheckup), true),
    ("検査結果", K::Item(D::HealthCheckup), true),
    ("healthcheck", K::Item(D::HealthCheckup), true),
    ("checkup", K::Item(D::HealthCheckup), true),
    ("犯罪歴", K::Item(D::CriminalRecord), true),
    ("前科", K::Item(D::CriminalRecord), true),
    ("犯罪経歴", K::Item(D::CriminalRecord), true),
    ("criminalrecord", K::Item(D::CriminalRecord), true),
    ("犯罪被害", K::Item(D::CrimeVictim), true),
    ("被害歴", K::Item(D::CrimeVictim), true),
    ("crimevictim", K::Item(D::CrimeVictim), true),
    ("障害", K::Item(D::Disability), true),
    ("障がい", K::Item(D::Disability), true),
    ("障害者手帳", K::Item(D::Disability), true),
    ("障害等級", K::Item(D::Disability), true),
    ("disability", K::Item(D::Disability), true),
    ("人種", K::Item(D::Race), true),
    ("民族", K::Item(D::Race), true),
    ("race", K::Item(D::Race), false),
    ("ethnicity", K::Item(D::Race), true),
    ("信条", K::Item(D::Creed), true),
    ("宗教", K::Item(D::Creed), true),
    ("信仰", K::Item(D::Creed), true),
    ("religion", K::Item(D::Creed), true),
    ("creed", K::Item(D::Creed), true),
    ("社会的身分", K::Item(D::SocialStatus), true),
    ("逮捕歴", K::Item(D::CriminalProcedure), true),
    ("刑事手続", K::Item(D::CriminalProcedure), true),
    ("起訴", K::Item(D::CriminalProcedure), true),
    ("少年事件", K::Item(D::JuvenileProcedure), true),
    ("保護処分", K::Item(D::JuvenileProcedure), true),
    // known non-personal columns
    ("注文番号", K::NotPersonal, false),
    ("受注番号", K::NotPersonal, false),
    ("注文id", K::NotPersonal, false),
    ("orderid", K::NotPersonal, false),
    ("orderno", K::NotPersonal, false),
    ("ordernumber", K::NotPersonal, false),
    ("金額", K::NotPersonal, false),
    ("合計", K::NotPersonal, false),
    ("価格", K::NotPersonal, false),
    ("amount", K::NotPersonal, false),
    ("price", K::NotPersonal, false),
    ("total", K::NotPersonal, false),
    ("日時", K::NotPersonal, false),
    ("日付", K::NotPersonal, false),
    ("注文日", K::NotPersonal, false),
    ("date", K::NotPersonal, false),
    ("datetime", K::NotPersonal, false),
    ("timestamp", K::NotPersonal, false),
    ("商品名", K::NotPersonal, false),
    ("商品", K::NotPersonal, false),
    ("product", K::NotPersonal, false),
    ("item", K::NotPersonal, false),
    ("数量", K::NotPersonal, false),
    ("quantity", K::NotPersonal, false),
    ("qty", K::NotPersonal, false),
    ("id", K::NotPersonal, false),
    ("no", K::NotPersonal, false),
    ("番号", K::NotPersonal, false),
    ("ステータス", K::NotPersonal, false),
    ("status", K::NotPersonal, false),
    ("備考", K::NotPersonal, false),
    ("memo", K::NotPersonal, false),
    ("note", K::NotPersonal, false),
    ("remarks", K::NotPersonal, false),
    ("会社名", K::NotPersonal, false),
    ("company", K::NotPersonal, false),
    ("部署", K::NotPersonal, false),
    ("department", K::NotPersonal, false),
    ("message", K::NotPersonal, false),
    ("level", K::NotPersonal, false),
];

/// Headers that contain a word above but name something else.
const NOT_CONTAINING: &[&str] = &[
    "filename",
    "companyname",
    "productname",
    "itemname",
    "hostname",
    "shopname",
    "storename",
    "nickname",
    "ipaddress",
    "macaddress",
    "serveraddress",
    "商品名",
    "会社名",
    "店舗名",
    "ファイル名",
];

/// Header in matching form: normalized width, lower case, without `_ - ・`, spaces and
/// brackets.
pub fn header_form(h: &str) -> String {
    normalize(h)
        .chars()
        .filter(|c| !c.is_whitespace() && !"_-・()[]（）【】「」<>:.#*\"'".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

struct Dict {
    exact: HashMap<&'static str, Kind>,
    /// (word, kind), longest word first.
    contained: Vec<(&'static str, Kind)>,
    labels: AhoCorasick,
    label_kinds: Vec<(Kind, bool)>,
}

static DICT: LazyLock<Dict> = LazyLock::new(|| {
    let exact = WORDS.iter().map(|(w, k, _)| (*w, *k)).collect();
    let mut contained: Vec<(&str, Kind)> = WORDS
        .iter()
        .filter(|(w, k, _)| w.chars().count() >= 2 && w.len() >= 3 && *k != K::NotPersonal)
        .map(|(w, k, _)| (*w, *k))
        .collect();
    contained.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    let mut pats = Vec::new();
    let mut label_kinds = Vec::new();
    for (w, k, label) in WORDS {
        if !label {
            continue;
        }
        pats.push(*w);
        label_kinds.push((*k, w.is_ascii()));
        // Common spellings of the English labels in text: "my number", "e-mail", "full_name".
        if w.is_ascii() && w.len() > 4 {
            for spelled in spellings(w) {
                pats.push(spelled);
                label_kinds.push((*k, true));
            }
        }
    }
    let labels = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(&pats)
        .expect("label automaton");
    Dict {
        exact,
        contained,
        labels,
        label_kinds,
    }
});

fn spellings(w: &str) -> Vec<&'static str> {
    match w {
        "mynumber" => vec!["my number", "my_number", "my-number"],
        "email" => vec!["e-mail", "e_mail"],
        "fullname" => vec!["full name", "full_name"],
        "dateofbirth" => vec!["date of birth", "date_of_birth"],
        "phonenumber" => vec!["phone number", "phone_number"],
        "cardnumber" => vec!["card number", "card_number"],
        "creditcard" => vec!["credit card", "credit_card"],
        "loginid" => vec!["login id", "login_id"],
        "passportnumber" => vec!["passport number", "passport_number"],
        "licensenumber" => vec!["license number", "license_number"],
        "driverslicense" => vec!["driver's license", "drivers_license"],
        "accountnumber" => vec!["account number", "account_number"],
        "bankaccount" => vec!["bank account", "bank_account"],
        "zipcode" => vec!["zip code", "zip_code"],
        "postalcode" => vec!["postal code", "postal_code"],
        "securitycode" => vec!["security code", "security_code"],
        "medicalhistory" => vec!["medical history", "medical_history"],
        "criminalrecord" => vec!["criminal record", "criminal_record"],
        _ => vec![],
    }
}

/// The kind a table header (or a JSON key) names, if any.
pub fn header_kind(header: &str) -> Option<Kind> {
    let h = header_form(header);
    if h.is_empty() {
        return None;
    }
    let d = &*DICT;
    if let Some(k) = d.exact.get(h.as_str()) {
        return Some(*k);
    }
    // ".. 2": numbered columns (住所1, address2, tel_2).
    let trimmed = h.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed != h
        && let Some(k) = d.exact.get(trimmed)
    {
        return Some(*k);
    }
    if NOT_CONTAINING.iter().any(|w| h.contains(w)) {
        return None;
    }
    d.contained
        .iter()
        .find(|(w, _)| h.contains(w))
        .map(|(_, k)| *k)
}

/// Label matches in free text: (start, end, kind) for each label word followed by a
/// separator (`:`, `：`, `=`, a space, a closing bracket), left to right. English words must not
/// be glued to a letter or digit on their left.
pub fn labels_in(text: &str, out: &mut Vec<(usize, usize, Kind)>) {
    let d = &*DICT;
    let bytes = text.as_bytes();
    for m in d.labels.find_iter(text) {
        let (kind, ascii) = d.label_kinds[m.pattern().as_usize()];
        if ascii
            && m.start() > 0
            && (bytes[m.start() - 1].is_ascii_alphanumeric() || bytes[m.start() - 1] == b'_')
        {
            continue;
        }
        let rest = &text[m.end()..];
        let Some(c) = rest.chars().next() else {
            continue;
        };
        if matches!(
            c,
            ':' | '=' | ' ' | '\t' | '】' | ']' | '」' | '"' | '：' | '　'
        ) {
            out.push((m.start(), m.end(), kind));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(header_kind("氏名"), Some(K::Name));
        assert_eq!(header_kind("お客様氏名"), Some(K::Name));
        assert_eq!(header_kind("Full_Name"), Some(K::Name));
        assert_eq!(header_kind("ＦＵＬＬ－ＮＡＭＥ"), Some(K::Name));
        assert_eq!(header_kind("user_name"), Some(K::Item(D::LoginId)));
        assert_eq!(header_kind("file name"), None);
        assert_eq!(header_kind("生年月日（和暦）"), Some(K::BirthDate));
        assert_eq!(header_kind("DOB"), Some(K::BirthDate));
        assert_eq!(header_kind("携帯電話番号"), Some(K::Phone));
        assert_eq!(header_kind("e-mail"), Some(K::Email));
        assert_eq!(header_kind("Postal Code"), Some(K::Postal));
        assert_eq!(header_kind("住所2"), Some(K::Address));
        assert_eq!(header_kind("shipping_address"), Some(K::Address));
        assert_eq!(header_kind("IP address"), None);
        assert_eq!(header_kind("既往歴"), Some(K::Item(D::MedicalHistory)));
        assert_eq!(header_kind("注文番号"), Some(K::NotPersonal));
        assert_eq!(header_kind("xyz"), None);
    }

    #[test]
    fn labels() {
        let mut v = Vec::new();
        labels_in(
            "氏名：山田太郎 マイナンバー 123456789018 username=x",
            &mut v,
        );
        let kinds: Vec<Kind> = v.iter().map(|m| m.2).collect();
        assert_eq!(kinds, vec![K::Name, K::MyNumber]);
        v.clear();
        labels_in("住所録を更新 システム障害が発生", &mut v);
        assert!(v.is_empty());
        v.clear();
        labels_in("My Number: 123", &mut v);
        assert_eq!(v.len(), 1);
    }
}
