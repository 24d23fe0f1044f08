// A whole plan written in the browser as a person writes it, and the section
// editor's preview and guidance:
// - the editor shows the guidelines' advice beside each part (linked with
//   aria-describedby) and "Anteprima" renders what was typed (a GFM table, a
//   list, markup as text) without saving it;
// - two browsers editing one section: the second save is stale, nothing is
//   overwritten and the page keeps both texts;
// - a coordinator of a new ATS with an empty plan of the Marche template
//   writes every required part through the editor (labels and buttons), opens
//   the submission check, follows its links to what is still missing, fixes
//   it, gives the delibera, submits and sees the receipt with revision and
//   SHA-256; the Region (over the API) requests changes, the coordinator sees
//   the note on the home, corrects and submits again.
// The ATS, its coordinator and its plan are made over the API first.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkA11y, EXTRA, logInHome, newPage, PASSWORD, shoot } from './lib.mjs';

const BASE = process.env.AMBITO_URL;
const MARCHE = JSON.parse(fs.readFileSync(path.join(path.dirname(process.env.AMBITO_DEMO), 'marche-2020-2022.json'),
  'utf8'));
const SECTIONS = MARCHE.template.sections;
const ADMIN = 'admin.regione@demo.ambito.invalid';
const COORD_1 = 'coordinatore.ats1@demo.ambito.invalid';
const NEW_COORD = 'coordinatrice.ats50@prova.ambito.invalid';
const NEW_PASSWORD = 'Una-password-per-ATS-50';
const VIEWER_1 = 'lettrice.ats1@prova.ambito.invalid';
const EDITOR_7 = EXTRA.find((u) => u.tenant === 'ats-7' && u.role === 'ats_editor')?.email;
const TENANT = 'ats-50';
const API_PLAN = `/api/v1/tenants/${TENANT}/plans/2020-2022`;
const REGION_NOTE = 'Integrare l’analisi della sezione B.3 con i dati sugli assegni di cura del 2021.';
// Parts a person forgets on the first pass: the check must list them.
const FORGOTTEN = [['B.3', 'valutazione'], ['D.2', 'analisi'], ['D.2', 'strategia']];

async function api(method, url, token, body) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(BASE + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const bytes = Buffer.from(await r.arrayBuffer());
  return { status: r.status, bytes, json: () => JSON.parse(bytes.toString('utf8')), headers: r.headers };
}

