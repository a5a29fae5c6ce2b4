/*
 * Report charts: <canvas data-report-chart='{"labels": [...], "series": [...], ...}'>.
 * The server says what to show (eduflow/reports/charts.py); this file decides how it looks.
 * Loaded only on report pages, after Chart.js and htmx; app.js destroys a chart when htmx
 * removes its canvas, and htmx.onLoad draws the charts of every swapped-in report.
 */
(function () {
  'use strict';

  const PALETTE = ['#2f6db5', '#2e9d6a', '#e0a030', '#8e5cc4', '#d2553f', '#3fa7c4', '#7a8794'];
  const DEBT = '#c0392b';

  function within(root, selector) {
    const found = Array.from(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) {
      found.unshift(root);
    }
    return found;
  }

  function dataset(spec, series, index) {
    const colour = PALETTE[index % PALETTE.length];
    const line = series.kind === 'line';
    return {
      type: line ? 'line' : 'bar',
      label: series.label,
      data: series.data,
      borderColor: colour,
      backgroundColor: spec.debt ? series.data.map((v) => (v < 0 ? DEBT : colour)) : colour,
      yAxisID: series.axis === 'right' ? 'right' : undefined,
      maxBarThickness: 56,
      order: line ? 0 : 1,
    };
  }

  // Every axis carries its title (with its unit) from the server: two value axes side by side mean nothing unnamed.
  function titled(scale, text) {
    if (text) {
      scale.title = { display: true, text: text };
    }
    return scale;
  }

  function valueScale(spec) {
    const scale = { beginAtZero: true, stacked: !!spec.stacked, ticks: { precision: 0 } };
    if (spec.percent) {
      scale.max = 100;
      scale.ticks.callback = (value) => value + '%';
    }
    return scale;
  }

  function config(spec) {
    const value = spec.horizontal ? 'x' : 'y';
    const category = spec.horizontal ? 'y' : 'x';
    const axes = spec.axes || {};
    const scales = {
      [value]: titled(valueScale(spec), axes.value),
      [category]: titled({ stacked: !!spec.stacked }, axes.category),
    };
    if (spec.series.some((s) => s.axis === 'right')) {
      scales.right = titled({ position: 'right', beginAtZero: true, grid: { drawOnChartArea: false },
        ticks: { precision: 0 } }, axes.right);
    }
    return {
      type: 'bar',
      data: { labels: spec.labels, datasets: spec.series.map((s, i) => dataset(spec, s, i)) },
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: true,
        // A horizontal chart grows with its rows: 2 rows stay short, 15 rows get room.
        aspectRatio: spec.horizontal ? Math.min(4, Math.max(1, 12 / spec.labels.length)) : 2,
        animation: false,
        scales: scales,
        plugins: {
          legend: { display: spec.series.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: spec.percent ? { label: (ctx) => ctx.dataset.label + ': ' + ctx.formattedValue + '%' } : {},
          },
        },
      },
    };
  }

  function draw(canvas) {
    if (!window.Chart || Chart.getChart(canvas)) {
      return;
    }
    // Canvas text does not inherit CSS, so hand Chart.js the page's CJK font stack.
    Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    try {
      new Chart(canvas, config(JSON.parse(canvas.dataset.reportChart)));
    } catch (err) {
      console.error('data-report-chart: invalid chart', canvas, err);
    }
  }

  htmx.onLoad(function (root) {
    within(root, 'canvas[data-report-chart]').forEach(draw);
  });
})();
