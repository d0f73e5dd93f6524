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
