/*
 * The lead board: drag a card (a <form data-board-card>) onto another column
 * (<div data-board-column="STAGE">); the card posts itself to its move URL and
 * the server answers with the card as it now is. A card always ends up in the
 * column of its data-stage: a refused or cancelled move puts it back where it
 * was dragged from. Needs htmx and Sortable loaded first (before app.js).
 *
 * Not app.js's data-sortable convention: that posts a whole column, while here
 * each card posts to its own lead's URL, columns are never reordered by hand
 * (sort: false) and the fallback drag (forceFallback) behaves the same for
 * mouse, touch and browser automation.
 */
(function () {
  'use strict';

  const origins = new Map(); // card id -> {list, next}: where a card was dragged from

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
      onStart: function (evt) {
        origins.set(evt.item.id, { list: evt.from, next: evt.item.nextElementSibling });
      },
      onAdd: function (evt) {
        const card = evt.item;
        card.querySelector('input[name="stage"]').value = evt.to.dataset.boardColumn;
        htmx.trigger(card, 'ef:dropped');
      },
    });
  }

  htmx.onLoad(function (root) {
    if (root.matches && root.matches('[data-board-column]')) {
      initColumn(root);
    }
    root.querySelectorAll('[data-board-column]').forEach(initColumn);
    if (root.matches && root.matches('[data-board-card]')) {
      settle(root);
    }
    if (root.matches && root.matches('[data-lost-reason]')) {
      reveal(root);
      root.querySelector('textarea').focus({ preventScroll: true });
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
