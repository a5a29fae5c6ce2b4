/*
 * The lead board: drag a card (a <form data-board-card>) onto another column
 * (<div data-board-column="STAGE">), or pick a stage in the card's stage menu;
 * either way the card posts itself to its move URL and the server answers with
 * the card as it now is. A card always ends up in the column of its data-stage:
 * a refused or cancelled move puts it back where it was dragged from. Needs
 * htmx, bootstrap and Sortable loaded first (before app.js).
 *
 * Not app.js's data-sortable convention: that posts a whole column, while here
 * each card posts to its own lead's URL, columns are never reordered by hand
 * (sort: false) and the fallback drag (forceFallback) behaves the same for
 * mouse, touch and browser automation.
 *
 * Held near the board's left or right edge, a dragged card scrolls the board
 * (Sortable's own autoscroll); the board's scroll-snap is off while a card is
 * dragged, else it would pull each small scroll step back to the column's start.
 */
(function () {
  'use strict';

  const origins = new Map(); // card id -> {list, next}: where a card was dragged from
  const moving = new Map(); // card id -> the stage it had when its move was posted
  let refocus = null; // id of the card whose replacement takes the focus back (it was inside the old one)
  let holding = false; // a card is held for dragging: no long-press menu of the browser

  function columnFor(stage) {
    return document.querySelector('[data-board-column="' + stage + '"]');
  }

  function boardLists() {
    return Array.from(document.querySelectorAll('[data-board-column]'));
  }

  function setDragging(enabled) {
    boardLists().forEach(function (list) {
      const sortable = Sortable.get(list);
      if (sortable) {
        sortable.option('disabled', !enabled);
      }
    });
  }

  // Bring a card into view; a column only partly on screen comes in whole, at the
  // left edge, where the board's scroll-snap would put it anyway.
  function reveal(el) {
    el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    const column = el.closest('.ef-column');
    const board = el.closest('.ef-board');
    if (column && board) {
      const c = column.getBoundingClientRect();
      const b = board.getBoundingClientRect();
      if (c.left < b.left || c.right > b.right) {
        column.scrollIntoView({ block: 'nearest', inline: 'start' });
      }
    }
  }

  // Put a card in its stage's column: back at its old place if it came from
  // there, else on top of the column.
  function settle(card) {
    const list = card.closest('[data-board-column]');
    const stage = card.dataset.stage;
    if (!list || list.dataset.boardColumn === stage) {
      origins.delete(card.id);
      return;
    }
    const home = columnFor(stage);
    const origin = origins.get(card.id);
    origins.delete(card.id);
    if (!home) {
      card.remove(); // its column is not on this board
      return;
    }
    let before = home.firstChild;
    if (origin && origin.list === home) {
      before = origin.next && origin.next.parentNode === home ? origin.next : null;
    }
    home.insertBefore(card, before);
    reveal(card);
  }

  function board() {
    return document.getElementById('board');
  }

  // Say where a moved card went (a live region for screen readers; the card itself shows it to the eye).
  function announceMove(card) {
    const from = moving.get(card.id);
    moving.delete(card.id);
    const status = document.querySelector('[data-board-status]');
    const title = document.getElementById('column-title-' + card.dataset.stage);
    const name = card.querySelector('[data-testid="card-name"]');
    if (!status || !title || !name || from === undefined || from === card.dataset.stage) {
      return;
    }
    status.textContent = board().dataset.msgMoved.replace('{name}', name.textContent.trim())
      .replace('{stage}', title.textContent.trim());
  }

  // After a move by menu or keyboard, the card's stage button (in its new column) has the focus again.
  function takeFocus(el) {
    const target = el.querySelector('[data-stage-menu]') || el.querySelector('a[href], textarea, button');
    if (target) {
      target.focus({ preventScroll: true });
    }
  }

  function post(card, stage) {
    card.querySelector('input[name="stage"]').value = stage;
    moving.set(card.id, card.dataset.stage);
    htmx.trigger(card, 'ef:dropped');
  }

  /* ---- Autoscroll while dragging: Sortable's own, kept told where the pointer is ---- */

  // Sortable (1.15) reads the pointer for its autoscroll at most every 30 ms, dropping the moves in between, and one
  // of its timers goes on reading the position where scrolling began. So a pointer that comes to rest at the board's
  // edge could go unnoticed, and one that has left the edge could keep the board scrolling. While a card is
  // dragged and the pointer holds still, its last move is therefore told again every 25 ms.
  const EDGE = 60; // px from the board's edge (a finger's width) where a held card scrolls it
  let lastMove = null;
  let lastMoveAt = 0;
  let repeater = null;

  document.addEventListener('pointermove', function (evt) {
    if (evt.isTrusted && Sortable.active) {
      lastMove = evt;
      lastMoveAt = evt.timeStamp;
    }
  });

  function repeatLastMove(on) {
    window.clearInterval(repeater);
    lastMove = null;
    if (on) {
      repeater = window.setInterval(function () {
        if (lastMove && Sortable.active && performance.now() - lastMoveAt > 20) {
          document.dispatchEvent(new PointerEvent('pointermove', lastMove));
        }
      }, 25);
    }
  }

  function initColumn(list) {
    if (Sortable.get(list)) {
      return;
    }
    Sortable.create(list, {
      group: 'lead-board',
      draggable: '[data-board-card]',
      sort: false,
      forceFallback: true,
      // No animation: Sortable animates through inline styles, and htmx copies an old card's
      // style attribute onto its replacement while settling, which the CSP (style-src 'self') blocks.
      animation: 0,
      // On tablets a short hold starts a drag, so a swipe still scrolls the board.
      delay: 150,
      delayOnTouchOnly: true,
      // The stage menu and its button are pressed, not dragged.
      filter: '[data-no-drag]',
      preventOnFilter: false,
      // Held within 60 px of the board's edge (a finger's width), the board scrolls ~600 px a second.
      scroll: true,
      bubbleScroll: true,
      scrollSensitivity: EDGE,
      scrollSpeed: 14,
      onChoose: function () {
        holding = true;
      },
      onUnchoose: function () {
        holding = false;
      },
      onStart: function (evt) {
        origins.set(evt.item.id, { list: evt.from, next: evt.item.nextElementSibling });
        board().classList.add('ef-board-dragging');
        repeatLastMove(true);
      },
      onEnd: function () {
        repeatLastMove(false);
        board().classList.remove('ef-board-dragging');
      },
      onAdd: function (evt) {
        post(evt.item, evt.to.dataset.boardColumn);
      },
    });
  }

  /* ---- The stage menu: a Bootstrap dropdown on each card, filled from the board's list for its stage ---- */

  let openedByKey = false;

  // A card's menu is made when its button is first used (a board of 80 cards carries only the buttons), before
  // Bootstrap's own handlers (which listen on the document, capturing) look for it. It floats (position: fixed),
  // else the column's scroll box would clip it.
  function prepareMenu(evt) {
    const toggle = evt.target.closest && evt.target.closest('[data-stage-menu]');
    if (toggle) {
      if (!toggle.nextElementSibling) {
        const menu = document.createElement('ul');
        menu.className = 'dropdown-menu dropdown-menu-end ef-stage-menu';
        menu.setAttribute('role', 'menu');
        menu.setAttribute('aria-labelledby', toggle.id);
        toggle.after(menu);
      }
      bootstrap.Dropdown.getOrCreateInstance(toggle, { popperConfig: { strategy: 'fixed' } });
      openedByKey = evt.type === 'keydown' || evt.detail === 0;
    }
  }
  window.addEventListener('click', prepareMenu, true);
  window.addEventListener('keydown', prepareMenu, true);

  document.addEventListener('show.bs.dropdown', function (evt) {
    const card = evt.target.closest('[data-board-card]');
    const menu = evt.target.nextElementSibling;
    const entries = card && document.querySelector('template[data-stage-targets="' + card.dataset.stage + '"]');
    if (entries && menu && !menu.children.length) {
      menu.append(entries.content.cloneNode(true));
    }
  });

  // Opened from the keyboard, the menu takes the focus, as a menu button does (arrows move, Esc goes back).
  document.addEventListener('shown.bs.dropdown', function (evt) {
    const first = evt.target.nextElementSibling && evt.target.nextElementSibling.querySelector('.dropdown-item');
    if (openedByKey && first && evt.target.closest('[data-board-card]')) {
      first.focus();
    }
  });

  document.addEventListener('click', function (evt) {
    const entry = evt.target.closest && evt.target.closest('[data-move-to]');
    const card = entry && entry.closest('[data-board-card]');
    if (!card) {
      return;
    }
    evt.preventDefault();
    origins.set(card.id, { list: card.parentNode, next: card.nextElementSibling });
    refocus = card.id;
    post(card, entry.dataset.moveTo);
  });

  // A card htmx replaces lets go of its menu (Bootstrap keeps every instance it made until it is disposed).
  document.addEventListener('htmx:beforeCleanupElement', function (evt) {
    const dropdown = evt.target.matches('[data-stage-menu]') && bootstrap.Dropdown.getInstance(evt.target);
    if (dropdown) {
      dropdown.dispose();
    }
  });

  // A long press starts a drag; the browser's own long-press menu (open link in a new tab…) would get in the way.
  document.addEventListener('contextmenu', function (evt) {
    if (holding && evt.target.closest && evt.target.closest('[data-board-card]')) {
      evt.preventDefault();
    }
  });

  /* ---- 只看逾期 applies at once, as the filter selects do (app.js's data-autosubmit) ---- */

  document.addEventListener('change', function (evt) {
    const box = evt.target;
    if (box.matches('[data-board-filters] input[type="checkbox"]') && box.form) {
      box.form.requestSubmit();
    }
  });

  htmx.onLoad(function (root) {
    if (root.matches && root.matches('[data-board-column]')) {
      initColumn(root);
    }
    root.querySelectorAll('[data-board-column]').forEach(initColumn);
    if (root.matches && root.matches('[data-board-card]')) {
      settle(root);
      announceMove(root);
      if (refocus === root.id) {
        refocus = null;
        takeFocus(root);
      }
    }
    if (root.matches && root.matches('[data-lost-reason]')) {
      reveal(root);
      root.querySelector('textarea').focus({ preventScroll: true });
    }
  });

  // A card answered in place of one that had the focus (its menu, the lost reason's buttons) takes it back.
  document.addEventListener('htmx:beforeSwap', function (evt) {
    const target = evt.detail.target;
    if (target && target.id && target.closest('[data-board-column]') && target.contains(document.activeElement)) {
      refocus = target.id;
    }
  });

  function onBoard(evt) {
    return evt.detail.elt.closest && evt.detail.elt.closest('[data-board-column]');
  }

  // One move at a time: no second drag while the server answers the first.
  document.addEventListener('htmx:beforeRequest', function (evt) {
    if (onBoard(evt)) {
      setDragging(false);
    }
  });

  document.addEventListener('htmx:afterRequest', function (evt) {
    if (!onBoard(evt)) {
      return;
    }
    setDragging(true);
    // Not answered (network, 404, 500): app.js shows the error; the card goes back.
    const card = evt.detail.elt.closest('[data-board-card]');
    if (!evt.detail.successful && card) {
      const origin = origins.get(card.id);
      if (origin) {
        origin.list.insertBefore(card, origin.next && origin.next.parentNode === origin.list ? origin.next : null);
        origins.delete(card.id);
      }
    }
  });

  // 409 (changed by someone else) carries the fresh card and the message: show it like a 422.
  document.addEventListener('htmx:beforeSwap', function (evt) {
    if (evt.detail.xhr.status === 409 && onBoard(evt)) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
})();
