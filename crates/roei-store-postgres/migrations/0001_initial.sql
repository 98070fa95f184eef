-- roei's schema. Timestamps are microseconds since the Unix epoch (bigint), so they round-trip
-- exactly; dates are `date`; facts and determinations are jsonb. Audit payloads are text: the
-- chain hash covers their exact bytes, which jsonb would not keep.

CREATE TABLE organisations (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL,
    regime        text NULL,
    created_at_us bigint NOT NULL
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    org_id        uuid NOT NULL REFERENCES organisations (id),
    email         text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    role          text NOT NULL,
    password_hash text NOT NULL,
    created_at_us bigint NOT NULL
);

CREATE INDEX users_org_id ON users (org_id);

CREATE TABLE entrustments (
    entruster     uuid NOT NULL REFERENCES organisations (id),
    entrustee     uuid NOT NULL REFERENCES organisations (id),
    created_at_us bigint NOT NULL,
    PRIMARY KEY (entruster, entrustee)
);

CREATE INDEX entrustments_entrustee ON entrustments (entrustee);

CREATE TABLE cases (
    id            uuid PRIMARY KEY,
    org_id        uuid NOT NULL REFERENCES organisations (id),
    title         text NOT NULL,
    known_on      date NOT NULL,
    facts         jsonb NOT NULL,
    status        text NOT NULL,
    version       bigint NOT NULL,
    created_at_us bigint NOT NULL,
    updated_at_us bigint NOT NULL
);

CREATE INDEX cases_org_created ON cases (org_id, created_at_us);

CREATE TABLE determinations (
    case_id          uuid NOT NULL REFERENCES cases (id),
    seq              bigint NOT NULL,
    facts            jsonb NOT NULL,
    law_version      text NOT NULL,
    report_required  boolean NOT NULL,
    final_report_due date NULL,
    determination    jsonb NOT NULL,
    assessed_at_us   bigint NOT NULL,
    assessed_by      uuid NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE audit_events (
    seq       bigint PRIMARY KEY,
    at_us     bigint NOT NULL,
    actor     uuid NULL,
    org       uuid NULL,
    action    text NOT NULL,
    subject   text NOT NULL,
    payload   text NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL
);
