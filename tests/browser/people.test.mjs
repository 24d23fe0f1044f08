// Journeys through the pages of people: an ATS's members, comments on a
// section, one's own password. axe-core checks every page visited (no
// serious or critical violation); each page is photographed at 1280 and 390
// pixels wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, logInHome, newPage, PASSWORD, shoot } from './lib.mjs';

const COORD_20 = 'coordinatore.ats20@demo.ambito.invalid';
const VIEWER_20 = 'lettore.ats20@demo.ambito.invalid';
const EDITOR_20 = 'redattore.ats20@demo.ambito.invalid';
const UNIVERSITY = 'universita@demo.ambito.invalid';

async function logOut(page) {
  await page.getByRole('button', { name: 'Esci' }).click();
  await page.getByRole('button', { name: 'Accedi' }).waitFor();
}

test('a coordinator adds a member, changes its role, removes it', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_20);
  await page.getByRole('link', { name: "Membri di Ambito Territoriale Sociale 20 – Porto Sant'Elpidio" }).click();
  await page.getByRole('heading', { level: 1, name: /^Membri di / }).waitFor();
  await shoot(page, 'membri');

  // A refused form: errors beside the fields and in a summary.
  await page.getByLabel('Email').fill('non-una-email');
  await page.getByLabel(/Prima password/).fill('corta');
  await page.getByRole('button', { name: 'Aggiungi il membro' }).click();
  await page.getByText('Ci sono errori nel modulo:').waitFor();
  assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  await shoot(page, 'membri-errori');

  const email = 'nuovo.membro@demo.ambito.invalid';
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Nome e cognome').fill('Nuovo Membro');
  await page.getByLabel('Ruolo', { exact: true }).selectOption('ats_viewer');
  await page.getByLabel(/Prima password/).fill('Prima-Password-1');
  await page.getByRole('button', { name: 'Aggiungi il membro' }).click();
  await page.getByText('Membro aggiunto.').waitFor();
  const row = page.getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) });
  await row.waitFor();

  await page.getByLabel(`Ruolo di ${email}`, { exact: true }).selectOption('ats_editor');
  await page.getByRole('button', { name: `Cambia ruolo di ${email}` }).click();
  await page.getByText('Ruolo cambiato.').waitFor();
  assert.equal(await page.getByLabel(`Ruolo di ${email}`, { exact: true }).inputValue(), 'ats_editor');

  await page.getByRole('link', { name: `Rimuovi ${email}` }).click();
  await page.getByRole('heading', { level: 1, name: 'Rimuovere un membro?' }).waitFor();
  await shoot(page, 'membri-rimuovi');
  await page.getByRole('button', { name: 'Sì, rimuovi' }).click();
  await page.getByText('Membro rimosso dall’ATS.').waitFor();
  assert.equal(await page.getByText(email).count(), 0);
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a university user comments on a section, the coordinator replies and resolves', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, UNIVERSITY);
  await page.goto('/ats/ats-20/piani/2020-2022/sezioni/I.1');
  await page.getByRole('link', { name: 'Commenti sulla sezione' }).click();
  await page.getByRole('heading', { level: 1, name: /^Commenti su I\.1/ }).waitFor();
  await page.getByText('Nessun commento su questa sezione.').waitFor();
  await shoot(page, 'commenti-vuoti');
  await page.getByRole('button', { name: 'Pubblica il commento' }).click();
  await page.getByText('Scrivi il testo del commento.').first().waitFor();
  await checkA11y(page, 'comment refused');
  await page.getByLabel('Su quale parte').selectOption({ index: 1 });
  await page.getByLabel('Commento', { exact: true }).fill('Manca la fonte dei dati demografici.');
  await page.getByRole('button', { name: 'Pubblica il commento' }).click();
  await page.getByText('Commento pubblicato.').waitFor();
  await page.getByText('Manca la fonte dei dati demografici.').waitFor();
  await logOut(page);

  await logInHome(page, COORD_20);
  await page.goto('/ats/ats-20/piani/2020-2022/sezioni/I.1/commenti');
  await page.getByText('(università)').waitFor();
  await page.getByLabel('Rispondi').fill('Aggiunta in nota tecnica, grazie.');
  await page.getByRole('button', { name: 'Invia la risposta' }).click();
  await page.getByText('Risposta pubblicata.').waitFor();
  await page.getByText('Aggiunta in nota tecnica, grazie.').waitFor();
  await page.getByRole('button', { name: 'Segna come risolta' }).click();
  await page.getByText('Discussione segnata come risolta.').waitFor();
  await page.getByRole('button', { name: 'Riapri la discussione' }).waitFor();
  await shoot(page, 'commenti');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a user changes their password and logs in with the new one', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, EDITOR_20);
  await page.getByRole('link', { name: 'Cambia la password' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cambia la password' }).waitFor();
  await shoot(page, 'password');
  await page.getByLabel('Password attuale').fill('Sbagliata-davvero-1');
  await page.getByLabel('Nuova password', { exact: true }).fill('Nuova-Password-22');
  await page.getByLabel('Ripeti la nuova password').fill('Nuova-Password-22');
  await page.getByRole('button', { name: 'Cambia la password' }).click();
  await page.getByText('La password attuale non è corretta.').first().waitFor();
  await shoot(page, 'password-errore');
  await page.getByLabel('Password attuale').fill(PASSWORD[EDITOR_20]);
  await page.getByLabel('Nuova password', { exact: true }).fill('Nuova-Password-22');
  await page.getByLabel('Ripeti la nuova password').fill('Nuova-Password-22');
  await page.getByRole('button', { name: 'Cambia la password' }).click();
  await page.getByText(/Password cambiata\./).waitFor();
  await logOut(page);
  await logInHome(page, EDITOR_20, 'Nuova-Password-22');
  assert.deepEqual(blocked, []);
  await context.close();
});

test('a viewer cannot see the members page', async () => {
  const { context, page } = await newPage();
  await logInHome(page, VIEWER_20);
  assert.equal(await page.getByRole('link', { name: /^Membri di / }).count(), 0);
  const resp = await page.goto('/ats/ats-20/membri');
  assert.equal(resp.status(), 403);
  await page.getByRole('heading', { level: 1, name: 'Accesso negato' }).waitFor();
  assert.equal(await page.getByText(COORD_20).count(), 0);
  await shoot(page, 'membri-403');
  await context.close();
});
