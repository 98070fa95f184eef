// The wrong-input journey: every form shows its error beside the field, keeps what was typed,
// and changes nothing.
import { test, expect } from '@playwright/test';
import { login, session, shot, PASSWORD } from './helpers';

test('login: a wrong password keeps the e-mail and says what is wrong', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('メールアドレス').fill('member@shoji.example');
  await page.getByLabel('パスワード').fill('wrong-password');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.locator('#login-error')).toContainText('正しくありません');
  await expect(page.getByLabel('メールアドレス')).toHaveValue('member@shoji.example');
  await shot(page, 'login-error');
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.locator('#who-user')).toBeVisible();
});

test('interview: bad answers are shown beside their fields and nothing is created', async ({ page }) => {
  await login(page, 'member@shoji.example');
  const before = await page.locator('.case-card').count();
  await page.goto('/cases/new');
  await page.getByLabel('事案名').fill('入力誤りの確認');
  await page.getByLabel('事態を知った日', { exact: false }).fill('2026-11-20');
  await page.getByLabel('原因', { exact: true }).selectOption('misdelivery');
  await page.getByLabel(/本人の数/).fill('千二百');
  await page.getByLabel(/本人の数/).press('Tab');
  // The live check already marks the field.
  await expect(page.locator('#persons-error')).toContainText('整数');
  // Submitting anyway: 422, the summary links to the fields, and what was typed is kept.
  await page.getByRole('button', { name: 'この内容で事案を登録' }).click();
  await expect(page.locator('#error-summary')).toBeVisible();
  await expect(page.locator('#events-error')).toContainText('選択してください');
  await expect(page.locator('#persons-error')).toContainText('整数');
  await expect(page.getByLabel(/本人の数/)).toHaveValue('千二百');
  await expect(page.getByLabel('事案名')).toHaveValue('入力誤りの確認');
  await expect(page.getByLabel('原因', { exact: true })).toHaveValue('misdelivery');
  await expect(page.locator('#persons')).toHaveAttribute('aria-invalid', 'true');
  await shot(page, 'interview-errors');
  await page.goto('/board');
  await expect(page.locator('.case-card')).toHaveCount(before);
});

test('the interview works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await login(page, 'member@shoji.example');
  await page.goto('/cases/new');
  await page.getByLabel('事案名').fill('JavaScriptなしでの登録');
  await page.getByLabel('漏えい', { exact: true }).check();
  await page.getByLabel('原因', { exact: true }).selectOption('unauthorized_access');
  await page.getByRole('button', { name: '判定を更新' }).click();
  await expect(page.locator('#det-items')).toContainText('3号');
  await page.getByRole('button', { name: 'この内容で事案を登録' }).click();
  await expect(page.locator('#case-title')).toHaveText('JavaScriptなしでの登録');
  await context.close();
});

test('report, police report, messages and inbox filters keep what was typed beside the error', async ({ page, browser }) => {
  await login(page, 'member@shoji.example');
  await page.getByRole('link', { name: /ランサムウェア攻撃/ }).click();
  const casePath = new URL(page.url()).pathname;

  // The report editor: a corporate number must have 13 digits.
  await page.goto(`${casePath}/report`);
  await page.locator('#header_corporate_number').fill('12345');
  await page.locator('#summary_course_of_events').fill('入力途中の経過');
  await page.locator('#save-report').click();
  await expect(page.locator('#header_corporate_number-error')).toBeVisible();
  await expect(page.locator('#header_corporate_number')).toHaveValue('12345');
  await expect(page.locator('#summary_course_of_events')).toHaveValue('入力途中の経過');
  await expect(page.locator('#error-summary')).toBeVisible();
  await shot(page, 'report-errors');

  // The police report: a date in the future is refused beside the date.
  await page.goto(`${casePath}/police-report`);
  await page.locator('#prefecture_code').selectOption('13');
  await page.locator('#reported_on').fill('2099-01-01');
  await page.locator('#receipt_number').fill('第123号');
  await page.locator('#record-police-report').click();
  await expect(page.locator('#reported_on-error')).toBeVisible();
  await expect(page.locator('#receipt_number')).toHaveValue('第123号');
  await expect(page.locator('#prefecture_code')).toHaveValue('13');
  await shot(page, 'police-report-errors');

  // The thread: an empty message is refused beside the field.
  await page.goto(`${casePath}/messages`);
  await page.locator('#send-message').click();
  await expect(page.locator('#body-error')).toBeVisible();

  // The regulator's inbox: an impossible filter is refused beside its field.
  const ppc = await session(browser, 'officer@ppc.example');
  const res = await ppc.page.goto('/inbox?item=9&stage=quick_report');
  expect(res?.status()).toBe(422);
  await expect(ppc.page.locator('#item-error')).toBeVisible();
  await expect(ppc.page.locator('#filter-stage')).toHaveValue('quick_report');
  await shot(ppc.page, 'inbox-filter-error');
  await ppc.context.close();
});
