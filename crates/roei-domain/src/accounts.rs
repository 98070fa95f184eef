//! Organisations, users, logins, sessions and API tokens.
//!
//! `by: None` means the system itself (`roei admin`, the demo seed); otherwise the acting user
//! must be an admin, and acts within its own organisation only.

use jiff::{SignedDuration, Timestamp};
use uuid::Uuid;

use crate::DomainError;
use crate::audit::AuditDraft;
use crate::auth::{hash_password, random_token, token_hash, verify_nothing, verify_password};
use crate::model::{Entrustment, OrgId, OrgKind, Organisation, Role, User, UserId, truncate};
use crate::records::{ApiToken, Session};
use crate::service::Actor;
use crate::store::Store;

/// How long a session lasts.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);
/// Failed logins allowed per e-mail (and per client address) within [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW: SignedDuration = SignedDuration::from_mins(15);

fn audit(
    now: Timestamp,
    by: Option<&Actor>,
    action: &str,
    subject: String,
    payload: &serde_json::Value,
) -> AuditDraft {
    AuditDraft::new(
        now,
        by.map(|a| a.user.id),
        by.map(|a| a.org.id),
        action,
        subject,
        payload,
    )
}

fn require_admin_of(by: Option<&Actor>, org: OrgId) -> Result<(), DomainError> {
    match by {
        None => Ok(()),
        Some(a) if a.org.id == org && a.user.role == Role::Admin => Ok(()),
        Some(a) if a.org.id == org => Err(DomainError::Forbidden(
            "only an administrator manages users".into(),
        )),
        Some(_) => Err(DomainError::NotFound),
    }
}

/// Creates an organisation (system only).
pub async fn create_organisation(
    store: &dyn Store,
    name: &str,
    kind: OrgKind,
    regime: Option<roei_law::Regime>,
    now: Timestamp,
) -> Result<Organisation, DomainError> {
    let org = Organisation::new(name, kind, regime, now)?;
    let a = audit(
        now,
        None,
        "org.create",
        format!("org:{}", org.id),
        &serde_json::json!({"name": org.name, "kind": kind.as_str()}),
    );
    store.create_organisation(&org, &a).await?;
    Ok(org)
}

/// Creates a user in `org` with a password.
#[allow(clippy::too_many_arguments)]
pub async fn create_user(
    store: &dyn Store,
    by: Option<&Actor>,
    org: OrgId,
    email: &str,
    display_name: &str,
    role: Role,
    password: &str,
    now: Timestamp,
) -> Result<User, DomainError> {
    require_admin_of(by, org)?;
    if store.organisation(org).await?.is_none() {
        return Err(DomainError::invalid("org", "no such organisation"));
    }
    let user = User::new(
        org,
        email,
        display_name,
        role,
        hash_password(password)?,
        now,
    )?;
    let a = audit(
        now,
        by,
        "user.create",
        format!("user:{}", user.id),
        &serde_json::json!({"email": user.email, "role": role.as_str(), "org": org.to_string()}),
    );
    store.create_user(&user, &a).await.map_err(|e| match e {
        crate::StoreError::Conflict(_) => {
            DomainError::invalid("email", format!("\"{}\" is already in use", user.email))
        }
        e => e.into(),
    })?;
    Ok(user)
}

/// Sets a new password and ends the user's sessions.
pub async fn reset_password(
    store: &dyn Store,
    by: Option<&Actor>,
    email: &str,
    password: &str,
    now: Timestamp,
) -> Result<User, DomainError> {
    let user = store
        .user_by_email(&email.trim().to_lowercase())
        .await?
        .ok_or(DomainError::NotFound)?;
    if by.is_some_and(|a| a.user.id != user.id) {
        require_admin_of(by, user.org_id)?;
    }
    let hash = hash_password(password)?;
    let a = audit(
        now,
        by,
        "user.reset_password",
        format!("user:{}", user.id),
        &serde_json::json!({}),
    );
    store.set_password_hash(user.id, &hash, &a).await?;
    store.delete_user_sessions(user.id).await?;
    Ok(user)
}

