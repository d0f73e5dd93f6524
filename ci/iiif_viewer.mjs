#!/usr/bin/env node
// A study's IIIF documents opened in a real viewer (Mirador, in Chromium), as a
// researcher would: from the Collection, pick each prompt's Manifest; the window
// shows the manifest's label, every canvas in turn with its label and its image
// drawn, and each canvas's thumbnail loads. No request fails, none leaves the
// local server, and no page error or unexpected console error happens.
//
//   node ci/iiif_viewer.mjs VIEWER_PAGE_URL DOCUMENT_URL
//
// VIEWER_PAGE_URL is a page that opens ?manifest=URL in Mirador (ci/iiif_viewer.sh
// writes it); DOCUMENT_URL a Collection (each of its manifests is opened through
// Mirador's collection dialog) or one Manifest (opened directly). Prints a JSON
// summary and exits 1 on any failure. Needs playwright-core from the audit tool's
// node_modules (AUDIT_DIR) and Debian's Chromium (CHROME_PATH).
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const AUDIT_DIR = process.env.AUDIT_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vitrine-audit');
const require = createRequire(path.join(AUDIT_DIR, 'package.json'));
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error(`playwright-core not found in ${AUDIT_DIR}/node_modules (run the audit tool once, or set AUDIT_DIR)`);
  process.exit(2);
}
const [viewerUrl, docUrl] = process.argv.slice(2);
if (!viewerUrl || !docUrl) {
  console.error('usage: node ci/iiif_viewer.mjs VIEWER_PAGE_URL DOCUMENT_URL');
  process.exit(2);
}
// Generous: on a loaded 2-core machine one Mirador step took over 15 s (a
// CI run failed on a click that a quiet machine makes in under a second).
const TIMEOUT = 60000;
// Mirador 4.0.0's own bundle logs this React 19 deprecation on every start.
const KNOWN_CONSOLE_ERRORS = [/^Accessing element\.ref was removed in React 19\./];
const local = new URL(viewerUrl).origin;
const result = {
  viewer: process.env.VIEWER || 'mirador', document: docUrl, manifests: [],
  failedRequests: [], externalRequests: [], pageErrors: [], consoleErrors: [], problems: [],
};

function finish() {
  const ok = !result.problems.length && !result.failedRequests.length && !result.externalRequests.length
    && !result.pageErrors.length && !result.consoleErrors.length;
  console.log(JSON.stringify({ ok, ...result }, null, 1));
  if (!ok) console.error('iiif_viewer: the IIIF documents do not work in the viewer');
  process.exit(ok ? 0 : 1);
}
// A IIIF language map's text: the first language's first value.
const text = map => (map ? Object.values(map)[0]?.[0] : undefined);
async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

let doc;
try {
  doc = await getJson(docUrl);
} catch (e) {
  result.problems.push(`the document is unreachable: ${e.cause?.message || e.message}`);
  finish();
}
const isCollection = doc.type === 'Collection';
const manifestIds = isCollection ? doc.items.filter(i => i.type === 'Manifest').map(i => i.id) : [doc.id];
if (!['Collection', 'Manifest'].includes(doc.type)) result.problems.push(`${docUrl} is a ${doc.type}, not a Collection or Manifest`);
if (!manifestIds.length) result.problems.push(`${docUrl} lists no manifests`);

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const statuses = new Map(); // URL -> HTTP status of its last response
context.on('request', r => {
  if (!r.url().startsWith(local + '/') && !r.url().startsWith('data:')) result.externalRequests.push(r.url());
});
context.on('response', r => {
  statuses.set(r.url(), r.status());
  if (r.status() >= 400) result.failedRequests.push(`${r.status()} ${r.url()}`);
});
context.on('requestfailed', r => result.failedRequests.push(`${r.failure()?.errorText} ${r.url()}`));

// The OSD canvas drawn: its colours on a 48x48 grid, and a fingerprint of them.
function drawn() {
  const shown = document.querySelector('.mirador-osd-container .openseadragon-canvas canvas');
  if (!shown || !shown.width || !shown.height) return { colours: 0, print: '' };
  const probe = document.createElement('canvas');
  probe.width = 48;
  probe.height = 48;
  const ctx = probe.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(shown, 0, 0, 48, 48);
  const data = ctx.getImageData(0, 0, 48, 48).data;
  const colours = new Set();
  let print = '';
  for (let i = 0; i < data.length; i += 4) {
    const c = ((data[i] >> 4) << 12) | ((data[i + 1] >> 4) << 8) | ((data[i + 2] >> 4) << 4) | (data[i + 3] >> 4);
    colours.add(c);
    print += c.toString(36);
  }
  return { colours: colours.size, print };
}

