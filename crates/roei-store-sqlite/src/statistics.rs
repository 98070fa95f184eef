//! [`StatisticsStore`] on SQLite: GROUP BYs over `statistics_cells` (or `statistics_sectors`),
//! the counts the database keeps up to date on every submission (migration 0005).

use async_trait::async_trait;
use roei_domain::StoreResult;
use roei_domain::model::OrgId;
use roei_domain::statistics::{self, Count, Dimension, FiscalYear, StatisticsStore};
use sqlx::Row;

use crate::{SqliteStore, backend};

/// The SQL of a dimension's key over `statistics_cells c` (and the item numbers `i`).
fn key_sql(d: Dimension) -> &'static str {
    match d {
        Dimension::FiscalYear => "CAST(c.fiscal_year AS TEXT)",
        Dimension::Item => {
            "CASE WHEN i.n IS NULL THEN 'none' ELSE 'rule' || c.rule || ':' || i.n END"
        }
        Dimension::Cause => "CASE c.cause WHEN '' THEN 'unknown' ELSE c.cause END",
        Dimension::Sector => "CASE c.sector WHEN '' THEN 'unknown' ELSE c.sector END",
        Dimension::Persons => "c.persons_bracket",
        Dimension::Stage => "c.stage",
    }
}

/// The counts query: `?1` the regulator, `?2` the fiscal year or NULL for all.
pub(crate) fn counts_sql(rows: Dimension, cols: Option<Dimension>) -> String {
    let items = rows == Dimension::Item || cols == Some(Dimension::Item);
    format!(
        "SELECT {r} AS row_key, {c} AS col_key, sum(c.cases) AS n \
         FROM {table} c {join} \
         WHERE c.to_org = ?1 AND (?2 IS NULL OR c.fiscal_year = ?2) \
         GROUP BY 1, 2 HAVING sum(c.cases) > 0 ORDER BY 1, 2",
        table = if rows == Dimension::Sector {
            "statistics_sectors"
        } else {
            "statistics_cells"
        },
        r = key_sql(rows),
        c = cols.map_or("NULL", key_sql),
        join = if items {
            "LEFT JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 \
             UNION ALL SELECT 4 UNION ALL SELECT 5) i ON (c.items_mask >> (i.n - 1)) & 1 = 1"
        } else {
            ""
        },
    )
}

#[async_trait]
impl StatisticsStore for SqliteStore {
    async fn statistics_counts(
        &self,
        regulator: OrgId,
        fiscal_year: Option<FiscalYear>,
        rows: Dimension,
        cols: Option<Dimension>,
    ) -> StoreResult<Vec<Count>> {
        statistics::check_dimensions(rows, cols)?;
        let sql = counts_sql(rows, cols);
        // Built from the fixed fragments above only; the values are bound.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(regulator.to_string())
            .bind(fiscal_year.map(|f| f.0))
            .fetch_all(self.pool())
            .await
            .map_err(|e| backend("counting the statistics", &e))?
            .iter()
            .map(|r| {
                let n: i64 = r
                    .try_get("n")
                    .map_err(|e| backend("statistics_cells.cases", &e))?;
                Ok(Count {
                    row: r
                        .try_get("row_key")
                        .map_err(|e| backend("statistics key", &e))?,
                    col: r
                        .try_get("col_key")
                        .map_err(|e| backend("statistics key", &e))?,
                    cases: u64::try_from(n).unwrap_or(0),
                })
            })
            .collect()
    }
}
