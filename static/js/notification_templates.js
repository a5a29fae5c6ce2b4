/*
 * The 通知模板 editor (templates/admin/notification_templates/edit.html, [data-template-editor]): a variable's
 * button ([data-insert-variable]) writes it into the field last used (the body until the subject is chosen), at the
 * cursor, and fires that field's input event, so htmx refreshes the preview as if it had been typed.
 * Without this script the buttons do nothing and the variables are typed by hand.
 */
(function () {
  'use strict';

  const lastField = new WeakMap();

  function fields(editor) {
    return Array.from(editor.querySelectorAll('input[name="subject"], textarea[name="body"]'));
  }

  document.addEventListener('focusin', function (event) {
    const editor = event.target.closest && event.target.closest('[data-template-editor]');
    if (editor && fields(editor).includes(event.target)) {
      lastField.set(editor, event.target);
    }
  });

  document.addEventListener('click', function (event) {
    const button = event.target.closest && event.target.closest('[data-insert-variable]');
    const editor = button && button.closest('[data-template-editor]');
    if (!editor) {
      return;
    }
    const field = lastField.get(editor) || editor.querySelector('textarea[name="body"]');
    if (!field) {
      return;
    }
    const text = button.getAttribute('data-insert-variable');
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.setRangeText(text, start, end, 'end');
    field.focus();
    field.dispatchEvent(new Event('input', {bubbles: true}));
  });
})();
