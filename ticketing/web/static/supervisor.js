/* Supervisor pages: the rate charts (Chart.js) and the workflow diagrams (Mermaid), both vendored. */
(function () {
  "use strict";

  var COLOURS = { response: "#0969da", resolution: "#1a7f37", satisfaction: "#bf8700", total: "#b42318" };

  function datasets(series, data, line) {
    return series.map(function (s) {
      return {
        label: s.label,
        data: data[s.key],
        borderColor: COLOURS[s.key],
        backgroundColor: COLOURS[s.key],
        borderWidth: line ? 2 : 1,
        spanGaps: false,
        tension: 0.2
      };
    });
  }

  function draw(id, type, labels, sets) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: sets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                return ctx.dataset.label + ": " + (ctx.raw === null ? "—" : ctx.raw + "%");
              }
            }
          }
        }
      }
    });
  }

  var block = document.getElementById("rates-data");
  if (block && window.Chart) {
    var chart = JSON.parse(block.textContent);
    draw("chart-trend", "line", chart.trend.labels, datasets(chart.series, chart.trend.data, true));
    chart.levels.forEach(function (level) {
      draw("chart-" + level.id, "bar", level.labels, datasets(chart.series, level.data, false));
    });
  }

  if (window.mermaid && document.querySelector("pre.mermaid")) {
    window.mermaid.initialize({ startOnLoad: true });
  }
})();