async function token(email, password) {
  const r = await api('POST', '/api/v1/auth/login', null, { email, password });
  assert.equal(r.status, 200, `login of ${email}`);
  return r.json().access_token;
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The textarea of a part, by its label as a person reads it.
function partField(page, part) {
  return page.getByRole('textbox', {
    name: new RegExp(`^${escapeRe(part.title)} \\((obbligatoria|facoltativa)\\)$`),
  });
}

function textFor(section, part) {
  return `${part.title} per la sezione ${section.key}: testo scritto dall’Ufficio di Piano dell’ATS 50.\n\n` +
    '- prima azione prevista\n- seconda azione prevista';
}

let adminToken;

before(async () => {
  adminToken = await token(ADMIN, PASSWORD[ADMIN]);
  let r = await api('POST', '/api/v1/tenants', adminToken, {
    slug: TENANT, code: 'ATS 50', name: 'Ambito Territoriale Sociale 50 – Prova', capofila: 'Urbisaglia',
    ente_gestore: 'Comune di Urbisaglia', province: 'MC',
    comuni: [{ istat_code: '043055', name: 'Urbisaglia', population: 2700 },
      { istat_code: '043033', name: 'Loro Piceno', population: 2300 }],
  });
  assert.equal(r.status, 201, 'the ATS is created');
  r = await api('POST', '/api/v1/users', adminToken, {
    email: NEW_COORD, name: 'Giulia Ferri', password: NEW_PASSWORD,
    memberships: [{ tenant: TENANT, role: 'ats_coordinator' }],
  });
  assert.equal(r.status, 201, 'the coordinator is created');
  const coord = await token(NEW_COORD, NEW_PASSWORD);
  r = await api('POST', `/api/v1/tenants/${TENANT}/plans`, coord, { cycle: '2020-2022' });
  assert.equal(r.status, 201, 'the empty plan is created');
  r = await api('POST', '/api/v1/users', adminToken, {
    email: VIEWER_1, name: 'Lettrice di prova', password: NEW_PASSWORD,
    memberships: [{ tenant: 'ats-1', role: 'ats_viewer' }],
  });
  assert.equal(r.status, 201, 'a viewer of ATS 1 is created');
});

test('the editor shows the guidance beside each part and previews Markdown without saving', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_1);
  const section = SECTIONS.find((s) => s.key === 'A.1.1');
  const part = section.parts[0];
  await page.goto('/ats/ats-1/piani/2020-2022');
  await page.getByRole('link', { name: section.title, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `${section.key} ${section.title}` }).waitFor();

  // The guidance is the template's, beside its field and named by it.
  const field = partField(page, part);
  const described = (await field.getAttribute('aria-describedby')).split(' ');
  const guide = page.locator(`[id="${described[0]}"]`);
  assert.match(await guide.innerText(), new RegExp(escapeRe(part.guidance)));
  assert.match(await guide.innerText(), /Indicazioni delle linee guida/);
  assert.ok(described.some((id) => id.startsWith('conta-')), 'the counter is still described');

  const before = (await api('GET', '/api/v1/tenants/ats-1/plans/2020-2022/sections/A.1.1',
    await token(COORD_1, PASSWORD[COORD_1]))).bytes;
  const typed = '# Comuni dell’ATS\n\n| Comune | Abitanti |\n|---|---:|\n| Fano | 60.000 |\n| Mondolfo | 14.000 |\n\n' +
    '- servizio sociale professionale\n- assistenza domiciliare\n\n<script>alert("x")</script> e <b>grassetto</b>';
  await field.fill(typed);
  await page.getByRole('button', { name: 'Anteprima' }).click();
  await page.getByText('Anteprima: il testo non è ancora salvato.').waitFor();
  const preview = page.getByRole('region', { name: `Anteprima: ${part.title}` });
  await preview.waitFor();
  // A real table with its header and cells, a real list.
  assert.deepEqual(await preview.locator('table th').allInnerTexts(), ['Comune', 'Abitanti']);
  assert.deepEqual(await preview.locator('table tbody td').allInnerTexts(), ['Fano', '60.000', 'Mondolfo', '14.000']);
  assert.deepEqual(await preview.locator('li').allInnerTexts(), ['servizio sociale professionale',
    'assistenza domiciliare']);
  assert.equal(await preview.locator('h3').innerText(), 'Comuni dell’ATS');
  // Raw HTML is text: no script or <b> element, the characters shown.
  assert.equal(await preview.locator('script, b').count(), 0);
  assert.match(await preview.innerText(), /<script>alert\("x"\)<\/script> e <b>grassetto<\/b>/);
  // What was typed is still in the field; nothing was saved.
  assert.equal((await partField(page, part).inputValue()).replace(/\r\n/g, '\n'), typed);
  const after = (await api('GET', '/api/v1/tenants/ats-1/plans/2020-2022/sections/A.1.1',
    await token(COORD_1, PASSWORD[COORD_1]))).bytes;
  assert.deepEqual(after, before, 'a preview saves nothing');
  await shoot(page, 'sezione-anteprima');

  // Saving after the preview works (the version the page was loaded with).
  await page.getByRole('button', { name: 'Salva la sezione' }).click();
  await page.getByText('Sezione salvata.').waitFor();
  assert.equal((await partField(page, part).inputValue()).replace(/\r\n/g, '\n'), typed);
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a viewer reads the parts rendered and has nothing to change', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, VIEWER_1, NEW_PASSWORD);
  await page.goto('/ats/ats-1/piani/2020-2022/sezioni/A.1.1');
  const section = SECTIONS.find((s) => s.key === 'A.1.1');
  await page.getByRole('heading', { level: 1, name: `${section.key} ${section.title}` }).waitFor();
  // The part saved with Markdown by the test before, rendered for reading.
  await page.getByRole('heading', { name: section.parts[0].title }).waitFor();
  assert.deepEqual(await page.locator('.ambito-readonly table th').allInnerTexts(), ['Comune', 'Abitanti']);
  assert.equal(await page.locator('.ambito-readonly li').count(), 2);
  assert.equal(await page.locator('textarea, input[type="text"]').count(), 0, 'no field to write in');
  assert.equal(await page.getByRole('button', { name: /Salva|Anteprima/ }).count(), 0);
  await shoot(page, 'sezione-lettura');
  await page.goto('/ats/ats-1/piani/2020-2022/invio');
  await page.getByText('Solo il coordinatore dell’ATS può inviare il piano alla Regione.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Continua|Conferma/ }).count(), 0);
  assert.deepEqual(blocked, []);
  await context.close();
});

