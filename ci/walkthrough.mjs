#!/usr/bin/env node
// The acceptance flow, keyboard only (ACC-08: everything works from the
// keyboard, no traps). Every control is reached with Tab / Shift+Tab until the
// focused element has the wanted accessible name (from Chromium's accessibility
// tree) or id, then used with typing, Space or Enter. Nothing is clicked. Only
// the address bar is "typed into" (page.goto) to open the sign-in page and to
// check the public entry page after the withdrawal.
//
//   node ci/walkthrough.mjs BASE_URL CURATOR_EMAIL REVIEWER_EMAIL PASSWORD [OUTDIR]
//
// The flow: upload → title, caption, alt text, licence → redaction of two
// faces and a badge in the de-identification studio → consent → checklist →
// a second person's approval → publish → public page → presenting the gallery
// by keyboard (notes in step) → withdraw → 404 (page and slide).
//
// Needs playwright-core from the audit tool's node_modules (AUDIT_DIR, default
// ~/.cache/vitrine-audit) and Debian's Chromium (CHROME_PATH, default
// /usr/bin/chromium), as ../shared/tools/audit/audit.sh installs them.
// Exit 0 when the whole flow worked; 1 with the failing step otherwise.
import { createRequire } from 'node:module';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const AUDIT_DIR = process.env.AUDIT_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vitrine-audit');
const require = createRequire(path.join(AUDIT_DIR, 'package.json'));
const { chromium } = require('playwright-core');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
// Tab presses allowed to reach one control before calling it a trap or missing.
const TAB_LIMIT = Number(process.env.WALK_TAB_LIMIT || 250);

const [BASE, CURATOR, REVIEWER, PASSWORD, OUT = path.join(os.tmpdir(), 'vitrine-walkthrough')] = process.argv.slice(2);
if (!PASSWORD) {
  console.error('usage: node ci/walkthrough.mjs BASE_URL CURATOR_EMAIL REVIEWER_EMAIL PASSWORD [OUTDIR]');
  process.exit(2);
}
const STUDY_TITLE = /Link worker retention study/;
// The flow starts by uploading a photo; this becomes its title.
const ENTRY_TITLE = process.env.WALK_ENTRY || `Walkthrough photo ${Date.now()}`;
const PARTICIPANT = process.env.WALK_PARTICIPANT || 'Victoria';
const UPLOAD_FILE = process.env.WALK_UPLOAD
  || path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'demo', 'link-worker-retention', 'images', 'desk.png');
const NEW_ALT = `A tidy office desk with a computer screen and a phone, seen from the chair (checked ${Date.now()})`;

class StepError extends Error {}
let page, cdp, stepName = 'start';
const log = (...a) => console.log(...a);

// Seconds one step may take before it counts as hung: a stuck browser call
// then fails the run with its step and a screenshot instead of stalling CI.
const STEP_SECONDS = Number(process.env.WALK_STEP_SECONDS || 120);

