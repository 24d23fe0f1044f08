// What every journey shares: Debian's Chromium started once per spec file, a
// fresh context per journey that records what the Content-Security-Policy
// blocked, axe-core on a page (no serious or critical violation), the
// screenshots at 1280 and 390 pixels, and logging in by the form's labels.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const BASE = process.env.AMBITO_URL;
const SHOTS = process.env.AMBITO_SCREENSHOTS;
export const DEMO = JSON.parse(fs.readFileSync(process.env.AMBITO_DEMO, 'utf8'));
export const EXTRA = JSON.parse(process.env.AMBITO_EXTRA_USERS || '[]');
export const PASSWORD = Object.fromEntries([...DEMO.users, ...EXTRA].map((u) => [u.email, u.password]));
const WIDTHS = [1280, 390];

let browser;

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.AMBITO_CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
});

export async function newPage() {
  const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 900 }, locale: 'it-IT' });
  const page = await context.newPage();
  const blocked = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) blocked.push(m.text());
  });
  page.on('requestfailed', (r) => blocked.push('failed: ' + r.url()));
  return { context, page, blocked };
}

export async function checkA11y(page, what) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [],
    `axe on ${what}`);
}

// axe at both widths, then a full-page screenshot of each. With checkWidth,
// the page itself must not be wider than the window (wide tables scroll
// inside their own frame).
export async function shoot(page, name, { checkWidth = false } = {}) {
  const original = page.viewportSize();
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await checkA11y(page, `${name} at ${width} px`);
    if (checkWidth)
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, `${name}: page width`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

// Fills the login form; the answer is the caller's to check.
export async function logIn(page, email, password = PASSWORD[email]) {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Accedi' }).click();
}

// Logs in and waits for the home page.
export async function logInHome(page, email, password = PASSWORD[email]) {
  await logIn(page, email, password);
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
}
