/* The ranking's twelve-month trend, drawn with the vendored Chart.js from the figures the
   page embeds (json_script "trend-data"). The table under the chart holds the same figures
   for screen readers and for browsers without JavaScript; the chart is decoration. */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var palette = ["#1f4e79", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d"];
    var datasets = data.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return {
        label: s.label,
        data: s.data,
        borderColor: colour,
        backgroundColor: colour,
        borderWidth: i === 0 ? 3 : 2,
        spanGaps: false,
        tension: 0
      };
    });
    var chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: data.axis } } }
      }
    });
    canvas.setAttribute("data-drawn", String(chart.data.datasets.length));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
