//! The 47 prefectural police cyber-crime contact points (都道府県警察のサイバー犯罪相談窓口), kept
//! as reference data with the source and date of each (shipped from
//! `data/prefectural-police-contacts.csv` by migration 0004), corrected by the regulator's
//! admins (every edit audited), and the contact an operator is shown when the regulator
//! introduces police reporting (覚書4条(1)イ).
//!
//! A number is called confirmed only when a regulator admin confirmed it
//! ([`ContactStatus::Confirmed`]); every other number is shown with its source, date and
//! confidence, and beside the National Police Agency's nationwide online reception, which
//! forwards to the chosen prefecture. A prefecture with no contact shows that reception only.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::audit::AuditDraft;
use crate::model::{OrgKind, Role, UserId, truncate};
use crate::records::prefecture;
use crate::service::Actor;
use crate::store::Store;

/// The reference data as shipped (the source of migration 0004's rows).
pub const CONTACTS_CSV: &str = include_str!("../../data/prefectural-police-contacts.csv");

/// The NPA's nationwide online reception for cyber incidents (forwards to the prefecture).
pub const NPA_ONLINE_RECEPTION_NAME: &str = "警察庁 サイバー事案に関する通報等のオンライン受付窓口";
pub const NPA_ONLINE_RECEPTION_URL: &str = "https://www.npa.go.jp/bureau/cyber/soudan.html";

/// One prefecture's police contact as kept.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceContact {
    /// `01`–`47`.
    pub prefecture_code: String,
    pub prefecture: String,
    pub police_hq: String,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
    /// Where it was found.
    pub source: String,
    /// When it was found or last dated (free text as in the source list, e.g. `undated`).
    pub retrieved: Option<String>,
    /// `confirmed` (by a regulator admin), `official-…`, `secondary…` or `not-found`.
    pub confidence: String,
    pub updated_at: Option<Timestamp>,
    pub updated_by: Option<UserId>,
}

/// How far the contact can be trusted.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    /// Confirmed by a regulator admin.
    Confirmed,
    /// From an official page or list, not confirmed (possibly old or undated).
    Official,
    /// From a secondary source only.
    Secondary,
    /// No contact known: the NPA's online reception only.
    None,
}

impl PoliceContact {
    pub fn status(&self) -> ContactStatus {
        let c = self.confidence.trim();
        if self.phone.is_none() && self.url.is_none() || c.starts_with("not-found") {
            ContactStatus::None
        } else if c == "confirmed" {
            ContactStatus::Confirmed
        } else if c.starts_with("official") {
            ContactStatus::Official
        } else {
            ContactStatus::Secondary
        }
    }
}

/// What the operator is shown for a prefecture.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactNotice {
    pub contact: PoliceContact,
    pub status: ContactStatus,
    /// Always given: the NPA's nationwide online reception.
    pub npa_online_name: &'static str,
    pub npa_online_url: &'static str,
}

/// Every contact (any signed-in user: it is reference data).
pub async fn police_contacts(store: &dyn Store) -> Result<Vec<PoliceContact>, DomainError> {
    Ok(store.police_contacts().await?)
}

/// The notice for `code`'s prefecture.
pub async fn contact_notice(store: &dyn Store, code: &str) -> Result<ContactNotice, DomainError> {
    prefecture(code)?;
    let contact = store
        .police_contact(code)
        .await?
        .ok_or(DomainError::NotFound)?;
    Ok(ContactNotice {
        status: contact.status(),
        contact,
        npa_online_name: NPA_ONLINE_RECEPTION_NAME,
        npa_online_url: NPA_ONLINE_RECEPTION_URL,
    })
}

/// A correction of one prefecture's contact.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactEdit {
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    pub source: String,
    #[serde(default)]
    pub retrieved: Option<String>,
    /// Set when the admin has confirmed the contact with the police (the number is then
    /// shown as confirmed).
    #[serde(default)]
    pub confirmed: bool,
}

fn opt(field: &str, v: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => crate::model::required_text(field, s, max).map(Some),
    }
}

