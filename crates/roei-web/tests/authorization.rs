//! The authorization matrix: every `/api/v1` route (checked against the OpenAPI document, so a
//! new route without an expectation fails) × every kind of principal × own, other-tenant and
//! non-existent objects, once with session cookies (+ CSRF header) and once with Bearer API
//! tokens, on SQLite and on PostgreSQL.
//!
//! Besides the status of every cell it checks that
//! * a 404 for another tenant's object is byte-for-byte the 404 for a random id;
//! * no response leaks the id of a case its reader may not see;
//! * a cookie-authenticated change without (or with a wrong) `X-CSRF-Token` is refused with
//!   `403 csrf_failed` and changes nothing;
//! * unknown, revoked or malformed API tokens are refused and never fall back to the cookie.
//!
//! `second_regulator_does_not_read_the_first_regulators_thread`: a case stays with one regulator.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use common::{Backend, Client, PASSWORD, Resp, Server, World, complete_report, ransomware_facts};
use reqwest::Method;
use roei_domain::model::{CaseId, OrgId};
use serde_json::{Value, json};
use uuid::Uuid;

// ------------------------------------------------------------------------------------ who

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum P {
    Anonymous,
    AAdmin,
    AMember,
    AViewer,
    /// Another operator (A's entrustee).
    BAdmin,
    RegMember,
    RegViewer,
    PoliceMember,
}

/// The columns of [`TABLE`], in order.
const PRINCIPALS: [P; 8] = [
    P::Anonymous,
    P::AAdmin,
    P::AMember,
    P::AViewer,
    P::BAdmin,
    P::RegMember,
    P::RegViewer,
    P::PoliceMember,
];

impl P {
    fn email(self) -> Option<&'static str> {
        Some(match self {
            P::Anonymous => return None,
            P::AAdmin => "admin@a.example",
            P::AMember => "member@a.example",
            P::AViewer => "viewer@a.example",
            P::BAdmin => "admin@b.example",
            P::RegMember => "member@ppc.example",
            P::RegViewer => "viewer@ppc.example",
            P::PoliceMember => "member@npa.example",
        })
    }
}

impl fmt::Display for P {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            P::Anonymous => "anonymous",
            P::AAdmin => "A admin",
            P::AMember => "A member",
            P::AViewer => "A viewer",
            P::BAdmin => "B admin",
            P::RegMember => "regulator member",
            P::RegViewer => "regulator viewer",
            P::PoliceMember => "police member",
        })
    }
}

/// How the principals authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// `roei_session` cookie, with `X-CSRF-Token` on changes.
    Cookie,
    /// `Authorization: Bearer <API token>`, no CSRF header.
    Bearer,
}

// ------------------------------------------------------------------------------------ what

/// What the `{case_id}` / `{id}` of a route is filled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Obj {
    /// The route has no parameter.
    Root,
    /// A's case with a saved draft and a 速報 submitted to the regulator.
    Submitted,
    /// A's case with a saved draft, never submitted (A is an entrustee in it).
    DraftOnly,
    /// B's case (draft saved, entruster notice sent to A, never submitted).
    CaseB,
    /// A random id nobody has.
    Missing,
    /// A new case of A with a saved draft, made just before the row (for changes that use a
    /// case up, like a first submission).
    Fresh,
    /// An API token of the caller.
    OwnToken,
    /// An API token of another user (the police admin, not one of the principals).
    OtherToken,
    /// A prefecture code (`13`).
    Prefecture,
    /// A TLP:AMBER statistics package the regulator shared with the police organisation.
    Item,
    /// A new item like [`Obj::Item`], shared just before the row (for changes that use it up).
    FreshItem,
    /// The police organisation's pending request to pass [`Obj::Item`] on to a prefectural
    /// police.
    Consent,
}

impl Obj {
    fn placeholder(self) -> &'static str {
        match self {
            Obj::Root => "",
            Obj::Submitted => "{submitted}",
            Obj::DraftOnly => "{draft_only}",
            Obj::CaseB => "{case_b}",
            Obj::Missing => "{missing}",
            Obj::Fresh => "{fresh}",
            Obj::OwnToken => "{own_token}",
            Obj::OtherToken => "{other_token}",
            Obj::Prefecture => "{prefecture}",
            Obj::Item => "{item}",
            Obj::FreshItem => "{fresh_item}",
            Obj::Consent => "{consent}",
        }
    }
}

// ------------------------------------------------------------------------------------ table

/// Not run: the call would succeed and use up a shared fixture (a case's first or next
/// submission); the same principal's success is asserted on [`Obj::Fresh`].
const SKIP: u16 = 0;

type Entry = (&'static str, &'static str, Obj, [u16; 8]);

const LOGIN: &str = "/api/v1/auth/login";
const LOGOUT: &str = "/api/v1/auth/logout";
const FORM_OPTIONS: &str = "/api/v1/form/options";
const RECEIVED: &str = "/api/v1/entruster-notices/received";

/// Routes that answer without authentication. `/form/options` is static reference data (the
/// form's option lists) and its handler takes no `Authed`; see the report.
const PUBLIC: [&str; 2] = [LOGIN, FORM_OPTIONS];

