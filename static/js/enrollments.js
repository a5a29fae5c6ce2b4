/*
 * Enrolment forms (templates/enrollments/):
 * - form[data-enrollment-form]: choosing a course fills in its price and lessons (data-price /
 *   data-lessons on the option) and offers only that course's classes (data-course on each class option);
 *   a full class (data-full) stays disabled, unless it is the refused choice shown again (forms_classes.py);
 * - form[data-renewal-form]: the new-contract fields show only for 签新合同 (mode=new).
 * Without this script every field stays visible and the server checks everything anyway.
 */
(function () {
  'use strict';

  function offerClasses(form) {
    const courseId = form.elements.course_id.value;
    const classes = form.elements.class_id;
    Array.from(classes.options).forEach(function (option) {
      const other = option.dataset.course !== undefined && option.dataset.course !== courseId;
      option.hidden = other;
      option.disabled = other || option.hasAttribute('data-full') && !option.selected;
    });
    if (classes.selectedOptions.length && classes.selectedOptions[0].disabled) {
      classes.value = '';
    }
  }

  function fillCourseDefaults(form) {
    const option = form.elements.course_id.selectedOptions[0];
    if (!option || option.dataset.price === undefined) {
      return;
    }
    form.elements.total_fee.value = option.dataset.price;
    form.elements.lessons_purchased.value = option.dataset.lessons;
  }

  function initEnrollment(form) {
    offerClasses(form);
    form.elements.course_id.addEventListener('change', function () {
      fillCourseDefaults(form);
      offerClasses(form);
    });
  }

  function toggleNewContract(form) {
    const chosen = form.querySelector('input[name="mode"]:checked');
    const fields = form.querySelector('[data-new-contract-fields]');
    if (fields) {
      fields.hidden = !chosen || chosen.value !== 'new';
    }
  }

  function initRenewal(form) {
    toggleNewContract(form);
    form.querySelectorAll('input[name="mode"]').forEach(function (radio) {
      radio.addEventListener('change', () => toggleNewContract(form));
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('form[data-enrollment-form]').forEach(initEnrollment);
    document.querySelectorAll('form[data-renewal-form]').forEach(initRenewal);
  });
})();
