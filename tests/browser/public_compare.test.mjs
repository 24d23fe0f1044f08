// The public comparisons as an anonymous visitor: from the footer's
// Trasparenza to the cycle, to the coverage by objective, to the finance by
// area with its chart, and the CSV downloaded from the page; only ATS 20 (the
// one published plan of the demo) is in them. axe-core on each page (no
// serious or critical violation), screenshots at 1280 and 390 pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { newPage, shoot } from './lib.mjs';

test('an anonymous visitor reaches a public comparison and downloads its CSV', async () => {
  const { context, page, blocked } = await newPage();
  await page.goto('/');
  await page.getByRole('link', { name: 'Trasparenza e dati aperti' }).click();
  await page.getByRole('heading', { level: 1, name: 'Trasparenza e dati aperti' }).waitFor();
  await page.locator('main a[href="/trasparenza/2020-2022"]').click();
  await page.getByRole('heading', { level: 2, name: 'Confronti tra gli ATS' }).waitFor();
  await shoot(page, 'trasparenza-ciclo', { checkWidth: true });

  await page.getByRole('link', { name: 'Copertura per obiettivo strategico' }).click();
  await page.getByRole('heading', { level: 1, name: 'Copertura per obiettivo strategico' }).waitFor();
  const rows = await page.locator('#matrice tbody th[scope="row"]').allTextContents();
  assert.deepEqual(rows.map((t) => t.match(/Sociale (\d+)/)[1]), ['20']);
  assert.equal(await page.getByLabel('Dati').count(), 0, 'no draft to choose on a public page');
  await shoot(page, 'trasparenza-copertura', { checkWidth: true });

  // The form changes the columns; the page stays public.
  await page.getByLabel('Colonne').selectOption('action');
  await page.getByRole('button', { name: 'Mostra' }).click();
  await page.getByRole('heading', { level: 1, name: 'Copertura per azione di sistema' }).waitFor();
  assert.match(page.url(), /\/trasparenza\/2020-2022\/copertura\?by=action/);

  // Finance by area: the chart, its summary, the medians.
  // Back to the cycle by the breadcrumb, then the finance by area.
  await page.locator('.breadcrumb a[href="/trasparenza/2020-2022"]').click();
  await page.getByRole('link', { name: 'Spesa per area di intervento, per abitante' }).click();
  await page.getByRole('heading', { level: 1, name: 'Spesa per area di intervento' }).waitFor();
  await page.getByRole('img', { name: /per abitante/ }).waitFor();
  await page.getByText('Mediana', { exact: true }).first().waitFor();
  await shoot(page, 'trasparenza-finanza', { checkWidth: true });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Scarica i dati in CSV/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ambito-2020-2022-finance-area-published.csv');
  const text = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\uFEFF'), 'UTF-8 with BOM, for spreadsheets');
  const lines = text.slice(1).replace(/\r\n$/, '').split('\r\n');
  assert.match(lines[0], /^tenant,name,population,B1 amount_eur,B1 per_inhabitant_eur/);
  assert.equal(lines.length, 2);
  assert.match(lines[1], /^ats-20,/);
  assert.deepEqual(blocked, []);
  await context.close();
});
