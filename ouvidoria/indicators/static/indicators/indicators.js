// Draws the dashboard's bar charts with the vendored Chart.js, from the JSON the page carries
// (json_script "indicadores-dados"). Each chart has a table with the same figures next to it.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("indicadores-dados");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var number = new Intl.NumberFormat("pt-BR");
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = data[canvas.dataset.chart];
      if (!chart) {
        return;
      }
      var horizontal = chart.labels.length > 6;
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: [{ label: "Manifestações", data: chart.counts, backgroundColor: "#0b3d6b" }],
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          locale: "pt-BR",
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: function (item) {
                  return number.format(item.raw) + " manifestações";
                },
              },
            },
          },
          scales: {
            x: { ticks: { precision: 0, autoSkip: !horizontal } },
            y: {
              ticks: {
                precision: 0,
                autoSkip: false,
                callback: function (value) {
                  var label = horizontal ? this.getLabelForValue(value) : value;
                  return typeof label === "string" && label.length > 40 ? label.slice(0, 39) + "…" : label;
                },
              },
            },
          },
        },
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