async function step(name, fn) {
  stepName = name;
  const t = performance.now();
  let timer;
  const hung = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StepError(`no progress for ${STEP_SECONDS} s (on ${page.url()})`)), STEP_SECONDS * 1000);
  });
  try {
    await Promise.race([fn(), hung]);
  } finally {
    clearTimeout(timer);
  }
  log(`ok   ${name} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

/** Role, accessible name and id of the focused element, from Chromium's accessibility tree. */
async function focused() {
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document.activeElement' });
  if (!result.objectId) return null;
  const info = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    return { id: el.id, tag: el.localName, type: el.type || '', checked: !!el.checked, value: el.value ?? '' };
  });
  if (!info) return null;
  try {
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
    info.role = nodes[0]?.role?.value || '';
    info.name = (nodes[0]?.name?.value || '').replace(/\s+/g, ' ').trim();
  } catch { info.role = ''; info.name = ''; }
  return info;
}

const describe = (f) => (f ? `${f.role || f.tag} "${f.name}"${f.id ? ' #' + f.id : ''}` : 'nothing');
const matches = (f, want) => {
  if (!f) return false;
  if (want.id && f.id !== want.id) return false;
  if (want.role && f.role !== want.role) return false;
  if (want.name && !(want.name instanceof RegExp ? want.name.test(f.name) : f.name === want.name)) return false;
  return true;
};

/**
 * Presses Tab (or Shift+Tab with { back: true }) until the focused element matches
 * `want` ({ id, role, name }). Fails after TAB_LIMIT presses (a trap, or not
 * reachable), or when focus comes back round without finding it.
 */
async function tabTo(want, { back = false } = {}) {
  const label = JSON.stringify({ ...want, name: want.name?.toString() });
  let first = null, prev = null;
  const seen = [];
  const now = await focused();
  if (matches(now, want)) return now;
  for (let i = 0; i < TAB_LIMIT; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused();
    if (matches(f, want)) return f;
    const key = f ? `${f.role}|${f.name}|${f.id}|${f.tag}` : 'none';
    // Date fields take one Tab per part (day, month, year): not a cycle.
    const same = key === prev;
    prev = key;
    if (same) continue;
    seen.push(describe(f));
    if (first === null && f) first = key;
    else if (f && key === first) {
      throw new StepError(`${label} is not reachable with the keyboard on ${page.url()}; the Tab order went round: ${seen.slice(-40).join(' → ')}`);
    }
  }
  throw new StepError(`gave up after ${TAB_LIMIT} Tab presses looking for ${label} on ${page.url()} (a keyboard trap?); last stops: ${seen.slice(-15).join(' → ')}`);
}

/** Focuses a link or button and presses Enter, waiting for the navigation it starts. */
async function activate(want) {
  const f = await tabTo(want);
  const navigated = page.waitForNavigation({ waitUntil: 'load', timeout: 20000 });
  await page.keyboard.press('Enter');
  try {
    await navigated;
  } catch {
    const invalid = await page.evaluate(() => [...document.querySelectorAll(':invalid')]
      .filter((e) => e.localName !== 'form' && e.localName !== 'fieldset').map((e) => `#${e.id}: ${e.validationMessage}`));
    throw new StepError(`pressing Enter on ${describe(f)} at ${page.url()} went nowhere${invalid.length ? '; the browser refused the form: ' + invalid.join('; ') : ''}`);
  }
}

/**
 * Focuses a drop-down and moves with the arrow keys to the first option whose
 * text matches `label` (any option with a value when `label` is omitted).
 */
