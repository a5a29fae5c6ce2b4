/*
 * The six-speed form on the lead page (templates/leads/_sixspeed_edit.html). A save refused because someone
 * else saved the sheet meanwhile answers 409 with the form as typed and the message; htmx's config swaps only
 * 2xx and 422, so swap this one too: the person keeps their input and reads why it was not saved.
 */
(function () {
  'use strict';

  document.addEventListener('htmx:beforeSwap', function (evt) {
    if (evt.detail.xhr.status === 409 && evt.detail.elt.closest('[data-six-speed-form]')) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
})();
