// Participation through the pages: ATS 20's coordinator creates a thematic
// table, adds a participant, records a meeting with its minutes and opens a
// public call; an anonymous visitor applies through /partecipa (refused
// first without the consent); the coordinator accepts and the person is then
// a participant of the table. axe-core on every page, screenshots at 1280
// and 390 pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logInHome, newPage, shoot } from './lib.mjs';

const COORD_20 = 'coordinatore.ats20@demo.ambito.invalid';
const TABLE = 'Tavolo di prova: famiglie e inclusione';
const CALL = 'Avviso di prova per il tavolo famiglie';

// Bootstrap Italia draws the box on the label and moves the input itself out
// of sight: ticked from the keyboard, as a keyboard user does.
async function tick(page, label) {
  const box = page.getByLabel(label);
  await box.focus();
  await page.keyboard.press('Space');
  assert.equal(await box.isChecked(), true, String(label));
}

function day(offset) {
  const d = new Date(Date.now() + offset * 86400000);
  return d.toISOString().slice(0, 10);
}

test('a table, a call, an anonymous candidacy, accepted', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_20);
  await page.getByRole('link', { name: /^Partecipazione di Ambito Territoriale Sociale 20/ }).click();
  await page.getByRole('heading', { level: 1, name: /^Partecipazione — / }).waitFor();
  await shoot(page, 'partecipazione', { checkWidth: true });

  // A table refused without its referent, then created.
  await page.getByLabel('Nome del tavolo').fill(TABLE);
  await page.getByLabel(/^Sezioni del piano/).fill('B.1');
  await page.getByRole('button', { name: 'Crea il tavolo' }).click();
  await page.getByText('C’è un errore nel modulo:').waitFor();
  assert.equal(await page.getByLabel('Referente dell’ATS').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Referente dell’ATS').fill('Dott.ssa Paola Bianchi');
  await page.getByRole('button', { name: 'Crea il tavolo' }).click();
  await page.getByText('Tavolo tematico creato.').waitFor();
  await page.getByRole('heading', { level: 1, name: `Tavolo: ${TABLE}` }).waitFor();

  await page.getByLabel('Nome', { exact: true }).fill('Giovanni');
  await page.getByLabel('Cognome').fill('Verdi');
  await page.getByLabel('Organizzazione').fill('Comune di Fermo');
  await page.getByLabel(/^Tipo di ente/).fill('Comune');
  await page.getByLabel(/^Email/).fill('g.verdi@esempio.invalid');
  await page.getByRole('button', { name: 'Aggiungi il partecipante' }).click();
  await page.getByText('Partecipante aggiunto.').waitFor();

  await page.getByLabel('Data e ora di inizio (ora italiana)').fill('2021-05-03T10:30');
  await page.getByLabel('Luogo').fill('Sala consiliare di Fermo');
  await page.getByLabel('Ordine del giorno').fill('1. Bisogni delle famiglie\n2. Varie');
  await page.getByLabel(/^Verbale/).fill('# Sintesi\n\nIl tavolo ha condiviso **tre priorità**.');
  await tick(page, 'Giovanni Verdi (Comune di Fermo)');
  await page.getByRole('button', { name: 'Registra l’incontro' }).click();
  await page.getByText('Incontro registrato.').waitFor();
  const meeting = page.getByRole('row', { name: /3 maggio 2021, ore 10:30/ });
  await meeting.waitFor();
  await shoot(page, 'tavolo', { checkWidth: true });
  await meeting.getByRole('link', { name: 'Verbale' }).click();
  await page.getByRole('heading', { level: 1, name: 'Verbale dell’incontro' }).waitFor();
  await page.getByRole('strong').filter({ hasText: 'tre priorità' }).waitFor();
  await page.getByText('Giovanni Verdi — Comune di Fermo').waitFor();
  await shoot(page, 'verbale', { checkWidth: true });

  // The call for that table.
  await page.getByRole('link', { name: 'Partecipazione', exact: true }).click();
  await page.getByLabel('Titolo dell’avviso').fill(CALL);
  await page.getByLabel('Testo dell’avviso').fill('Cerchiamo associazioni che lavorano con le famiglie.');
  await page.getByLabel('Apertura (data)').fill(day(-1));
  await page.getByLabel('Chiusura (data, compresa)').fill(day(30));
  await tick(page, TABLE);
  await page.getByRole('button', { name: 'Pubblica l’avviso' }).click();
  await page.getByText('Avviso pubblicato.').waitFor();
  const callUrl = page.url();

  // Anyone, without an account.
  const anon = await newPage();
  await anon.page.goto('/partecipa');
  await anon.page.getByRole('heading', { level: 1, name: 'Partecipa alla programmazione sociale' }).waitFor();
  await shoot(anon.page, 'partecipa', { checkWidth: true });
  await anon.page.getByRole('link', { name: CALL }).click();
  await anon.page.getByRole('heading', { name: /Informativa sul trattamento dei dati personali/ }).waitFor();
  await anon.page.getByLabel('Organizzazione o ente').fill('Associazione Il Ponte');
  await anon.page.getByLabel(/^Tipo di ente/).fill('terzo settore');
  await anon.page.getByLabel('Nome e cognome').fill('Carla Bruni');
  await anon.page.getByLabel('Email').fill('carla.bruni@esempio.invalid');
  await tick(anon.page, TABLE);
  await anon.page.getByRole('button', { name: 'Invia la candidatura' }).click();
  await anon.page.getByText('C’è un errore nel modulo:').waitFor();
  assert.equal(await anon.page.getByLabel('Organizzazione o ente').inputValue(), 'Associazione Il Ponte');
  await shoot(anon.page, 'candidatura-errori', { checkWidth: true });
  await tick(anon.page, /Ho letto l’informativa/);
  await anon.page.getByRole('button', { name: 'Invia la candidatura' }).click();
  await anon.page.getByText('Grazie: la candidatura è stata ricevuta.').waitFor();
  await shoot(anon.page, 'candidatura-inviata');
  assert.deepEqual(anon.blocked, []);
  await anon.context.close();

  // The coordinator accepts: the person joins the table.
  await page.goto(callUrl);
  await page.getByRole('row', { name: /Carla Bruni/ }).waitFor();
  await shoot(page, 'avviso-candidature', { checkWidth: true });
  await page.getByRole('button', { name: 'Accetta la candidatura di Carla Bruni' }).click();
  await page.getByText('Candidatura accettata: la persona partecipa ai tavoli scelti.').waitFor();
  await page.getByRole('link', { name: 'Partecipazione', exact: true }).click();
  await page.getByRole('link', { name: TABLE }).click();
  await page.getByRole('row', { name: /Carla Bruni.*Associazione Il Ponte/ }).waitFor();
  assert.deepEqual(blocked, []);
  await context.close();
});