async function until(what, check) { // poll check() until it returns a truthy value
  const end = Date.now() + TIMEOUT;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

async function openManifest(page, manifestId, label) {
  if (!isCollection) {
    await page.goto(`${viewerUrl}?manifest=${encodeURIComponent(manifestId)}`);
    return;
  }
  await page.goto(`${viewerUrl}?manifest=${encodeURIComponent(docUrl)}`);
  await page.getByRole('button', { name: 'Show collection' }).click({ timeout: TIMEOUT });
  const dialog = page.getByRole('dialog');
  const listed = (await dialog.getByRole('menuitem').allInnerTexts()).map(s => s.trim());
  const expected = doc.items.filter(i => i.type === 'Manifest').map(i => text(i.label));
  if (JSON.stringify(listed) !== JSON.stringify(expected)) {
    result.problems.push(`the collection dialog lists ${JSON.stringify(listed)}, not ${JSON.stringify(expected)}`);
  }
  // The dialog's scroll shadow covers the bottom of a long list: centre the item first.
  const item = dialog.getByRole('menuitem', { name: label, exact: true });
  await item.evaluate(el => el.scrollIntoView({ block: 'center' }), undefined, { timeout: TIMEOUT });
  await item.click({ timeout: TIMEOUT });
}

// One manifest in a fresh page: its summary and the problems found.
async function check(manifestId) {
  const problems = [];
  const started = Date.now();
  const summary = { id: manifestId, label: undefined, title: undefined, canvases: [] };
  const page = await context.newPage();
  page.on('pageerror', e => result.pageErrors.push(String(e)));
  page.on('console', m => {
    if (m.type() === 'error' && !KNOWN_CONSOLE_ERRORS.some(re => re.test(m.text()))) result.consoleErrors.push(m.text());
  });
  try {
    const manifest = await getJson(manifestId);
    summary.label = text(manifest.label);
    await openManifest(page, manifestId, summary.label);
    const title = page.locator('.mirador-window-top-bar h2');
    summary.title = await until(`the window title "${summary.label}"`, async () => {
      const t = (await title.allInnerTexts()).map(s => s.trim());
      return t.includes(summary.label) && summary.label;
    }).catch(async e => {
      problems.push(`${manifestId}: ${e.message}; the window shows ${JSON.stringify(await title.allInnerTexts())}`);
      return undefined;
    });
    if (!summary.title) return { summary, problems };
    const canvases = manifest.items.filter(c => c.type === 'Canvas');
    if (!canvases.length) problems.push(`${manifestId}: no canvases`);
    let previous = '';
    for (const [index, canvas] of canvases.entries()) {
      const image = canvas.items?.[0]?.items?.find(a => a.motivation === 'painting')?.body?.id;
      const thumbnail = canvas.thumbnail?.[0]?.id;
      const c = { label: text(canvas.label), image, thumbnail };
      summary.canvases.push(c);
      try {
        const shown = `${index + 1} of ${canvases.length} • ${c.label}`;
        await until(`"${shown}" under the image`, async () =>
          (await page.locator('.mirador-osd-info').innerText()).replace(/\s+/g, ' ').trim() === shown);
        await until(`the image ${image}`, () => statuses.has(image));
        c.imageStatus = statuses.get(image);
        if (c.imageStatus !== 200) throw new Error(`the image ${image} answered ${c.imageStatus}`);
        // OpenSeadragon has drawn this canvas: many colours, not the last canvas's,
        // and the same on two looks in a row (not half-way through a blend).
        let last = '';
        const painted = await until(`the image drawn for ${c.label}`, async () => {
          const d = await page.evaluate(drawn);
          const settled = d.print === last;
          last = d.print;
          return settled && d.colours >= 16 && d.print !== previous && d;
        });
        previous = painted.print;
        c.colours = painted.colours;
        if (thumbnail) {
          c.thumbnailWidth = await until(`the thumbnail ${thumbnail}`, () => page.evaluate(src =>
            [...document.querySelectorAll('.mirador-thumb-navigation img')]
              .find(img => img.src === src && img.complete && img.naturalWidth > 0)?.naturalWidth, thumbnail));
        } else {
          problems.push(`${manifestId}: the canvas ${c.label} has no thumbnail`);
        }
      } catch (e) {
        problems.push(`${manifestId}: canvas ${index + 1}: ${e.message}`);
        break;
      }
      if (index + 1 < canvases.length) await page.locator('.mirador-next-canvas-button').click({ timeout: TIMEOUT });
    }
  } catch (e) {
    problems.push(`${manifestId}: ${e.cause?.message || e.message.split('\n')[0]}`);
  } finally {
    summary.seconds = (Date.now() - started) / 1000;
    await page.close();
  }
  return { summary, problems };
}

// A manifest that fails is tried once more in a new page: a real fault fails
// twice, while a click lost on a machine loaded by the other CI steps does not
// (one run timed out after 60 s on a click a quiet machine makes at once).
result.retried = [];
for (const manifestId of manifestIds) {
  let checked = await check(manifestId);
  if (checked.problems.length) {
    const again = await check(manifestId);
    if (!again.problems.length) {
      result.retried.push({ id: manifestId, firstProblems: checked.problems });
      checked = again;
    }
  }
  result.manifests.push(checked.summary);
  result.problems.push(...checked.problems);
}
await browser.close();
finish();
