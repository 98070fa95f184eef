//! Incident facts: the engine's input (assess-contract.md §Input), parsed strictly.
//!
//! Every field is accepted exactly as the contract names it; an unknown field, a wrong type, an
//! impossible date or a flag outside its regime is a [`FactsError`] that names the field.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize};

/// Which statute governs the organisation (assess-contract.md `regime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// 個人情報取扱事業者 (incl. 別表第二法人) → 法26条, 規則7–10条.
    #[default]
    Private,
    /// 国の行政機関・独立行政法人等 → 法68条, 規則43–45条.
    NationalPublic,
    /// 地方公共団体の機関・地方独立行政法人 → 法68条, 規則43条 (incl. 5号).
    LocalPublic,
}

impl Regime {
    pub fn is_public(self) -> bool {
        !matches!(self, Regime::Private)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Private => "private",
            Regime::NationalPublic => "national_public",
            Regime::LocalPublic => "local_public",
        }
    }
}

/// 漏えい / 滅失 / 毀損.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// 漏えい
    Leak,
    /// 滅失
    Loss,
    /// 毀損
    Damage,
}

impl Event {
    pub fn ja(self) -> &'static str {
        match self {
            Event::Leak => "漏えい",
            Event::Loss => "滅失",
            Event::Damage => "毀損",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Event::Leak => "leak",
            Event::Loss => "loss",
            Event::Damage => "damage",
        }
    }
}

/// What the affected information is, legally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataForm {
    /// 個人データ (法16条3項) / 保有個人情報 (法60条1項).
    #[default]
    PersonalData,
    /// Personal information being acquired and planned to be handled as personal data
    /// (規則7条3号 / 43条3号 括弧書, from 2024-04-01).
    BeingAcquired,
    /// Scattered information not part of a personal-information database.
    NotPersonalData,
}

macro_rules! codes {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $code:literal, $ja:literal, $en:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            /// Every code, in the contract's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            /// The contract's code string.
            pub fn code(self) -> &'static str { match self { $($name::$variant => $code,)* } }
            /// The value whose contract code is `code`, if any.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }
            /// Japanese label.
            pub fn ja(self) -> &'static str { match self { $($name::$variant => $ja,)* } }
            /// English label.
            pub fn en(self) -> &'static str { match self { $($name::$variant => $en,)* } }
        }
    };
}

codes! {
    /// Kinds of affected data (assess-contract.md §Data item codes).
    DataItem {
        Name = "name", "氏名", "name";
        BirthDate = "birth_date", "生年月日", "date of birth";
        Gender = "gender", "性別", "gender";
        Address = "address", "住所", "address";
        Phone = "phone", "電話番号", "phone number";
        Email = "email", "メールアドレス", "e-mail address";
        SnsAccount = "sns_account", "SNSアカウント", "social-media account";
        LoginId = "login_id", "ログインID", "login ID";
        CustomerId = "customer_id", "顧客番号", "customer ID";
        EmployeeId = "employee_id", "従業員番号", "employee ID";
        Photo = "photo", "顔写真", "photograph";
        MyNumber = "my_number", "個人番号（マイナンバー）", "My Number";
        DriversLicenseNumber = "drivers_license_number", "運転免許証番号", "driver's licence number";
        PassportNumber = "passport_number", "旅券番号", "passport number";
        HealthInsuranceNumber = "health_insurance_number", "健康保険証の記号・番号", "health-insurance number";
        Other = "other", "その他", "other";
        CardNumber = "card_number", "クレジットカード番号", "card number";
        CardLast4 = "card_last4", "クレジットカード番号の下4桁", "last 4 digits of the card number";
        CardExpiry = "card_expiry", "クレジットカードの有効期限", "card expiry date";
        CardSecurityCode = "card_security_code", "セキュリティコード", "card security code";
        BankAccount = "bank_account", "銀行口座情報", "bank account";
        BankPin = "bank_pin", "暗証番号", "bank PIN";
        OnlineBankingCredentials = "online_banking_credentials", "インターネットバンキングのID・パスワード", "internet-banking login ID and password";
        PaymentServiceCredentials = "payment_service_credentials", "送金・決済機能のあるサービスのID・パスワード", "login ID and password of a service with remittance or payment functions";
        Password = "password", "パスワード", "password";
        Race = "race", "人種", "race";
        Creed = "creed", "信条", "creed";
        SocialStatus = "social_status", "社会的身分", "social status";
        MedicalHistory = "medical_history", "病歴", "medical history";
        CriminalRecord = "criminal_record", "犯罪の経歴", "criminal record";
        CrimeVictim = "crime_victim", "犯罪により害を被った事実", "having been harmed by a crime";
        Disability = "disability", "心身の機能の障害", "disability";
        HealthCheckup = "health_checkup", "健康診断等の結果", "results of health checks";
        MedicalCare = "medical_care", "診療・調剤に関する情報", "medical care or dispensing";
        CriminalProcedure = "criminal_procedure", "刑事事件に関する手続", "criminal procedure";
        JuvenileProcedure = "juvenile_procedure", "少年の保護事件に関する手続", "juvenile protection procedure";
    }
}

