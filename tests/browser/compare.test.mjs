// The comparison pages as a Region reviewer and as a university user: every
// comparison reached by its links and its GET form, axe-core on each (no
// serious or critical violation), screenshots at 1280 and 390 pixels; the
// coverage matrix scrolls inside its own frame on a phone, not the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logInHome, newPage, shoot } from './lib.mjs';

const REVIEWER = 'revisore.regione@demo.ambito.invalid';
const UNIVERSITY = 'universita@demo.ambito.invalid';

test('a reviewer visits every comparison of the demo cycle', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, REVIEWER);
  await page.getByRole('link', { name: 'Confronti', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Confronti tra ambiti' }).waitFor();
  await shoot(page, 'confronti');
  await page.getByRole('link', { name: /Piani Sociali/ }).first().waitFor();
  await page.locator('main a[href="/confronti/2020-2022"]').click();
  await page.getByRole('heading', { level: 1, name: 'Confronti del ciclo 2020-2022' }).waitFor();

  // The coverage matrix, submitted plans, then the drafts through the form.
  await page.getByRole('link', { name: 'Copertura per azione di sistema' }).click();
  await page.getByRole('heading', { level: 1, name: 'Copertura per azione di sistema' }).waitFor();
  await page.getByLabel('Dati').selectOption('draft');
  await page.getByRole('button', { name: 'Mostra' }).click();
  await page.waitForURL(/source=draft/);
  const rows = page.locator('#matrice tbody th[scope="row"]');
  assert.deepEqual((await rows.allTextContents()).map((t) => t.match(/Sociale (\d+)/)[1]), ['1', '7', '13', '20']);
  assert.ok(await page.getByRole('link', { name: /Scarica il foglio di calcolo/ }).isVisible());
  await shoot(page, 'confronti-copertura', { checkWidth: true });
  // At 390 px the matrix is wider than its frame, which scrolls by itself.
  await page.setViewportSize({ width: 390, height: 900 });
  const frame = page.getByRole('region', { name: 'Matrice della copertura' });
  const [scrollW, clientW] = await frame.evaluate((e) => [e.scrollWidth, e.clientWidth]);
  assert.ok(scrollW > clientW, `the matrix scrolls inside its frame (${scrollW} > ${clientW})`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.getByLabel('Colonne').selectOption('objective');
  await page.getByRole('button', { name: 'Mostra' }).click();
  await page.getByRole('heading', { level: 1, name: 'Copertura per obiettivo strategico' }).waitFor();
  await shoot(page, 'confronti-copertura-obiettivi', { checkWidth: true });

  // Finance: the table, the chart with its summary and data table.
  await page.goto('/confronti/2020-2022/finanza?by=area&source=draft');
  await page.getByRole('heading', { level: 1, name: 'Spesa per area di intervento' }).waitFor();
  await page.getByRole('img', { name: /per abitante/ }).waitFor();
  assert.match(await page.locator('.ambito-chart-summary').textContent(), /il valore più alto è di /);
  await page.getByText('I dati del grafico in una tabella').click();
  await shoot(page, 'confronti-finanza', { checkWidth: true });
  await page.getByLabel('Colonne').selectOption('source');
  await page.getByRole('button', { name: 'Mostra' }).click();
  await page.getByRole('heading', { level: 1, name: 'Entrate per fonte di finanziamento' }).waitFor();
  await shoot(page, 'confronti-entrate', { checkWidth: true });

  // One section side by side, then the indicators of an action.
  await page.goto('/confronti/2020-2022');
  await page.getByRole('link', { name: 'Una sezione a confronto' }).click();
  await page.getByLabel('Sezione', { exact: true }).selectOption('A.1.2');
  await page.getByLabel('Dati').selectOption('draft');
  await page.getByRole('button', { name: 'Mostra' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sezione A.1.2 a confronto' }).waitFor();
  assert.equal(await page.locator('.ambito-side article').count(), 4);
  await shoot(page, 'confronti-sezione', { checkWidth: true });
  await page.goto('/confronti/2020-2022');
  await page.getByRole('link', { name: 'Indicatori di un’azione' }).click();
  await page.getByLabel('Azione di sistema').selectOption('OS1-A6');
  await page.getByLabel('Dati').selectOption('draft');
  await page.getByRole('button', { name: 'Mostra' }).click();
  await page.getByRole('heading', { level: 1, name: 'Indicatori dell’azione OS1-A6' }).waitFor();
  assert.ok((await page.locator('#indicatori tbody tr').count()) > 0);
  await shoot(page, 'confronti-indicatori', { checkWidth: true });

  // The download beside the form is a spreadsheet.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Scarica il foglio di calcolo/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ambito-2020-2022-indicators-OS1-A6-draft.xlsx');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a university user compares only its assigned ATS', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, UNIVERSITY);
  await page.getByRole('link', { name: 'Confronti', exact: true }).click();
  await page.goto('/confronti/2020-2022/copertura?source=draft');
  const rows = await page.locator('#matrice tbody th[scope="row"]').allTextContents();
  assert.deepEqual(rows.map((t) => t.match(/Sociale (\d+)/)[1]), ['13', '20']);
  await page.getByText('Sono mostrati solo gli ATS assegnati alla tua università.').waitFor();
  await shoot(page, 'confronti-universita', { checkWidth: true });
  assert.deepEqual(blocked, []);
  await context.close();
});
