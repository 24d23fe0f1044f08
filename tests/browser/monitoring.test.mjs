// Journeys of the plan as a process: the region_admin uploads the riparto
// (a bad line refuses the whole file and is named; a good file replaces it),
// the coordinator of ATS 20 (published in the demo) enters the 2021
// monitoring and sends the report, the reviewer compares the monitoring of
// OS1-A6 across ATS (its chart and its spreadsheet). axe-core on every page; screenshots at 1280 and 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logInHome, newPage, shoot } from './lib.mjs';

const ADMIN = 'admin.regione@demo.ambito.invalid';
const COORD_20 = 'coordinatore.ats20@demo.ambito.invalid';
const REVIEWER = 'revisore.regione@demo.ambito.invalid';
const TIME = 'Tempo medio tra richiesta e valutazione integrata';

test('the admin uploads the riparto: a bad line names itself, a good file is registered', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, ADMIN);
  await page.goto('/regione/cicli/2020-2022/assegnazioni');
  await page.getByRole('heading', { level: 1, name: 'Assegnazioni dei fondi, ciclo 2020-2022' }).waitFor();
  const csv = page.getByLabel('File CSV del riparto');
  await csv.fill('tenant,year,source,amount_eur\nats-20,2021,fnps,150000.00\nats-zeta,2021,fnps,1\n');
  await page.getByRole('button', { name: 'Registra il riparto' }).click();
  await page.getByText('Il riparto non è stato registrato').waitFor();
  await page.getByText(/riga 3: .*ats-zeta/).waitFor();
  assert.match(await csv.inputValue(), /ats-zeta/, 'what was typed is kept');
  await shoot(page, 'assegnazioni-errore');
  await csv.fill('tenant,year,source,amount_eur\nats-20,2021,fnps,150000.00\nats-20,2021,fna,500000.50\n');
  await page.getByRole('button', { name: 'Registra il riparto' }).click();
  await page.getByText('Riparto registrato: 2 righe.').waitFor();
  const table = page.getByRole('table', { name: 'Riparto registrato' });
  assert.equal(await table.locator('tbody tr').count(), 2);
  assert.match(await table.innerText(), /500\.000,50/);
  await shoot(page, 'assegnazioni');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('the coordinator enters the 2021 monitoring and sends the report', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_20);
  await page.getByRole('link', { name: /Apri l’indice del piano/ }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Indice del piano 2020-2022' }).waitFor();
  await page.getByRole('link', { name: 'Monitoraggio 2021' }).click();
  await page.getByRole('heading', { level: 1, name: 'Monitoraggio 2021 del piano 2020-2022' }).waitFor();
  // Baseline 48, target 30: a measured 39 is half-way, 50 %.
  await page.getByLabel(`Valore misurato, ${TIME}`).fill('39');
  await page.getByLabel(`Nota, ${TIME}`).fill('Dato del primo semestre');
  await page.getByLabel('Spesa effettiva, B.6, Fondo nazionale per le politiche sociali').fill('155.000,50');
  await page.getByRole('button', { name: 'Salva il monitoraggio' }).click();
  await page.getByText('Monitoraggio salvato.').waitFor();
  const row = page.getByRole('row', { name: new RegExp(TIME) });
  assert.match(await row.innerText(), /50,00\s%/);
  assert.equal(await page.getByLabel('Spesa effettiva, B.6, Fondo nazionale per le politiche sociali').inputValue(),
    '155.000,50');
  await shoot(page, 'monitoraggio');
  await page.getByRole('button', { name: 'Invia la relazione del 2021' }).click();
  await page.getByText(/Relazione n\. 1 inviata alla Regione/).waitFor();
  assert.match(await page.locator('.alert-success code').innerText(), /^[0-9a-f]{64}$/);
  await page.getByRole('table', { name: 'Relazioni inviate' }).getByText('da esaminare').waitFor();
  await shoot(page, 'monitoraggio-inviato');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('the reviewer compares the monitoring of OS1-A6 in 2021', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, REVIEWER);
  await page.goto('/regione/cicli/2020-2022/monitoraggio');
  await page.getByRole('heading', { level: 1, name: 'Confronto del monitoraggio, ciclo 2020-2022' }).waitFor();
  await page.getByLabel('Azione di sistema').selectOption('OS1-A6');
  await page.getByLabel('Anno').selectOption('2021');
  await page.getByRole('button', { name: 'Confronta' }).click();
  const table = page.getByRole('table', { name: 'Indicatori per ambito' });
  await table.waitFor();
  const row = table.getByRole('row', { name: new RegExp(TIME) });
  assert.match(await row.innerText(), /48\s+30\s+39\s+50,00\s%/);
  await page.getByText(/1 ambito con una relazione per il 2021; 1 indicatore numerico misurato, avanzamento medio 50,00 %/).waitFor();
  const spending = page.getByRole('table', { name: /Spesa prevista ed effettiva/ });
  assert.match(await spending.innerText(), /155\.000,50/);
  // The chart of the mean progress (50 % for ATS 20, its only measured
  // indicator) against the target, with its summary.
  await page.getByRole('img', { name: /Avanzamento medio per ambito: OS1-A6, 2021/ }).waitFor();
  assert.match(await page.locator('.ambito-chart-summary').textContent(),
    /il valore più alto è di .*\(50,00\s%\).*0 su 1 sopra la soglia dell’obiettivo di 100,00\s%/);
  await shoot(page, 'monitoraggio-confronto');

  // The spreadsheet beside the CSV downloads, under the browser's session.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Scarica il foglio di calcolo/ }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ambito-2020-2022-monitoraggio-OS1-A6-2021.xlsx');
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  assert.equal(Buffer.concat(chunks).subarray(0, 2).toString('latin1'), 'PK'); // a zip, not an error page
  assert.deepEqual(blocked, []);
  await context.close();
});