impl DataItem {
    /// 要配慮個人情報 (法2条3項, 政令2条).
    pub fn is_sensitive(self) -> bool {
        matches!(
            self,
            DataItem::Race
                | DataItem::Creed
                | DataItem::SocialStatus
                | DataItem::MedicalHistory
                | DataItem::CriminalRecord
                | DataItem::CrimeVictim
                | DataItem::Disability
                | DataItem::HealthCheckup
                | DataItem::MedicalCare
                | DataItem::CriminalProcedure
                | DataItem::JuvenileProcedure
        )
    }
}

codes! {
    /// What happened (assess-contract.md §Cause codes).
    Cause {
        UnauthorizedAccess = "unauthorized_access", "不正アクセス", "unauthorized access";
        Malware = "malware", "マルウェア感染", "malware infection";
        Ransomware = "ransomware", "ランサムウェア", "ransomware";
        WebSkimming = "web_skimming", "Webスキミング", "web skimming";
        Theft = "theft", "盗難", "theft";
        InsiderMisconduct = "insider_misconduct", "従業者による不正な持出し等", "insider misconduct";
        Misdelivery = "misdelivery", "書類・FAX等の誤交付・誤送付", "misdelivery of documents or faxes";
        MissentEmail = "missent_email", "メールの誤送信", "mis-sent e-mail";
        Misconfiguration = "misconfiguration", "設定ミス", "misconfiguration";
        ErroneousDisposal = "erroneous_disposal", "誤廃棄", "erroneous disposal";
        Loss = "loss", "紛失", "loss";
        PhishingOfIndividual = "phishing_of_individual", "本人がフィッシングサイトに認証情報を入力したもの", "an individual phished of their own credentials";
        Other = "other", "その他", "other";
    }
}

impl Cause {
    /// Causes that imply an act suspected to have an unlawful purpose (不正の目的).
    pub fn implies_malice(self) -> bool {
        matches!(
            self,
            Cause::UnauthorizedAccess
                | Cause::Malware
                | Cause::Ransomware
                | Cause::WebSkimming
                | Cause::Theft
                | Cause::InsiderMisconduct
        )
    }
    /// Unauthorized-access type incidents within the PPC–NPA memorandum (Art. 4(1)イ).
    pub fn is_cyber(self) -> bool {
        matches!(
            self,
            Cause::UnauthorizedAccess | Cause::Malware | Cause::Ransomware | Cause::WebSkimming
        )
    }
}