/// Links an entruster (委託元) and its entrustee (委託先) (system only).
pub async fn create_entrustment(
    store: &dyn Store,
    entruster: OrgId,
    entrustee: OrgId,
    now: Timestamp,
) -> Result<Entrustment, DomainError> {
    for (field, id) in [("entruster", entruster), ("entrustee", entrustee)] {
        match store.organisation(id).await? {
            Some(o) if o.kind == OrgKind::Operator => {}
            Some(_) => return Err(DomainError::invalid(field, "must be an operator")),
            None => return Err(DomainError::invalid(field, "no such organisation")),
        }
    }
    if entruster == entrustee {
        return Err(DomainError::invalid(
            "entrustee",
            "an organisation cannot entrust data to itself",
        ));
    }
    let e = Entrustment {
        entruster,
        entrustee,
        created_at: truncate(now),
    };
    let a = audit(
        now,
        None,
        "entrustment.create",
        format!("org:{entrustee}"),
        &serde_json::json!({"entruster": entruster.to_string()}),
    );
    store.create_entrustment(&e, &a).await?;
    Ok(e)
}

/// A successful login: the session and the cookie token (shown once, never stored).
#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub session: Session,
    pub user: User,
    pub org: Organisation,
}

/// Checks an e-mail and password. Throttled per e-mail and per `client` address: after
/// [`MAX_FAILURES`] failures within [`THROTTLE_WINDOW`], refuses without checking. Unknown
/// e-mails take as long as wrong passwords and give the same error.
pub async fn login(
    store: &dyn Store,
    email: &str,
    password: &str,
    client: &str,
    now: Timestamp,
) -> Result<Login, DomainError> {
    let email = email.trim().to_lowercase();
    let since = now - THROTTLE_WINDOW;
    let keys = [format!("email:{email}"), format!("client:{client}")];
    for key in &keys {
        if store.login_failures(key, since).await? >= MAX_FAILURES {
            return Err(DomainError::Throttled(
                THROTTLE_WINDOW.as_secs().unsigned_abs(),
            ));
        }
    }
    let user = store.user_by_email(&email).await?;
    let ok = if let Some(u) = &user {
        verify_password(password, &u.password_hash)
    } else {
        verify_nothing(password);
        false
    };
    let Some(user) = user.filter(|_| ok) else {
        for key in &keys {
            store.record_login_failure(key, now).await?;
        }
        let a = audit(
            now,
            None,
            "user.login_failed",
            format!("email:{email}"),
            &serde_json::json!({"client": client}),
        );
        store.append_audit(&a).await?;
        return Err(DomainError::Unauthenticated(
            "wrong e-mail or password".into(),
        ));
    };
    store.clear_login_failures(&keys[0]).await?;
    let org = store
        .organisation(user.org_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    let token = random_token("");
    let now = truncate(now);
    let session = Session {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: random_token(""),
        created_at: now,
        expires_at: now + SESSION_LIFETIME,
    };
    let a = AuditDraft::new(
        now,
        Some(user.id),
        Some(user.org_id),
        "user.login",
        format!("user:{}", user.id),
        &serde_json::json!({"client": client}),
    );
    store.create_session(&session, &a).await?;
    Ok(Login {
        token,
        session,
        user,
        org,
    })
}

/// Ends a session.
pub async fn logout(
    store: &dyn Store,
    actor: &Actor,
    token: &str,
    now: Timestamp,
) -> Result<(), DomainError> {
    let a = AuditDraft::new(
        now,
        Some(actor.user.id),
        Some(actor.org.id),
        "user.logout",
        format!("user:{}", actor.user.id),
        &serde_json::json!({}),
    );
    Ok(store.delete_session(&token_hash(token), &a).await?)
}

/// The actor behind a session cookie's token, with the session.
pub async fn actor_for_session(
    store: &dyn Store,
    token: &str,
    now: Timestamp,
) -> Result<Option<(Actor, Session)>, DomainError> {
    let Some(session) = store.session(&token_hash(token), now).await? else {
        return Ok(None);
    };
    Ok(actor_of(store, session.user_id)
        .await?
        .map(|actor| (actor, session)))
}

/// The actor behind an API token.
pub async fn actor_for_api_token(
    store: &dyn Store,
    token: &str,
) -> Result<Option<Actor>, DomainError> {
    let Some(t) = store.api_token(&token_hash(token)).await? else {
        return Ok(None);
    };
    actor_of(store, t.user_id).await
}

async fn actor_of(store: &dyn Store, user: UserId) -> Result<Option<Actor>, DomainError> {
    let Some(user) = store.user(user).await? else {
        return Ok(None);
    };
    let org = store
        .organisation(user.org_id)
        .await?
        .ok_or(DomainError::NotFound)?;
    Ok(Some(Actor { user, org }))
}

/// Issues an API token for `user` (by the user, an admin of its organisation, or the system).
/// The token is returned once and only its hash is kept.
pub async fn issue_api_token(
    store: &dyn Store,
    by: Option<&Actor>,
    user: UserId,
    name: &str,
    now: Timestamp,
) -> Result<(String, ApiToken), DomainError> {
    let target = store.user(user).await?.ok_or(DomainError::NotFound)?;
    if by.is_some_and(|a| a.user.id != user) {
        require_admin_of(by, target.org_id)?;
    }
    let name = crate::model::required_text("name", name, 100)?;
    let token = random_token("roei_");
    let now = truncate(now);
    let t = ApiToken {
        id: Uuid::now_v7(),
        user_id: user,
        name,
        token_hash: token_hash(&token),
        created_at: now,
        revoked_at: None,
    };
    let a = audit(
        now,
        by,
        "api_token.issue",
        format!("user:{user}"),
        &serde_json::json!({"token": t.id.to_string(), "name": t.name}),
    );
    store.create_api_token(&t, &a).await?;
    Ok((token, t))
}

/// Revokes one of the actor's own API tokens.
pub async fn revoke_api_token(
    store: &dyn Store,
    actor: &Actor,
    id: Uuid,
    now: Timestamp,
) -> Result<(), DomainError> {
    let a = audit(
        now,
        Some(actor),
        "api_token.revoke",
        format!("user:{}", actor.user.id),
        &serde_json::json!({"token": id.to_string()}),
    );
    Ok(store
        .revoke_api_token(actor.user.id, id, truncate(now), &a)
        .await?)
}

/// The actor's own API tokens, revoked ones included (never their secrets).
pub async fn api_tokens(store: &dyn Store, actor: &Actor) -> Result<Vec<ApiToken>, DomainError> {
    Ok(store.api_tokens(actor.user.id).await?)
}

/// The users of the actor's organisation.
pub async fn users(store: &dyn Store, actor: &Actor) -> Result<Vec<User>, DomainError> {
    Ok(store.list_users(actor.org.id).await?)
}

/// Whether the first-run setup is open: no organisation has an administrator yet.
pub async fn setup_needed(store: &dyn Store) -> Result<bool, DomainError> {
    for org in store.list_organisations().await? {
        if store
            .list_users(org.id)
            .await?
            .iter()
            .any(|u| u.role == Role::Admin)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The first-run setup: creates the first organisation and its administrator, only while no
/// administrator exists anywhere (afterwards `Conflict`). Everything is validated before
/// anything is stored.
#[allow(clippy::too_many_arguments)]
pub async fn first_run_setup(
    store: &dyn Store,
    org_name: &str,
    kind: OrgKind,
    regime: Option<roei_law::Regime>,
    email: &str,
    display_name: &str,
    password: &str,
    now: Timestamp,
) -> Result<(Organisation, User), DomainError> {
    if !setup_needed(store).await? {
        return Err(DomainError::Conflict(
            "setup is complete: an administrator exists".into(),
        ));
    }
    let org = Organisation::new(org_name, kind, regime, now)?;
    let user = User::new(
        org.id,
        email,
        display_name,
        Role::Admin,
        hash_password(password)?,
        now,
    )?;
    let a = audit(
        now,
        None,
        "org.create",
        format!("org:{}", org.id),
        &serde_json::json!({"name": org.name, "kind": kind.as_str(), "via": "setup"}),
    );
    store.create_organisation(&org, &a).await?;
    let a = audit(
        now,
        None,
        "user.create",
        format!("user:{}", user.id),
        &serde_json::json!({"email": user.email, "role": "admin", "org": org.id.to_string(), "via": "setup"}),
    );
    store.create_user(&user, &a).await?;
    Ok((org, user))
}
