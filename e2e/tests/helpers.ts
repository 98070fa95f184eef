import { expect, type Page, type Browser } from '@playwright/test';
import * as path from 'node:path';

/** The demo's password (roei serve --demo). */
export const PASSWORD = 'roei-demo-2026';
export const backend = process.env.ROEI_BACKEND ?? 'sqlite';

/** Saves a full-page screenshot as a test artefact: e2e/artifacts/<backend>/<name>.png. */
export async function shot(page: Page, name: string) {
  await page.screenshot({
    path: path.join(__dirname, '..', 'artifacts', backend, `${name}.png`),
    fullPage: true,
  });
}

/** Signs in through the login form and waits for the start page. */
export async function login(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.locator('#who-user')).toBeVisible();
}

/** A fresh browser context (its own cookies) signed in as `email`. */
export async function session(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await login(page, email);
  return { context, page };
}

/** Every visible control has an accessible name from a <label>, aria-label or aria-labelledby. */
export async function expectAllLabelled(page: Page) {
  const unlabelled = await page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('input, select, textarea'))) {
      const input = el as HTMLInputElement;
      if (input.type === 'hidden' || input.type === 'submit' || input.type === 'button') continue;
      const named = (input.labels && input.labels.length > 0)
        || input.getAttribute('aria-label') || input.getAttribute('aria-labelledby');
      if (!named) bad.push(`${el.tagName.toLowerCase()}[name=${input.name}]`);
    }
    return bad;
  });
  expect(unlabelled, `controls without a label on ${page.url()}`).toEqual([]);
}