test('an editor saves a section but cannot submit', async () => {
  assert.ok(EDITOR_7, 'the run provides an editor of ATS 7');
  const { context, page, blocked } = await newPage();
  await logInHome(page, EDITOR_7);
  await page.goto('/ats/ats-7/piani/2020-2022/sezioni/I.3');
  const part = SECTIONS.find((s) => s.key === 'I.3').parts[0];
  const field = partField(page, part);
  const text = `${await field.inputValue()}\nRiga aggiunta dal redattore.`;
  await field.fill(text);
  await page.getByRole('button', { name: 'Salva la sezione' }).click();
  await page.getByText('Sezione salvata.').waitFor();
  assert.equal((await partField(page, part).inputValue()).replace(/\r\n/g, '\n'), text.replace(/\r\n/g, '\n'));
  await page.getByRole('link', { name: 'Torna all’indice del piano' }).click();
  await page.getByRole('link', { name: 'Controllo e invio del piano' }).click();
  await page.getByText('Solo il coordinatore dell’ATS può inviare il piano alla Regione.').waitFor();
  assert.equal(await page.getByRole('button', { name: /Continua|Conferma/ }).count(), 0);
  assert.equal(await page.getByLabel('Numero della delibera').count(), 0);
  assert.deepEqual(blocked, []);
  await context.close();
});

test('two browsers editing one section: the second save is refused and both texts stay', async () => {
  const a = await newPage();
  const b = await newPage();
  await logInHome(a.page, COORD_1);
  await logInHome(b.page, COORD_1);
  const section = SECTIONS.find((s) => s.key === 'I.3');
  const part = section.parts[0];
  for (const { page } of [a, b])
    await page.goto(`/ats/ats-1/piani/2020-2022/sezioni/${section.key}`);
  const textA = 'Testo scritto nella prima finestra.';
  const textB = 'Testo scritto nella seconda finestra.';
  await partField(a.page, part).fill(textA);
  await a.page.getByRole('button', { name: 'Salva la sezione' }).click();
  await a.page.getByText('Sezione salvata.').waitFor();

  await partField(b.page, part).fill(textB);
  await b.page.getByRole('button', { name: 'Salva la sezione' }).click();
  await b.page.getByText('Nessuna modifica è stata salvata.').waitFor();
  // Ours in the field, theirs beside it.
  assert.equal(await partField(b.page, part).inputValue(), textB);
  assert.equal(await b.page.locator('.ambito-stale-text').innerText(), textA);
  await checkA11y(b.page, 'the stale save');
  await shoot(b.page, 'sezione-salvataggio-concorrente');
  const coord = await token(COORD_1, PASSWORD[COORD_1]);
  let stored = (await api('GET', `/api/v1/tenants/ats-1/plans/2020-2022/sections/${section.key}`, coord)).json();
  assert.equal(stored.parts[part.key], textA, 'the first save was not overwritten');

  // The second writer joins the two texts and saves.
  await partField(b.page, part).fill(`${textA}\n${textB}`);
  await b.page.getByRole('button', { name: 'Salva la sezione' }).click();
  await b.page.getByText('Sezione salvata.').waitFor();
  stored = (await api('GET', `/api/v1/tenants/ats-1/plans/2020-2022/sections/${section.key}`, coord)).json();
  assert.equal(stored.parts[part.key], `${textA}\n${textB}`);
  assert.deepEqual([...a.blocked, ...b.blocked], []);
  await a.context.close();
  await b.context.close();
});

