#!/usr/bin/env node
// IIIF Presentation 3 checks for the documents a static export writes (iiif/*.json):
// @iiif/parser's strict upgrade on every Manifest (any warning is an error), its
// normaliser on every document (ids resolve to types), and structural checks the
// parser does not make: absolute http(s) ids, a language map on every label, a
// painting annotation on every canvas whose image exists in the export.
//   node ci/validate_iiif.mjs EXPORT_DIR NODE_MODULES_DIR
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [dir, modules] = process.argv.slice(2);
if (!dir || !modules) { console.error('usage: validate_iiif.mjs EXPORT_DIR NODE_MODULES_DIR'); process.exit(2); }
const require = createRequire(path.join(modules, 'package.json'));
const { presentation3StrictUpgrade } = require('@iiif/parser/strict');
const { normalize } = require('@iiif/parser');

const folder = path.join(dir, 'iiif');
const files = fs.readdirSync(folder).filter(f => f.endsWith('.json')).sort();
const problems = [];
const fail = (file, message) => problems.push(`${file}: ${message}`);
let canvases = 0;
for (const file of files) {
  const doc = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
  if (doc['@context'] !== 'http://iiif.io/api/presentation/3/context.json') fail(file, 'not a Presentation 3 context');
  const walk = (node, where) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
    if (!node || typeof node !== 'object') return;
    if ('id' in node && !/^https?:\/\//.test(node.id)) fail(file, `${where}.id is not an absolute http(s) URL: ${node.id}`);
    for (const key of ['label', 'summary']) {
      if (key in node && (typeof node[key] !== 'object' || Array.isArray(node[key]))) fail(file, `${where}.${key} is not a language map`);
    }
    for (const [k, v] of Object.entries(node)) if (k !== '@context') walk(v, `${where}.${k}`);
  };
  walk(doc, doc.type);
  const state = { warnings: [] };
  if (doc.type === 'Manifest') {
    presentation3StrictUpgrade(doc, state);
    for (const w of state.warnings) fail(file, `strict upgrade: ${w}`);
    for (const canvas of doc.items) {
      canvases += 1;
      const anno = canvas.items?.[0]?.items?.[0];
      if (anno?.motivation !== 'painting' || anno?.target !== canvas.id) fail(file, `${canvas.id} has no painting annotation targeting it`);
      const local = anno?.body?.id?.replace(/^https?:\/\/[^/]+\/(.*?)media\//, 'media/');
      if (!local || !fs.existsSync(path.join(dir, local))) fail(file, `${canvas.id}: image ${anno?.body?.id} is not in the export`);
    }
  }
  const normalised = normalize(doc);
  if (!normalised?.resource?.id) fail(file, 'the normaliser could not read it');
}
if (files.length < 2) fail(folder, 'expected a Collection and at least one Manifest');
if (problems.length) { console.error(problems.join('\n')); process.exit(1); }
console.log(`validate_iiif: ${files.length} documents, ${canvases} canvases: no problems`);