/// Incident facts, exactly as in assess-contract.md. Build with [`Facts::from_json`] (or
/// [`Facts::from_value`]) so that validation runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    #[serde(default)]
    pub regime: Regime,
    #[serde(deserialize_with = "de_date")]
    pub known_on: Date,
    #[serde(default, deserialize_with = "de_opt_date")]
    pub occurred_on: Option<Date>,
    pub events: Vec<Event>,
    #[serde(default)]
    pub suspected: bool,
    #[serde(default)]
    pub recovered_before_viewed: bool,
    #[serde(default)]
    pub copy_kept_elsewhere: bool,
    #[serde(default)]
    pub data_form: DataForm,
    #[serde(default)]
    pub data_items: Vec<DataItem>,
    #[serde(default)]
    pub sensitive: Option<bool>,
    #[serde(default)]
    pub ordinance_sensitive: bool,
    #[serde(default)]
    pub financial_damage_risk: Option<bool>,
    #[serde(default)]
    pub cause: Option<Cause>,
    #[serde(default)]
    pub malicious: Option<bool>,
    #[serde(default, deserialize_with = "de_persons")]
    pub persons: Option<u64>,
    #[serde(default)]
    pub advanced_encryption: bool,
    #[serde(default)]
    pub key_compromised: bool,
    #[serde(default)]
    pub pseudonymized: bool,
    #[serde(default)]
    pub entrustee: bool,
    #[serde(default)]
    pub entruster_notified: bool,
    #[serde(default)]
    pub notice_difficult: bool,
    #[serde(default)]
    pub non_disclosure_info: bool,
}

/// Bad input: names the field and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FactsError {
    /// The field, as a JSON path (`persons`, `events[1]`), or `(input)` for the document itself.
    pub field: String,
    pub problem: String,
}

