// Journeys through the submission and history pages: the check page lists
// what is missing with links to the fields, an editor sees no submit button,
// a coordinator of a complete plan submits through the confirmation and gets
// the receipt, the history shows the revisions and what changed. axe-core
// checks every page (no serious or critical violation); each page is
// photographed at 1280 and 390 pixels wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, DEMO, EXTRA, logInHome, newPage, shoot } from './lib.mjs';

const COORD_1 = 'coordinatore.ats1@demo.ambito.invalid';
const COORD_7 = 'coordinatore.ats7@demo.ambito.invalid';
const EDITOR_7 = EXTRA.find((u) => u.tenant === 'ats-7' && u.role === 'ats_editor')?.email;
const ADDED = 'Frase aggiunta dopo le note della Regione.';

async function openPlan(page) {
  await page.getByRole('link', { name: /Apri l’indice del piano/ }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Indice del piano 2020-2022' }).waitFor();
}

test('the check page lists the missing parts of a draft, each a link to its field', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_1);
  await openPlan(page);
  await page.getByRole('link', { name: 'Controllo e invio del piano' }).click();
  await page.getByRole('heading', { level: 1, name: 'Invio del piano alla Regione' }).waitFor();
  await page.getByText(/Mancano \d+ parti obbligatorie/).waitFor();
  const links = page.locator('ul.ambito-missing a');
  assert.ok((await links.count()) > 10, 'the draft misses many required parts');
  assert.equal(await page.getByRole('button', { name: 'Continua' }).count(), 0, 'no form while incomplete');
  await shoot(page, 'invio-controllo');

  // The first link opens the section editor on that part's field.
  const href = await links.first().getAttribute('href');
  const part = href.split('#parte-')[1];
  await links.first().click();
  await page.waitForURL(/\/sezioni\/[^#]+#parte-/);
  const field = page.locator(`#parte-${part}`);
  assert.equal(await field.evaluate((el) => el.tagName), 'TEXTAREA');
  assert.equal(await field.inputValue(), '', 'a missing part is empty');
  assert.equal(await field.isVisible(), true);
  assert.deepEqual(blocked, []);
  await context.close();
});

test('an editor sees the check but no submit button', async () => {
  assert.ok(EDITOR_7, 'the run provides an editor of ATS 7');
  const { context, page, blocked } = await newPage();
  await logInHome(page, EDITOR_7);
  await openPlan(page);
  await page.getByRole('link', { name: 'Controllo e invio del piano' }).click();
  await page.getByText('Tutte le parti obbligatorie sono compilate.').waitFor();
  await page.getByText('Solo il coordinatore dell’ATS può inviare il piano alla Regione.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Continua|Conferma/ }).count(), 0);
  assert.equal(await page.getByLabel('Numero della delibera').count(), 0);
  await shoot(page, 'invio-redattore');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a coordinator corrects the plan, submits it and reads the receipt and the history', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_7);
  await page.getByText('Note della Regione').first().waitFor();
  await openPlan(page);

  // A change after the Region's notes, so that the history has one to show.
  await page.getByRole('link', { name: 'Premessa', exact: true }).click();
  const premessa = page.getByLabel(/Premessa politica/);
  await premessa.fill((await premessa.inputValue()) + '\n' + ADDED);
  await page.getByRole('button', { name: 'Salva la sezione' }).click();
  await page.getByText('Sezione salvata.').waitFor();
  await page.getByRole('link', { name: 'Torna all’indice del piano' }).click();

  await page.getByRole('link', { name: 'Controllo e invio del piano' }).click();
  await page.getByText('Tutte le parti obbligatorie sono compilate.').waitFor();
  // Errors first: nothing filled in.
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByText('Numero della delibera: indica il numero della delibera.').waitFor();
  assert.equal(await page.getByLabel('Numero della delibera').getAttribute('aria-invalid'), 'true');
  await shoot(page, 'invio-errori');
  // The error summary's link takes the focus to its field.
  await page.getByRole('link', { name: /Data della delibera:/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'campo-delibera_data');

  await page.getByLabel('Numero della delibera').fill('12/2021');
  await page.getByLabel('Data della delibera').fill('2021-03-01');
  await page.getByLabel(/Nota per la Regione/).fill('Abbiamo corretto la premessa come chiesto.');
  await shoot(page, 'invio-modulo');
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByRole('heading', { level: 1, name: 'Conferma l’invio del piano' }).waitFor();
  await page.getByText('n. 12/2021 del 1 marzo 2021').waitFor();
  await shoot(page, 'invio-conferma');
  await page.getByRole('button', { name: 'Conferma e invia alla Regione' }).click();

  await page.getByRole('heading', { level: 1, name: 'Ricevuta dell’invio: revisione 2' }).waitFor();
  await page.getByText('Il piano è stato inviato alla Regione.').waitFor();
  const hash = await page.locator('code.ambito-hash').textContent();
  assert.match(hash, /^[0-9a-f]{64}$/);
  // The time, in Italian words for the month.
  const sent = await page.locator('dt:has-text("Inviato il") + dd').textContent();
  assert.match(sent, /^\d{1,2} (gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre) \d{4}, ore \d{2}:\d{2}/);
  await shoot(page, 'invio-ricevuta');

  await page.getByRole('link', { name: 'Storia degli invii' }).click();
  await page.getByRole('heading', { level: 1, name: 'Storia degli invii' }).waitFor();
  await page.getByRole('rowheader', { name: 'Revisione 2' }).waitFor();
  await page.getByRole('rowheader', { name: 'Revisione 1' }).waitFor();
  await page.getByText('modifiche richieste', { exact: true }).waitFor();
  await page.getByText('in attesa di revisione', { exact: true }).waitFor();
  const note = DEMO.plans.find((p) => p.tenant === 'ats-7').review_note;
  await page.getByText(note.slice(0, 40)).first().waitFor();
  assert.equal(await page.getByLabel('Revisione precedente').inputValue(), '1');
  assert.equal(await page.getByLabel('Revisione successiva').inputValue(), '2');
  const added = page.locator('ins', { hasText: ADDED });
  assert.equal(await added.count(), 1);
  assert.match(await added.textContent(), /Testo aggiunto:/);
  await page.getByRole('heading', { level: 3, name: /I\.1 Premessa/ }).waitFor();
  await shoot(page, 'storia');

  // The other way round, picked in the form: the line is removed.
  await page.getByLabel('Revisione precedente').selectOption('2');
  await page.getByLabel('Revisione successiva').selectOption('1');
  await page.getByRole('button', { name: 'Confronta' }).click();
  await page.waitForURL(/da=2&a=1/);
  assert.equal(await page.locator('del', { hasText: ADDED }).count(), 1);
  await checkA11y(page, 'history, reversed diff');
  assert.deepEqual(blocked, []);
  await context.close();
});
