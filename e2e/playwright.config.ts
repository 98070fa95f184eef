// Playwright drives Debian's Chromium (/usr/bin/chromium, installed by scripts/test) against a
// roei server that ./run.sh starts with the demo data, once on SQLite and once on PostgreSQL.
import { defineConfig } from '@playwright/test';

const backend = process.env.ROEI_BACKEND ?? 'sqlite';

export default defineConfig({
  testDir: './tests',
  // The journeys share one demo database and follow one another's cases: run them in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: `./artifacts/${backend}/results`,
  reporter: [['list']],
  use: {
    baseURL: process.env.ROEI_URL ?? 'http://127.0.0.1:8080',
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
});
