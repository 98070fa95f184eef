//! Helpers of the server-side tests: the real `roei` binary with a clean environment, a running
//! server read line by line, a bare HTTP/1.1 GET, and fresh PostgreSQL databases.

#![allow(dead_code, clippy::missing_panics_doc)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The binary with no `ROEI_*` or `RUST_LOG` setting inherited, run in `dir`.
pub fn roei(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_roei"));
    for (k, _) in std::env::vars_os() {
        if k.to_str()
            .is_some_and(|k| k.starts_with("ROEI_") || k == "RUST_LOG")
        {
            c.env_remove(k);
        }
    }
    c.current_dir(dir).stdin(Stdio::null());
    c
}

/// Runs to completion with `stdin` fed in.
pub fn run(mut cmd: Command, stdin: Option<&str>) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn roei");
    let mut pipe = child.stdin.take().expect("stdin");
    pipe.write_all(stdin.unwrap_or("").as_bytes())
        .expect("write stdin");
    drop(pipe);
    child.wait_with_output().expect("roei output")
}

/// Runs a command expected to exit soon; kills it (and fails) if it is still running after a
/// minute, e.g. a server that started when it should have refused its settings.
pub fn run_briefly(mut cmd: Command) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn roei");
    let deadline = Instant::now() + Duration::from_mins(1);
    while matches!(child.try_wait(), Ok(None)) {
        if Instant::now() > deadline {
            let _ = child.kill();
            let o = child.wait_with_output().expect("output");
            panic!(
                "still running after a minute: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("roei output")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// A running `roei serve`, stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Standard output so far.
    pub out: Vec<String>,
    /// `http://127.0.0.1:PORT` from the listening line.
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

const WAIT: Duration = Duration::from_mins(2);

impl Server {
    /// Starts `roei serve ARGS` in `dir` and waits for the listening line.
    pub fn start(dir: &Path, args: &[&str]) -> Server {
        let log = std::fs::File::create(dir.join("server.log")).expect("log file");
        let mut child = roei(dir)
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawn roei serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut s = Server {
            child,
            lines: rx,
            out: Vec::new(),
            url: String::new(),
            addr: String::new(),
        };
        let first = s.next_line(dir);
        let rest = first
            .strip_prefix("roei listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"));
        let addr = rest.split(' ').next().expect("address").to_owned();
        s.url = format!("http://{addr}");
        s.addr = addr;
        s
    }

    /// The next line of standard output (panics, with the server's log, after a long wait).
    pub fn next_line(&mut self, dir: &Path) -> String {
        match self.lines.recv_timeout(WAIT) {
            Ok(line) => {
                self.out.push(line.clone());
                line
            }
            Err(e) => panic!(
                "no line from roei serve ({e}); stdout so far: {:?}; log:\n{}",
                self.out,
                std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
            ),
        }
    }

    /// Reads lines until one contains `needle`.
    pub fn wait_for(&mut self, dir: &Path, needle: &str) {
        while !self.out.iter().any(|l| l.contains(needle)) {
            self.next_line(dir);
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then waits; returns whether it exited successfully.
    pub fn stop(mut self) -> bool {
        self.terminate()
    }

    fn terminate(&mut self) -> bool {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    return false;
                }
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.terminate();
        }
    }
}

/// A bare HTTP/1.1 GET: (status code, body).
pub fn http_get(addr: &str, path: &str, bearer: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let auth = bearer.map_or_else(String::new, |t| format!("Authorization: Bearer {t}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("send request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response");
    let code = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_owned()
    };
    (code, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// The PostgreSQL server of the tests (its own database only creates the test databases).
fn admin_url() -> String {
    std::env::var("ROEI_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A brand-new empty database `roei_test_<uuid>`: (its URL, its name).
pub async fn create_pg_database() -> (String, String) {
    let admin = admin_url();
    let options: sqlx::postgres::PgConnectOptions = admin.parse().expect("a PostgreSQL URL");
    let (_, name) = roei_store_postgres::scratch::create(&options, "roei_test_")
        .await
        .unwrap_or_else(|e| panic!("{e} (set ROEI_TEST_DATABASE_URL)"));
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b.to_owned(), format!("?{q}")),
        None => (admin.clone(), String::new()),
    };
    let (server, _) = base.rsplit_once('/').expect("a URL with a database");
    (format!("{server}/{name}{query}"), name)
}

/// Drops a database made by [`create_pg_database`].
pub async fn drop_pg_database(name: &str) {
    let options: sqlx::postgres::PgConnectOptions = admin_url().parse().expect("a PostgreSQL URL");
    roei_store_postgres::scratch::drop(&options, name).await;
}