impl FactsError {
    fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

const FIELDS: &[&str] = &[
    "regime",
    "known_on",
    "occurred_on",
    "events",
    "suspected",
    "recovered_before_viewed",
    "copy_kept_elsewhere",
    "data_form",
    "data_items",
    "sensitive",
    "ordinance_sensitive",
    "financial_damage_risk",
    "cause",
    "malicious",
    "persons",
    "advanced_encryption",
    "key_compromised",
    "pseudonymized",
    "entrustee",
    "entruster_notified",
    "notice_difficult",
    "non_disclosure_info",
];

impl Facts {
    /// Parses and validates one facts object from JSON text.
    pub fn from_json(text: &str) -> Result<Self, FactsError> {
        // A byte-order mark from a Windows editor is not part of the JSON.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let first = text.trim_start().chars().next();
        if first.is_some_and(|c| c != '{') {
            return Err(not_an_object());
        }
        // Fast path: most input is valid, so parse without tracking the field path; only a
        // failure is parsed again with tracking, to name the field in the message.
        if let Ok(facts) = serde_json::from_str::<Self>(text) {
            facts.validate()?;
            return Ok(facts);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let facts = Self::deserialize_tracked(&mut de)?;
        de.end().map_err(|e| {
            FactsError::new(
                "(input)",
                format!("unexpected data after the facts object ({e})"),
            )
        })?;
        facts.validate()?;
        Ok(facts)
    }

    /// Parses and validates one facts object from an already-parsed JSON value.
    pub fn from_value(value: &serde_json::Value) -> Result<Self, FactsError> {
        if !value.is_object() {
            return Err(not_an_object());
        }
        let facts = Self::deserialize_tracked(value)?;
        facts.validate()?;
        Ok(facts)
    }

    fn deserialize_tracked<'de, D>(de: D) -> Result<Self, FactsError>
    where
        D: Deserializer<'de>,
        D::Error: fmt::Display,
    {
        let mut track = serde_path_to_error::Track::new();
        let res = Facts::deserialize(serde_path_to_error::Deserializer::new(de, &mut track));
        res.map_err(|e| describe(&track.path().to_string(), &e.to_string()))
    }

    /// Cross-field checks the types cannot express.
    pub fn validate(&self) -> Result<(), FactsError> {
        if self.events.is_empty() {
            return Err(FactsError::new(
                "events",
                "must not be empty: list at least one of \"leak\", \"loss\", \"damage\"",
            ));
        }
        if self.ordinance_sensitive && self.regime != Regime::LocalPublic {
            return Err(FactsError::new(
                "ordinance_sensitive",
                format!(
                    "applies only to regime \"local_public\" (条例要配慮個人情報, 規則43条5号), but regime is \"{}\"",
                    self.regime.as_str()
                ),
            ));
        }
        if self.non_disclosure_info && self.regime == Regime::Private {
            return Err(FactsError::new(
                "non_disclosure_info",
                "applies only to the public regimes (法68条2項2号), but regime is \"private\"",
            ));
        }
        if self.pseudonymized && self.regime != Regime::Private {
            return Err(FactsError::new(
                "pseudonymized",
                format!(
                    "applies only to regime \"private\" (法41条9項); 仮名加工情報 held by public bodies is not modelled, but regime is \"{}\"",
                    self.regime.as_str()
                ),
            ));
        }
        if self.entruster_notified && !self.entrustee {
            return Err(FactsError::new(
                "entruster_notified",
                "is true but entrustee is false: only an entrustee (委託先) notifies an entruster",
            ));
        }
        if self.known_on.year() >= roei_calendar::LAST_YEAR {
            return Err(FactsError::new(
                "known_on",
                format!(
                    "{} is beyond the government calendar this engine knows (up to {})",
                    self.known_on,
                    roei_calendar::LAST_YEAR - 1
                ),
            ));
        }
        if let Some(occurred) = self.occurred_on
            && occurred > self.known_on
        {
            return Err(FactsError::new(
                "occurred_on",
                format!(
                    "{occurred} is after known_on {}: a situation cannot be known before it occurs",
                    self.known_on
                ),
            ));
        }
        Ok(())
    }
}

fn not_an_object() -> FactsError {
    FactsError::new(
        "(input)",
        "the input must be one JSON object ({ ... }) of incident facts",
    )
}

/// Turns a serde message at `path` into a field-naming error.
fn describe(path: &str, msg: &str) -> FactsError {
    // serde_json appends " at line L column C"; keep it only for syntax errors.
    let (core, position) = match msg.rfind(" at line ") {
        Some(i) => (&msg[..i], Some(&msg[i + 1..])),
        None => (msg, None),
    };
    if let Some(rest) = core.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        let field = if path == "." || path == "?" {
            name.to_owned()
        } else {
            path.to_owned()
        };
        return FactsError::new(
            field,
            format!(
                "unknown field (a misspelling?); the accepted fields are: {}",
                FIELDS.join(", ")
            ),
        );
    }
    if let Some(rest) = core.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return FactsError::new(name, "is required but missing");
    }
    if path == "." || path == "?" || path.is_empty() {
        let problem = match position {
            Some(pos) if core.starts_with("invalid type") => {
                format!("the input must be one JSON object ({core}, {pos})")
            }
            Some(pos) => format!("not valid JSON: {core} ({pos})"),
            None => core.to_owned(),
        };
        return FactsError::new("(input)", problem);
    }
    FactsError::new(path, core.replace('`', "\""))
}

fn parse_date(text: &str) -> Result<Date, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format!("\"{text}\" is not a date in the form YYYY-MM-DD"));
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<i16>().unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    if !(1..=12).contains(&month) {
        return Err(format!(
            "\"{text}\" is not a date: there is no month {month}"
        ));
    }
    #[allow(clippy::cast_possible_truncation)] // month is 1..=12, day 0..=99
    let (month, day) = (month as i8, day as i8);
    Date::new(year, month, day).map_err(|_| {
        let last = Date::new(year, month, 1).map_or(31, Date::days_in_month);
        format!("\"{text}\" is not a date: that month has {last} days")
    })
}

fn de_date<'de, D: Deserializer<'de>>(de: D) -> Result<Date, D::Error> {
    let s = String::deserialize(de)?;
    parse_date(&s).map_err(serde::de::Error::custom)
}

fn de_opt_date<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Date>, D::Error> {
    match Option::<String>::deserialize(de)? {
        None => Ok(None),
        Some(s) => parse_date(&s).map(Some).map_err(serde::de::Error::custom),
    }
}

