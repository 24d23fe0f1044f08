// Journeys through the tables of the web editor: a coordinator adds two
// indicators (one in a row added by righe.js) and a spending line, saves and
// sees them; a bad amount is refused beside its cell; an income line is added
// on the Entrate page. axe-core checks every page (no serious or critical
// violation); each is photographed at 1280 and 390 pixels wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, logInHome, newPage, shoot } from './lib.mjs';

const COORD_1 = 'coordinatore.ats1@demo.ambito.invalid';

const cell = (page, label) => page.getByLabel(label, { exact: true });

test('a coordinator adds two indicators and a spending line, then a bad amount is refused', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_1);
  await page.goto('/ats/ats-1/piani/2020-2022/sezioni/B.4');
  await page.getByRole('heading', { level: 1, name: /^B\.4 / }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Indicatori' }).waitFor();

  await cell(page, 'Nome, riga 1').fill('Anziani nei centri di aggregazione');
  await cell(page, 'Tipo, riga 1').selectOption({ label: 'processo' });
  await cell(page, 'Unità di misura, riga 1').fill('persone');
  // The script adds a fourth row under the three blank ones.
  await page.getByRole('button', { name: 'Aggiungi riga a Indicatori' }).click();
  const added = cell(page, 'Nome, riga 4');
  await added.waitFor();
  assert.equal(await added.evaluate((el) => el === document.activeElement), true, 'the new row has the focus');
  assert.equal(await added.inputValue(), '');
  await added.fill('Anziani soli raggiunti');
  await cell(page, 'Tipo, riga 4').selectOption({ label: 'risultato' });
  await cell(page, 'Servizio o intervento, riga 1').fill('Assistenza domiciliare');
  await cell(page, 'Anno, riga 1').fill('2021');
  await cell(page, 'Importo (euro), riga 1').fill('1.234,56');
  await cell(page, 'Fonte di finanziamento, riga 1').selectOption({ label: 'Fondo nazionale per le politiche sociali' });
  await checkA11y(page, 'section editor with tables');
  await shoot(page, 'editor-tabelle', { checkWidth: true });

  await page.getByRole('button', { name: 'Salva la sezione' }).click();
  await page.getByRole('status').filter({ hasText: 'Sezione salvata.' }).waitFor();
  // Saved in order, blank rows dropped: the added row is now the second.
  assert.equal(await cell(page, 'Nome, riga 1').inputValue(), 'Anziani nei centri di aggregazione');
  assert.equal(await cell(page, 'Nome, riga 2').inputValue(), 'Anziani soli raggiunti');
  assert.equal(await cell(page, 'Tipo, riga 2').inputValue(), 'result');
  assert.equal(await cell(page, 'Importo (euro), riga 1').inputValue(), '1.234,56');
  assert.equal(await cell(page, 'Fonte di finanziamento, riga 1').inputValue(), 'fnps');
  await shoot(page, 'editor-tabelle-salvate', { checkWidth: true });

  // A bad amount: the error beside the cell, the summary links to it, the text stays.
  await cell(page, 'Importo (euro), riga 1').fill('12,345');
  await page.getByRole('button', { name: 'Salva la sezione' }).click();
  await page.getByRole('alert').filter({ hasText: 'C’è un errore nel modulo' }).waitFor();
  const amount = cell(page, 'Importo (euro), riga 1');
  assert.equal(await amount.inputValue(), '12,345');
  assert.equal(await amount.getAttribute('aria-invalid'), 'true');
  const described = await amount.getAttribute('aria-describedby');
  assert.match(await page.locator('#' + described).textContent(), /ad esempio 1\.234,56/);
  await page.getByRole('link', { name: /Spesa, riga 1, Importo/ }).click();
  assert.equal(new URL(page.url()).hash, '#spending-0-amount_eur');
  await shoot(page, 'editor-tabelle-errore', { checkWidth: true });
  assert.deepEqual(blocked, []);
  await context.close();
});

test('an income line is added on the Entrate page', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_1);
  await page.getByRole('link', { name: /Apri l’indice del piano/ }).first().click();
  await page.getByRole('link', { name: 'Entrate del piano' }).click();
  await page.getByRole('heading', { level: 1, name: 'Entrate del piano 2020-2022' }).waitFor();
  await checkA11y(page, 'income page');
  await shoot(page, 'entrate', { checkWidth: true });
  const stored = await page.locator('input[name$=".amount_eur"]').evaluateAll(
    (els) => els.filter((e) => e.value !== '').length);
  const row = stored + 1;
  await cell(page, `Fonte di finanziamento, riga ${row}`).selectOption({ label: 'Fondo nazionale per le non autosufficienze' });
  await cell(page, `Anno, riga ${row}`).fill('2022');
  await cell(page, `Importo (euro), riga ${row}`).fill('3.000,50');
  await cell(page, `Nota, riga ${row}`).fill('Quota aggiuntiva');
  await page.getByRole('button', { name: 'Salva le entrate' }).click();
  await page.getByRole('status').filter({ hasText: 'Entrate salvate.' }).waitFor();
  assert.equal(await cell(page, `Importo (euro), riga ${row}`).inputValue(), '3.000,50');
  assert.equal(await cell(page, `Nota, riga ${row}`).inputValue(), 'Quota aggiuntiva');
  await checkA11y(page, 'income page, saved');
  await shoot(page, 'entrate-salvate', { checkWidth: true });
  assert.deepEqual(blocked, []);
  await context.close();
});
