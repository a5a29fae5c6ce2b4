/*
 * The 推荐学员 picker on the lead form (templates/leads/form.html, [data-referrer-picker]). htmx does the
 * searching (hx-get on the search field, debounced); this file only makes the keyboard feel right:
 * - Enter in the search field searches at once instead of submitting the lead form;
 * - ArrowDown moves from the search field into the choices (the checked one, else the first match),
 *   where the arrow keys move between the radio buttons as usual.
 * Without this script the typed text is sent with the form and the server picks the one match.
 */
(function () {
  'use strict';

  function choices(picker) {
    return Array.from(picker.querySelectorAll('input[name="referrer_student_id"]'));
  }

  function intoChoices(picker) {
    const radios = choices(picker);
    const target = radios.find((radio) => radio.checked && radio.value) || radios.find((radio) => radio.value);
    if (target) {
      target.focus();
    }
  }

  document.addEventListener('keydown', function (event) {
    const field = event.target.closest && event.target.closest('[data-referrer-search]');
    if (!field) {
      return;
    }
    const picker = field.closest('[data-referrer-picker]');
    if (event.key === 'Enter') {
      event.preventDefault();
      htmx.trigger(field, 'search');
    } else if (event.key === 'ArrowDown' && picker) {
      event.preventDefault();
      intoChoices(picker);
    }
  });
})();
