// The region_admin's journey through the administration pages: creates an
// ATS with its Comuni and a user, resets a password (the user then logs in
// with the one-time password and must choose a new one), uploads a cycle
// file with an error (the error names the entry) and then a good one. axe
// on every page; screenshots at 1280 and 390 pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { checkA11y, logIn, logInHome, newPage, shoot } from './lib.mjs';

const ADMIN = 'admin.regione@demo.ambito.invalid';
const MARCHE = JSON.parse(fs.readFileSync(new URL('../../deploy/data/marche-2020-2022.json', import.meta.url), 'utf8'));

async function logOut(page) {
  await page.getByRole('button', { name: 'Esci' }).click();
  await page.getByRole('button', { name: 'Accedi' }).waitFor();
}

test('the admin creates an ATS and a user, and resets a password', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, ADMIN);
  await page.getByRole('link', { name: 'Amministrazione' }).click();
  await page.getByRole('heading', { level: 1, name: 'Amministrazione' }).waitFor();
  await shoot(page, 'admin-home');

  await page.getByRole('link', { name: 'Ambiti territoriali' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ambiti territoriali' }).waitFor();
  const order = await page.locator('tbody th a').allTextContents();
  assert.deepEqual(order.map((t) => t.match(/Sociale (\d+)/)[1]), ['1', '7', '13', '20']);
  await shoot(page, 'admin-ambiti', { checkWidth: true });

  await page.getByRole('link', { name: 'Nuovo ambito' }).click();
  await page.getByLabel(/^Identificativo negli indirizzi/).fill('ats-21');
  await page.getByLabel('Codice (es. ATS 21)').fill('ATS 21');
  await page.getByLabel('Nome', { exact: true }).fill('Ambito Territoriale Sociale 21 – Amandola');
  await page.getByLabel('Comune capofila').fill('Amandola');
  await page.getByLabel('Ente gestore').fill('Unione Montana dei Sibillini');
  await page.getByLabel(/^Provincia/).fill('FM');
  await page.getByLabel('Codice ISTAT, riga 1').fill('109001');
  await page.getByLabel('Comune, riga 1').fill('Amandola');
  await page.getByLabel('Popolazione, riga 1').fill('3.500');
  await page.getByLabel('Codice ISTAT, riga 2').fill('10900');   // one digit short
  await page.getByLabel('Comune, riga 2').fill('Montefortino');
  await page.getByLabel('Popolazione, riga 2').fill('1.150');
  await page.getByRole('button', { name: 'Crea l’ambito' }).click();
  await page.getByText('C’è un errore nel modulo:').waitFor();
  assert.equal(await page.getByLabel('Codice ISTAT, riga 2').getAttribute('aria-invalid'), 'true');
  await shoot(page, 'admin-ambito-errori');
  await page.getByLabel('Codice ISTAT, riga 2').fill('109020');
  // The script adds a row.
  await page.getByRole('button', { name: /Aggiungi riga/ }).click();
  await page.getByRole('button', { name: 'Crea l’ambito' }).click();
  await page.getByText('Ambito creato.').waitFor();
  await page.getByRole('link', { name: 'Ambito Territoriale Sociale 21 – Amandola' }).waitFor();
  const after = await page.locator('tbody th a').allTextContents();
  assert.deepEqual(after.map((t) => t.match(/Sociale (\d+)/)[1]), ['1', '7', '13', '20', '21']);

  // A user, an editor of the new ATS.
  await page.goto('/amministrazione/utenti');
  await page.getByRole('heading', { level: 1, name: 'Utenti' }).waitFor();
  await shoot(page, 'admin-utenti', { checkWidth: true });
  await page.getByRole('link', { name: 'Nuovo utente' }).click();
  const email = 'redattrice.ats21@demo.ambito.invalid';
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Nome e cognome').fill('Giulia Verdi');
  await page.getByLabel('ATS, riga 1').fill('ats-21');
  await page.getByLabel('Ruolo, riga 1').selectOption('ats_editor');
  await shoot(page, 'admin-utente-nuovo');
  await page.getByRole('button', { name: 'Crea l’utente' }).click();
  await page.getByText('Utente creato.').waitFor();
  await page.locator('code.ambito-secret').waitFor();

  // The reset asks first, then shows the one-time password once.
  await page.getByRole('link', { name: 'Reimposta la password', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Reimpostare la password?' }).waitFor();
  await shoot(page, 'admin-reimposta-conferma');
  await page.getByRole('button', { name: 'Sì, reimposta la password' }).click();
  await page.getByRole('heading', { level: 1, name: 'Password reimpostata' }).waitFor();
  const otp = (await page.locator('code.ambito-secret').textContent()).trim();
  assert.equal(otp.length, 20);
  await shoot(page, 'admin-reimposta-fatto');
  await logOut(page);

  // The user logs in with it and must choose a new one before anything else.
  await logIn(page, email, otp);
  await page.getByRole('heading', { level: 1, name: 'Cambia la password' }).waitFor();
  await page.getByText('vale una volta sola').waitFor();
  await shoot(page, 'admin-password-obbligatoria');
  await page.goto('/ats/ats-21');
  await page.getByRole('heading', { level: 1, name: 'Cambia la password' }).waitFor();
  await page.getByLabel('Password attuale', { exact: true }).fill(otp);
  await page.getByLabel('Nuova password', { exact: true }).fill('Giulia-Verdi-2026!');
  await page.getByLabel('Ripeti la nuova password').fill('Giulia-Verdi-2026!');
  await page.getByRole('button', { name: 'Cambia la password' }).click();
  await page.getByText('Password cambiata.').waitFor();
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
  await checkA11y(page, 'home after the change');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('the admin uploads a cycle file with an error, then a good one', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, ADMIN);
  await page.goto('/amministrazione/cicli');
  await page.getByRole('heading', { level: 1, name: 'Cicli di programmazione' }).waitFor();
  await shoot(page, 'admin-cicli', { checkWidth: true });
  await page.getByRole('link', { name: 'Carica un file del ciclo' }).click();
  await page.getByRole('heading', { level: 1, name: 'Carica un file del ciclo' }).waitFor();

  const doc = structuredClone(MARCHE);
  doc.cycle.slug = '2023-2025-prova';
  doc.cycle.status = 'draft';
  doc.cycle.title = 'Ciclo di prova caricato dal browser';
  const bad = structuredClone(doc);
  assert.equal(bad.template.sections[7].key, 'A.1.2');
  bad.template.sections[7].actions[0] = 'OS9-A1';
  const file = (d) => ({ name: 'ciclo.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(d)) });

  await page.getByLabel('File del ciclo (JSON)').setInputFiles(file(bad));
  await page.getByRole('button', { name: 'Carica il file' }).click();
  await page.getByText('template.sections[7].actions[0]: azione sconosciuta: OS9-A1').waitFor();
  await shoot(page, 'admin-carica-errore');

  await page.getByLabel('File del ciclo (JSON)').setInputFiles(file(doc));
  await page.getByRole('button', { name: 'Carica il file' }).click();
  await page.getByText('File del ciclo caricato.').waitFor();
  await page.getByRole('heading', { level: 1, name: 'Ciclo di prova caricato dal browser' }).waitFor();
  await page.getByRole('heading', { name: 'Schema del piano' }).waitFor();
  await shoot(page, 'admin-ciclo');

  // Opening asks first.
  await page.getByRole('link', { name: 'Apri il ciclo' }).click();
  await page.getByRole('heading', { level: 1, name: 'Aprire il ciclo?' }).waitFor();
  await shoot(page, 'admin-ciclo-apri');
  await page.getByRole('button', { name: 'Sì, apri il ciclo' }).click();
  await page.getByText('Ciclo aperto: gli ATS possono scrivere i piani.').waitFor();

  await page.goto('/amministrazione/audit');
  await page.getByRole('heading', { level: 1, name: 'Registro delle operazioni' }).waitFor();
  await page.getByLabel(/^Azione/).fill('/amministrazione/cicli/carica');
  await page.getByRole('button', { name: 'Filtra' }).click();
  await page.getByRole('cell', { name: 'cycle:2023-2025-prova' }).first().waitFor();
  await shoot(page, 'admin-audit', { checkWidth: true });
  assert.deepEqual(blocked, []);
  await context.close();
});
