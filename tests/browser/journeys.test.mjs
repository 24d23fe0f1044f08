// Journeys through the web interface as a person makes them: fields found by
// their label, buttons and links by their text. axe-core checks every page
// visited (no serious or critical violation); the main pages are
// photographed at 1280 and 390 pixels wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, logIn, newPage, shoot } from './lib.mjs';

const COORD_1 = 'coordinatore.ats1@demo.ambito.invalid';
const COORD_7 = 'coordinatore.ats7@demo.ambito.invalid';
const REVIEWER = 'revisore.regione@demo.ambito.invalid';

test('the login page, and a wrong password in Italian', async () => {
  const { context, page, blocked } = await newPage();
  const resp = await page.goto('/');
  assert.equal(resp.status(), 200);
  assert.match(resp.headers()['content-security-policy'], /default-src 'self'/);
  await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Accesso' }).waitFor());
  assert.equal(await page.getByText('Regione Marche').first().isVisible(), true);
  await checkA11y(page, 'login');
  await shoot(page, 'accesso');

  await logIn(page, COORD_1, 'password-sbagliata');
  await page.getByText('Email o password non corretti.').waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), COORD_1);
  assert.equal(await page.getByLabel('Password').inputValue(), '');
  await checkA11y(page, 'wrong password');
  await shoot(page, 'accesso-errore');
  // The skip link is the first thing the keyboard reaches.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Vai al contenuto');
  await page.getByRole('link', { name: 'Dichiarazione di accessibilità' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dichiarazione di accessibilità' }).waitFor();
  await checkA11y(page, 'accessibility statement');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a coordinator logs in, sees the home and the plan index, logs out', async () => {
  const { context, page, blocked } = await newPage();
  await logIn(page, COORD_1);
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  await page.getByText(/\d+ su 33 sezioni complete/).first().waitFor();
  assert.equal(await page.getByText('bozza', { exact: true }).first().isVisible(), true);
  await page.getByText('Cosa fare ora:').first().waitFor();
  await checkA11y(page, 'home of ats-1');
  await shoot(page, 'home-coordinatore');

  await page.getByRole('link', { name: /Apri l’indice del piano/ }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Indice del piano 2020-2022' }).waitFor();
  const rows = page.getByRole('row');
  assert.ok((await rows.count()) >= 33 + 4, 'one row per section, plus the header of each group');
  await page.getByRole('heading', { level: 2, name: 'Introduzione' }).waitFor();
  await page.getByRole('rowheader', { name: /A\.1\.2/ }).waitFor();
  await checkA11y(page, 'plan index');
  await shoot(page, 'indice-piano');

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'ambito_sessione');
  assert.ok(session, 'the session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');

  // The session cookie is not a way into the API.
  const api = await page.request.get('/api/v1/me');
  assert.equal(api.status(), 401);

  await page.getByRole('button', { name: 'Esci' }).click();
  await page.getByRole('button', { name: 'Accedi' }).waitFor();
  // The old cookie, presented again, opens nothing.
  const { context: again, page: p2 } = await newPage();
  await again.addCookies([session]);
  await p2.goto('/ats/ats-1/piani/2020-2022');
  await p2.getByRole('button', { name: 'Accedi' }).waitFor();
  assert.equal(new URL(p2.url()).pathname, '/');
  await again.close();
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a form sent without its CSRF token changes nothing', async () => {
  const { context, page } = await newPage();
  await logIn(page, COORD_1);
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  await page.evaluate(() => document.querySelectorAll('input[name="csrf"]').forEach((e) => e.remove()));
  const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/esci')),
    page.getByRole('button', { name: 'Esci' }).click()]);
  assert.equal(resp.status(), 403);
  await page.getByRole('heading', { level: 1, name: 'Accesso negato' }).waitFor();
  await page.getByText(/nulla è stato modificato/).waitFor();
  await checkA11y(page, '403 page');
  await shoot(page, 'errore-403');
  // Still logged in: the logout did not happen.
  await page.goto('/');
  await page.getByRole('button', { name: 'Esci' }).waitFor();
  await context.close();
});

