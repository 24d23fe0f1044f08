// The printed document: the printable draft (and the published plan) printed
// to PDF by Chromium as a person's "Print to PDF" does, then read back with
// poppler's pdftotext and pdfinfo and the PDF's own bytes: BOZZA on every
// page of the draft, the sommario present with each section's number on the
// line of its title and its entries as links inside the document, and the
// title page's facts each on the line of its label. The pages are rendered
// to PNG (pdftoppm) into the screenshots folder to be looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { logInHome, newPage } from './lib.mjs';

const SHOTS = process.env.AMBITO_SCREENSHOTS;
const MARCHE = JSON.parse(fs.readFileSync(path.join(path.dirname(process.env.AMBITO_DEMO), 'marche-2020-2022.json'),
  'utf8'));
const COORD_1 = 'coordinatore.ats1@demo.ambito.invalid';

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The text of each page, laid out as printed (pdftotext -layout), and the
// number of pages pdfinfo reads.
function pdfPages(file) {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  const pages = text.split('\f');
  if (pages.at(-1).trim() === '')
    pages.pop();
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const count = Number(info.match(/^Pages:\s+(\d+)/m)[1]);
  return { pages, count };
}

// The PDF's link annotations, read from its objects (inflating the
// compressed streams, where object streams may keep them): internal ones
// (/Dest or a /GoTo action) and URI ones.
function pdfLinks(file) {
  const bytes = fs.readFileSync(file);
  let text = bytes.toString('latin1');
  const streams = /stream\r?\n/g;
  let m;
  const inflated = [];
  while ((m = streams.exec(text)) !== null) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0)
      break;
    try {
      inflated.push(zlib.inflateSync(bytes.subarray(start, end)).toString('latin1'));
    } catch {
      // not a Flate stream (an image, a font program)
    }
  }
  text += inflated.join('\n');
  const annots = text.match(/<<[^<>]*\/Subtype\s*\/Link[^]*?>>/g) || [];
  return {
    total: annots.length,
    internal: annots.filter((a) => /\/Dest\b|\/S\s*\/GoTo/.test(a)).length,
    uri: annots.filter((a) => /\/URI\b/.test(a)).length,
  };
}

async function printPdf(page, name) {
  const file = path.join(SHOTS, `${name}.pdf`);
  await page.emulateMedia({ media: 'print' });
  // As the browser's "Print to PDF": the page's own @page size and margins.
  await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true, outline: true, tagged: true });
  // Rendered to PNG at 60 dpi to be looked at (one file a page).
  execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(SHOTS, name)]);
  return file;
}

// The line of the page's text that holds the label, or fails.
function lineWith(pageText, label) {
  const line = pageText.split('\n').find((l) => l.includes(label));
  assert.ok(line, `a line with «${label}»`);
  return line;
}

test('the printable draft prints with BOZZA on every page, a linked sommario and aligned title facts', async () => {
  const { context, page, blocked } = await newPage();
  await logInHome(page, COORD_1);
  await page.getByRole('link', { name: /Apri l’indice del piano/ }).first().click();
  await page.getByRole('link', { name: 'Bozza stampabile' }).click();
  await page.getByRole('heading', { level: 1, name: 'Piano Sociale di Ambito' }).waitFor();
  const file = await printPdf(page, 'bozza-stampata');
  const { pages, count } = pdfPages(file);
  assert.equal(pages.length, count, 'pdftotext reads every page pdfinfo counts');
  assert.ok(count >= 5, `a whole plan takes several pages (got ${count})`);

  // BOZZA on every page: the running header, and the foot's page number.
  pages.forEach((text, i) => {
    assert.match(text, /BOZZA – documento non approvato/, `page ${i + 1} is marked BOZZA`);
    if (i > 0)
      assert.match(text, new RegExp(`Pagina ${i + 1} di ${count}`), `page ${i + 1} is numbered`);
  });

  // The title page: each fact on the line of its label.
  const title = pages[0];
  assert.match(title, /Piano Sociale di Ambito/);
  assert.match(lineWith(title, 'Stato del documento'), /Stato del documento\s+Bozza, non approvata/);
  assert.match(lineWith(title, 'Testo aggiornato al'), /Testo aggiornato al\s+\d{1,2} [a-z]+ \d{4}, ore \d\d:\d\d/);
  assert.match(lineWith(title, 'Versione del modello'), /Versione del modello\s+\d+\s*$/);

  // The sommario: its own page, every section of the template with its
  // number on the line of its title (the start of a long title at least).
  const sommario = pages.findIndex((t) => /^\s*Sommario\s*$/m.test(t));
  assert.ok(sommario > 0, 'a page starts the sommario');
  const index = pages.slice(sommario, sommario + 3).join('\n');
  for (const s of MARCHE.template.sections) {
    const start = s.title.split(' ').slice(0, 3).join(' ');
    assert.match(index, new RegExp(`^\\s*${escapeRe(s.key)}\\s+${escapeRe(start)}`, 'm'),
      `the sommario lists ${s.key} with its title`);
  }
  for (const tail of ['Quadro finanziario', 'Riferimenti normativi', 'Glossario sociale essenziale'])
    assert.match(index, new RegExp(`^\\s*${escapeRe(tail)}\\s*$`, 'm'));

  // Its entries are links inside the document: one for each section and
  // group of the template and the three appendices, at least.
  const links = pdfLinks(file);
  const groups = new Set(MARCHE.template.sections.map((s) => s.group.split('.')[0])).size;
  assert.ok(links.internal >= MARCHE.template.sections.length + groups + 3,
    `internal links: ${JSON.stringify(links)}`);
  assert.deepEqual(blocked, []);
  await context.close();
});

test('the published plan prints with its facts beside their labels and the delibera', async () => {
  const { context, page, blocked } = await newPage();
  await page.goto('/public/ats-20/2020-2022');
  await page.getByRole('heading', { level: 1, name: 'Piano Sociale di Ambito' }).waitFor();
  const file = await printPdf(page, 'piano-pubblicato-stampato');
  const { pages, count } = pdfPages(file);
  assert.equal(pages.length, count);
  const title = pages[0];
  assert.doesNotMatch(pages.join('\n'), /BOZZA/);
  // The delibera's sentence (it may wrap: compared with spaces joined).
  assert.match(title.replace(/\s+/g, ' '), /Approvato dal Comitato dei Sindaci con delibera n\. 24 del 24 giugno 2021/);
  // Each fact beside its label: "Approvato dalla Regione" beside its own
  // date, not beside the revision.
  assert.match(lineWith(title, 'Trasmesso alla Regione'), /Trasmesso alla Regione\s+28 giugno 2021, ore 11:30\s*$/);
  // Who transmitted it is between the ATS and the Region.
  assert.doesNotMatch(title, /Trasmesso da/);
  assert.match(lineWith(title, 'Approvato dalla Regione'), /Approvato dalla Regione\s+20 luglio 2021, ore 12:00\s*$/);
  assert.match(lineWith(title, 'Impronta SHA-256'), /Impronta SHA-256\s+[0-9a-f]{16,}/);
  assert.match(lineWith(title, 'Revisione'), /Revisione\s+n\. 1\s*$/);
  assert.ok(pdfLinks(file).internal > MARCHE.template.sections.length);
  assert.deepEqual(blocked, []);
  await context.close();
});
