//! The e-mails of a consent request (覚書5条): the originator's users are told that a
//! recipient asks to pass an item on beyond its scope, and the requester's users are told the
//! originator's decision. The messages go to the outbox in the same transaction as the request
//! or the decision (`SharingStore::create_consent_request`, `SharingStore::decide_consent`),
//! so a request is never stored without its message nor a message sent for a request that was
//! not; each has a `dedupe_key` naming the request, the moment and the user.

use jiff::Timestamp;
use uuid::Uuid;

use super::{ConsentRequest, ConsentStatus};
use crate::model::{OrgId, User, truncate};
use crate::records::OutboxMessage;
use crate::service::jst_today;

/// The page of an item (the thread, the consent requests and the decision form), as a path of
/// the roei server.
pub fn item_path(item: Uuid) -> String {
    format!("/sharing/items/{item}")
}

fn message(
    key: String,
    kind: &str,
    org: OrgId,
    to: &User,
    subject: &str,
    body: String,
    now: Timestamp,
) -> OutboxMessage {
    OutboxMessage {
        id: Uuid::now_v7(),
        dedupe_key: key,
        kind: kind.to_owned(),
        org_id: Some(org),
        case_id: None,
        recipient: to.email.clone(),
        subject: subject.to_owned(),
        body,
        created_at: truncate(now),
        claimed_until: None,
        claimed_by: None,
        sent_at: None,
        attempts: 0,
        last_error: None,
    }
}

/// To the originator's users who may decide (members and admins): a recipient asks to pass
/// the item on.
pub fn request_messages(
    title: &str,
    req: &ConsentRequest,
    requester_name: &str,
    to_name: &str,
    originator_users: &[User],
    now: Timestamp,
) -> Vec<OutboxMessage> {
    let subject = format!("【同意の求め】「{title}」を{to_name}へ共有することについて");
    originator_users
        .iter()
        .filter(|u| u.org_id == req.originator_org && u.role.can_write())
        .map(|u| {
            let body = format!(
                "{name} 様\n\n\
                 {requester_name}から、貴組織が共有した情報「{title}」を、共有範囲外の{to_name}へ\
                 共有することについて同意が求められました（覚書5条）。\n\n\
                 理由：{reason}\n\n\
                 roei の次のページで、同意するかどうかを回答してください。\n{path}\n\n-- roei\n",
                name = u.display_name,
                reason = req.reason,
                path = item_path(req.item_id),
            );
            message(
                format!("consent:{}:requested:{}", req.id, u.id),
                "consent.request",
                req.originator_org,
                u,
                &subject,
                body,
                now,
            )
        })
        .collect()
}

/// To every user of the requesting organisation: the originator approved or refused.
pub fn decision_messages(
    title: &str,
    req: &ConsentRequest,
    originator_name: &str,
    to_name: &str,
    requester_users: &[User],
    now: Timestamp,
) -> Vec<OutboxMessage> {
    let approved = req.status == ConsentStatus::Approved;
    let (kind, subject, outcome, effect) = if approved {
        (
            "consent.approved",
            format!("【同意】「{title}」を{to_name}へ共有することに同意されました"),
            "同意しました",
            format!("{to_name}は共有先に加わり、この情報を閲覧できます。"),
        )
    } else {
        (
            "consent.refused",
            format!("【不同意】「{title}」を{to_name}へ共有することに同意されませんでした"),
            "同意しませんでした",
            format!("{to_name}へは共有されません。"),
        )
    };
    let note = req
        .decision_note
        .as_deref()
        .map(|n| format!("回答の理由：{n}\n\n"))
        .unwrap_or_default();
    requester_users
        .iter()
        .filter(|u| u.org_id == req.requested_by_org)
        .map(|u| {
            let body = format!(
                "{name} 様\n\n\
                 {asked}に貴組織が求めた、共有された情報「{title}」を{to_name}へ共有することについて、\
                 発信者の{originator_name}が{outcome}。{effect}\n\n\
                 {note}\
                 roei の次のページで確認できます。\n{path}\n\n-- roei\n",
                name = u.display_name,
                asked = jst_today(req.requested_at),
                path = item_path(req.item_id),
            );
            message(
                format!("consent:{}:{}:{}", req.id, req.status.as_str(), u.id),
                kind,
                req.requested_by_org,
                u,
                &subject,
                body,
                now,
            )
        })
        .collect()
}
