// roei's own script (everything works without it; htmx only makes the forms live).
//
// A live preview (the interview form posts itself on every change) must never throw away what
// the user typed while it was on its way: if the form's values differ from those the request
// sent, the answer is stale — it is not swapped in, and the form asks again with what is there now.
(function () {
  'use strict';
  function serialize(data) {
    var params = new URLSearchParams();
    data.forEach(function (value, key) {
      if (key !== 'action' && typeof value === 'string') params.append(key, value);
    });
    return params.toString();
  }
  document.addEventListener('htmx:beforeSwap', function (event) {
    var detail = event.detail;
    var form = detail.requestConfig && detail.requestConfig.elt;
    if (!form || form.tagName !== 'FORM' || !form.hasAttribute('data-live-preview')) return;
    var sent = detail.requestConfig.formData;
    if (!sent || serialize(sent) === serialize(new FormData(form))) return;
    detail.shouldSwap = false;
    setTimeout(function () { window.htmx.trigger(form, 'change'); }, 0);
  });
})();