fn de_persons<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    let Some(n) = Option::<serde_json::Number>::deserialize(de)? else {
        return Ok(None);
    };
    n.as_u64().map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "must be a whole number ≥ 0 (the number of affected persons), got {n}"
        ))
    })
}

/// Parses a `YYYY-MM-DD` date with the same messages as facts fields (for CLI arguments).
pub fn parse_iso_date(s: &str) -> Result<Date, String> {
    parse_date(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        Facts::from_json(json).unwrap_err().to_string()
    }

    #[test]
    fn minimal_facts_parse_with_defaults() {
        let f = Facts::from_json(r#"{"known_on":"2026-11-22","events":["leak"]}"#).unwrap();
        assert_eq!(f.regime, Regime::Private);
        assert_eq!(f.data_form, DataForm::PersonalData);
        assert_eq!(f.persons, None);
    }

    #[test]
    fn bad_input_names_the_field() {
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leak"],"persns":3}"#)
                .starts_with("persns: unknown field")
        );
        assert_eq!(
            err(r#"{"known_on":"2026-02-30","events":["leak"]}"#),
            "known_on: \"2026-02-30\" is not a date: that month has 28 days"
        );
        assert_eq!(
            err(r#"{"known_on":"2026-11-22","events":[]}"#),
            "events: must not be empty: list at least one of \"leak\", \"loss\", \"damage\""
        );
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leak"],"persons":-1}"#)
                .starts_with("persons: must be a whole number ≥ 0")
        );
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leak"],"persons":1.5}"#).starts_with(
                "persons: must be a whole number ≥ 0 (the number of affected persons), got 1.5"
            )
        );
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leek"]}"#)
                .starts_with("events[0]: unknown variant \"leek\"")
        );
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leak"],"suspected":"yes"}"#)
                .starts_with("suspected: invalid type: string \"yes\", expected a boolean")
        );
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leak"],"ordinance_sensitive":true}"#)
                .starts_with("ordinance_sensitive: applies only to regime \"local_public\"")
        );
        assert_eq!(
            err(r#"{"events":["leak"]}"#),
            "known_on: is required but missing"
        );
        assert!(err("[1]").starts_with("(input): the input must be one JSON object"));
        assert!(
            err(r#"["private","2026-11-22"]"#)
                .starts_with("(input): the input must be one JSON object")
        );
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leak"],"persons":"12"}"#)
                .starts_with("persons: invalid type: string")
        );
        assert!(err("{").starts_with("(input): not valid JSON"));
        assert!(err(r#"{"known_on":"2026-13-01","events":["leak"]}"#).contains("no month 13"));
        assert!(err(r#"{"known_on":"26-1-1","events":["leak"]}"#).contains("YYYY-MM-DD"));
    }

    #[test]
    fn the_field_list_in_messages_is_the_struct_s() {
        // FIELDS is written out for the "accepted fields" message; it must not drift.
        let f = Facts::from_json(r#"{"known_on":"2026-11-22","events":["leak"]}"#).unwrap();
        let json = serde_json::to_value(&f).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed = FIELDS.to_vec();
        keys.sort_unstable();
        listed.sort_unstable();
        assert_eq!(keys, listed);
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert!(
            Facts::from_json("\u{feff}{\"known_on\":\"2026-11-22\",\"events\":[\"leak\"]}").is_ok()
        );
    }

    #[test]
    fn regime_flags_are_checked() {
        assert!(
            err(r#"{"known_on":"2026-11-22","events":["leak"],"non_disclosure_info":true}"#)
                .starts_with("non_disclosure_info:")
        );
        assert!(
            err(r#"{"regime":"local_public","known_on":"2026-11-22","events":["leak"],"pseudonymized":true}"#)
                .starts_with("pseudonymized:")
        );
        assert!(
            Facts::from_json(r#"{"regime":"local_public","known_on":"2026-11-22","events":["leak"],"ordinance_sensitive":true,"non_disclosure_info":true}"#).is_ok()
        );
    }
}
