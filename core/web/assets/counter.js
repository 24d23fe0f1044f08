// Live character counters for text fields with a maximum: each
// <textarea data-max-chars="N" aria-describedby="… ID"> has a counter element
// <… id="ID" data-counter> that the server already filled; this keeps it
// current while typing. Characters are counted as the server counts them:
// Unicode code points, a line end as one. The server's count is the truth.
(function () {
  'use strict';
  // Thousands with a dot, as the server writes them ("5.005").
  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }
  function update(field, counter) {
    var max = parseInt(field.getAttribute('data-max-chars'), 10);
    var n = Array.from(field.value.replace(/\r\n/g, '\n')).length;
    counter.textContent = group(n) + ' su ' + group(max) + ' caratteri';
    counter.classList.toggle('ambito-counter-over', n > max);
    if (n > max) counter.textContent += ' — troppi di ' + group(n - max);
  }
  document.querySelectorAll('textarea[data-max-chars]').forEach(function (field) {
    var counter = document.getElementById(field.getAttribute('data-counter'));
    if (!counter) return;
    field.addEventListener('input', function () { update(field, counter); });
    update(field, counter);
  });
})();