test('the map of local bodies, kept by the ATS and public without contacts', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_20);
  await page.goto('/ats/ats-20/partecipazione/enti');
  await page.getByRole('heading', { level: 1, name: 'Mappatura degli enti' }).waitFor();
  await page.getByLabel('Nome dell’ente').fill('Istituto comprensivo di prova');
  await page.getByLabel(/^Tipo \(/).fill('scuola');
  await page.getByLabel(/^Comune/).fill('Porto San Giorgio');
  await page.getByLabel(/^Contatto/).fill('segreteria.prova@esempio.invalid');
  await tick(page, 'Mostra l’ente nella mappatura pubblica');
  await page.getByRole('button', { name: 'Aggiungi l’ente' }).click();
  await page.getByText('Ente aggiunto alla mappatura.').waitFor();
  await shoot(page, 'enti', { checkWidth: true });

  const anon = await newPage();
  await anon.page.goto('/partecipa/ats-20/enti');
  await anon.page.getByRole('heading', { level: 2, name: 'scuola' }).waitFor();
  await anon.page.getByText('Istituto comprensivo di prova').waitFor();
  assert.equal(await anon.page.getByText('segreteria.prova@esempio.invalid').count(), 0);
  await shoot(anon.page, 'enti-pubblici', { checkWidth: true });
  await anon.context.close();
  assert.deepEqual(blocked, []);
  await context.close();
});
