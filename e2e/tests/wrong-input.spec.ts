// The wrong-input journey: every form shows its error beside the field, keeps what was typed,
// and changes nothing.
import { test, expect } from '@playwright/test';
import { login, shot, PASSWORD } from './helpers';

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