async function openIndex(page) {
  await page.getByRole('link', { name: /Apri l’indice del piano/ }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Indice del piano 2020-2022' }).waitFor();
}

async function openCheck(page) {
  await page.getByRole('link', { name: 'Controllo e invio del piano' }).click();
  await page.getByRole('heading', { level: 1, name: 'Invio del piano alla Regione' }).waitFor();
}

async function submitWithDelibera(page, number, date, note) {
  await page.getByLabel('Numero della delibera').fill(number);
  await page.getByLabel('Data della delibera').fill(date);
  await page.getByLabel('Nota per la Regione (facoltativa)').fill(note);
  await page.getByRole('button', { name: 'Continua' }).click();
  await page.getByRole('heading', { level: 1, name: 'Conferma l’invio del piano' }).waitFor();
  await page.getByRole('button', { name: 'Conferma e invia alla Regione' }).click();
  await page.getByText('Il piano è stato inviato alla Regione.').waitFor();
}

// The receipt's revision and hash against the API's list and the bytes the
// API serves (hashed here, not by the server).
async function checkReceipt(page, coord, revision) {
  await page.getByRole('heading', { level: 1, name: `Ricevuta dell’invio: revisione ${revision}` }).waitFor();
  const shown = (await page.locator('code.ambito-hash').innerText()).trim();
  const snapshot = await api('GET', `${API_PLAN}/submissions/${revision}`, coord);
  assert.equal(snapshot.status, 200);
  assert.equal(shown, crypto.createHash('sha256').update(snapshot.bytes).digest('hex'));
  const items = (await api('GET', `${API_PLAN}/submissions`, coord)).json().items;
  assert.equal(items.at(-1).revision, revision);
  assert.equal(items.at(-1).sha256, shown);
  return snapshot.json();
}

test('a coordinator writes a whole plan, fixes what the check lists, submits, corrects and submits again',
  async () => {
    const { context, page, blocked } = await newPage();
    await logInHome(page, NEW_COORD, NEW_PASSWORD);
    const required = SECTIONS.flatMap((s) => s.parts.filter((p) => p.required).map((p) => [s, p]));
    await page.getByText(`0 su ${SECTIONS.length} sezioni complete`).waitFor();
    await openIndex(page);
    await checkA11y(page, 'the empty plan index');

    // First pass: every section with a required part, from the index.
    let written = 0;
    for (const section of SECTIONS) {
      const parts = section.parts.filter((p) => p.required &&
        !FORGOTTEN.some(([s, k]) => s === section.key && k === p.key));
      if (parts.length === 0)
        continue;
      await page.getByRole('link', { name: section.title, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `${section.key} ${section.title}` }).waitFor();
      for (const part of parts) {
        await partField(page, part).fill(textFor(section, part));
        written++;
      }
      // Once in a long run a click sent nothing: the layout may still move
      // when the deferred scripts add the character counters or the fonts
      // arrive, so the button is pressed once the page has loaded and they have.
      await page.waitForLoadState('load');
      await page.evaluate(() => document.fonts.ready);
      await page.getByRole('button', { name: 'Salva la sezione' }).click();
      await page.getByText('Sezione salvata.').waitFor();
      await page.getByRole('link', { name: 'Torna all’indice del piano' }).click();
      await page.getByRole('heading', { level: 1, name: 'Indice del piano 2020-2022' }).waitFor();
    }
    assert.equal(written, required.length - FORGOTTEN.length);

    // The check lists exactly the forgotten parts; each link opens its field.
    await openCheck(page);
    await page.getByText(`Mancano ${FORGOTTEN.length} parti obbligatorie: compilale prima dell’invio.`).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Continua' }).count(), 0);
    await shoot(page, 'percorso-controllo-mancanti');
    for (let left = FORGOTTEN.length; left > 0; left--) {
      const links = page.locator('ul.ambito-missing a');
      assert.equal(await links.count(), left);
      const href = await links.first().getAttribute('href');
      const [, key, partKey] = href.match(/\/sezioni\/([^#]+)#parte-(.+)$/);
      assert.deepEqual([key, partKey], FORGOTTEN[FORGOTTEN.length - left]);
      await links.first().click();
      await page.waitForURL(new RegExp(`/sezioni/${escapeRe(key)}#parte-${partKey}$`));
      const part = SECTIONS.find((s) => s.key === key).parts.find((p) => p.key === partKey);
      const field = partField(page, part);
      assert.equal(await field.inputValue(), '');
      await field.fill(textFor({ key }, part));
      await page.getByRole('button', { name: 'Salva la sezione' }).click();
      await page.getByText('Sezione salvata.').waitFor();
      await page.getByRole('link', { name: 'Torna all’indice del piano' }).click();
      await openCheck(page);
    }
    await page.getByText('Tutte le parti obbligatorie sono compilate.').waitFor();

    // The delibera, a mistake beside its field, then the submission.
    await page.getByLabel('Numero della delibera').fill('12');
    await page.getByLabel('Data della delibera').fill('2099-01-01');
    await page.getByRole('button', { name: 'Continua' }).click();
    await page.getByText('Data della delibera: la data non può essere nel futuro.').waitFor();
    await submitWithDelibera(page, '12', '2021-03-03', 'Piano approvato dal Comitato dei Sindaci.');
    const coord = await token(NEW_COORD, NEW_PASSWORD);
    const first = await checkReceipt(page, coord, 1);
    assert.deepEqual(first.approval_act, { number: '12', date: '2021-03-03' });
    assert.equal(first.sections.filter((s) => s.status === 'complete').length,
      SECTIONS.filter((s) => s.parts.some((p) => p.required)).length);
    await page.getByText('delibera n. 12 del 3 marzo 2021').waitFor();
    await shoot(page, 'percorso-ricevuta-1');

    // The Region asks for changes (its side over the API).
    const r = await api('POST', `${API_PLAN}/submissions/1/review`, adminToken,
      { decision: 'request_changes', note: REGION_NOTE });
    assert.equal(r.status, 201);

    // The coordinator sees the note on the home, corrects and submits again.
    await page.goto('/');
    await page.getByText(REGION_NOTE).waitFor();
    await page.getByText('modifiche richieste').first().waitFor();
    await shoot(page, 'percorso-home-modifiche-richieste');
    await openIndex(page);
    const b3 = SECTIONS.find((s) => s.key === 'B.3');
    await page.getByRole('link', { name: b3.title, exact: true }).click();
    const analisi = partField(page, b3.parts.find((p) => p.key === 'analisi'));
    const corrected = `${await analisi.inputValue()}\n\nNel 2021 gli assegni di cura sono stati 130.`;
    await analisi.fill(corrected);
    await page.getByRole('button', { name: 'Salva la sezione' }).click();
    await page.getByText('Sezione salvata.').waitFor();
    await page.getByRole('link', { name: 'Torna all’indice del piano' }).click();
    await openCheck(page);
    await page.getByText('Tutte le parti obbligatorie sono compilate.').waitFor();
    await submitWithDelibera(page, '15', '2021-04-02', 'Integrata la sezione B.3 come richiesto.');
    const second = await checkReceipt(page, coord, 2);
    assert.deepEqual(second.approval_act, { number: '15', date: '2021-04-02' });
    assert.equal(second.sections.find((s) => s.key === 'B.3').parts.analisi, corrected.replace(/\r\n/g, '\n'));
    const plan = (await api('GET', API_PLAN, coord)).json();
    assert.equal(plan.status, 'submitted');
    assert.equal(plan.revision, 2);
    // The history shows both, with the Region's note and each delibera.
    await page.getByRole('link', { name: 'Storia degli invii' }).click();
    await page.getByText(REGION_NOTE).waitFor();
    await page.getByText('Approvato dal Comitato dei Sindaci con delibera n. 15 del 2 aprile 2021').waitFor();
    await page.getByText('Approvato dal Comitato dei Sindaci con delibera n. 12 del 3 marzo 2021').waitFor();
    await page.getByText('Nel 2021 gli assegni di cura sono stati 130.').first().waitFor();
    await shoot(page, 'percorso-storia');
    assert.deepEqual(blocked, []);
    await context.close();
  });
