-- Statistics (roei-domain::statistics): the regulator's counts by fiscal year, item, cause,
-- sector, persons bracket and stage, one case once by its latest submission, in the fiscal year
-- of its first submission (Japan time).
--
-- Counting a million submissions on every page load is too slow for a page (docs/perf.md,
-- "Statistics"), so the database keeps the counts itself: `statistics_cells` holds one row per
-- combination of the keys but the sector with the number of cases whose latest submission has
-- them, `statistics_sectors` the same by sector alone (free text with many values: in the
-- combinations it would multiply their number, and no page crosses it with another key), and a
-- statement-level trigger on `submissions` moves each case of the inserted rows from its
-- previous latest submission's cell to the new one's, in the inserting transaction. The
-- statistics queries are GROUP BYs over these few thousand rows.

-- The keys of every submission, as the statistics count them.
CREATE VIEW statistics_keys AS
SELECT
    s.id,
    s.case_id,
    s.seq,
    s.to_org,
    -- The fiscal year (April–March) of the case's first submission, in Japan time (UTC+9).
    extract(year FROM (to_timestamp(
        (SELECT f.submitted_at_us FROM submissions f
          WHERE f.case_id = s.case_id ORDER BY f.seq LIMIT 1) / 1000000 + 32400)
        AT TIME ZONE 'UTC') - interval '3 months')::int AS fiscal_year,
    -- 規則7条 for private operators, 規則43条 for public bodies.
    CASE (SELECT o.regime FROM organisations o WHERE o.id = s.org_id)
        WHEN 'national_public' THEN 43 WHEN 'local_public' THEN 43 ELSE 7 END AS rule,
    -- Items 1–5 as bits 0–4.
    (SELECT coalesce(sum(1 << (j.v::int - 1)), 0)::int
       FROM jsonb_array_elements_text(s.items) AS j(v)) AS items_mask,
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
    to_org          uuid   NOT NULL,
    fiscal_year     int    NOT NULL,
    rule            int    NOT NULL,
    items_mask      int    NOT NULL,
    cause           text   NOT NULL,
    persons_bracket text   NOT NULL,
    stage           text   NOT NULL,
    -- No CHECK (cases >= 0): the upsert's proposed row carries a −1 delta.
    cases           bigint NOT NULL,
    PRIMARY KEY (to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage)
);

CREATE TABLE statistics_sectors (
    to_org      uuid   NOT NULL,
    fiscal_year int    NOT NULL,
    sector      text   NOT NULL,
    cases       bigint NOT NULL,
    PRIMARY KEY (to_org, fiscal_year, sector)
);

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

-- The inserted rows' cases move to their new latest submission's cell. Set-based, so a bulk
-- INSERT … SELECT costs one statement; the cells are updated in key order, so two
-- transactions never wait for each other's cells in opposite orders.
CREATE FUNCTION statistics_on_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO statistics_cells AS c
        (to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage, cases)
    SELECT k.to_org, k.fiscal_year, k.rule, k.items_mask, k.cause, k.persons_bracket, k.stage,
           sum(d.delta)
    FROM (
        -- Each case's newest inserted row gains it …
        (SELECT DISTINCT ON (n.case_id) n.id, 1 AS delta
           FROM new_rows n ORDER BY n.case_id, n.seq DESC)
        UNION ALL
        -- … and its latest row before them loses it.
        SELECT p.id, -1
          FROM (SELECT case_id, min(seq) AS first_new FROM new_rows GROUP BY case_id) f
          JOIN LATERAL (SELECT q.id FROM submissions q
                         WHERE q.case_id = f.case_id AND q.seq < f.first_new
                         ORDER BY q.seq DESC LIMIT 1) p ON true
    ) d
    JOIN statistics_keys k ON k.id = d.id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(d.delta) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (to_org, fiscal_year, rule, items_mask, cause, persons_bracket, stage)
    DO UPDATE SET cases = c.cases + excluded.cases;

    INSERT INTO statistics_sectors AS c (to_org, fiscal_year, sector, cases)
    SELECT k.to_org, k.fiscal_year, k.sector, sum(d.delta)
    FROM (
        -- Each case's newest inserted row gains it …
        (SELECT DISTINCT ON (n.case_id) n.id, 1 AS delta
           FROM new_rows n ORDER BY n.case_id, n.seq DESC)
        UNION ALL
        -- … and its latest row before them loses it.
        SELECT p.id, -1
          FROM (SELECT case_id, min(seq) AS first_new FROM new_rows GROUP BY case_id) f
          JOIN LATERAL (SELECT q.id FROM submissions q
                         WHERE q.case_id = f.case_id AND q.seq < f.first_new
                         ORDER BY q.seq DESC LIMIT 1) p ON true
    ) d
    JOIN statistics_keys k ON k.id = d.id
    GROUP BY 1, 2, 3
    HAVING sum(d.delta) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT (to_org, fiscal_year, sector)
    DO UPDATE SET cases = c.cases + excluded.cases;

    RETURN NULL;
END
$$;

CREATE TRIGGER submissions_statistics AFTER INSERT ON submissions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_on_submissions();
