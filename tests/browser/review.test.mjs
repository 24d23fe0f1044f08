// Journeys of the Region's review, as its staff and a university user do it:
// a reviewer finds a submitted plan in the queue of the Region's home, reads
// what changed since the previous submission, comments on a part, requests
// changes (the ATS sees the note on its home); after the ATS submits again
// (through the API) approves; the region_admin publishes after the
// confirmation and the public document appears. A university user comments
// on an assigned ATS and gets the 404 page for another; an ATS user gets the
// 403 page on a Region page. axe-core on every page visited; the Region's
// home and the review page are photographed at 1280 and 390 pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, logInHome, newPage, PASSWORD, shoot } from './lib.mjs';

const BASE = process.env.AMBITO_URL;
const REVIEWER = 'revisore.regione@demo.ambito.invalid';
const ADMIN = 'admin.regione@demo.ambito.invalid';
const UNIVERSITY = 'universita@demo.ambito.invalid';
const COORD_7 = 'coordinatore.ats7@demo.ambito.invalid';
const PLAN_7 = '/api/v1/tenants/ats-7/plans/2020-2022';
const NAME_7 = 'Ambito Territoriale Sociale 7 – Fossombrone';
const NAME_13 = 'Ambito Territoriale Sociale 13 – Osimo';
const FIRST_FIX = 'Integrazione richiesta: il Comitato di Valutazione si riunisce ogni sei mesi.';
const SECOND_FIX = 'Il referente del GVL POR 9.1-9.4 partecipa a ogni riunione del Comitato.';
const NOTE = 'Indicare anche la composizione del Comitato di Valutazione (nota del revisore).';
const COMMENT = 'Il calendario delle riunioni va allegato (commento del revisore).';

