// The entrustee journey: an entrusted processor opens its case, learns that notifying its
// entruster discharges it (規則9条), notifies the entruster inside roei, and the entruster sees
// the notice.
import { test, expect } from '@playwright/test';
import { login, session, shot } from './helpers';

const TITLE = `E2E 受託システムからの会員情報漏えい ${Date.now()}`;

test('entrustee journey: interview → entruster notice → exemption; the entruster sees it', async ({ page, browser }) => {
  await login(page, 'admin@joho.example');
  await page.goto('/cases/new');
  await page.getByLabel('事案名').fill(TITLE);
  await page.getByLabel('漏えい', { exact: true }).check();
  await page.getByLabel('原因', { exact: true }).selectOption('unauthorized_access');
  await page.locator('#field-entrustee').getByLabel('はい').check();
  // The follow-up question appears only for an entrustee.
  await expect(page.locator('#field-entruster_notified')).toBeVisible();
  const panel = page.locator('#determination');
  await expect(panel).toContainText('委託元への通知');
  await expect(panel.locator('#det-verdict')).toContainText('報告が必要です');
  await page.getByRole('button', { name: 'この内容で事案を登録' }).click();
  await expect(page.locator('#case-title')).toHaveText(TITLE);

  await page.locator('#link-entruster').click();
  await expect(page.locator('#entruster-verdict')).toBeVisible();
  await page.locator('#entruster_org').selectOption({ label: '株式会社デモ商事' });
  await page.locator('#course_of_events').fill('受託運用中の会員管理システムで不審なログインを検知し、管理者アカウントを停止した。');
  await shot(page, 'entruster-notice-form');
  await page.locator('#send-entruster-notice').click();
  await expect(page.locator('#entruster-exempt')).toBeVisible();
  await expect(page.locator('#entruster-verdict')).toContainText('報告義務はありません');
  await expect(page.locator('#entruster-notices')).toContainText('株式会社デモ商事');
  await shot(page, 'entruster-notice-sent');

  // The entruster (委託元) sees what its entrustee told it.
  const a = await session(browser, 'member@shoji.example');
  await a.page.goto('/entruster-notices');
  await expect(a.page.locator('#received-notices')).toContainText('株式会社デモ情報サービス');
  await expect(a.page.locator('#received-notices')).toContainText('不審なログインを検知');
  await shot(a.page, 'entruster-notices-received');
  await a.context.close();
});