/// Corrects a contact (regulator admins only; audited with the old and new values).
pub async fn update_police_contact(
    store: &dyn Store,
    actor: &Actor,
    code: &str,
    edit: ContactEdit,
    now: Timestamp,
) -> Result<PoliceContact, DomainError> {
    if actor.org.kind != OrgKind::Regulator {
        return Err(DomainError::Forbidden(
            "only the regulator keeps the police contacts".into(),
        ));
    }
    if actor.user.role != Role::Admin {
        return Err(DomainError::Forbidden(
            "only the regulator's admins edit the police contacts".into(),
        ));
    }
    prefecture(code)?;
    let old = store
        .police_contact(code)
        .await?
        .ok_or(DomainError::NotFound)?;
    let phone = opt("phone", edit.phone.as_deref(), 40)?;
    if let Some(p) = &phone
        && !p
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '(' | ')' | '+' | ' ' | '#'))
    {
        return Err(DomainError::invalid(
            "phone",
            format!("\"{p}\" is not a phone number (digits, -, (, ), +, #)"),
        ));
    }
    let url = opt("url", edit.url.as_deref(), 500)?;
    if let Some(u) = &url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return Err(DomainError::invalid(
            "url",
            format!("\"{u}\" is not an http(s) address"),
        ));
    }
    if edit.confirmed && phone.is_none() && url.is_none() {
        return Err(DomainError::invalid(
            "confirmed",
            "a contact without a phone number or address cannot be confirmed",
        ));
    }
    let source = crate::model::required_text("source", &edit.source, 2000)?;
    let now = truncate(now);
    let contact = PoliceContact {
        prefecture_code: old.prefecture_code.clone(),
        prefecture: old.prefecture.clone(),
        police_hq: old.police_hq.clone(),
        contact_name: opt("contact_name", edit.contact_name.as_deref(), 300)?,
        phone,
        url,
        source,
        retrieved: opt("retrieved", edit.retrieved.as_deref(), 200)?,
        confidence: if edit.confirmed {
            "confirmed".to_owned()
        } else if old.confidence == "confirmed" {
            "unconfirmed-edit".to_owned()
        } else {
            old.confidence.clone()
        },
        updated_at: Some(now),
        updated_by: Some(actor.user.id),
    };
    let audit = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "police_contact.update",
        format!("prefecture:{code}"),
        &serde_json::json!({
            "before": {"contact_name": old.contact_name, "phone": old.phone, "url": old.url,
                       "source": old.source, "retrieved": old.retrieved, "confidence": old.confidence},
            "after": {"contact_name": contact.contact_name, "phone": contact.phone, "url": contact.url,
                      "source": contact.source, "retrieved": contact.retrieved, "confidence": contact.confidence},
        }),
    );
    store.update_police_contact(&contact, &audit).await?;
    Ok(contact)
}

/// Parses the shipped CSV (RFC 4180: quoted fields, doubled quotes) into its rows, header
/// included. For the test that the migrated rows are the shipped file.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The shipped rows as contacts (no edits).
pub fn shipped_contacts() -> Vec<PoliceContact> {
    let none_if_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    parse_csv(CONTACTS_CSV)
        .into_iter()
        .skip(1)
        .map(|r| PoliceContact {
            prefecture_code: r[0].clone(),
            prefecture: r[1].clone(),
            police_hq: r[2].clone(),
            contact_name: none_if_empty(&r[3]),
            phone: none_if_empty(&r[4]),
            url: none_if_empty(&r[5]),
            source: r[6].clone(),
            retrieved: none_if_empty(&r[7]),
            confidence: r[8].clone(),
            updated_at: None,
            updated_by: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_has_47_prefectures_in_order_with_a_source_each() {
        let rows = parse_csv(CONTACTS_CSV);
        assert_eq!(
            rows[0],
            [
                "prefecture_code",
                "prefecture",
                "police_hq",
                "contact_name",
                "phone",
                "url",
                "source",
                "retrieved",
                "confidence"
            ]
        );
        let contacts = shipped_contacts();
        assert_eq!(contacts.len(), 47);
        for (i, c) in contacts.iter().enumerate() {
            assert_eq!(c.prefecture_code, format!("{:02}", i + 1));
            assert_eq!(prefecture(&c.prefecture_code).unwrap(), c.prefecture);
            assert!(!c.source.is_empty(), "{} has no source", c.prefecture);
            assert!(!c.confidence.is_empty());
        }
        // None is confirmed as shipped: no number may be presented as confirmed.
        assert!(
            contacts
                .iter()
                .all(|c| c.status() != ContactStatus::Confirmed)
        );
        let none = contacts
            .iter()
            .filter(|c| c.status() == ContactStatus::None)
            .count();
        // 26 prefectures have neither a phone number nor an address (23 are not-found).
        assert_eq!(none, 26);
        let with_phone = contacts.iter().filter(|c| c.phone.is_some()).count();
        assert_eq!(with_phone, 16);
        // A quoted field with a comma survives.
        assert!(contacts[17].contact_name.as_deref().unwrap().contains(','));
    }
}
