// Workspace enhancements. Every page works without this script.
//
// Exports page: while a ZIP is being made, fetch the page again every two
// seconds and swap in the table of ZIPs, so progress moves and the download
// link appears without a reload; announce each export that finishes.
(function () {
  'use strict';
  var section = document.getElementById('downloads');
  var announce = document.getElementById('export-announce');
  if (!section || !window.fetch || !window.DOMParser) return;
  function states(root) {
    var out = {};
    root.querySelectorAll('tr[data-state]').forEach(function (row) {
      out[row.id] = { state: row.getAttribute('data-state'), what: row.querySelector('th').textContent };
    });
    return out;
  }
  function poll() {
    if (!section.hasAttribute('data-export-pending')) return;
    window.setTimeout(function () {
      fetch(window.location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var fresh = doc.getElementById('downloads');
          if (!fresh) return;
          // The registry gains a row when an export is made: keep it current.
          var registry = document.getElementById('registry');
          var freshRegistry = doc.getElementById('registry');
          if (registry && freshRegistry) registry.innerHTML = freshRegistry.innerHTML;
          var before = states(section);
          var after = states(fresh);
          var news = [];
          Object.keys(after).forEach(function (id) {
            var was = before[id] && before[id].state;
            var now = after[id].state;
            if (was && was !== now && (now === 'ready' || now === 'failed')) {
              news.push(after[id].what + (now === 'ready' ? ': ready to download.' : ': not made.'));
            }
          });
          // Keep focus where it was if it sat inside the table.
          var focused = section.contains(document.activeElement) ? document.activeElement.id : null;
          section.innerHTML = fresh.innerHTML;
          if (fresh.hasAttribute('data-export-pending')) {
            section.setAttribute('data-export-pending', '');
          } else {
            section.removeAttribute('data-export-pending');
          }
          if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
          if (news.length && announce) announce.textContent = news.join(' ');
          poll();
        })
        .catch(function () { /* the link on the page still works */ });
    }, 2000);
  }
  poll();
})();

// De-identification studio: drag across the photo, or click two opposite
// corners (one pointer, no dragging: WCAG 2.5.7), to add a rectangle to the
// first empty row of the region table (a row is added when none is left),
// and keep the outlines on the photo in step with the numbers typed in the
// table. The numbers are what the form sends; it works without this script,
// and the listeners sit on the element that holds both the photo and the
// table, the keyboard's way to the same thing.
(function () {
  'use strict';
  var studio = document.getElementById('studio');
  var canvas = document.getElementById('studio-canvas');
  var rows = document.getElementById('studio-rows');
  var announce = document.getElementById('studio-announce');
  if (!studio || !canvas || !rows || !window.PointerEvent) return;
  var svg = canvas.querySelector('svg');
  var img = canvas.querySelector('img');
  var width = Number(canvas.getAttribute('data-width'));
  var height = Number(canvas.getAttribute('data-height'));
  var NS = 'http://www.w3.org/2000/svg';
  var SIDES = ['left', 'top', 'width', 'height'];
  img.setAttribute('draggable', 'false');
  function field(tr, name) { return tr.querySelector('[name="' + name + '"]'); }
  function numbers(tr) {
    return SIDES.map(function (side) { return field(tr, side).value.trim(); });
  }
  function shape(kind, n, drawing) {
    var el = document.createElementNS(NS, kind === 'ellipse' ? 'ellipse' : 'rect');
    if (kind === 'ellipse') {
      el.setAttribute('cx', n[0] + n[2] / 2); el.setAttribute('cy', n[1] + n[3] / 2);
      el.setAttribute('rx', n[2] / 2); el.setAttribute('ry', n[3] / 2);
    } else {
      el.setAttribute('x', n[0]); el.setAttribute('y', n[1]);
      el.setAttribute('width', Math.max(n[2], 1)); el.setAttribute('height', Math.max(n[3], 1));
    }
    if (drawing) el.setAttribute('class', 'studio-canvas__drawing');
    return el;
  }
  function redraw() { // the regions' outlines; face suggestions stay
    svg.querySelectorAll(':not([data-suggestion])').forEach(function (el) { svg.removeChild(el); });
    rows.querySelectorAll('tr').forEach(function (tr) {
      var typed = numbers(tr);
      var n = typed.map(Number);
      if (typed.some(function (v) { return v === ''; }) || n.some(isNaN) || n[2] <= 0 || n[3] <= 0) return;
      svg.appendChild(shape(field(tr, 'shape').value, n, false));
    });
  }
  function emptyRow() {
    var all = rows.querySelectorAll('tr');
    for (var i = 0; i < all.length; i++) {
      if (numbers(all[i]).join('') === '') return all[i];
    }
    var copy = all[all.length - 1].cloneNode(true);
    var number = all.length + 1;
    copy.querySelector('th').textContent = number;
    copy.querySelectorAll('input, select').forEach(function (el) {
      if (el.tagName === 'INPUT') el.value = '';
      el.setAttribute('aria-label', el.getAttribute('aria-label').replace(/^Region \d+/, 'Region ' + number));
    });
    rows.appendChild(copy);
    return copy;
  }
  function point(e) {
    var box = img.getBoundingClientRect();
    var x = Math.min(Math.max(e.clientX - box.left, 0), box.width);
    var y = Math.min(Math.max(e.clientY - box.top, 0), box.height);
    return { x: Math.round(x * width / box.width), y: Math.round(y * height / box.height) };
  }
  function box(a, b) {
    return [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(a.x - b.x), Math.abs(a.y - b.y)];
  }
  function say(text) { if (announce) announce.textContent = text; }
  var pending = null; // the first corner clicked, waiting for the second
  var down = null;    // where the pointer went down, while it is down
  var drawing = null;
  function clear() {
    if (drawing) { svg.removeChild(drawing); drawing = null; }
  }
  function sketch(from, to) {
    clear();
    drawing = svg.appendChild(shape('rectangle', box(from, to), true));
  }
  function moved(a, b) { // more than a few screen pixels apart
    return Math.abs(a.x - b.x) + Math.abs(a.y - b.y) > 6 * width / img.getBoundingClientRect().width;
  }
  function add(n) {
    clear();
    if (n[2] < 2 || n[3] < 2) return;
    var tr = emptyRow();
    SIDES.forEach(function (side, i) { field(tr, side).value = n[i]; });
    redraw();
    say('Region ' + tr.querySelector('th').textContent + ' added: left ' + n[0] + ', top ' + n[1] +
      ', width ' + n[2] + ', height ' + n[3] + ' pixels.');
  }
  studio.addEventListener('pointerdown', function (e) {
    if (e.button !== 0 || !canvas.contains(e.target)) return;
    e.preventDefault();
    down = point(e);
    canvas.setPointerCapture(e.pointerId);
  });
  studio.addEventListener('pointermove', function (e) {
    var from = down || pending;
    if (from && canvas.contains(e.target)) sketch(from, point(e));
  });
  studio.addEventListener('pointerup', function (e) {
    if (!down) return;
    var up = point(e);
    var from = down;
    down = null;
    if (moved(from, up)) { // dragged: a whole rectangle
      pending = null;
      add(box(from, up));
    } else if (pending) { // the second click
      from = pending;
      pending = null;
      add(box(from, up));
    } else { // the first click
      pending = up;
      say('First corner at left ' + up.x + ', top ' + up.y + '. Click the opposite corner.');
    }
  });
  studio.addEventListener('pointercancel', function () { pending = null; down = null; clear(); });
  rows.addEventListener('input', redraw);
  rows.addEventListener('change', redraw);
})();