/// The expected status of every (route, object, principal), in [`PRINCIPALS`] order:
/// anonymous, A admin, A member, A viewer, B admin, regulator member, regulator viewer,
/// police member.
#[rustfmt::skip]
const TABLE: &[Entry] = &[
    // ---------------------------------------------------------------- auth and organisation
    //                                                           anon  Aadm Amem Avw  Badm Rmem Rvw  Pol
    ("POST",   LOGIN,                          Obj::Root,       [200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST",   LOGOUT,                         Obj::Root,       [401, 204, 204, 204, 204, 204, 204, 204]),
    ("GET",    "/api/v1/me",                   Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    ("GET",    "/api/v1/tokens",               Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    ("POST",   "/api/v1/tokens",               Obj::Root,       [401, 201, 201, 201, 201, 201, 201, 201]),
    ("DELETE", "/api/v1/tokens/{id}",          Obj::OwnToken,   [401, 204, 204, 204, 204, 204, 204, 204]),
    ("DELETE", "/api/v1/tokens/{id}",          Obj::OtherToken, [401, 404, 404, 404, 404, 404, 404, 404]),
    ("DELETE", "/api/v1/tokens/{id}",          Obj::Missing,    [401, 404, 404, 404, 404, 404, 404, 404]),
    ("GET",    "/api/v1/users",                Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    ("POST",   "/api/v1/users",                Obj::Root,       [401, 201, 403, 403, 201, 403, 403, 403]),
    // ---------------------------------------------------------------- reference
    ("GET",    FORM_OPTIONS,                   Obj::Root,       [200, 200, 200, 200, 200, 200, 200, 200]),
    ("POST",   "/api/v1/assess",               Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    // The scan stores nothing and reads no case: any signed-in principal.
    ("POST",   "/api/v1/scan",                 Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    // ---------------------------------------------------------------- lists and boards
    ("GET",    "/api/v1/cases",                Obj::Root,       [401, 200, 200, 200, 200, 404, 404, 404]),
    ("POST",   "/api/v1/cases",                Obj::Root,       [401, 201, 201, 403, 201, 403, 403, 403]),
    ("GET",    RECEIVED,                       Obj::Root,       [401, 200, 200, 200, 200, 404, 404, 404]),
    ("GET",    "/api/v1/board",                Obj::Root,       [401, 200, 200, 200, 200, 404, 404, 404]),
    ("GET",    "/api/v1/inbox",                Obj::Root,       [401, 404, 404, 404, 404, 200, 200, 404]),
    ("GET",    "/api/v1/outbox",               Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    // ---------------------------------------------------------------- a case
    ("GET",    "/api/v1/cases/{case_id}",      Obj::Submitted,  [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}",      Obj::DraftOnly,  [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}",      Obj::CaseB,      [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}",      Obj::Missing,    [401, 404, 404, 404, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/determinations", Obj::Submitted, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/determinations", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/determinations", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/determinations", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // Changes: the role check (and "operators only") comes before the tenant check, so
    // viewers and non-operators get 403 whatever the id, other operators 404.
    ("PUT",    "/api/v1/cases/{case_id}/facts",  Obj::Submitted, [401, 200, 200, 403, 404, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/facts",  Obj::DraftOnly, [401, 200, 200, 403, 404, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/facts",  Obj::CaseB,     [401, 404, 404, 403, 200, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/facts",  Obj::Missing,   [401, 404, 404, 403, 404, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/status", Obj::Submitted, [401, 200, 200, 403, 404, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/status", Obj::DraftOnly, [401, 200, 200, 403, 404, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/status", Obj::CaseB,     [401, 404, 404, 403, 200, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/status", Obj::Missing,   [401, 404, 404, 403, 404, 403, 403, 403]),
    // ---------------------------------------------------------------- the report
    // Drafts are the operator's alone: the regulator gets 404 even on the submitted case.
    ("GET",    "/api/v1/cases/{case_id}/report/draft", Obj::Submitted, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/draft", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/draft", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/draft", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    ("PUT",    "/api/v1/cases/{case_id}/report/draft", Obj::Submitted, [401, 200, 200, 403, 404, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/report/draft", Obj::DraftOnly, [401, 200, 200, 403, 404, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/report/draft", Obj::CaseB,     [401, 404, 404, 403, 200, 403, 403, 403]),
    ("PUT",    "/api/v1/cases/{case_id}/report/draft", Obj::Missing,   [401, 404, 404, 403, 404, 403, 403, 403]),
    // The regulator sees the versions sent to it, and nothing of a never-submitted case.
    ("GET",    "/api/v1/cases/{case_id}/report/submissions", Obj::Submitted, [401, 200, 200, 200, 404, 200, 200, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/submissions", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/submissions", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/submissions", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    ("POST",   "/api/v1/cases/{case_id}/report/submissions", Obj::Submitted, [401, SKIP, SKIP, 403, 404, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/report/submissions", Obj::DraftOnly, [401, SKIP, SKIP, 403, 404, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/report/submissions", Obj::CaseB,     [401, 404, 404, 403, SKIP, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/report/submissions", Obj::Missing,   [401, 404, 404, 403, 404, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/report/submissions", Obj::Fresh,     [401, 201, 201, 403, 404, 403, 403, 403]),
    // ---------------------------------------------------------------- casework
    ("GET",    "/api/v1/cases/{case_id}/entruster-notices", Obj::Submitted, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/entruster-notices", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/entruster-notices", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/entruster-notices", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // The submitted case is not handled as an entrustee: authorized callers get 422
    // (facts.entrustee), everyone else the same refusal as anywhere.
    ("POST",   "/api/v1/cases/{case_id}/entruster-notices", Obj::Submitted, [401, 422, 422, 403, 404, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/entruster-notices", Obj::DraftOnly, [401, 201, 201, 403, 404, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/entruster-notices", Obj::CaseB,     [401, 404, 404, 403, 201, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/entruster-notices", Obj::Missing,   [401, 404, 404, 403, 404, 403, 403, 403]),
    ("GET",    "/api/v1/cases/{case_id}/police-reports", Obj::Submitted, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/police-reports", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/police-reports", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/police-reports", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    ("POST",   "/api/v1/cases/{case_id}/police-reports", Obj::Submitted, [401, 201, 201, 403, 404, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/police-reports", Obj::DraftOnly, [401, 201, 201, 403, 404, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/police-reports", Obj::CaseB,     [401, 404, 404, 403, 201, 403, 403, 403]),
    ("POST",   "/api/v1/cases/{case_id}/police-reports", Obj::Missing,   [401, 404, 404, 403, 404, 403, 403, 403]),
    // The thread opens with the first submission; before it the regulator does not know the
    // case exists, and the operator's post is a 409.
    ("GET",    "/api/v1/cases/{case_id}/messages", Obj::Submitted, [401, 200, 200, 200, 404, 200, 200, 404]),
    ("GET",    "/api/v1/cases/{case_id}/messages", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/messages", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/messages", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    ("POST",   "/api/v1/cases/{case_id}/messages", Obj::Submitted, [401, 201, 201, 403, 404, 201, 403, 404]),
    ("POST",   "/api/v1/cases/{case_id}/messages", Obj::DraftOnly, [401, 409, 409, 403, 404, 404, 404, 404]),
    ("POST",   "/api/v1/cases/{case_id}/messages", Obj::CaseB,     [401, 404, 404, 404, 409, 404, 404, 404]),
    ("POST",   "/api/v1/cases/{case_id}/messages", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // ---------------------------------------------------------------- documents (roei-docs)
    // A submission's PDF: whoever may read the submissions (the operator, the regulator it
    // was sent to); 404 where there is no submission 1.
    ("GET",    "/api/v1/cases/{case_id}/report/submissions/{seq}/pdf", Obj::Submitted, [401, 200, 200, 200, 404, 200, 200, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/submissions/{seq}/pdf", Obj::DraftOnly, [401, 404, 404, 404, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/submissions/{seq}/pdf", Obj::CaseB,     [401, 404, 404, 404, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/report/submissions/{seq}/pdf", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // Documents from the draft ({kind} = notice): the operator's users only, like the draft.
    ("GET",    "/api/v1/cases/{case_id}/documents/{kind}", Obj::Submitted, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/documents/{kind}", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/documents/{kind}", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/documents/{kind}", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // ---------------------------------------------------------------- regulator
    ("GET",    "/api/v1/cases/{case_id}/regulator-actions", Obj::Submitted, [401, 200, 200, 200, 404, 200, 200, 404]),
    ("GET",    "/api/v1/cases/{case_id}/regulator-actions", Obj::DraftOnly, [401, 200, 200, 200, 404, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/regulator-actions", Obj::CaseB,     [401, 404, 404, 404, 200, 404, 404, 404]),
    ("GET",    "/api/v1/cases/{case_id}/regulator-actions", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // Regulator writers only: everyone else 404, the regulator's viewer 403 whatever the id.
    ("POST",   "/api/v1/cases/{case_id}/regulator-actions", Obj::Submitted, [401, 404, 404, 404, 404, 201, 403, 404]),
    ("POST",   "/api/v1/cases/{case_id}/regulator-actions", Obj::DraftOnly, [401, 404, 404, 404, 404, 404, 403, 404]),
    ("POST",   "/api/v1/cases/{case_id}/regulator-actions", Obj::CaseB,     [401, 404, 404, 404, 404, 404, 403, 404]),
    ("POST",   "/api/v1/cases/{case_id}/regulator-actions", Obj::Missing,   [401, 404, 404, 404, 404, 404, 403, 404]),
    // ---------------------------------------------------------------- sharing (覚書)
    // Reference data for every signed-in user; corrections by the regulator's admins only
    // (none of the principals is one: the admin's success is in the conformance suite).
    ("GET",    "/api/v1/police-contacts",        Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    ("GET",    "/api/v1/police-contacts/{code}", Obj::Prefecture, [401, 200, 200, 200, 200, 200, 200, 200]),
    ("PUT",    "/api/v1/police-contacts/{code}", Obj::Prefecture, [401, 403, 403, 403, 403, 403, 403, 403]),
    ("GET",    "/api/v1/sharing/organisations",  Obj::Root,       [401, 404, 404, 404, 404, 200, 200, 200]),
    // Everyone lists what the scope lets them see (operators: TLP:CLEAR items only). Sharing
    // is the regulator's and the police's; the police do not originate statistics (422).
    ("GET",    "/api/v1/shared-items",           Obj::Root,       [401, 200, 200, 200, 200, 200, 200, 200]),
    ("POST",   "/api/v1/shared-items",           Obj::Root,       [401, 404, 404, 404, 404, 201, 403, 422]),
    // The AMBER item: the originator and the named recipient see it; for everyone else it
    // does not exist.
    ("GET",    "/api/v1/shared-items/{id}",        Obj::Item,    [401, 404, 404, 404, 404, 200, 200, 200]),
    ("GET",    "/api/v1/shared-items/{id}",        Obj::Missing, [401, 404, 404, 404, 404, 404, 404, 404]),
    ("GET",    "/api/v1/shared-items/{id}/export", Obj::Item,    [401, 404, 404, 404, 404, 200, 200, 200]),
    ("GET",    "/api/v1/shared-items/{id}/export", Obj::Missing, [401, 404, 404, 404, 404, 404, 404, 404]),
    ("GET",    "/api/v1/shared-items/{id}/stix",   Obj::Item,    [401, 404, 404, 404, 404, 200, 200, 200]),
    ("GET",    "/api/v1/shared-items/{id}/stix",   Obj::Missing, [401, 404, 404, 404, 404, 404, 404, 404]),
    ("POST",   "/api/v1/shared-items/{id}/replies", Obj::Item,   [401, 404, 404, 404, 404, 201, 403, 201]),
    ("POST",   "/api/v1/shared-items/{id}/replies", Obj::Missing, [401, 404, 404, 404, 404, 404, 404, 404]),
    // The originator forwards directly (201); the recipient's forward beyond AMBER becomes a
    // consent request (202).
    ("POST",   "/api/v1/shared-items/{id}/forward", Obj::FreshItem, [401, 404, 404, 404, 404, 201, 403, 202]),
    ("POST",   "/api/v1/shared-items/{id}/forward", Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // Only the originator manages the scope.
    ("PUT",    "/api/v1/shared-items/{id}/scope",   Obj::FreshItem, [401, 404, 404, 404, 404, 200, 403, 403]),
    ("PUT",    "/api/v1/shared-items/{id}/scope",   Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    ("POST",   "/api/v1/shared-items/{id}/revoke",  Obj::FreshItem, [401, 404, 404, 404, 404, 200, 403, 403]),
    ("POST",   "/api/v1/shared-items/{id}/revoke",  Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // Advice requests: regulator writers, on an unauthorized-access report sent to them.
    ("POST",   "/api/v1/cases/{case_id}/advice-requests", Obj::Submitted, [401, 404, 404, 404, 404, 201, 403, 404]),
    ("POST",   "/api/v1/cases/{case_id}/advice-requests", Obj::DraftOnly, [401, 404, 404, 404, 404, 404, 403, 404]),
    ("POST",   "/api/v1/cases/{case_id}/advice-requests", Obj::CaseB,     [401, 404, 404, 404, 404, 404, 403, 404]),
    ("POST",   "/api/v1/cases/{case_id}/advice-requests", Obj::Missing,   [401, 404, 404, 404, 404, 404, 403, 404]),
    ("GET",    "/api/v1/consent-requests",                Obj::Root,      [401, 404, 404, 404, 404, 200, 200, 200]),
    // The originator decides; the requester does not.
    ("POST",   "/api/v1/consent-requests/{id}/decision",  Obj::Consent,   [401, 404, 404, 404, 404, 200, 403, 404]),
    ("POST",   "/api/v1/consent-requests/{id}/decision",  Obj::Missing,   [401, 404, 404, 404, 404, 404, 404, 404]),
    // ---------------------------------------------------------------- statistics
    // The regulator's alone (any role); the package without its fiscal year is a 422 for the
    // regulator and the same 404 as anywhere for everyone else. The memorandum: both parties.
    ("GET",    "/api/v1/statistics",           Obj::Root,       [401, 404, 404, 404, 404, 200, 200, 404]),
    ("GET",    "/api/v1/statistics/package",   Obj::Root,       [401, 404, 404, 404, 404, 422, 422, 404]),
    // Publishing the package to the police: regulator members and admins; 403 for the rest.
    ("POST",   "/api/v1/statistics/package/share", Obj::Root,   [401, 403, 403, 403, 403, 201, 403, 403]),
    ("GET",    "/api/v1/memorandum",           Obj::Root,       [401, 404, 404, 404, 404, 200, 200, 200]),
];

/// One cell of the matrix.
#[derive(Debug, Clone, Copy)]
struct Row {
    method: &'static str,
    /// The route as in the OpenAPI document.
    route: &'static str,
    obj: Obj,
    principal: P,
    expected: u16,
}

impl Row {
    /// The path template, e.g. `/api/v1/cases/{submitted}/facts`.
    fn template(&self) -> String {
        self.route
            .replace("{case_id}", self.obj.placeholder())
            .replace("{id}", self.obj.placeholder())
            .replace("{code}", self.obj.placeholder())
            .replace("{seq}", "1")
            .replace("{kind}", "notice")
    }

    fn is_logout(&self) -> bool {
        self.route == LOGOUT
    }
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} as {}",
            self.method,
            self.template(),
            self.principal
        )
    }
}

/// The table as rows (skipped cells left out), logouts last.
fn rows() -> Vec<Row> {
    let mut rows: Vec<Row> = TABLE
        .iter()
        .flat_map(|&(method, route, obj, statuses)| {
            PRINCIPALS
                .iter()
                .zip(statuses)
                .filter(|&(_, s)| s != SKIP)
                .map(move |(&principal, expected)| Row {
                    method,
                    route,
                    obj,
                    principal,
                    expected,
                })
        })
        .collect();
    rows.sort_by_key(Row::is_logout);
    rows
}

// ------------------------------------------------------------------------------------ state

/// The objects of one run (one per authentication mode).
struct Fixtures {
    submitted: String,
    draft_only: String,
    case_b: String,
    missing: String,
    own_tokens: BTreeMap<P, String>,
    other_token: String,
    fresh: Vec<String>,
    /// The prefectural police the police organisation forwards to.
    prefectural: String,
    item: String,
    consent: String,
}

/// A response as recorded for the cross-checks.
struct Record {
    row: Row,
    status: u16,
    body: Value,
}

struct Run<'a> {
    server: &'a Server,
    world: &'a World,
    auth: Auth,
    clients: BTreeMap<P, Client>,
    fx: Fixtures,
    seq: u32,
    failures: &'a mut Vec<String>,
}

fn entrustee_facts() -> Value {
    let mut f = ransomware_facts();
    f["entrustee"] = json!(true);
    f
}

/// A TLP:AMBER scope naming the police organisation.
fn amber_scope(world: &World) -> Value {
    json!({
        "tlp": "AMBER",
        "recipients": [world.police.id.to_string()],
        "purpose": "調査研究",
        "onward_sharing": false,
    })
}

/// An AMBER statistics package shared by the regulator with the police; returns its id.
async fn share_amber(reg: &Client, world: &World) -> String {
    let r = reg
        .post(
            "/api/v1/shared-items",
            &json!({
                "kind": "statistics_package",
                "title": "令和8年度の統計（行列）",
                "body": {"cells": [[1, 2], [3, 4]]},
                "scope": amber_scope(world),
            }),
        )
        .await;
    expect_status(r, 201, "share an AMBER item").body["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn id_of(r: &Resp) -> String {
    r.body["case"]["id"].as_str().unwrap().to_owned()
}

fn excerpt(body: &Value) -> String {
    let s = body.to_string();
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

fn expect_status(r: Resp, status: u16, what: &str) -> Resp {
    assert_eq!(r.status, status, "fixture: {what}: {}", r.body);
    r
}

/// A case opened and its draft saved through the API by `owner`; returns its id.
async fn case_with_draft(owner: &Client, title: &str, facts: Value) -> String {
    let r = owner
        .post("/api/v1/cases", &json!({"title": title, "facts": facts}))
        .await;
    let id = id_of(&expect_status(r, 201, "open a case"));
    let r = owner
        .put(
            &format!("/api/v1/cases/{id}/report/draft"),
            &json!({"version": 0, "content": complete_report()}),
        )
        .await;
    expect_status(r, 200, "save the draft");
    id
}

impl Run<'_> {
    fn client(&self, p: P) -> &Client {
        &self.clients[&p]
    }

    /// A's cases are made by A's member, B's by B's admin.
    async fn fixtures(
        world: &World,
        clients: &BTreeMap<P, Client>,
        other_token: String,
        prefectural: String,
    ) -> Fixtures {
        let a = &clients[&P::AMember];
        let b = &clients[&P::BAdmin];
        let submitted =
            case_with_draft(a, "ランサムウェア被害（速報済み）", ransomware_facts()).await;
        let r = a
            .post(
                &format!("/api/v1/cases/{submitted}/report/submissions"),
                &json!({"stage": "quick_report", "draft_version": 1}),
            )
            .await;
        expect_status(r, 201, "submit the 速報");
        let draft_only =
            case_with_draft(a, "委託先としての漏えい（下書きのみ）", entrustee_facts()).await;
        let case_b = case_with_draft(b, "B社の漏えい", entrustee_facts()).await;
        let version =
            b.get(&format!("/api/v1/cases/{case_b}")).await.body["case"]["version"].clone();
        let r = b
            .post(
                &format!("/api/v1/cases/{case_b}/entruster-notices"),
                &json!({"version": version, "entruster_org": world.op_a.id.to_string()}),
            )
            .await;
        expect_status(r, 201, "B notifies its entruster A");
        let mut own_tokens = BTreeMap::new();
        for (&p, c) in clients {
            if p == P::Anonymous {
                continue;
            }
            let r = c
                .post("/api/v1/tokens", &json!({"name": "revocable"}))
                .await;
            let r = expect_status(r, 201, "issue a token");
            own_tokens.insert(p, r.body["id"].as_str().unwrap().to_owned());
        }
        // The anonymous caller "revokes" A member's token: refused before anything is looked up.
        own_tokens.insert(P::Anonymous, own_tokens[&P::AMember].clone());
        let item = share_amber(&clients[&P::RegMember], world).await;
        let r = clients[&P::PoliceMember]
            .post(
                &format!("/api/v1/shared-items/{item}/forward"),
                &json!({"to_org": prefectural, "reason": "県警の捜査に必要"}),
            )
            .await;
        let consent =
            expect_status(r, 202, "the police ask to pass the item on").body["request"]["id"]
                .as_str()
                .unwrap()
                .to_owned();
        Fixtures {
            submitted,
            draft_only,
            case_b,
            missing: Uuid::now_v7().to_string(),
            own_tokens,
            other_token,
            fresh: Vec::new(),
            prefectural,
            item,
            consent,
        }
    }

    fn case_ref(&self, obj: Obj) -> (OrgId, String) {
        match obj {
            Obj::Submitted => (self.world.op_a.id, self.fx.submitted.clone()),
            Obj::DraftOnly => (self.world.op_a.id, self.fx.draft_only.clone()),
            Obj::CaseB => (self.world.op_b.id, self.fx.case_b.clone()),
            Obj::Fresh => (self.world.op_a.id, self.fx.fresh.last().unwrap().clone()),
            _ => (self.world.op_a.id, self.fx.missing.clone()),
        }
    }

    /// The case's current version (1 for a missing one), read from the store.
    async fn case_version(&self, obj: Obj) -> i64 {
        let (org, id) = self.case_ref(obj);
        let id: CaseId = id.parse().unwrap();
        self.server
            .state
            .store
            .case(org, id)
            .await
            .unwrap()
            .map_or(1, |c| c.version)
    }

    /// The draft's current version (0 when none is saved).
    async fn draft_version(&self, obj: Obj) -> i64 {
        let (org, id) = self.case_ref(obj);
        let id: CaseId = id.parse().unwrap();
        self.server
            .state
            .store
            .report_draft(org, id)
            .await
            .unwrap()
            .map_or(0, |d| d.version)
    }

    fn facts_of(obj: Obj) -> Value {
        match obj {
            Obj::DraftOnly | Obj::CaseB | Obj::Fresh => entrustee_facts(),
            _ => ransomware_facts(),
        }
    }

    /// A body that an authorized caller's request would be accepted with.
    async fn body(&mut self, row: &Row) -> Option<Value> {
        self.seq += 1;
        let n = self.seq;
        let obj = row.obj;
        Some(match (row.method, row.route) {
            ("POST", LOGIN) => json!({
                "email": row.principal.email().unwrap_or("member@a.example"),
                "password": PASSWORD,
            }),
            ("POST", "/api/v1/tokens") => json!({"name": format!("matrix {n}")}),
            ("POST", "/api/v1/users") => json!({
                "email": format!("matrix-{n}-{:?}@example.com", self.auth).to_lowercase(),
                "display_name": format!("行列 {n}"),
                "role": "member",
                "password": PASSWORD,
            }),
            ("POST", "/api/v1/assess") => ransomware_facts(),
            ("POST", "/api/v1/scan") => {
                json!([{"氏名": "山田 太郎", "email": format!("taro{n}@example.jp")}])
            }
            ("POST", "/api/v1/cases") => {
                json!({"title": format!("行列の案件 {n}"), "facts": ransomware_facts()})
            }
            ("PUT", "/api/v1/cases/{case_id}/facts") => {
                json!({"version": self.case_version(obj).await, "facts": Self::facts_of(obj)})
            }
            ("PUT", "/api/v1/cases/{case_id}/status") => {
                json!({"version": self.case_version(obj).await, "status": "open"})
            }
            ("PUT", "/api/v1/cases/{case_id}/report/draft") => {
                json!({"version": self.draft_version(obj).await, "content": complete_report()})
            }
            ("POST", "/api/v1/cases/{case_id}/report/submissions") => json!({
                "stage": if obj == Obj::Submitted { "final_report" } else { "quick_report" },
                "draft_version": self.draft_version(obj).await,
            }),
            ("POST", "/api/v1/cases/{case_id}/entruster-notices") => json!({
                "version": self.case_version(obj).await,
                "entruster_name": "株式会社委託元",
            }),
            ("POST", "/api/v1/cases/{case_id}/police-reports") => json!({
                "prefecture_code": "13",
                "reported_on": "2026-11-19",
                "receipt_number": format!("R-{n}"),
            }),
            ("POST", "/api/v1/cases/{case_id}/messages") => {
                json!({"body": format!("行列からの連絡 {n}")})
            }
            ("POST", "/api/v1/cases/{case_id}/regulator-actions") => json!({
                "kind": "police_introduction",
                "prefecture_code": "13",
                "note": "都道府県警察への相談を案内",
            }),
            ("PUT", "/api/v1/police-contacts/{code}") => {
                json!({"source": format!("行列 {n}"), "phone": "03-0000-0000"})
            }
            ("POST", "/api/v1/shared-items") => json!({
                "kind": "statistics_package",
                "title": format!("行列の統計 {n}"),
                "body": {"cells": [n]},
                "scope": amber_scope(self.world),
            }),
            ("POST", "/api/v1/statistics/package/share") => json!({
                "fiscal_year": 2026,
                "title": format!("行列の統計パッケージ {n}"),
                "scope": amber_scope(self.world),
            }),
            ("POST", "/api/v1/shared-items/{id}/replies") => {
                json!({"body": format!("行列からの返信 {n}")})
            }
            ("POST", "/api/v1/shared-items/{id}/forward") => {
                json!({"to_org": self.fx.prefectural, "reason": format!("行列 {n}")})
            }
            ("PUT", "/api/v1/shared-items/{id}/scope") => {
                json!({"version": 1, "scope": amber_scope(self.world)})
            }
            ("POST", "/api/v1/shared-items/{id}/revoke") => json!({"version": 1}),
            ("POST", "/api/v1/cases/{case_id}/advice-requests") => json!({
                "to_org": self.world.police.id.to_string(),
                "question": "侵入経路の特定について助言をお願いします",
                "matters": ["summary", "cause"],
                "tlp": "AMBER",
                "purpose": "技術的助言（覚書4条(1)ロ）",
            }),
            ("POST", "/api/v1/consent-requests/{id}/decision") => {
                json!({"approve": false, "note": "共有範囲外"})
            }
            ("POST", LOGOUT) | ("GET" | "DELETE", _) => return None,
            (m, r) => panic!("no body for {m} {r}: add one to Run::body"),
        })
    }

    async fn path(&mut self, row: &Row) -> String {
        let value = match row.obj {
            Obj::Root => String::new(),
            Obj::Fresh => {
                let id =
                    case_with_draft(self.client(P::AMember), "新しい案件", entrustee_facts()).await;
                self.fx.fresh.push(id.clone());
                id
            }
            Obj::OwnToken => self.fx.own_tokens[&row.principal].clone(),
            Obj::OtherToken => self.fx.other_token.clone(),
            Obj::Prefecture => "13".to_owned(),
            Obj::Item => self.fx.item.clone(),
            Obj::FreshItem => share_amber(self.client(P::RegMember), self.world).await,
            Obj::Consent => self.fx.consent.clone(),
            obj => self.case_ref(obj).1,
        };
        row.route
            .replace("{case_id}", &value)
            .replace("{id}", &value)
            .replace("{code}", &value)
            .replace("{seq}", "1")
            .replace("{kind}", "notice")
    }

    async fn run_row(&mut self, row: Row) -> Record {
        let path = self.path(&row).await;
        let body = self.body(&row).await;
        let method = Method::from_bytes(row.method.as_bytes()).unwrap();
        let r = if row.route == LOGIN {
            // A client of its own: logging in must not replace the principal's session.
            Client::anonymous(self.server)
                .send(method, &path, body.as_ref(), &[])
                .await
        } else {
            self.client(row.principal)
                .send(method, &path, body.as_ref(), &[])
                .await
        };
        if r.status != row.expected {
            self.fail(&format!(
                "{row}: expected {}, got {}: {}",
                row.expected,
                r.status,
                excerpt(&r.body)
            ));
        }
        Record {
            row,
            status: r.status,
            body: r.body,
        }
    }

    fn fail(&mut self, m: &str) {
        self.failures.push(format!("[{:?}] {m}", self.auth));
    }

    /// Runs every row, then the cross-checks on what was answered.
    async fn matrix(&mut self) -> usize {
        let rows = rows();
        let mut records = Vec::with_capacity(rows.len());
        for row in rows {
            records.push(self.run_row(row).await);
        }
        self.same_404_as_missing(&records);
        self.no_leaks(&records);
        self.lists_show_what_they_should(&records);
        if self.auth == Auth::Cookie {
            // The logouts ended the sessions.
            for p in PRINCIPALS {
                let r = self.client(p).get("/api/v1/me").await;
                if r.status != 401 {
                    self.fail(&format!(
                        "GET /api/v1/me as {p} after logout: got {}",
                        r.status
                    ));
                }
            }
        }
        records.len()
    }

    /// Another tenant's object answers exactly like an id that does not exist.
    fn same_404_as_missing(&mut self, records: &[Record]) {
        let missing: BTreeMap<(&str, &str, P), (u16, &Value)> = records
            .iter()
            .filter(|r| r.row.obj == Obj::Missing)
            .map(|r| {
                (
                    (r.row.method, r.row.route, r.row.principal),
                    (r.status, &r.body),
                )
            })
            .collect();
        let mut problems = Vec::new();
        for r in records
            .iter()
            .filter(|r| r.status == 404 && r.row.obj != Obj::Missing)
        {
            let key = (r.row.method, r.row.route, r.row.principal);
            match missing.get(&key) {
                None if r.row.obj == Obj::Root => {}
                None => problems.push(format!(
                    "{}: no random-id row to compare the 404 with",
                    r.row
                )),
                Some(&(status, body)) if status != 404 || *body != r.body => {
                    problems.push(format!(
                        "{}: 404 {} differs from the random id's {status} {}",
                        r.row,
                        excerpt(&r.body),
                        excerpt(body)
                    ));
                }
                Some(_) => {}
            }
        }
        for p in problems {
            self.fail(&p);
        }
    }

    /// No response names a case its reader may not see.
    fn no_leaks(&mut self, records: &[Record]) {
        let fx = &self.fx;
        let mut problems = Vec::new();
        for rec in records {
            let text = rec.body.to_string();
            let mut hidden: Vec<(&str, &String)> = match rec.row.principal {
                // A is B's entruster: B's notice to A names B's case, by design.
                P::AAdmin | P::AMember | P::AViewer if rec.row.route == RECEIVED => vec![],
                P::AAdmin | P::AMember | P::AViewer => vec![("B's case", &fx.case_b)],
                P::BAdmin => vec![
                    ("A's submitted case", &fx.submitted),
                    ("A's draft-only case", &fx.draft_only),
                ],
                P::RegMember | P::RegViewer => vec![
                    ("A's draft-only case", &fx.draft_only),
                    ("B's never-submitted case", &fx.case_b),
                ],
                P::Anonymous | P::PoliceMember => vec![
                    ("A's submitted case", &fx.submitted),
                    ("A's draft-only case", &fx.draft_only),
                    ("B's case", &fx.case_b),
                ],
            };
            if matches!(
                rec.row.principal,
                P::BAdmin | P::Anonymous | P::PoliceMember
            ) {
                hidden.extend(fx.fresh.iter().map(|id| ("A's fresh case", id)));
            }
            for (what, id) in hidden {
                if text.contains(id.as_str()) {
                    problems.push(format!("{}: the response names {what} {id}", rec.row));
                }
            }
            for secret in ["$argon2", "password_hash", "token_hash"] {
                if text.contains(secret) {
                    problems.push(format!("{}: the response contains {secret}", rec.row));
                }
            }
        }
        for p in problems {
            self.fail(&p);
        }
    }

    /// The leak check is not vacuous: the lists show what their readers may see.
    fn lists_show_what_they_should(&mut self, records: &[Record]) {
        let find = |route: &str, p: P| {
            records
                .iter()
                .find(|r| r.row.method == "GET" && r.row.route == route && r.row.principal == p)
                .map(|r| r.body.to_string())
                .unwrap_or_default()
        };
        let fx = &self.fx;
        let checks = [
            (
                "/api/v1/cases",
                P::AViewer,
                &fx.submitted,
                "A's submitted case",
            ),
            (
                "/api/v1/cases",
                P::AViewer,
                &fx.draft_only,
                "A's draft-only case",
            ),
            (
                "/api/v1/board",
                P::AMember,
                &fx.submitted,
                "A's submitted case",
            ),
            ("/api/v1/cases", P::BAdmin, &fx.case_b, "B's case"),
            (
                "/api/v1/inbox",
                P::RegViewer,
                &fx.submitted,
                "A's submitted case",
            ),
            (RECEIVED, P::AAdmin, &fx.case_b, "B's notice about its case"),
            (
                "/api/v1/shared-items",
                P::PoliceMember,
                &fx.item,
                "the item shared with the police",
            ),
            (
                "/api/v1/consent-requests",
                P::RegViewer,
                &fx.consent,
                "the police's consent request",
            ),
        ];
        let mut problems = Vec::new();
        for (route, p, id, what) in checks {
            if !find(route, p).contains(id.as_str()) {
                problems.push(format!("GET {route} as {p} does not list {what} {id}"));
            }
        }
        for p in problems {
            self.fail(&p);
        }
    }

    /// Cookie-authenticated changes without the session's CSRF token are refused, change
    /// nothing, and the session survives.
    async fn csrf(&mut self) -> usize {
        let member = self.client(P::AMember).clone();
        let other_csrf = self.client(P::AAdmin).csrf.clone().unwrap();
        let variants: [(&str, Option<String>); 3] = [
            ("without X-CSRF-Token", None),
            (
                "with a wrong X-CSRF-Token",
                Some("not-the-token".to_owned()),
            ),
            ("with another session's X-CSRF-Token", Some(other_csrf)),
        ];
        let before = self.snapshot().await;
        let mut n = 0;
        let routes: BTreeSet<(&str, &str)> = TABLE
            .iter()
            .filter(|(m, route, ..)| *m != "GET" && *route != LOGIN)
            .map(|&(m, route, ..)| (m, route))
            .collect();
        for (method, route) in routes {
            let obj = if route.contains("{case_id}") {
                Obj::Submitted
            } else if route.contains("{code}") {
                Obj::Prefecture
            } else if route.contains("{id}") {
                Obj::OwnToken
            } else {
                Obj::Root
            };
            let row = Row {
                method,
                route,
                obj,
                principal: P::AMember,
                expected: 403,
            };
            let path = self.path(&row).await;
            let body = self.body(&row).await;
            for (what, csrf) in &variants {
                let c = Client {
                    csrf: csrf.clone(),
                    ..member.clone()
                };
                let r = c
                    .send(
                        Method::from_bytes(method.as_bytes()).unwrap(),
                        &path,
                        body.as_ref(),
                        &[],
                    )
                    .await;
                n += 1;
                if r.status != 403 || r.body["code"] != "csrf_failed" {
                    self.fail(&format!(
                        "{row} {what}: expected 403 csrf_failed, got {} {}",
                        r.status,
                        excerpt(&r.body)
                    ));
                }
            }
        }
        let after = self.snapshot().await;
        if before != after {
            self.fail(&format!(
                "CSRF-refused requests changed something:\n  before {before}\n  after  {after}"
            ));
        }
        n
    }

    /// What the CSRF-refused requests could have changed, as seen by A's member.
    async fn snapshot(&self) -> String {
        let a = self.client(P::AMember);
        let s = &self.fx.submitted;
        let mut out = Vec::new();
        for path in [
            "/api/v1/me".to_owned(),
            "/api/v1/tokens".to_owned(),
            "/api/v1/users".to_owned(),
            "/api/v1/cases".to_owned(),
            format!("/api/v1/cases/{s}"),
            format!("/api/v1/cases/{s}/determinations"),
            format!("/api/v1/cases/{s}/report/draft"),
            format!("/api/v1/cases/{s}/report/submissions"),
            format!("/api/v1/cases/{s}/entruster-notices"),
            format!("/api/v1/cases/{s}/police-reports"),
            format!("/api/v1/cases/{s}/messages"),
            format!("/api/v1/cases/{s}/regulator-actions"),
        ] {
            let r = a.get(&path).await;
            out.push(format!("{path}={} {}", r.status, r.body));
        }
        out.join("\n")
    }

    /// Malformed, unknown and revoked API tokens are refused and never fall back to the
    /// session cookie; a token works for changes without a CSRF header.
    async fn bearer_misuse(&mut self) -> usize {
        let server = self.server;
        let member = self.client(P::AMember).clone();
        let s = self.fx.submitted.clone();
        let r = member
            .post("/api/v1/tokens", &json!({"name": "to revoke"}))
            .await;
        let r = expect_status(r, 201, "issue a token");
        let (token, token_id) = (
            r.body["token"].as_str().unwrap().to_owned(),
            r.body["id"].as_str().unwrap().to_owned(),
        );
        let bearer = Client {
            bearer: Some(token.clone()),
            ..Client::anonymous(server)
        };
        let mut checks: Vec<(String, Resp, u16)> = Vec::new();
        let msg = json!({"body": "API トークンからの連絡"});
        checks.push((
            "a fresh token posts without X-CSRF-Token".into(),
            bearer
                .post(&format!("/api/v1/cases/{s}/messages"), &msg)
                .await,
            201,
        ));
        checks.push((
            "the fresh token reads another operator's case".into(),
            bearer
                .get(&format!("/api/v1/cases/{}", self.fx.case_b))
                .await,
            404,
        ));
        let r = member
            .send(
                Method::DELETE,
                &format!("/api/v1/tokens/{token_id}"),
                None,
                &[],
            )
            .await;
        checks.push(("revoking it".into(), r, 204));
        checks.push((
            "the revoked token".into(),
            bearer.get("/api/v1/me").await,
            401,
        ));
        let anon = Client::anonymous(server);
        for (what, header) in [
            ("an unknown token", "Bearer roei_unknown".to_owned()),
            ("a Basic header", format!("Basic {token}")),
            ("a token without the scheme", token.clone()),
            ("an empty Bearer", "Bearer ".to_owned()),
        ] {
            checks.push((
                format!("{what} (no cookie)"),
                anon.send(
                    Method::GET,
                    "/api/v1/me",
                    None,
                    &[("authorization", &header)],
                )
                .await,
                401,
            ));
            // With A member's valid session cookie and CSRF token: the header decides.
            checks.push((
                format!("{what} next to a valid session cookie (GET)"),
                member
                    .send(
                        Method::GET,
                        "/api/v1/me",
                        None,
                        &[("authorization", &header)],
                    )
                    .await,
                401,
            ));
            checks.push((
                format!("{what} next to a valid session cookie (POST)"),
                member
                    .send(
                        Method::POST,
                        &format!("/api/v1/cases/{s}/messages"),
                        Some(&msg),
                        &[("authorization", &header)],
                    )
                    .await,
                401,
            ));
        }
        checks.push((
            "an unknown session cookie".into(),
            anon.send(
                Method::GET,
                "/api/v1/me",
                None,
                &[("cookie", "roei_session=not-a-session")],
            )
            .await,
            401,
        ));
        let n = checks.len();
        for (what, r, status) in checks {
            if r.status != status {
                self.fail(&format!(
                    "API token check — {what}: expected {status}, got {} {}",
                    r.status,
                    excerpt(&r.body)
                ));
            }
        }
        n
    }
}

// ------------------------------------------------------------------------------------ test

/// The (method, path) pairs of the OpenAPI document.
async fn openapi_routes(server: &Server) -> BTreeSet<(String, String)> {
    let doc = Client::anonymous(server).get("/api/openapi.json").await;
    assert_eq!(doc.status, 200, "{}", doc.body);
    let mut out = BTreeSet::new();
    for (path, item) in doc.body["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if [
                "get", "put", "post", "delete", "patch", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

async fn matrix(backend: Backend) {
    let server = common::start(backend).await;
    let world = common::world(&*server.state.store).await;

    // Every route of the API has expectations, and every expectation is a route.
    let documented = openapi_routes(&server).await;
    let tabled: BTreeSet<(String, String)> = TABLE
        .iter()
        .map(|(m, r, ..)| ((*m).to_owned(), (*r).to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&tabled).collect();
    let extra: Vec<_> = tabled.difference(&documented).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the authorization table and the OpenAPI document disagree:\n  routes without \
         expectations: {missing:?}\n  expectations for no route: {extra:?}"
    );
    for (m, r, obj, _) in TABLE {
        assert!(
            !r.contains('{') || *obj != Obj::Root,
            "{m} {r} takes an id: give its rows an object"
        );
    }
    for (m, r, _, statuses) in TABLE {
        if !PUBLIC.contains(r) {
            assert_eq!(statuses[0], 401, "{m} {r}: anonymous callers must get 401");
        }
    }

    let mut sessions = BTreeMap::new();
    for p in PRINCIPALS {
        let c = match p.email() {
            Some(email) => Client::login(&server, email).await,
            None => Client::anonymous(&server),
        };
        sessions.insert(p, c);
    }
    // Everyone's API client, issued through POST /tokens before the sessions log out.
    let mut bearers = BTreeMap::new();
    for (&p, c) in &sessions {
        let b = if p == P::Anonymous {
            Client::anonymous(&server)
        } else {
            let r = c.post("/api/v1/tokens", &json!({"name": "matrix"})).await;
            let r = expect_status(r, 201, "issue the principal's API token");
            Client {
                bearer: Some(r.body["token"].as_str().unwrap().to_owned()),
                ..Client::anonymous(&server)
            }
        };
        bearers.insert(p, b);
    }
    let police_admin = Client::login(&server, "admin@npa.example").await;
    let r = police_admin
        .post("/api/v1/tokens", &json!({"name": "someone else's"}))
        .await;
    let other_token = expect_status(r, 201, "issue another user's token").body["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let prefectural = roei_domain::accounts::create_organisation(
        &*server.state.store,
        "東京都警察（警視庁）",
        roei_domain::model::OrgKind::Police,
        None,
        jiff::Timestamp::now(),
    )
    .await
    .unwrap()
    .id
    .to_string();

    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (auth, clients) in [(Auth::Cookie, sessions), (Auth::Bearer, bearers)] {
        let fx = Run::fixtures(&world, &clients, other_token.clone(), prefectural.clone()).await;
        let mut run = Run {
            server: &server,
            world: &world,
            auth,
            clients,
            fx,
            seq: 0,
            failures: &mut failures,
        };
        let extra = if auth == Auth::Cookie {
            let csrf = run.csrf().await;
            let tokens = run.bearer_misuse().await;
            format!("{csrf} CSRF checks, {tokens} API-token checks, ")
        } else {
            String::new()
        };
        let cells = run.matrix().await;
        summary.push(format!("{auth:?}: {extra}{cells} matrix cells"));
    }
    eprintln!(
        "authorization matrix on {backend:?}: {} routes, {} table entries × {} principals; {}",
        documented.len(),
        TABLE.len(),
        PRINCIPALS.len(),
        summary.join("; ")
    );
    assert!(
        failures.is_empty(),
        "{} authorization mismatch(es) on {backend:?}:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_sqlite() {
    matrix(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matrix_postgres() {
    matrix(Backend::Postgres).await;
}

/// With two regulators, a case stays with the one its first version went to: a later version
/// addressed to another is refused, so no second regulator ever joins (or reads) the thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_regulator_does_not_read_the_first_regulators_thread() {
    let server = common::start(Backend::Sqlite).await;
    let world = common::world(&*server.state.store).await;
    let store = &*server.state.store;
    let now = jiff::Timestamp::now();
    let other = roei_domain::accounts::create_organisation(
        store,
        "某省（権限委任先）",
        roei_domain::model::OrgKind::Regulator,
        None,
        now,
    )
    .await
    .unwrap();
    roei_domain::accounts::create_user(
        store,
        None,
        other.id,
        "member@ministry.example",
        "省の担当者",
        roei_domain::model::Role::Member,
        PASSWORD,
        now,
    )
    .await
    .unwrap();
    let a = Client::login(&server, "member@a.example").await;
    let ppc = Client::login(&server, "member@ppc.example").await;
    let ministry = Client::login(&server, "member@ministry.example").await;
    let id = case_with_draft(&a, "二つの規制当局", ransomware_facts()).await;
    let subs = format!("/api/v1/cases/{id}/report/submissions");
    let messages = format!("/api/v1/cases/{id}/messages");
    let r = a
        .post(
            &subs,
            &json!({"stage": "quick_report", "draft_version": 1,
                    "to_org": world.regulator.id.to_string()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = ppc
        .post(
            &messages,
            &json!({"body": "委員会から事業者へ：内密の照会"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = a
        .post(
            &subs,
            &json!({"stage": "final_report", "draft_version": 1,
                             "to_org": other.id.to_string()}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["field"], json!("to_org"));
    // The ministry never received anything of this case: it sees neither versions nor thread.
    assert_eq!(ministry.get(&subs).await.status, 404);
    let r = ministry.get(&messages).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(!r.body.to_string().contains("内密の照会"));
    let r = ministry.post(&messages, &json!({"body": "割り込み"})).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(ppc.get(&messages).await.body.as_array().unwrap().len(), 1);
}
