#!/usr/bin/env node
// A static export opened from disk (file://), as a team member or an archive's
// curator would: the script runs (placeholder colours painted), an entry link
// opens the lightbox with its image loaded, and the console stays clean.
//
//   node ci/export_from_disk.mjs /path/to/export
//
// Needs playwright-core from the audit tool's node_modules (AUDIT_DIR) and
// Debian's Chromium (CHROME_PATH), as ci/walkthrough.mjs does.
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const AUDIT_DIR = process.env.AUDIT_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'vitrine-audit');
const require = createRequire(path.join(AUDIT_DIR, 'package.json'));
const { chromium } = require('playwright-core');
const dir = process.argv[2];
if (!dir) { console.error('usage: node ci/export_from_disk.mjs EXPORT_DIR'); process.exit(2); }

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const page = await browser.newPage();
const errors = [];
page.on('pageerror', e => errors.push(String(e)));
page.on('console', m => { if (m.type() === 'error') errors.push(m.text()); });
await page.goto(pathToFileURL(path.join(path.resolve(dir), 'index.html')).href);
const painted = await page.$eval('img[data-color]', img => img.style.backgroundColor);
await page.click('a[data-lightbox]');
const open = await page.$eval('dialog.lightbox', d => d.open);
const loaded = await page.$eval('.lightbox__media img', i => i.complete && i.naturalWidth > 0).catch(() => false);
const link = await page.$eval('.lightbox__link', a => a.href);
await page.keyboard.press('Escape');
await page.goto(link);
const entry = await page.$eval('main img', i => i.complete && i.naturalWidth > 0).catch(() => false);
await browser.close();
const result = { painted, open, loaded, entryPage: link, entryImage: entry, errors };
console.log(JSON.stringify(result));
if (!painted || !open || !loaded || !entry || errors.length) {
  console.error('the export does not work from disk');
  process.exit(1);
}
