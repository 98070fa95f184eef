-- Statistics (roei-domain::statistics): the regulator's counts by fiscal year, item, cause,
-- sector, persons bracket and stage, one case once by its latest submission, in the fiscal year
-- of its first submission (Japan time).
--
-- Counting a million submissions on every page load is too slow for a page (docs/perf.md,
-- "Statistics"), so the database keeps the counts itself: `statistics_cells` holds one row per
-- combination of the keys but the sector with the number of cases whose latest submission has
-- them, `statistics_sectors` the same by sector alone (free text with many values: in the
-- combinations it would multiply their number, and no page crosses it with another key), and the
-- trigger on `submissions` moves a case from its previous latest submission's cell to the new
-- one's in the same transaction as the insert. The statistics queries are GROUP BYs over these
-- few thousand rows.

-- The keys of every submission, as the statistics count them.
CREATE VIEW statistics_keys AS
SELECT
    s.id,
    s.case_id,
    s.seq,
    s.to_org,
    -- The fiscal year (April–March) of the case's first submission, in Japan time (UTC+9).
    CAST(strftime('%Y',
        (SELECT f.submitted_at_us FROM submissions f
          WHERE f.case_id = s.case_id ORDER BY f.seq LIMIT 1) / 1000000 + 32400,
        'unixepoch', '-3 months') AS INTEGER) AS fiscal_year,
    -- 規則7条 for private operators, 規則43条 for public bodies.
    CASE (SELECT o.regime FROM organisations o WHERE o.id = s.org_id)
        WHEN 'national_public' THEN 43 WHEN 'local_public' THEN 43 ELSE 7 END AS rule,
    -- Items 1–5 as bits 0–4.
    (SELECT coalesce(sum(1 << (CAST(j.value AS INTEGER) - 1)), 0) FROM json_each(s.items) j)
        AS items_mask,
    coalesce(s.cause, '') AS cause,
    coalesce(trim(s.sector), '') AS sector,
    -- The brackets of the inbox filter (roei-domain::statistics::PersonsBracket).
    CASE
        WHEN s.persons IS NULL OR s.persons < 1 THEN 'unknown'
        WHEN s.persons <= 100 THEN '1-100'
        WHEN s.persons <= 1000 THEN '101-1000'
        WHEN s.persons <= 10000 THEN '1001-10000'
        ELSE '10001-'
    END AS persons_bracket,
    s.stage
FROM submissions s;

CREATE TABLE statistics_cells (
    to_org          TEXT    NOT NULL,
    fiscal_year     INTEGER NOT NULL,
    rule            INTEGER NOT NULL,
    items_mask      INTEGER NOT NULL,
    cause           TEXT    NOT NULL,
    persons_bracket TEXT    NOT NULL,
    stage           TEXT    NOT NULL,
    -- No CHECK (cases >= 0): the upsert's proposed row carries a −1 delta.
    cases           INTEGER NOT NULL,
    PRIMARY KEY (to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage)
) STRICT, WITHOUT ROWID;

CREATE TABLE statistics_sectors (
    to_org      TEXT    NOT NULL,
    fiscal_year INTEGER NOT NULL,
    sector      TEXT    NOT NULL,
    cases       INTEGER NOT NULL,
    PRIMARY KEY (to_org, fiscal_year, sector)
) STRICT, WITHOUT ROWID;

-- The counts of what is already there.
INSERT INTO statistics_cells
SELECT to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage, count(*)
FROM statistics_keys k
WHERE NOT EXISTS (SELECT 1 FROM submissions l WHERE l.case_id = k.case_id AND l.seq > k.seq)
GROUP BY to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage;

INSERT INTO statistics_sectors
SELECT to_org, fiscal_year, sector, count(*)
FROM statistics_keys k
WHERE NOT EXISTS (SELECT 1 FROM submissions l WHERE l.case_id = k.case_id AND l.seq > k.seq)
GROUP BY to_org, fiscal_year, sector;

-- A new submission becomes its case's latest: its cell gains the case, the previous latest's
-- cell loses it (nothing moves when both have the same keys). Submissions of a case are
-- inserted in seq order (Store::create_submission).
CREATE TRIGGER submissions_statistics AFTER INSERT ON submissions
BEGIN
    INSERT INTO statistics_cells
        (to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage, cases)
    SELECT k.to_org, k.fiscal_year, k.rule, k.items_mask, k.cause, k.persons_bracket, k.stage,
           sum(d.delta)
    FROM (SELECT NEW.id AS id, 1 AS delta
          UNION ALL
          SELECT * FROM (SELECT p.id, -1 FROM submissions p
                          WHERE p.case_id = NEW.case_id AND p.seq < NEW.seq
                          ORDER BY p.seq DESC LIMIT 1)) d
    JOIN statistics_keys k ON k.id = d.id
    WHERE true
    GROUP BY k.to_org, k.fiscal_year, k.rule, k.items_mask, k.cause, k.persons_bracket, k.stage
    HAVING sum(d.delta) <> 0
    ON CONFLICT (to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage)
    DO UPDATE SET cases = statistics_cells.cases + excluded.cases;

    INSERT INTO statistics_sectors (to_org, fiscal_year, sector, cases)
    SELECT k.to_org, k.fiscal_year, k.sector, sum(d.delta)
    FROM (SELECT NEW.id AS id, 1 AS delta
          UNION ALL
          SELECT * FROM (SELECT p.id, -1 FROM submissions p
                          WHERE p.case_id = NEW.case_id AND p.seq < NEW.seq
                          ORDER BY p.seq DESC LIMIT 1)) d
    JOIN statistics_keys k ON k.id = d.id
    WHERE true
    GROUP BY k.to_org, k.fiscal_year, k.sector
    HAVING sum(d.delta) <> 0
    ON CONFLICT (to_org, fiscal_year, sector)
    DO UPDATE SET cases = statistics_sectors.cases + excluded.cases;
END;
