//! The server-side commands' command lines: `roei serve`, `roei admin …`, `roei audit verify`,
//! `roei backup`. The work is done in the `roei_cli` library.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use jiff::Timestamp;
use roei_cli::backend::{self, Backend, Missing};
use roei_cli::config::{self, LogFormat, Overrides, Resolved};
use roei_cli::{BadInput, admin, audit as chain, backup as copy, runtime};

/// Where the data is: the same options for every command that opens the store.
#[derive(Args, Debug, Clone, Default)]
pub struct StoreArgs {
    /// Data directory; the SQLite database is DIR/roei.sqlite3 [env: ROEI_DATA_DIR] [default:
    /// ./roei-data]
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user@host:5432/db); when set, PostgreSQL is used instead of
    /// SQLite [env: ROEI_DATABASE_URL]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// TOML config file [env: ROEI_CONFIG] [default: ./roei.toml when present]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl StoreArgs {
    fn resolve(&self, mut flags: Overrides) -> Result<Resolved, BadInput> {
        flags.data_dir.clone_from(&self.data_dir);
        flags.database_url.clone_from(&self.database_url);
        config::load(self.config.as_deref(), &flags)
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Address and port to listen on; port 0 picks a free one [env: ROEI_LISTEN] [default:
    /// 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<String>,
    /// Seed demo organisations, users and cases into an empty database and print the demo
    /// logins [env: ROEI_DEMO]
    #[arg(long)]
    demo: bool,
    /// Print the resolved settings as JSON (passwords in URLs masked) and exit.
    #[arg(long)]
    print_config: bool,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an organisation; prints its id.
    CreateOrg {
        /// The organisation's name, e.g. 株式会社デモ商事.
        #[arg(long)]
        name: String,
        /// operator, regulator or police.
        #[arg(long)]
        kind: String,
        /// For operators: private (default), national_public or local_public.
        #[arg(long)]
        regime: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Create a user; prints its id.
    ///
    /// The password is read as one line of standard input (--password-stdin) or from the
    /// environment variable ROEI_PASSWORD; never from a flag, which would show in the process
    /// list and the shell history.
    CreateUser {
        /// The organisation's id (see list-orgs).
        #[arg(long, value_name = "ID")]
        org: String,
        /// The login e-mail address (unique).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// admin, member or viewer.
        #[arg(long)]
        role: String,
        /// Read the password as one line of standard input (else ROEI_PASSWORD).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Set a user's password and end their sessions.
    ///
    /// The password is read as for create-user: --password-stdin or ROEI_PASSWORD.
    ResetPassword {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
        /// Read the password as one line of standard input (else ROEI_PASSWORD).
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Issue an API token for a user; prints it once (only its hash is kept).
    IssueToken {
        /// The user's e-mail address.
        #[arg(long)]
        email: String,
        /// What the token is for, e.g. "ticket system".
        #[arg(long)]
        name: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Record that an operator (entruster, 委託元) entrusts personal data to another
    /// (entrustee, 委託先).
    Entrust {
        /// The entruster's (委託元) organisation id.
        #[arg(long, value_name = "ID")]
        entruster: String,
        /// The entrustee's (委託先) organisation id.
        #[arg(long, value_name = "ID")]
        entrustee: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the organisations: id, kind, regime, name.
    ListOrgs {
        #[command(flatten)]
        store: StoreArgs,
    },
}

const VERIFY_ABOUT: &str = "Walk the hash-chained audit log (in pages of 1000 events) and check \
every link. Prints `audit chain OK: N events, head SEQ HASH` (exit 0) or `audit chain BROKEN at \
event SEQ: problem` (exit 1).

The chain detects any change, removal or reordering of stored events — except the deletion of \
the newest events, which leaves a shorter chain that is still intact. To detect that too, keep \
the head printed by an earlier run (or by `roei backup`) outside the database and pass it back \
with --expect-head SEQ:HASH: the check fails when that event is no longer in the chain with that \
hash.";

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Verify the audit chain (and, with --expect-head, that no newest events were deleted).
    #[command(long_about = VERIFY_ABOUT)]
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        /// An earlier head, SEQ:HASH: fail unless event SEQ is still in the chain with HASH
        /// (detects deletion of the newest events).
        #[arg(long, value_name = "SEQ:HASH")]
        expect_head: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    #[command(flatten)]
    store: StoreArgs,
}

pub fn serve(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let r = args.store.resolve(Overrides {
        listen: args.listen.clone(),
        demo: args.demo.then_some(true),
        ..Overrides::default()
    })?;
    if args.print_config {
        let mut v = r.config.to_redacted_json();
        v["config_file"] = serde_json::json!(r.file.as_ref().map(|p| p.display().to_string()));
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    roei_cli::init_logging("info", r.config.log_format == LogFormat::Json);
    runtime()?.block_on(roei_cli::serve::serve(&r))?;
    Ok(ExitCode::SUCCESS)
}

async fn open(store: &StoreArgs, missing: Missing) -> anyhow::Result<Backend> {
    let r = store.resolve(Overrides::default())?;
    roei_cli::init_logging("warn", r.config.log_format == LogFormat::Json);
    backend::open(&r, missing).await
}

pub fn admin(command: AdminCommand) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let now = Timestamp::now();
        let mut out = std::io::stdout().lock();
        match command {
            AdminCommand::CreateOrg {
                name,
                kind,
                regime,
                store,
            } => {
                let b = open(&store, Missing::Create).await?;
                let org =
                    admin::create_org(&*b.store(), &name, &kind, regime.as_deref(), now).await;
                b.close().await;
                writeln!(out, "{}", org?.id)?;
            }
            AdminCommand::CreateUser {
                org,
                email,
                name,
                role,
                password_stdin,
                store,
            } => {
                let org = admin::parse_org_id("--org", &org)?;
                let password = admin::read_password(password_stdin)?;
                let b = open(&store, Missing::Create).await?;
                let user =
                    admin::create_user(&*b.store(), org, &email, &name, &role, &password, now)
                        .await;
                b.close().await;
                writeln!(out, "{}", user?.id)?;
            }
            AdminCommand::ResetPassword {
                email,
                password_stdin,
                store,
            } => {
                let password = admin::read_password(password_stdin)?;
                let b = open(&store, Missing::Create).await?;
                let user = admin::reset_password(&*b.store(), &email, &password, now).await;
                b.close().await;
                let user = user?;
                writeln!(out, "password reset for {} ({})", user.email, user.id)?;
            }
            AdminCommand::IssueToken { email, name, store } => {
                let b = open(&store, Missing::Create).await?;
                let issued = admin::issue_token(&*b.store(), &email, &name, now).await;
                b.close().await;
                let (token, user) = issued?;
                writeln!(out, "{token}")?;
                eprintln!(
                    "API token \"{name}\" issued for {}: shown once, keep it now (send it as `Authorization: Bearer <token>`)",
                    user.email
                );
            }
            AdminCommand::Entrust {
                entruster,
                entrustee,
                store,
            } => {
                let entruster = admin::parse_org_id("--entruster", &entruster)?;
                let entrustee = admin::parse_org_id("--entrustee", &entrustee)?;
                let b = open(&store, Missing::Create).await?;
                let linked = admin::entrust(&*b.store(), entruster, entrustee, now).await;
                b.close().await;
                linked?;
                writeln!(out, "{entruster} entrusts personal data to {entrustee}")?;
            }
            AdminCommand::ListOrgs { store } => {
                let b = open(&store, Missing::Create).await?;
                let list = admin::list_orgs(&*b.store()).await;
                b.close().await;
                out.write_all(list?.as_bytes())?;
            }
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    })
}

pub fn audit(command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { store, expect_head } = command;
    let expect = expect_head.as_deref().map(chain::parse_head).transpose()?;
    runtime()?.block_on(async {
        let b = open(&store, Missing::Refuse).await?;
        let outcome = chain::verify_chain(&*b.store(), expect.as_ref()).await;
        b.close().await;
        let outcome = outcome?;
        println!("{}", outcome.line());
        Ok(match outcome {
            chain::Outcome::Intact { .. } => ExitCode::SUCCESS,
            chain::Outcome::Broken(_) => ExitCode::FAILURE,
        })
    })
}

pub fn backup(args: &BackupArgs) -> anyhow::Result<ExitCode> {
    let r = args.store.resolve(Overrides::default())?;
    if r.config.database_url.is_some() {
        return Err(BadInput(format!(
            "database_url (from {}): the database is PostgreSQL; back it up with pg_dump, e.g. `pg_dump --format=custom --file=roei.dump \"$ROEI_DATABASE_URL\"`",
            r.source_of("database_url")
        ))
        .into());
    }
    roei_cli::init_logging("warn", r.config.log_format == LogFormat::Json);
    runtime()?.block_on(async {
        let b = backend::open(&r, Missing::Refuse).await?;
        let Backend::Sqlite { store, path } = &b else {
            unreachable!("database_url is not set, so the store is SQLite");
        };
        let info = copy::backup(store, &args.output).await;
        b.close().await;
        let info = info?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "backup of {} written to {}: {} ({} bytes)",
            path.display(),
            info.path.display(),
            copy::human_size(info.bytes),
            info.bytes
        )?;
        match &info.head {
            Some(h) => {
                writeln!(out, "audit head of the backup: {} {}", h.seq, h.hash)?;
                writeln!(
                    out,
                    "keep it to check the live database later: roei audit verify --expect-head {}:{}",
                    h.seq, h.hash
                )?;
            }
            None => writeln!(out, "audit head of the backup: none (the audit log is empty)")?,
        }
        out.flush()?;
        Ok(ExitCode::SUCCESS)
    })
}
