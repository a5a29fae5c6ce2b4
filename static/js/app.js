/*
 * EduFlow behaviour every page loads (board.js, conversion.js, enrollments.js
 * and reports.js add their own pages' behaviour).
 * The CSP forbids inline scripts, inline styles and eval, so every behaviour
 * is attached here from data-* attributes in the server-rendered HTML.
 * Needs htmx and bootstrap.bundle loaded first. The board (board.js) and the
 * report charts (reports.js) set up their own Sortable and Chart.js instances;
 * this file only releases them when htmx removes their element.
 */
(function () {
  'use strict';

  const AUTODISMISS_MS = 6000;

  function bodyText(key, fallback) {
    return document.body.dataset[key] || fallback;
  }

  // Elements of root (itself included) that match selector; htmx.onLoad passes
  // the swapped-in element, which may itself be the thing we want.
  function within(root, selector) {
    const found = Array.from(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      found.unshift(root);
    }
    return found;
  }

  /* ---- CSRF: Flask-WTF reads the token from this header on htmx requests ---- */

  document.addEventListener('htmx:configRequest', function (evt) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      evt.detail.headers['X-CSRFToken'] = meta.content;
    }
  });

  /* ---- Toasts for failed htmx requests ---- */

  function showToast(message) {
    const area = document.getElementById('toast-area');
    if (!area) {
      return;
    }
    // A failing poll would otherwise stack the same toast every few seconds.
    if (Array.from(area.querySelectorAll('.toast-body')).some((el) => el.textContent === message)) {
      return;
    }

    const toast = document.createElement('div');
    toast.className = 'toast align-items-center text-bg-danger border-0';
    toast.setAttribute('role', 'alert');
    toast.setAttribute('aria-live', 'assertive');
    toast.setAttribute('aria-atomic', 'true');

    const row = document.createElement('div');
    row.className = 'd-flex';
    const body = document.createElement('div');
    body.className = 'toast-body';
    body.textContent = message;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn-close btn-close-white me-2 m-auto';
    close.setAttribute('data-bs-dismiss', 'toast');
    close.setAttribute('aria-label', bodyText('msgClose', 'Close'));

    row.append(body, close);
    toast.append(row);
    area.append(toast);

    toast.addEventListener('hidden.bs.toast', () => toast.remove());
    bootstrap.Toast.getOrCreateInstance(toast, { delay: AUTODISMISS_MS }).show();
  }

  document.addEventListener('htmx:responseError', function () {
    showToast(bodyText('msgError', 'Something went wrong. Please try again.'));
  });

  function networkError() {
    showToast(bodyText('msgNetwork', 'Cannot reach the server. Check the connection and try again.'));
  }
  document.addEventListener('htmx:sendError', networkError);
  document.addEventListener('htmx:timeout', networkError);

  /* ---- Confirmation: data-confirm="question" on the element or its submit button ---- */

  function confirmText(elt, evt) {
    const submitter = evt && evt.submitter;
    return (submitter && submitter.getAttribute('data-confirm')) || elt.getAttribute('data-confirm');
  }

  document.addEventListener('htmx:confirm', function (evt) {
    const text = confirmText(evt.detail.elt, evt.detail.triggeringEvent);
    if (!text) {
      return;
    }
    evt.preventDefault();
    if (window.confirm(text)) {
      evt.detail.issueRequest(true);
    }
  });

  document.addEventListener('submit', function (evt) {
    // htmx (and hx-boost) cancel the native submit before it bubbles here and ask
    // through htmx:confirm above; only plain forms are left to confirm.
    if (evt.defaultPrevented) {
      return;
    }
    const text = confirmText(evt.target, evt);
    if (text && !window.confirm(text)) {
      evt.preventDefault();
    }
  });

  /* ---- <select data-autosubmit> submits its form (language switcher, filters) ---- */

  document.addEventListener('change', function (evt) {
    const select = evt.target;
    if (!select.matches('select[data-autosubmit]') || !select.form) {
      return;
    }
    // requestSubmit fires the submit event, so htmx and data-confirm still apply.
    if (select.form.requestSubmit) {
      select.form.requestSubmit();
    } else {
      select.form.submit();
    }
  });

  /* ---- Flash messages: .alert[data-autodismiss] closes itself ---- */

  const scheduled = new WeakSet();

  function autodismiss(alert) {
    if (scheduled.has(alert)) {
      return;
    }
    scheduled.add(alert);
    window.setTimeout(function () {
      if (alert.isConnected) {
        bootstrap.Alert.getOrCreateInstance(alert).close();
      }
    }, AUTODISMISS_MS);
  }

  /* ---- Initialise the page and every piece of content htmx swaps in ---- */

  htmx.onLoad(function (root) {
    within(root, '[data-bs-toggle="tooltip"]').forEach((el) => bootstrap.Tooltip.getOrCreateInstance(el));
    within(root, '.alert[data-autodismiss]').forEach(autodismiss);
  });

  // Release what was attached to content htmx is about to remove (a tooltip,
  // the board's Sortable, a report's chart); an open tooltip would otherwise
  // stay stuck on screen.
  document.addEventListener('htmx:beforeCleanupElement', function (evt) {
    const el = evt.target;
    const tooltip = bootstrap.Tooltip.getInstance(el);
    if (tooltip) {
      tooltip.dispose();
    }
    const sortable = window.Sortable && Sortable.get(el);
    if (sortable) {
      sortable.destroy();
    }
    const chart = window.Chart && Chart.getChart(el);
    if (chart) {
      chart.destroy();
    }
  });

  // A button with data-print opens the browser's print dialog (a receipt on A5, a parent's invitation; save as
  // PDF from there).
  document.addEventListener('click', function (evt) {
    if (evt.target.closest('[data-print]')) {
      evt.preventDefault();
      window.print();
    }
  });
})();
