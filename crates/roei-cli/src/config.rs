//! The server's settings, from (highest precedence first) command-line flags, `ROEI_*`
//! environment variables, a TOML file, and the defaults, merged with figment.
//!
//! | key | flag | environment | default |
//! |---|---|---|---|
//! | `listen` | `--listen` | `ROEI_LISTEN` | `127.0.0.1:8080` |
//! | `data_dir` | `--data-dir` | `ROEI_DATA_DIR` | `./roei-data` |
//! | `database_url` | `--database-url` | `ROEI_DATABASE_URL` | none (SQLite) |
//! | `demo` | `--demo` | `ROEI_DEMO` | `false` |
//! | `smtp_url` | | `ROEI_SMTP_URL` | none |
//! | `mail_from` | | `ROEI_MAIL_FROM` | none |
//! | `mail_dir` | | `ROEI_MAIL_DIR` | none |
//! | `secure_cookies` | | `ROEI_SECURE_COOKIES` | `false` |
//! | `log_format` | | `ROEI_LOG_FORMAT` | `text` |
//! | `scan_upload_limit_mb` | | `ROEI_SCAN_UPLOAD_LIMIT_MB` | `64` |
//!
//! The file is `--config FILE`, else `ROEI_CONFIG`, else `./roei.toml` when it exists. A bad
//! value is a [`BadInput`] naming the setting and where it came from.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use figment::providers::{Env, Format as _, Serialized, Toml};
use figment::value::{Dict, Map};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use crate::BadInput;

/// The listening address when none is configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The data directory when none is configured.
pub const DEFAULT_DATA_DIR: &str = "./roei-data";
/// The SQLite database's file name inside the data directory.
pub const SQLITE_FILE: &str = "roei.sqlite3";
/// The config file read when present and no other is named.
pub const DEFAULT_CONFIG_FILE: &str = "roei.toml";
/// The sender of mail written to `mail_dir` when `mail_from` is not set.
pub const DEFAULT_DIR_SENDER: &str = "roei@localhost";

/// Every key, as written in the TOML file (environment: `ROEI_` + upper case).
pub const KEYS: [&str; 10] = [
    "listen",
    "data_dir",
    "database_url",
    "demo",
    "smtp_url",
    "mail_from",
    "mail_dir",
    "secure_cookies",
    "log_format",
    "scan_upload_limit_mb",
];

/// How log lines are written to standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

/// The resolved settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address and port to listen on.
    #[serde(deserialize_with = "de_socket_addr")]
    pub listen: SocketAddr,
    /// Where the SQLite database lives (`<data_dir>/roei.sqlite3`).
    #[serde(deserialize_with = "de_path")]
    pub data_dir: PathBuf,
    /// A PostgreSQL URL; when set, PostgreSQL is used instead of SQLite.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub database_url: Option<String>,
    /// Seed demo data into an empty database and print the demo logins.
    #[serde(deserialize_with = "de_bool")]
    pub demo: bool,
    /// SMTP server for outgoing mail (`smtp://user:pass@host:587`, `smtps://…`).
    #[serde(default, deserialize_with = "de_opt_string")]
    pub smtp_url: Option<String>,
    /// The sender address of outgoing mail.
    #[serde(default, deserialize_with = "de_opt_string")]
    pub mail_from: Option<String>,
    /// Write outgoing mail as .eml files into this directory instead of sending it.
    #[serde(default, deserialize_with = "de_opt_path")]
    pub mail_dir: Option<PathBuf>,
    /// Mark cookies `Secure` (set when served over HTTPS).
    #[serde(deserialize_with = "de_bool")]
    pub secure_cookies: bool,
    /// `text` or `json` log lines.
    #[serde(deserialize_with = "de_log_format")]
    pub log_format: LogFormat,
    /// Largest upload the server's scan reads (all files of one request), in MiB (1–4096).
    #[serde(default = "default_scan_mb", deserialize_with = "de_scan_mb")]
    pub scan_upload_limit_mb: u32,
}

/// The scan's upload limit when none is configured, in MiB.
pub const DEFAULT_SCAN_UPLOAD_MB: u32 = 64;

fn default_scan_mb() -> u32 {
    DEFAULT_SCAN_UPLOAD_MB
}

