// Accessibility: labels on every control, keyboard use with a visible focus, and a layout that
// holds at tablet width.
import { test, expect } from '@playwright/test';
import { login, shot, expectAllLabelled } from './helpers';

test('every control is labelled and the keyboard reaches the content', async ({ page }) => {
  await login(page, 'member@shoji.example');
  await expectAllLabelled(page);
  // The first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '本文へ移動' });
  await expect(skip).toBeFocused();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#content$/);

  await page.goto('/cases/new');
  await expectAllLabelled(page);
  // The case pages.
  await page.goto('/board');
  await page.locator('.case-card h2 a').first().click();
  await expectAllLabelled(page);
  await page.goto('/register');
  await expectAllLabelled(page);

  await login(page, 'officer@ppc.example');
  await page.goto('/inbox');
  await expectAllLabelled(page);
});

test('the board and the interview hold at tablet width, in English too', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  await login(page, 'member@shoji.example');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow).toBe(false);
  // Overdue is said in words, not only in red.
  await expect(page.locator('.case-card.overdue .badge.overdue').first()).toHaveText('期限超過');
  await shot(page, 'board-tablet');
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Deadline board' })).toBeVisible();
  await page.getByRole('link', { name: '和暦を表示' }).or(page.getByRole('link', { name: 'Show Japanese era' })).click();
  await expect(page.locator('.case-card').first()).toContainText('Reiwa');
  await page.goto('/cases/new');
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow2).toBe(false);
  await shot(page, 'interview-tablet-en');
  await context.close();
});
