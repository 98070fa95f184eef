// The regulator's statistics: the page shows a chart (SVG with a title and a description)
// beside each table, filters by fiscal year and exports CSV; the police package hides the
// small counts the page shows and is published to the NPA under a designated scope (the NPA
// sees the hidden cells, the prefectural police nothing); the settings page shows the
// memorandum's term; the police and operators never see the statistics.
import { test, expect } from '@playwright/test';
import { login, session, shot, expectAllLabelled } from './helpers';

/** The fiscal year (April–March) of today in Japan. */
function fiscalYear(d = new Date()): number {
  const jst = new Date(d.getTime() + 9 * 3600 * 1000);
  return jst.getUTCMonth() >= 3 ? jst.getUTCFullYear() : jst.getUTCFullYear() - 1;
}

test('statistics page shows charts and the police package hides small cells', async ({ page, browser }) => {
  await login(page, 'officer@ppc.example');
  await page.getByRole('link', { name: '統計', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: '漏えい等報告の統計' })).toBeVisible();
  // Every year of the demo's history is charted.
  const years = page.locator('#chart-fiscal_year');
  await expect(years).toBeVisible();
  await expect(years.locator('rect')).toHaveCount(3);
  await expectAllLabelled(page);

  // Last year: the charts and their tables.
  const last = fiscalYear() - 1;
  await page.getByRole('combobox', { name: '年度' }).selectOption(String(last));
  await page.getByRole('button', { name: '表示' }).click();
  await expect(page).toHaveURL(new RegExp(`fiscal_year=${last}`));
  for (const id of ['item', 'cause', 'sector', 'persons', 'stage']) {
    const chart = page.locator(`svg#chart-${id}`);
    await expect(chart).toBeVisible();
    await expect(chart).toHaveAttribute('role', 'img');
    await expect(chart.locator('title')).not.toBeEmpty();
    await expect(chart.locator('desc')).not.toBeEmpty();
    await expect(page.locator(`#table-${id}`)).toBeVisible();
  }
  // The chart is named by its title for assistive technology.
  await expect(page.getByRole('img', { name: '原因別の件数' })).toBeVisible();
  // The raw table shows a count of one (the single theft) and a large one.
  const cause = page.locator('#table-cause');
  await expect(cause.getByRole('row', { name: /^盗難/ }).locator('td')).toHaveText('1');
  await expect(cause.getByRole('row', { name: /^不正アクセス/ }).locator('td')).toHaveText('9');
  await shot(page, 'statistics');

  // The CSV export.
  const csv = await page.request.get(`/statistics.csv?fiscal_year=${last}`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
  const body = await csv.body();
  expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(body.toString('utf8')).toContain('cause,原因別の件数,theft,盗難,cases,件数,1\r\n');

  // The police package of that year: the theft's cell is hidden, and so is its row total.
  await page.getByRole('link', { name: /警察への統計パッケージ/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: '警察への統計パッケージ' })).toBeVisible();
  await expect(page.locator('#pkg-hidden')).toContainText('秘匿したセル');
  const cross = page.locator('#table-cause_by_persons');
  const theft = cross.getByRole('row', { name: /^盗難/ });
  await expect(theft.locator('td.hidden-cell').first()).toHaveText('x');
  await expect(theft.locator('td').last()).toHaveText('x');
  // No published number of the package is between 1 and 4.
  const shown = await page.locator('.stat-table td:not(.hidden-cell)').allTextContents();
  for (const t of shown) {
    const n = Number(t.replace(/,/g, ''));
    expect(n === 0 || n >= 5, `a published count of ${t}`).toBeTruthy();
  }
  await shot(page, 'statistics-package');
  // A stricter threshold hides more.
  const before = await page.locator('td.hidden-cell').count();
  await page.getByLabel(/秘匿の基準/).fill('10');
  await page.getByRole('button', { name: '作成' }).click();
  expect(await page.locator('td.hidden-cell').count()).toBeGreaterThanOrEqual(before);
  // The JSON download is the package as published.
  const json = await page.request.get(`/statistics/package.json?fiscal_year=${last}&threshold=5`);
  expect(json.status()).toBe(200);
  const pkg = await json.json();
  expect(pkg.format).toBe('roei.statistics_package.v1');
  expect(pkg.threshold).toBe(5);
  const cells: (number | null)[] = pkg.tables.flatMap((t: any) => t.cells.flat());
  expect(cells).toContain(null);
  expect(cells.filter((v) => v !== null && v > 0 && v < 5)).toEqual([]);

  // Published to the NPA under a designated scope: the shared item shows the hidden cells.
  const publish = page.locator('#publish-form');
  await expect(publish).toBeVisible();
  await expectAllLabelled(page);
  await publish.getByLabel('警察庁サイバー警察局').check();
  await publish.getByLabel('TLP').selectOption('AMBER');
  await publish.getByRole('button', { name: '警察へ共有する' }).click();
  await expect(page).toHaveURL(/\/sharing\/items\//);
  const itemPath = new URL(page.url()).pathname;
  await expect(page.locator('#scope-item [data-tlp]')).toHaveText('TLP:AMBER');
  await expect(page.locator('#scope-item .recipients')).toHaveText('警察庁サイバー警察局');
  const shared = page.locator('#item-package #table-cause_by_persons');
  await expect(shared.getByRole('row', { name: /^盗難/ }).locator('td').last()).toHaveText('x');
  await shot(page, 'statistics-package-shared');

  // The NPA reads it with the same hidden cells; the prefectural police never see it.
  const npa = await session(browser, 'liaison@npa.example');
  await npa.page.goto(itemPath);
  const seen = npa.page.locator('#item-package #table-cause_by_persons');
  await expect(seen.getByRole('row', { name: /^盗難/ }).locator('td').last()).toHaveText('x');
  const visible = await npa.page.locator('#item-package td:not(.hidden-cell)').allTextContents();
  for (const t of visible) {
    const n = Number(t.replace(/,/g, ''));
    expect(n === 0 || n >= 5, `a published count of ${t}`).toBeTruthy();
  }
  await npa.context.close();
  const osaka = await session(browser, 'liaison@osaka-police.example');
  expect((await osaka.page.goto(itemPath))?.status()).toBe(404);
  await osaka.context.close();
});

test('the settings page shows the memorandum term and its next objection deadline', async ({ page }) => {
  await login(page, 'officer@ppc.example');
  await page.getByRole('link', { name: '設定', exact: true }).click();
  await expect(page.getByRole('heading', { name: '警察庁との覚書の有効期間' })).toBeVisible();
  const fy = fiscalYear();
  await expect(page.locator('#memo-term')).toContainText(`${fy}年度`);
  await expect(page.locator('#memo-period')).toContainText(`${fy}-04-01`);
  await expect(page.locator('#memo-next')).toContainText('-12-31');
  await shot(page, 'settings-memorandum');
});

test('the police and operators never see the statistics', async ({ browser }) => {
  for (const email of ['liaison@npa.example', 'member@shoji.example']) {
    const s = await session(browser, email);
    for (const path of ['/statistics', '/statistics/package?fiscal_year=2026', '/statistics.csv', '/settings/memorandum']) {
      expect((await s.page.goto(path))?.status(), `${email} ${path}`).toBe(404);
    }
    await expect(s.page.getByRole('link', { name: '統計' })).toHaveCount(0);
    await s.context.close();
  }
});