async function choose(want, label) {
  await tabTo(want);
  for (let i = 0; i < 50; i++) {
    const { text, value } = await page.evaluate(() => {
      const o = document.activeElement.selectedOptions[0];
      return { text: o?.text || '', value: o?.value || '' };
    });
    if (label === undefined ? value !== '' : label instanceof RegExp ? label.test(text) : text === label) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new StepError(`no option ${label ?? 'with a value'} in ${JSON.stringify(want)} on ${page.url()}`);
}

/** Focuses a text field and replaces its contents by typing. */
async function fill(want, text) {
  await tabTo(want);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
}

/** Focuses a checkbox and presses Space if its state is not `on`. */
async function tick(want, on = true) {
  const f = await tabTo(want);
  if (f.checked !== on) await page.keyboard.press('Space');
}

async function expectText(pattern, where = 'main') {
  const text = await page.evaluate((sel) => document.querySelector(sel)?.innerText || document.body.innerText, where);
  if (!(pattern instanceof RegExp ? pattern.test(text) : text.includes(pattern))) {
    throw new StepError(`expected ${pattern} on ${page.url()}; the page says: ${text.replace(/\s+/g, ' ').slice(0, 600)}`);
  }
}

async function expectNoProblem() {
  const problem = await page.evaluate(() => document.querySelector('.problem')?.innerText);
  if (problem) throw new StepError(`the page reports a problem on ${page.url()}: ${problem.replace(/\s+/g, ' ').slice(0, 600)}`);
}

/** A fresh visit: the address bar, then Tab from the top of the page. */
async function open(url) {
  const response = await page.goto(url, { waitUntil: 'load' });
  return response?.status();
}

async function signIn(email) {
  const status = await open(`${BASE}/admin/login`);
  if (status !== 200) throw new StepError(`the sign-in page answered ${status}`);
  await fill({ id: 'email' }, email);
  await fill({ id: 'password' }, PASSWORD);
  await activate({ role: 'button', name: 'Sign in' });
  await expectNoProblem();
  await expectText('Your studies');
}

async function signOut() {
  await activate({ role: 'button', name: /^Sign out/ });
  await expectText('You are signed out.');
}

/** From "Your studies", the study's dashboard, then the entry's page. */
async function openEntry() {
  await activate({ role: 'link', name: STUDY_TITLE });
  await activate({ role: 'link', name: new RegExp(ENTRY_TITLE) });
}

async function main() {
  await fs.mkdir(OUT, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROME, headless: true, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  let publicUrl = null;
  let presentUrl = null;
  try {
    await step('curator signs in', () => signIn(CURATOR));
    await step('curator uploads a photo', async () => {
      await activate({ role: 'link', name: STUDY_TITLE });
      await activate({ role: 'link', name: 'Upload' });
      await choose({ id: 'prompt' });
      await choose({ id: 'participant' }, PARTICIPANT);
      await choose({ id: 'provenance' }, /^O – /);
      await tabTo({ id: 'images' });
      // Space on a file field opens the system's file dialog; Playwright answers
      // that dialog, as a keyboard user would in it.
      const chooser = page.waitForEvent('filechooser', { timeout: 10000 });
      await page.keyboard.press('Space');
      await (await chooser).setFiles(UPLOAD_FILE);
      await activate({ role: 'button', name: /^Upload/ });
      await expectNoProblem();
      await expectText('became draft entries');
      await activate({ role: 'link', name: /^entry upload-/ });
    });
    await step('curator writes title, caption, alt text and licence, and saves', async () => {
      await fill({ id: 'title' }, ENTRY_TITLE);
      await fill({ id: 'caption' }, 'The desk a link worker shares with two colleagues, photographed for the walkthrough.');
      await fill({ name: /^Alt text/ }, NEW_ALT);
      await fill({ id: 'creator' }, 'Victoria (pseudonym)');
      await choose({ id: 'licence' }, /\(CC-BY-NC-4\.0\)/);
      await activate({ role: 'button', name: /^Save/ });
      await expectNoProblem();
      await expectText('Saved.');
    });
    await step('curator redacts two faces and a badge in the studio, by keyboard', async () => {
      await activate({ role: 'link', name: 'Redact regions of the photo' });
      // Three regions typed into the table: two faces as ellipses (one blurred),
      // a name badge as a pixelated rectangle.
      const regions = [
        ['Ellipse', 'Solid fill', 40, 30, 60, 70],
        ['Ellipse', 'Heavy blur', 160, 40, 50, 60],
        ['Rectangle', 'Pixelate', 90, 150, 80, 24],
      ];
      for (const [i, [shape, how, left, top, width, height]] of regions.entries()) {
        const n = i + 1;
        await choose({ name: `Region ${n} shape` }, shape);
        await choose({ name: `Region ${n} how it is hidden` }, how);
        await fill({ name: `Region ${n} left` }, String(left));
        await fill({ name: `Region ${n} top` }, String(top));
        await fill({ name: `Region ${n} width` }, String(width));
        await fill({ name: `Region ${n} height` }, String(height));
      }
      await fill({ id: 'note' }, 'Faces of two colleagues and a name badge hidden.');
      await activate({ role: 'button', name: 'Preview' });
      await expectNoProblem();
      await expectText('This is the photo as it will be after applying');
      const preview = await page.evaluate(() => {
        const img = document.querySelector('img.studio-preview');
        return img && img.complete && img.naturalWidth;
      });
      if (!preview) throw new StepError(`the preview image did not load on ${page.url()}`);
      // The form keeps what was typed; apply it.
      await activate({ role: 'button', name: 'Apply the redaction' });
      await expectNoProblem();
      await expectText('Redaction applied.');
      await expectText('O-edited');
    });
    await step('curator records consent for the participant', async () => {
      await activate({ role: 'link', name: 'Participants and consent' });
      await activate({ role: 'link', name: new RegExp(`^${PARTICIPANT}$`) });
      await tick({ role: 'checkbox', name: /online/i });
      const date = await tabTo({ id: 'given_on' });
      if (!date.value) {
        // Chromium's date fields take the parts in the browser's locale order
        // (month first in en-US, day first in en-GB). A date whose day and month
        // are the same number types the same either way: the latest one before
        // today (the consent date may not be in the future).
        const now = new Date();
        let y = now.getUTCFullYear(), m = now.getUTCMonth() + 1;
        if (now.getUTCDate() <= m) m -= 1;
        if (m === 0) { y -= 1; m = 12; }
        const mm = String(m).padStart(2, '0');
        await page.keyboard.type(`${mm}${mm}${y}`);
        const typed = await page.evaluate(() => document.activeElement.value);
        if (typed !== `${y}-${mm}-${mm}`) throw new StepError(`typing the date gave "${typed}", not ${y}-${mm}-${mm}`);
      }
      const version = await tabTo({ id: 'form_version' });
      if (!version.value) await page.keyboard.type('v1.2');
      await activate({ role: 'button', name: 'Record the consent' });
      await expectNoProblem();
      await expectText('Consent recorded.');
    });
    await step('curator completes the de-identification checklist', async () => {
      await activate({ role: 'link', name: 'Dashboard' });
      await activate({ role: 'link', name: new RegExp(ENTRY_TITLE) });
      await activate({ role: 'link', name: /checklist/i });
      const boxes = await page.evaluate(() => [...document.querySelectorAll('main form input[type=checkbox]')].map((b) => b.id));
      if (!boxes.length) throw new StepError(`no checklist items on ${page.url()}`);
      for (const id of boxes) await tick({ id });
      await activate({ role: 'button', name: /checklist|Save|Complete/i });
      await expectNoProblem();
      await expectText('Checklist saved.');
    });
    await step('curator signs out', signOut);
    await step('reviewer signs in', () => signIn(REVIEWER));
    await step('reviewer approves the de-identification', async () => {
      await openEntry();
      await activate({ role: 'link', name: /checklist/i });
      await activate({ role: 'button', name: /^Approve/ });
      await expectNoProblem();
      await expectText('De-identification approved.');
    });
    await step('reviewer publishes', async () => {
      await activate({ role: 'link', name: 'Publish' });
      await activate({ role: 'button', name: /^Publish/ });
      await expectNoProblem();
      await expectText('Published.');
    });
    await step('reviewer signs out', signOut);
    await step('the public entry page shows the new alt text', async () => {
      const status = await open(`${BASE}/`);
      if (status !== 200) throw new StepError(`the public home page answered ${status}`);
      await activate({ role: 'link', name: STUDY_TITLE });
      // With its script the gallery opens an entry in a modal dialog first; its
      // "Open the full entry page" link goes on. Without it, the link navigates.
      await tabTo({ role: 'link', name: new RegExp(ENTRY_TITLE) });
      const navigated = page.waitForNavigation({ waitUntil: 'load', timeout: 30000 }).then(() => 'page');
      const opened = page.waitForSelector('dialog.lightbox[open]', { timeout: 30000 }).then(() => 'dialog');
      await page.keyboard.press('Enter');
      if ((await Promise.race([navigated, opened])) === 'dialog') {
        navigated.catch(() => {});
        await activate({ role: 'link', name: 'Open the full entry page' });
      } else {
        opened.catch(() => {});
      }
      publicUrl = page.url();
      const alts = await page.evaluate(() => [...document.images].map((i) => i.alt));
      if (!alts.includes(NEW_ALT)) throw new StepError(`the public page ${publicUrl} does not show the new alt text; alts: ${alts.join(' | ')}`);
    });
    await step('a facilitator presents the gallery by keyboard, notes kept in step in a second window', async () => {
      await open(`${BASE}/`);
      await activate({ role: 'link', name: STUDY_TITLE });
      await activate({ role: 'link', name: /^Present the gallery/ });
      const slide = () => page.evaluate(() => document.body.dataset.slide);
      const first = await slide();
      const count = () => page.evaluate(() => document.querySelector('.present__count')?.textContent || '');
      if (!/^\(1 of \d+\)$/.test(await count())) throw new StepError(`the first slide says ${await count()}`);
      // The facilitator's notes in a second window follow the slides.
      const notesUrl = new URL(await page.evaluate(() => document.body.dataset.notes), page.url()).href;
      const notes = await context.newPage();
      await notes.goto(notesUrl, { waitUntil: 'load', timeout: 20000 });
      // No bringToFront: Playwright gives every page focus of its own, so keys
      // reach the slides with the notes window open.
      const press = async (key, want) => {
        const navigated = page.waitForNavigation({ waitUntil: 'load', timeout: 20000 });
        await page.keyboard.press(key);
        await navigated.catch(() => { throw new StepError(`${key} did not move the slides on ${page.url()}`); });
        const now = await count();
        if (!now.startsWith(`(${want} of`)) throw new StepError(`after ${key} the slide says ${now}, not ${want}`);
      };
      await press('ArrowRight', 2);
      await press('PageDown', 3);
      await press('PageUp', 2);
      await press(' ', 3);
      const third = await page.evaluate(() => document.body.dataset.notes);
      await notes.waitForURL((u) => u.pathname === new URL(third, page.url()).pathname, { timeout: 20000 })
        .catch(() => { throw new StepError(`the notes window stayed at ${notes.url()} while the slides reached ${third}`); });
      await press('Home', 1);
      if ((await slide()) !== first) throw new StepError('Home did not return to the first slide');
      // Close the notes window only once it has followed Home: closing it in the
      // middle of that navigation left page.close() waiting for ever (found by
      // logging each call of this step in a run that hung).
      const firstNotes = new URL(notesUrl).pathname;
      await notes.waitForURL((u) => u.pathname === firstNotes, { timeout: 20000, waitUntil: 'load' })
        .catch(() => { throw new StepError(`the notes window stayed at ${notes.url()} after Home`); });
      await Promise.race([notes.close(), new Promise((r) => setTimeout(r, 5000))]);
      presentUrl = publicUrl.replace('/entries/', '/present/');
      const status = await open(presentUrl);
      if (status !== 200) throw new StepError(`the new entry's slide ${presentUrl} answered ${status}`);
    });
    await step('curator signs back in and withdraws the entry', async () => {
      await signIn(CURATOR);
      await openEntry();
      await activate({ role: 'link', name: /^Withdraw/ });
      await choose({ id: 'reason' });
      await tick({ id: 'confirm' });
      await activate({ role: 'button', name: /^Withdraw/ });
      await expectNoProblem();
      await expectText(/Withdrawn[.:]/);
    });
    await step('the public entry page is gone (404)', async () => {
      const status = await open(publicUrl);
      if (status !== 404) throw new StepError(`${publicUrl} answered ${status} after the withdrawal`);
      for (const url of [presentUrl, `${presentUrl}/notes`]) {
        const gone = await open(url);
        if (gone !== 404) throw new StepError(`the slide ${url} answered ${gone} after the withdrawal`);
      }
    });
    await step('curator signs out', async () => {
      await open(`${BASE}/admin`);
      await signOut();
    });
    log('walkthrough passed: every step done with the keyboard only');
  } catch (e) {
    const file = path.join(OUT, 'failure.png');
    await page.screenshot({ path: file, fullPage: true, timeout: 15000 }).catch(() => {});
    console.error(`FAILED at step "${stepName}": ${e instanceof StepError ? e.message : e.stack || e}`);
    console.error(`screenshot: ${file}`);
    process.exitCode = 1;
  } finally {
    // A hung browser must not hold the run either.
    await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 15000))]);
  }
}

await main();
process.exit(process.exitCode ?? 0);
