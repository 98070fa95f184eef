-- Reports (drafts and submissions), what happens around a case (entruster notices, police
-- reports, messages, regulator actions) and the server's own records (sessions, API tokens,
-- login failures, the mail outbox). Same conventions as 0001: ids are UUID text, timestamps
-- are microseconds since the Unix epoch (INTEGER, suffix _us), dates are 'YYYY-MM-DD' text,
-- report contents and item lists are JSON text. STRICT throughout.

-- The working copy of a case's report (one per case).
CREATE TABLE report_drafts (
    case_id       TEXT    NOT NULL PRIMARY KEY REFERENCES cases (id),
    org_id        TEXT    NOT NULL REFERENCES organisations (id),
    content       TEXT    NOT NULL CHECK (json_valid(content)),
    version       INTEGER NOT NULL CHECK (version >= 1),
    updated_at_us INTEGER NOT NULL,
    updated_by    TEXT    NULL
) STRICT;

-- Submitted versions of a report: immutable but for the acknowledgement.
CREATE TABLE submissions (
    id                 TEXT    NOT NULL PRIMARY KEY,
    case_id            TEXT    NOT NULL REFERENCES cases (id),
    org_id             TEXT    NOT NULL REFERENCES organisations (id),
    to_org             TEXT    NOT NULL REFERENCES organisations (id),
    seq                INTEGER NOT NULL,
    stage              TEXT    NOT NULL,
    content            TEXT    NOT NULL CHECK (json_valid(content)),
    determination_seq  INTEGER NOT NULL,
    law_version        TEXT    NOT NULL,
    items              TEXT    NOT NULL CHECK (json_valid(items)),
    persons            INTEGER NULL CHECK (persons >= 0),
    cause              TEXT    NULL,
    sector             TEXT    NULL,
    final_report_due   TEXT    NULL,
    submitted_at_us    INTEGER NOT NULL,
    submitted_by       TEXT    NOT NULL,
    idempotency_key    TEXT    NULL,
    acknowledged_at_us INTEGER NULL,
    acknowledged_by    TEXT    NULL,
    UNIQUE (case_id, seq),
    UNIQUE (org_id, idempotency_key)
) STRICT;

-- The regulator's inbox groups its submissions by case.
CREATE INDEX submissions_to_org_case ON submissions (to_org, case_id, seq);

-- 委託元への通知.
CREATE TABLE entruster_notices (
    id             TEXT    NOT NULL PRIMARY KEY,
    case_id        TEXT    NOT NULL REFERENCES cases (id),
    org_id         TEXT    NOT NULL REFERENCES organisations (id),
    entruster_org  TEXT    NULL REFERENCES organisations (id),
    entruster_name TEXT    NOT NULL,
    content        TEXT    NOT NULL CHECK (json_valid(content)),
    sent_at_us     INTEGER NOT NULL,
    sent_by        TEXT    NOT NULL
) STRICT;

CREATE INDEX entruster_notices_case ON entruster_notices (case_id, sent_at_us);
CREATE INDEX entruster_notices_entruster ON entruster_notices (entruster_org, sent_at_us)
    WHERE entruster_org IS NOT NULL;

-- The operator's own report to a prefectural police.
CREATE TABLE police_reports (
    id              TEXT    NOT NULL PRIMARY KEY,
    case_id         TEXT    NOT NULL REFERENCES cases (id),
    org_id          TEXT    NOT NULL REFERENCES organisations (id),
    prefecture_code TEXT    NOT NULL,
    reported_on     TEXT    NOT NULL,
    receipt_number  TEXT    NULL,
    note            TEXT    NULL,
    recorded_at_us  INTEGER NOT NULL,
    recorded_by     TEXT    NOT NULL
) STRICT;

CREATE INDEX police_reports_case ON police_reports (case_id, recorded_at_us);

-- The operator–regulator thread of a case.
CREATE TABLE messages (
    id         TEXT    NOT NULL PRIMARY KEY,
    case_id    TEXT    NOT NULL REFERENCES cases (id),
    org_id     TEXT    NOT NULL REFERENCES organisations (id),
    author_org TEXT    NOT NULL REFERENCES organisations (id),
    author     TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    sent_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX messages_case ON messages (case_id, sent_at_us);

CREATE TABLE regulator_actions (
    id              TEXT    NOT NULL PRIMARY KEY,
    case_id         TEXT    NOT NULL REFERENCES cases (id),
    org_id          TEXT    NOT NULL REFERENCES organisations (id),
    regulator_org   TEXT    NOT NULL REFERENCES organisations (id),
    kind            TEXT    NOT NULL,
    submission_id   TEXT    NULL,
    prefecture_code TEXT    NULL,
    note            TEXT    NULL,
    at_us           INTEGER NOT NULL,
    by_user         TEXT    NOT NULL
) STRICT;

CREATE INDEX regulator_actions_case ON regulator_actions (case_id, at_us);

-- Login sessions, by the SHA-256 of the cookie's token.
CREATE TABLE sessions (
    token_hash    TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id),
    csrf_token    TEXT    NOT NULL,
    created_at_us INTEGER NOT NULL,
    expires_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at_us);

-- API tokens, by the SHA-256 of the token.
CREATE TABLE api_tokens (
    id            TEXT    NOT NULL PRIMARY KEY,
    user_id       TEXT    NOT NULL REFERENCES users (id),
    name          TEXT    NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    created_at_us INTEGER NOT NULL,
    revoked_at_us INTEGER NULL
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at_us);

-- Failed logins by key (an e-mail or a client address), for throttling.
CREATE TABLE login_failures (
    id    INTEGER NOT NULL PRIMARY KEY,
    key   TEXT    NOT NULL,
    at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX login_failures_key_at ON login_failures (key, at_us);

-- Mail waiting to be (or already) sent. `dedupe_key` keeps one row per reminder however many
-- servers enqueue it; a worker claims rows inside BEGIN IMMEDIATE (one writer at a time).
CREATE TABLE outbox (
    id               TEXT    NOT NULL PRIMARY KEY,
    dedupe_key       TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL,
    org_id           TEXT    NULL REFERENCES organisations (id),
    case_id          TEXT    NULL REFERENCES cases (id),
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    created_at_us    INTEGER NOT NULL,
    claimed_until_us INTEGER NULL,
    claimed_by       TEXT    NULL,
    sent_at_us       INTEGER NULL,
    attempts         INTEGER NOT NULL,
    last_error       TEXT    NULL
) STRICT;

CREATE INDEX outbox_unsent ON outbox (created_at_us, id) WHERE sent_at_us IS NULL;
CREATE INDEX outbox_created ON outbox (created_at_us, id);
CREATE INDEX outbox_org_created ON outbox (org_id, created_at_us, id);

-- The deadline board lists open cases, of one operator or of all.
CREATE INDEX cases_open_org ON cases (org_id, known_on) WHERE status = 'open';
CREATE INDEX cases_open ON cases (known_on) WHERE status = 'open';