test('a member of another ATS gets the 404 page', async () => {
  const { context, page } = await newPage();
  await logIn(page, COORD_1);
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  const resp = await page.goto('/ats/ats-20/piani/2020-2022');
  assert.equal(resp.status(), 404);
  await page.getByRole('heading', { level: 1, name: 'Pagina non trovata' }).waitFor();
  const other = await page.content();
  const missing = await page.goto('/ats/ats-inesistente/piani/2020-2022');
  assert.equal(missing.status(), 404);
  assert.equal(await page.content(), other);
  await checkA11y(page, '404 page');
  await shoot(page, 'errore-404');
  await context.close();
});

test('the Region\'s notes reach the ATS; the Region sees every ATS', async () => {
  const { context, page } = await newPage();
  await logIn(page, COORD_7);
  await page.getByText('modifiche richieste', { exact: true }).first().waitFor();
  await page.getByText('Note della Regione', { exact: false }).first().waitFor();
  await page.getByText(/Sezione B\.3 \(non autosufficienza\)/).waitFor();
  await checkA11y(page, 'home of ats-7');
  await shoot(page, 'home-modifiche-richieste');
  await context.close();

  const r = await newPage();
  await logIn(r.page, REVIEWER);
  await r.page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  for (const name of ['pubblicato', 'inviato', 'modifiche richieste', 'bozza'])
    await r.page.getByText(name, { exact: true }).first().waitFor();
  await checkA11y(r.page, 'home of the region');
  await shoot(r.page, 'home-regione');
  await r.context.close();
});

test('a coordinator writes a section: live counter, an error beside the field, then saved', async () => {
  const { context, page, blocked } = await newPage();
  await logIn(page, COORD_1);
  await page.getByRole('link', { name: /Apri l’indice del piano/ }).first().click();
  await page.getByRole('link', { name: 'Destinatari' }).click();
  await page.getByRole('heading', { level: 1, name: /I\.5 Destinatari/ }).waitFor();
  const field = page.getByLabel(/Destinatari del Piano|Destinatari/).first();
  const label = await field.evaluate((el) => el.labels[0].textContent);
  const max = Number(await field.getAttribute('data-max-chars'));
  const counterId = await field.getAttribute('data-counter');
  const counter = page.locator('#' + counterId);
  await field.fill('Famiglie, persone anziane e giovani dei Comuni dell’ATS.');
  // Counted live, in characters (the apostrophe ’ is one), by counter.js.
  await assert.doesNotReject(counter.filter({ hasText: /^56 su/ }).waitFor({ timeout: 5000 }));
  await checkA11y(page, 'section editor');
  await shoot(page, 'editor-sezione');

  // Too long: the server refuses, says why beside the field, keeps the text.
  await field.fill('x'.repeat(max + 5));
  assert.equal(max, 5000); // I.5 of the Marche template
  await counter.filter({ hasText: '5.005 su 5.000 caratteri — troppi di 5' }).waitFor();
  await page.getByRole('button', { name: 'Salva la sezione' }).click();
  await page.getByRole('alert').filter({ hasText: 'C’è un errore nel modulo' }).waitFor();
  const again = page.getByLabel(label.trim());
  assert.equal((await again.inputValue()).length, max + 5);
  assert.equal(await again.getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'section editor with an error');
  await shoot(page, 'editor-errore');

  await again.fill('Famiglie con minori, persone anziane, persone con disabilità.');
  await page.getByRole('button', { name: 'Salva la sezione' }).click();
  await page.getByRole('status').filter({ hasText: 'Sezione salvata.' }).waitFor();
  assert.equal(await page.getByLabel(label.trim()).inputValue(),
    'Famiglie con minori, persone anziane, persone con disabilità.');
  await page.getByRole('link', { name: 'Torna all’indice del piano' }).click();
  const row = page.getByRole('row', { name: /I\.5 Destinatari/ });
  await row.getByText('completa', { exact: true }).or(row.getByText('parziale', { exact: true })).waitFor();
  assert.deepEqual(blocked, []);
  await context.close();
});