fn de_scan_mb<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let s = scalar(d)?.unwrap_or_default();
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=4096).contains(n))
        .ok_or_else(|| D::Error::custom("expected a whole number of MiB from 1 to 4096"))
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN.parse().expect("a valid default address"),
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            database_url: None,
            demo: false,
            smtp_url: None,
            mail_from: None,
            mail_dir: None,
            secure_cookies: false,
            log_format: LogFormat::Text,
            scan_upload_limit_mb: DEFAULT_SCAN_UPLOAD_MB,
        }
    }
}

impl Config {
    /// The SQLite database file.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join(SQLITE_FILE)
    }

    /// The settings as JSON, with passwords in URLs masked.
    pub fn to_redacted_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        for key in ["database_url", "smtp_url"] {
            if let Some(s) = v.get(key).and_then(serde_json::Value::as_str) {
                v[key] = serde_json::Value::String(redact_url(s));
            }
        }
        v
    }
}

/// `scheme://user:secret@host` → `scheme://user:***@host`.
pub fn redact_url(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_owned();
    };
    let userinfo = &authority[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{}{}:***{}", &url[..start], &userinfo[..colon], &rest[at..]),
        None => url.to_owned(),
    }
}

/// Settings given as command-line flags (only those given override anything).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo: Option<bool>,
}

/// The settings with where each came from.
#[derive(Debug)]
pub struct Resolved {
    pub config: Config,
    /// The config file read, if any.
    pub file: Option<PathBuf>,
    figment: Figment,
}

impl Resolved {
    /// Where `key`'s value came from, e.g. `environment variable ROEI_LISTEN`.
    pub fn source_of(&self, key: &str) -> String {
        self.figment.find_metadata(key).map_or_else(
            || "default".to_owned(),
            |md| md.interpolate(&Profile::Default, &[key]),
        )
    }

    /// A [`BadInput`] about `key`, naming its source.
    pub fn bad(&self, key: &str, problem: impl std::fmt::Display) -> BadInput {
        BadInput(format!("{key} (from {}): {problem}", self.source_of(key)))
    }
}

/// A provider under a name of ours, so errors can say where a value came from.
struct Named<P> {
    inner: P,
    metadata: Metadata,
}

impl<P: Provider> Provider for Named<P> {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }
    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        self.inner.data()
    }
}

fn named<P: Provider>(
    inner: P,
    name: &str,
    describe: impl Fn(&str) -> String + Clone + Send + Sync + 'static,
) -> Named<P> {
    Named {
        inner,
        metadata: Metadata::named(name.to_owned())
            .interpolater(move |_: &Profile, keys: &[&str]| describe(&keys.join("."))),
    }
}

/// Which config file to read: `--config`, else `ROEI_CONFIG`, else `./roei.toml` if present.
fn config_file(flag: Option<&Path>) -> Option<(PathBuf, &'static str)> {
    if let Some(p) = flag {
        return Some((p.to_owned(), "flag --config"));
    }
    if let Some(p) = std::env::var_os("ROEI_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), "environment variable ROEI_CONFIG"));
    }
    let default = PathBuf::from(DEFAULT_CONFIG_FILE);
    default
        .is_file()
        .then_some((default, "the current directory"))
}

/// Resolves the settings: `overrides` (flags) > `ROEI_*` environment > config file > defaults.
pub fn load(config_flag: Option<&Path>, overrides: &Overrides) -> Result<Resolved, BadInput> {
    let mut figment = Figment::from(named(
        Serialized::defaults(Config::default()),
        "default",
        |_| "default".to_owned(),
    ));
    let file = config_file(config_flag);
    if let Some((path, why)) = &file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            BadInput(format!(
                "config (from {why}): cannot read {}: {e}",
                path.display()
            ))
        })?;
        let shown = path.display().to_string();
        let name = format!("config file {shown}");
        figment = figment.merge(named(Toml::string(&text), &name, move |key| {
            format!("key `{key}` in config file {shown}")
        }));
    }
    figment = figment.merge(named(
        Env::prefixed("ROEI_").only(&KEYS),
        "environment",
        |key| format!("environment variable ROEI_{}", key.to_ascii_uppercase()),
    ));
    figment = figment.merge(named(Serialized::defaults(overrides), "flags", |key| {
        format!("flag --{}", key.replace('_', "-"))
    }));
    let config: Config = figment
        .extract()
        .map_err(|e| describe_error(&figment, &e))?;
    Ok(Resolved {
        config,
        file: file.map(|(p, _)| p),
        figment,
    })
}

