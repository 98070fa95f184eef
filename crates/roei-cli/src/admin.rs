//! `roei admin`: organisations, users, passwords, API tokens and entrustments, as the system
//! (no acting user). Every change goes through the domain's use cases and into the audit log.

use std::fmt::Write as _;
use std::io::BufRead as _;

use jiff::Timestamp;
use roei_domain::model::{OrgId, OrgKind, Organisation, Role, User, parse_regime};
use roei_domain::{DomainError, Store, accounts};

use crate::BadInput;

/// A domain error as the command's error: bad input (exit 2) unless the store failed.
pub fn domain_error(e: DomainError) -> anyhow::Error {
    match e {
        DomainError::Storage(_) => anyhow::Error::new(e),
        e => BadInput(e.to_string()).into(),
    }
}

/// Parses an organisation id given as `flag`.
pub fn parse_org_id(flag: &str, s: &str) -> Result<OrgId, BadInput> {
    s.trim().parse().map_err(|_| {
        BadInput(format!(
            "{flag}: \"{s}\" is not an organisation id (see `roei admin list-orgs`)"
        ))
    })
}

/// The password: one line of standard input with `--password-stdin`, else `ROEI_PASSWORD`.
/// Never a flag, so it stays out of the process list and the shell history.
pub fn read_password(from_stdin: bool) -> Result<String, BadInput> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| BadInput(format!("password: cannot read standard input: {e}")))?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        match std::env::var("ROEI_PASSWORD") {
            Ok(p) => p,
            Err(_) => {
                return Err(BadInput(
                    "password: give it as one line on standard input with --password-stdin, or in the environment variable ROEI_PASSWORD".into(),
                ));
            }
        }
    };
    if password.is_empty() {
        return Err(BadInput(format!(
            "password: empty ({})",
            if from_stdin {
                "standard input had no line"
            } else {
                "ROEI_PASSWORD is empty"
            }
        )));
    }
    Ok(password)
}

/// Creates an organisation. Operators default to the private regime.
pub async fn create_org(
    store: &dyn Store,
    name: &str,
    kind: &str,
    regime: Option<&str>,
    now: Timestamp,
) -> anyhow::Result<Organisation> {
    let kind: OrgKind = kind.parse().map_err(|_| {
        BadInput(format!(
            "kind: unknown organisation kind \"{kind}\" (operator, regulator or police)"
        ))
    })?;
    let regime = match (regime, kind) {
        (Some(r), _) => Some(parse_regime(r).map_err(|_| {
            BadInput(format!(
                "regime: unknown regime \"{r}\" (private, national_public or local_public)"
            ))
        })?),
        (None, OrgKind::Operator) => Some(roei_law::Regime::Private),
        (None, _) => None,
    };
    accounts::create_organisation(store, name, kind, regime, now)
        .await
        .map_err(domain_error)
}

/// Creates a user.
pub async fn create_user(
    store: &dyn Store,
    org: OrgId,
    email: &str,
    name: &str,
    role: &str,
    password: &str,
    now: Timestamp,
) -> anyhow::Result<User> {
    let role: Role = role.parse().map_err(domain_error)?;
    accounts::create_user(store, None, org, email, name, role, password, now)
        .await
        .map_err(domain_error)
}

async fn user_by_email(store: &dyn Store, email: &str) -> anyhow::Result<User> {
    store
        .user_by_email(&email.trim().to_lowercase())
        .await?
        .ok_or_else(|| BadInput(format!("email: no user has the address \"{email}\"")).into())
}

/// Sets a new password (and ends the user's sessions).
pub async fn reset_password(
    store: &dyn Store,
    email: &str,
    password: &str,
    now: Timestamp,
) -> anyhow::Result<User> {
    user_by_email(store, email).await?;
    accounts::reset_password(store, None, email, password, now)
        .await
        .map_err(domain_error)
}

/// Issues an API token; returns the token (shown once) and the user.
pub async fn issue_token(
    store: &dyn Store,
    email: &str,
    name: &str,
    now: Timestamp,
) -> anyhow::Result<(String, User)> {
    let user = user_by_email(store, email).await?;
    let (token, _) = accounts::issue_api_token(store, None, user.id, name, now)
        .await
        .map_err(domain_error)?;
    Ok((token, user))
}

/// Links an entruster and its entrustee.
pub async fn entrust(
    store: &dyn Store,
    entruster: OrgId,
    entrustee: OrgId,
    now: Timestamp,
) -> anyhow::Result<()> {
    accounts::create_entrustment(store, entruster, entrustee, now)
        .await
        .map_err(|e| match e {
            DomainError::Conflict(_) => {
                BadInput("entrustee: this entrustment exists already".to_owned()).into()
            }
            e => domain_error(e),
        })?;
    Ok(())
}

/// The organisations as a text table: id, kind, regime, name, and whom each entrusts data to.
pub async fn list_orgs(store: &dyn Store) -> anyhow::Result<String> {
    let orgs = store.list_organisations().await?;
    let mut out = String::new();
    for o in &orgs {
        let entrusters = store.entrusters_of(o.id).await?;
        let names: Vec<&str> = entrusters
            .iter()
            .filter_map(|id| orgs.iter().find(|x| x.id == *id).map(|x| x.name.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "{}  {:<9}  {:<15}  {}{}",
            o.id,
            o.kind.as_str(),
            o.regime.map_or("-", roei_law::Regime::as_str),
            o.name,
            if names.is_empty() {
                String::new()
            } else {
                format!("（委託元: {}）", names.join("、"))
            }
        );
    }
    Ok(out)
}
