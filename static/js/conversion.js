/*
 * The conversion form (templates/leads/convert.html, form[data-conversion-form]): the enrolment
 * fields show only while 同时报名 is ticked. Course defaults and class choices come from
 * enrollments.js, which the page also loads (the form is a data-enrollment-form too).
 */
(function () {
  'use strict';

  function toggleEnrolment(form) {
    const fields = form.querySelector('[data-enrolment-fields]');
    if (fields) {
      fields.hidden = !form.elements.enroll.checked;
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form[data-conversion-form]').forEach(function (form) {
      toggleEnrolment(form);
      form.elements.enroll.addEventListener('change', () => toggleEnrolment(form));
    });
  });
})();
