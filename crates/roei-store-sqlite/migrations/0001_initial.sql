-- roei on SQLite: the initial schema.
--
-- Ids are UUID text (hyphenated, lower case), timestamps are microseconds since the Unix epoch
-- (INTEGER, suffix _us), dates are 'YYYY-MM-DD' text, facts and determinations are JSON text.
-- Tables are STRICT so a value of the wrong type is refused at write time.

CREATE TABLE organisations (
    id            TEXT    NOT NULL PRIMARY KEY,
    name          TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    regime        TEXT    NULL,
    created_at_us INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT    NOT NULL PRIMARY KEY,
    org_id        TEXT    NOT NULL REFERENCES organisations (id),
    email         TEXT    NOT NULL UNIQUE,
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX users_org ON users (org_id, created_at_us);

-- 委託: the entrustee handles personal data on behalf of the entruster.
CREATE TABLE entrustments (
    entruster     TEXT    NOT NULL REFERENCES organisations (id),
    entrustee     TEXT    NOT NULL REFERENCES organisations (id),
    created_at_us INTEGER NOT NULL,
    PRIMARY KEY (entruster, entrustee)
) STRICT;

CREATE INDEX entrustments_entrustee ON entrustments (entrustee);

CREATE TABLE cases (
    id            TEXT    NOT NULL PRIMARY KEY,
    org_id        TEXT    NOT NULL REFERENCES organisations (id),
    title         TEXT    NOT NULL,
    known_on      TEXT    NOT NULL,
    facts         TEXT    NOT NULL CHECK (json_valid(facts)),
    status        TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL,
    updated_at_us INTEGER NOT NULL
) STRICT;

CREATE INDEX cases_org_created ON cases (org_id, created_at_us);

-- Determinations are never changed: a change of facts appends the next seq.
CREATE TABLE determinations (
    case_id          TEXT    NOT NULL REFERENCES cases (id),
    seq              INTEGER NOT NULL,
    facts            TEXT    NOT NULL CHECK (json_valid(facts)),
    law_version      TEXT    NOT NULL,
    report_required  INTEGER NOT NULL CHECK (report_required IN (0, 1)),
    final_report_due TEXT    NULL,
    determination    TEXT    NOT NULL CHECK (json_valid(determination)),
    assessed_at_us   INTEGER NOT NULL,
    assessed_by      TEXT    NULL,
    PRIMARY KEY (case_id, seq)
) STRICT;

-- The hash-chained audit log. seq is the rowid; the store assigns 1, 2, 3… inside the
-- transaction of the change it records (BEGIN IMMEDIATE: one writer at a time).
CREATE TABLE audit_events (
    seq       INTEGER NOT NULL PRIMARY KEY,
    at_us     INTEGER NOT NULL,
    actor     TEXT    NULL,
    org       TEXT    NULL,
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    payload   TEXT    NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
) STRICT;
