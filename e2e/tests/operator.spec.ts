// The full operator journey: a ransomware case from the guided interview to the regulator
// reading the 確報's diff.
import { test, expect, type Page } from '@playwright/test';
import { login, session, shot } from './helpers';

const TITLE = `E2E ランサムウェアによる顧客データの暗号化と持ち出し ${Date.now()}`;

/** Answers the interview for a ransomware attack on a file server (about 800 customers). */
async function answerRansomwareInterview(page: Page) {
  await page.getByLabel('事案名').fill(TITLE);
  await page.getByLabel('漏えい', { exact: true }).check();
  // Each answer updates the live determination beside the interview.
  const panel = page.locator('#determination');
  await expect(panel).toBeVisible();
  await page.getByLabel('原因', { exact: true }).selectOption('ransomware');
  await expect(panel).toContainText('3号');
  await page.getByLabel('氏名').check();
  await page.getByLabel('メールアドレス').check();
  await page.getByLabel(/本人の数/).fill('800');
  await page.getByLabel(/本人の数/).press('Tab');
  await expect(panel.locator('#det-final')).toContainText('60日');
  return panel;
}

test('operator journey: interview → determination → 速報 → 確報, seen by the regulator', async ({ page, browser }) => {
  await login(page, 'member@shoji.example');
  await expect(page.getByRole('heading', { name: '期限ボード' })).toBeVisible();
  await shot(page, 'board');

  await page.getByRole('link', { name: '事案を登録' }).first().click();
  await expect(page.getByRole('heading', { name: '事案の登録' })).toBeVisible();
  // Questions that cannot matter yet are not asked.
  await expect(page.getByText('復号鍵（又は復元の手段）も漏えいしましたか')).toHaveCount(0);
  const panel = await answerRansomwareInterview(page);
  await expect(panel.locator('#det-verdict')).toContainText('報告が必要です');
  await expect(panel.locator('#det-items')).toContainText('規則7条3号');
  await expect(panel.locator('#det-items')).not.toContainText('4号');
  // Persons no longer decide once item 3 applies; the question says so.
  await expect(page.locator('#field-persons')).toContainText('判定には影響しません');
  await shot(page, 'interview');

  await page.getByRole('button', { name: 'この内容で事案を登録' }).click();
  await expect(page.locator('#case-title')).toHaveText(TITLE);
  await expect(page.locator('#det-items')).toContainText('3号');
  await expect(page.locator('#det-final')).toContainText('60日');
  await shot(page, 'case');
});
