// Tables edited as rows of fields: without a script the page already has a
// few blank rows and a "remove" checkbox per row; this adds under each
// <table data-righe="BLOCK" data-next="N"> an "Aggiungi riga" button that
// copies the last row, empty, as row N (field names BLOCK[N].key, ids
// BLOCK-N-key). The server reads rows by index and drops blank ones.
(function () {
  'use strict';
  function renumber(row, block, from, to) {
    var name = block + '[' + from + ']', id = block + '-' + from + '-';
    row.setAttribute('data-riga', String(to));
    row.querySelectorAll('[name]').forEach(function (el) {
      el.name = el.name.replace(name, block + '[' + to + ']');
    });
    row.querySelectorAll('[id]').forEach(function (el) {
      el.id = el.id.replace(id, block + '-' + to + '-');
    });
    row.querySelectorAll('label[for]').forEach(function (el) {
      el.htmlFor = el.htmlFor.replace(id, block + '-' + to + '-');
      el.innerHTML = el.innerHTML.replace(/riga \d+/, 'riga ' + (to + 1));
    });
  }
  function clear(row) {
    row.querySelectorAll('.ambito-cell-error').forEach(function (el) { el.remove(); });
    row.querySelectorAll('input, select').forEach(function (el) {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
      if (el.type === 'checkbox') el.checked = false;
      else if (el.tagName === 'SELECT') el.selectedIndex = 0;
      else el.value = '';
    });
  }
  document.querySelectorAll('table[data-righe]').forEach(function (table) {
    var block = table.getAttribute('data-righe');
    var wrap = table.closest('.ambito-table-wrap') || table;
    var p = document.createElement('p');
    p.className = 'ambito-add-row';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-outline-primary btn-sm';
    button.textContent = 'Aggiungi riga';
    var hidden = document.createElement('span');
    hidden.className = 'visually-hidden';
    hidden.textContent = ' a ' + table.caption.textContent;
    button.appendChild(hidden);
    p.appendChild(button);
    wrap.parentNode.insertBefore(p, wrap.nextSibling);
    button.addEventListener('click', function () {
      var body = table.tBodies[0];
      var last = body.rows[body.rows.length - 1];
      var next = parseInt(table.getAttribute('data-next'), 10);
      var row = last.cloneNode(true);
      renumber(row, block, parseInt(last.getAttribute('data-riga'), 10), next);
      clear(row);
      body.appendChild(row);
      table.setAttribute('data-next', String(next + 1));
      var first = row.querySelector('input, select');
      if (first) first.focus();
    });
  });
})();
