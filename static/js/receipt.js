/*
 * 收据: the print button opens the browser's print dialog (print on A5, or save as PDF).
 * The CSP forbids inline handlers, so the button is found by its data-print attribute.
 */
(function () {
  'use strict';

  document.addEventListener('click', function (evt) {
    const button = evt.target.closest('[data-print]');
    if (button) {
      evt.preventDefault();
      window.print();
    }
  });
})();
