-- Reports (drafts and submissions), what happens around a case (entruster notices, police
-- reports, messages, regulator actions) and the server's own records (sessions, API tokens,
-- login failures, the mail outbox). Same conventions as 0001: ids are uuid, timestamps are
-- microseconds since the Unix epoch (bigint, suffix _us), dates are `date`, report contents and
-- item lists are jsonb.

-- The working copy of a case's report (one per case).
CREATE TABLE report_drafts (
    case_id       uuid PRIMARY KEY REFERENCES cases (id),
    org_id        uuid NOT NULL REFERENCES organisations (id),
    content       jsonb NOT NULL,
    version       bigint NOT NULL,
    updated_at_us bigint NOT NULL,
    updated_by    uuid NULL
);

-- Submitted versions of a report: immutable but for the acknowledgement.
CREATE TABLE submissions (
    id                 uuid PRIMARY KEY,
    case_id            uuid NOT NULL REFERENCES cases (id),
    org_id             uuid NOT NULL REFERENCES organisations (id),
    to_org             uuid NOT NULL REFERENCES organisations (id),
    seq                bigint NOT NULL,
    stage              text NOT NULL,
    content            jsonb NOT NULL,
    determination_seq  bigint NOT NULL,
    law_version        text NOT NULL,
    items              jsonb NOT NULL,
    persons            bigint NULL,
    cause              text NULL,
    sector             text NULL,
    final_report_due   date NULL,
    submitted_at_us    bigint NOT NULL,
    submitted_by       uuid NOT NULL,
    idempotency_key    text NULL,
    acknowledged_at_us bigint NULL,
    acknowledged_by    uuid NULL,
    CONSTRAINT submissions_case_seq UNIQUE (case_id, seq),
    CONSTRAINT submissions_org_idempotency_key UNIQUE (org_id, idempotency_key)
);

-- The regulator's inbox groups its submissions by case.
CREATE INDEX submissions_to_org_case ON submissions (to_org, case_id, seq);

-- 委託元への通知.
CREATE TABLE entruster_notices (
    id             uuid PRIMARY KEY,
    case_id        uuid NOT NULL REFERENCES cases (id),
    org_id         uuid NOT NULL REFERENCES organisations (id),
    entruster_org  uuid NULL REFERENCES organisations (id),
    entruster_name text NOT NULL,
    content        jsonb NOT NULL,
    sent_at_us     bigint NOT NULL,
    sent_by        uuid NOT NULL
);

CREATE INDEX entruster_notices_case ON entruster_notices (case_id, sent_at_us);
CREATE INDEX entruster_notices_entruster ON entruster_notices (entruster_org, sent_at_us)
    WHERE entruster_org IS NOT NULL;

CREATE TABLE police_reports (
    id              uuid PRIMARY KEY,
    case_id         uuid NOT NULL REFERENCES cases (id),
    org_id          uuid NOT NULL REFERENCES organisations (id),
    prefecture_code text NOT NULL,
    reported_on     date NOT NULL,
    receipt_number  text NULL,
    note            text NULL,
    recorded_at_us  bigint NOT NULL,
    recorded_by     uuid NOT NULL
);

CREATE INDEX police_reports_case ON police_reports (case_id, recorded_at_us);

-- The operator–regulator thread of a case.
CREATE TABLE messages (
    id         uuid PRIMARY KEY,
    case_id    uuid NOT NULL REFERENCES cases (id),
    org_id     uuid NOT NULL REFERENCES organisations (id),
    author_org uuid NOT NULL REFERENCES organisations (id),
    author     uuid NOT NULL,
    body       text NOT NULL,
    sent_at_us bigint NOT NULL
);

CREATE INDEX messages_case ON messages (case_id, sent_at_us);

CREATE TABLE regulator_actions (
    id              uuid PRIMARY KEY,
    case_id         uuid NOT NULL REFERENCES cases (id),
    org_id          uuid NOT NULL REFERENCES organisations (id),
    regulator_org   uuid NOT NULL REFERENCES organisations (id),
    kind            text NOT NULL,
    submission_id   uuid NULL,
    prefecture_code text NULL,
    note            text NULL,
    at_us           bigint NOT NULL,
    by_user         uuid NOT NULL
);

CREATE INDEX regulator_actions_case ON regulator_actions (case_id, at_us);

-- Login sessions, by the SHA-256 of the cookie's token.
CREATE TABLE sessions (
    token_hash    text PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    csrf_token    text NOT NULL,
    created_at_us bigint NOT NULL,
    expires_at_us bigint NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at_us);

CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    name          text NOT NULL,
    token_hash    text NOT NULL,
    created_at_us bigint NOT NULL,
    revoked_at_us bigint NULL,
    CONSTRAINT api_tokens_token_hash UNIQUE (token_hash)
);

CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at_us);

-- Failed logins by key (an e-mail or a client address), for throttling.
CREATE TABLE login_failures (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key   text NOT NULL,
    at_us bigint NOT NULL
);

CREATE INDEX login_failures_key_at ON login_failures (key, at_us);

-- Mail waiting to be (or already) sent. `dedupe_key` keeps one row per reminder however many
-- servers enqueue it; workers claim rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox (
    id               uuid PRIMARY KEY,
    dedupe_key       text NOT NULL,
    kind             text NOT NULL,
    org_id           uuid NULL REFERENCES organisations (id),
    case_id          uuid NULL REFERENCES cases (id),
    recipient        text NOT NULL,
    subject          text NOT NULL,
    body             text NOT NULL,
    created_at_us    bigint NOT NULL,
    claimed_until_us bigint NULL,
    claimed_by       text NULL,
    sent_at_us       bigint NULL,
    attempts         bigint NOT NULL,
    last_error       text NULL,
    CONSTRAINT outbox_dedupe_key UNIQUE (dedupe_key)
);

CREATE INDEX outbox_unsent ON outbox (created_at_us, id) WHERE sent_at_us IS NULL;
CREATE INDEX outbox_created ON outbox (created_at_us, id);
CREATE INDEX outbox_org_created ON outbox (org_id, created_at_us, id);

-- The deadline board lists open cases.
CREATE INDEX cases_open_org ON cases (org_id) WHERE status = 'open';
