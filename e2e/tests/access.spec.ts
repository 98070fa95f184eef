// The no-access journey: a user of another operator (the entrustee 株式会社デモ情報サービス)
// asks for the demo operator's case pages by their addresses and gets the 404 page, the same as
// for an address that does not exist; a regulator and the police get 404 for operator pages too.
import { test, expect } from '@playwright/test';
import { login, session, shot } from './helpers';

test('a user of another operator gets 404 for every page of the case', async ({ page, browser }) => {
  await login(page, 'member@shoji.example');
  await page.getByRole('link', { name: /ランサムウェア攻撃/ }).click();
  const caseUrl = new URL(page.url()).pathname;
  expect(caseUrl).toMatch(/^\/cases\/[0-9a-f-]{36}$/);

  const other = await session(browser, 'admin@joho.example');
  for (const suffix of ['', '/facts', '/report', '/history', '/police-report', '/messages']) {
    const res = await other.page.goto(caseUrl + suffix);
    expect(res?.status(), `${caseUrl}${suffix}`).toBe(404);
    await expect(other.page.getByRole('heading', { name: '見つかりません' })).toBeVisible();
    await expect(other.page.locator('body')).not.toContainText('ランサムウェア攻撃');
  }
  await shot(other.page, 'no-access-404');
  // A random case id looks exactly the same.
  const random = await other.page.goto('/cases/01a2023b-0000-7000-8000-000000000000');
  expect(random?.status()).toBe(404);
  await other.context.close();

  const police = await session(browser, 'liaison@npa.example');
  expect((await police.page.goto(caseUrl))?.status()).toBe(404);
  expect((await police.page.goto('/board'))?.status()).toBe(404);
  await police.context.close();
});

test('signed-out visitors are sent to the login page and back', async ({ page }) => {
  await page.goto('/board');
  await expect(page).toHaveURL(/\/login\?next=%2Fboard|\/login\?next=\/board/);
  await page.getByLabel('メールアドレス').fill('member@shoji.example');
  await page.getByLabel('パスワード').fill('roei-demo-2026');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/board$/);
});