/// One line naming the setting, its source and the problem.
fn describe_error(figment: &Figment, e: &figment::Error) -> BadInput {
    let key = e.path.join(".");
    let source = e.metadata.as_ref().map(|md| {
        if key.is_empty() {
            md.name.to_string()
        } else {
            md.interpolate(&Profile::Default, &e.path)
        }
    });
    let problem = match &e.kind {
        figment::error::Kind::UnknownField(field, _) => {
            format!("unknown setting `{field}` (known: {})", KEYS.join(", "))
        }
        kind => one_line(&kind.to_string()),
    };
    let secret = matches!(key.as_str(), "database_url" | "smtp_url");
    let value = (!key.is_empty() && !secret)
        .then(|| figment.find_value(&key).ok())
        .flatten()
        .and_then(|v| {
            v.as_str()
                .map(|s| format!(" = {s:?}"))
                .or_else(|| Some(format!(" = {}", v.to_actual())))
        })
        .unwrap_or_default();
    let setting = if key.is_empty() { "config" } else { &key };
    match source {
        Some(source) => BadInput(format!("{setting} (from {source}{value}): {problem}")),
        None => BadInput(format!("{setting}: {problem}")),
    }
}

/// A multi-line message (a TOML syntax error with its source excerpt) on one line.
fn one_line(msg: &str) -> String {
    msg.lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with('|')
                && !l
                    .split_once(" |")
                    .is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Any scalar as text (environment values that look like numbers arrive as numbers).
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(s)),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        serde_json::Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(D::Error::custom(format!(
            "expected a single value, found {other}"
        ))),
    }
}

fn de_socket_addr<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    let s = scalar(d)?.unwrap_or_default();
    SocketAddr::from_str(s.trim()).map_err(|_| {
        D::Error::custom("expected IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:80 or [::1]:8080")
    })
}

fn de_path<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
    match scalar(d)? {
        Some(s) if !s.trim().is_empty() => Ok(PathBuf::from(s)),
        _ => Err(D::Error::custom("must not be empty")),
    }
}

fn de_opt_path<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    Ok(scalar(d)?
        .filter(|s| !s.trim().is_empty())
        .map(PathBuf::from))
}

fn de_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar(d)?
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty()))
}

fn de_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = scalar(d)?.unwrap_or_default();
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(D::Error::custom(
            "expected true or false (or 1/0, yes/no, on/off)",
        )),
    }
}

fn de_log_format<'de, D: Deserializer<'de>>(d: D) -> Result<LogFormat, D::Error> {
    let s = scalar(d)?.unwrap_or_default();
    match s.trim().to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(D::Error::custom("expected text or json")),
    }
}

/// Where mail goes, checked against the settings (naming the one at fault).
pub fn mail_config(r: &Resolved) -> Result<roei_web::jobs::MailConfig, BadInput> {
    use roei_web::jobs::MailConfig;
    let c = &r.config;
    match (&c.smtp_url, &c.mail_dir) {
        (Some(_), Some(_)) => Err(r.bad(
            "mail_dir",
            format!(
                "set either smtp_url or mail_dir, not both (smtp_url is set by {})",
                r.source_of("smtp_url")
            ),
        )),
        (Some(url), None) => {
            let Some(from) = c.mail_from.clone() else {
                return Err(BadInput(format!(
                    "mail_from: required when smtp_url is set (smtp_url from {}); set ROEI_MAIL_FROM or mail_from in the config file",
                    r.source_of("smtp_url")
                )));
            };
            Ok(MailConfig::Smtp {
                url: url.clone(),
                from,
            })
        }
        (None, Some(dir)) => Ok(MailConfig::Directory {
            path: dir.clone(),
            from: c
                .mail_from
                .clone()
                .unwrap_or_else(|| DEFAULT_DIR_SENDER.to_owned()),
        }),
        (None, None) => Ok(MailConfig::None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_masked() {
        assert_eq!(
            redact_url("postgres://roei:s3cret@db:5432/roei"),
            "postgres://roei:***@db:5432/roei"
        );
        assert_eq!(
            redact_url("postgres://roei@db/roei"),
            "postgres://roei@db/roei"
        );
        assert_eq!(
            redact_url("smtp://a:b@mail:587?tls=none"),
            "smtp://a:***@mail:587?tls=none"
        );
        assert_eq!(redact_url("no url"), "no url");
    }

    #[test]
    fn defaults_round_trip_through_figment() {
        let c: Config = Figment::from(Serialized::defaults(Config::default()))
            .extract()
            .unwrap();
        assert_eq!(c, Config::default());
    }
}