async function api(method, path, { token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  const r = await fetch(BASE + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, headers: r.headers, json: r.headers.get('content-type')?.includes('json') ? await r.json() : null };
}

// The coordinator of ATS 7 adds a line to section A.5.2 and submits the plan.
async function resubmit7(line) {
  const login = await api('POST', '/api/v1/auth/login', { body: { email: COORD_7, password: PASSWORD[COORD_7] } });
  assert.equal(login.status, 200);
  const token = login.json.access_token;
  const sec = await api('GET', `${PLAN_7}/sections/A.5.2`, { token });
  assert.equal(sec.status, 200);
  const [key, text] = Object.entries(sec.json.parts)[0];
  const patch = await api('PATCH', `${PLAN_7}/sections/A.5.2`, {
    token, body: { parts: { [key]: `${text}\n\n${line}` } },
    headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': sec.headers.get('etag') },
  });
  assert.equal(patch.status, 200);
  const sub = await api('POST', `${PLAN_7}/submit`, { token });
  assert.equal(sub.status, 201);
  return sub.json.revision;
}

test('a reviewer reads the diff, comments, requests changes, approves; the admin publishes', async () => {
  assert.equal(await resubmit7(FIRST_FIX), 2);

  const { context, page, blocked } = await newPage();
  await logInHome(page, REVIEWER);
  // The queue: the submitted plans, the oldest first (ATS 13 in July 2021, ATS 7 today).
  const queue = page.getByRole('region', { name: 'Piani da esaminare' });
  assert.deepEqual(await queue.getByRole('row').locator('th a').allTextContents(), [NAME_13, NAME_7]);
  // Every ATS in natural order.
  const all = page.getByRole('region', { name: 'Piani degli Ambiti' });
  const names = await all.locator('tbody th > a:first-child').allTextContents();
  assert.deepEqual(names.map((n) => n.match(/Sociale (\d+)/)[1]), ['1', '7', '13', '20']);
  await shoot(page, 'regione-home', { checkWidth: true });

  // Sorted by status, then filtered by province.
  await all.getByRole('link', { name: /^Stato del piano/ }).click();
  await page.waitForURL(/ordina=stato/);
  await checkA11y(page, 'home sorted by status');
  await page.getByLabel('Provincia').selectOption('PU');
  await page.getByRole('button', { name: 'Filtra' }).click();
  await page.waitForURL(/provincia=PU/);
  const filtered = await page.getByRole('region', { name: 'Piani degli Ambiti' }).locator('tbody th > a:first-child')
    .allTextContents();
  assert.deepEqual(filtered.map((n) => n.match(/Sociale (\d+)/)[1]), ['1', '7']);
  await checkA11y(page, 'home filtered by province');

  // The review page of ATS 7, from the queue.
  await page.getByRole('link', { name: 'Revisione', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Revisione dei piani' }).waitFor();
  await checkA11y(page, 'review queue');
  await page.getByRole('link', { name: NAME_7 }).click();
  await page.getByRole('heading', { level: 1, name: `Revisione del piano — ${NAME_7}` }).waitFor();
  await page.getByText(FIRST_FIX).waitFor();
  await shoot(page, 'revisione');

  // What changed since revision 1: the added line, marked.
  await page.getByRole('link', { name: /Differenze rispetto all’invio precedente/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Storia degli invii' }).waitFor();
  await page.locator('ins', { hasText: FIRST_FIX }).waitFor();
  await checkA11y(page, 'diff');
  await page.goBack();

  // A comment on one part of section A.5.2.
  await page.locator('#sezione-A\\.5\\.2').getByRole('link', { name: /Commenta questa parte/ }).first().click();
  await page.getByRole('heading', { level: 1, name: /Commenti su A\.5\.2/ }).waitFor();
  await page.getByLabel('Commento').fill(COMMENT);
  await page.getByRole('button', { name: 'Pubblica il commento' }).click();
  await page.getByText('Commento pubblicato.').waitFor();
  await page.getByText(COMMENT).waitFor();
  await checkA11y(page, 'comments');
  await page.getByRole('link', { name: 'Torna alla revisione del piano' }).click();
  await page.locator('#sezione-A\\.5\\.2').getByRole('link', { name: /Commenti sulla sezione \(\d+ apert/ }).waitFor();

  // Request changes, with a note.
  await page.getByText('Chiedi modifiche all’ATS', { exact: true }).click(); // the kit's radio: its label takes the click
  assert.equal(await page.getByLabel('Chiedi modifiche all’ATS').isChecked(), true);
  await page.getByLabel('Nota per l’ATS').fill(NOTE);
  await page.getByRole('button', { name: 'Registra l’esito' }).click();
  await page.getByText('Esito registrato: all’ATS sono chieste modifiche.').waitFor();
  await page.getByText(NOTE).first().waitFor();
  await checkA11y(page, 'review after requesting changes');
  await context.close();

  // The ATS reads the note on its home.
  const ats = await newPage();
  await logInHome(ats.page, COORD_7);
  await ats.page.getByText('Note della Regione').waitFor();
  await ats.page.getByText(NOTE).waitFor();
  await checkA11y(ats.page, 'home of ATS 7 with the note');
  // An ATS user on a Region page: the 403 page.
  const resp = await ats.page.goto('/revisione');
  assert.equal(resp.status(), 403);
  await ats.page.getByRole('heading', { level: 1, name: 'Accesso negato' }).waitFor();
  await checkA11y(ats.page, '403 page');
  await ats.context.close();

  // The ATS submits again; the reviewer approves.
  assert.equal(await resubmit7(SECOND_FIX), 3);
  const rev = await newPage();
  await logInHome(rev.page, REVIEWER);
  await rev.page.getByRole('region', { name: 'Piani da esaminare' }).getByRole('link', { name: NAME_7 }).click();
  await rev.page.getByText(SECOND_FIX).waitFor();
  await rev.page.getByText('Approva il piano', { exact: true }).click();
  assert.equal(await rev.page.getByLabel('Approva il piano').isChecked(), true);
  await rev.page.getByRole('button', { name: 'Registra l’esito' }).click();
  await rev.page.getByText('Esito registrato: il piano è approvato.').waitFor();
  assert.equal(await rev.page.getByRole('link', { name: /Pubblica il piano/ }).count(), 0, 'a reviewer does not publish');
  await checkA11y(rev.page, 'review after approval');
  await rev.context.close();

  // The admin publishes, after the confirmation; the public document appears.
  assert.equal((await fetch(`${BASE}/public/ats-7/2020-2022`)).status, 404);
  const adm = await newPage();
  await logInHome(adm.page, ADMIN);
  await adm.page.goto('/ats/ats-7/piani/2020-2022/revisione');
  await adm.page.getByRole('link', { name: /Pubblica il piano/ }).click();
  await adm.page.getByRole('heading', { level: 1, name: 'Pubblicare il piano di ATS 7?' }).waitFor();
  await shoot(adm.page, 'pubblicazione-conferma'); // axe at both widths
  await adm.page.getByRole('button', { name: 'Sì, pubblica il piano' }).click();
  await adm.page.getByText('Il piano è pubblicato.', { exact: true }).waitFor();
  await checkA11y(adm.page, 'review after publication');
  await adm.page.getByRole('link', { name: 'leggi il documento pubblico' }).click();
  await adm.page.waitForURL(/\/public\/ats-7\/2020-2022$/);
  await adm.page.getByText(SECOND_FIX).first().waitFor();
  await checkA11y(adm.page, 'public document');
  await adm.context.close();
  assert.deepEqual([...blocked, ...ats.blocked, ...rev.blocked, ...adm.blocked], []);
});

test('a university user comments on an assigned ATS and cannot open another', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, UNIVERSITY);
  await page.getByRole('heading', { level: 2, name: 'Ambiti assegnati' }).waitFor();
  const names = await page.getByRole('region', { name: 'Piani degli Ambiti' }).locator('tbody th > a:first-child')
    .allTextContents();
  assert.deepEqual(names.map((n) => n.match(/Sociale (\d+)/)[1]), ['13', '20']);
  assert.equal(await page.getByRole('link', { name: 'Revisione', exact: true }).count(), 0);
  await checkA11y(page, 'home of the university');
  await page.getByRole('link', { name: NAME_13 }).click();
  await page.getByRole('heading', { level: 1, name: `Revisione del piano — ${NAME_13}` }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Registra l’esito' }).count(), 0, 'no decision');
  await checkA11y(page, 'review page for the university');
  await page.locator('#sezione-B\\.3').getByRole('link', { name: /Commenta questa parte/ }).first().click();
  await page.getByLabel('Commento').fill('Suggeriamo un indicatore sulle ore di assistenza (università).');
  await page.getByRole('button', { name: 'Pubblica il commento' }).click();
  await page.getByText('Commento pubblicato.').waitFor();
  await checkA11y(page, 'comments of the university');
  const resp = await page.goto('/ats/ats-7/piani/2020-2022/revisione');
  assert.equal(resp.status(), 404);
  await page.getByRole('heading', { level: 1, name: 'Pagina non trovata' }).waitFor();
  await checkA11y(page, '404 page for an ATS not assigned');
  assert.deepEqual(blocked, []);
  await context.close();
});
