/* A facility's use over the last twelve months, drawn with the vendored Chart.js from the
   figures the page embeds (json_script "use-data"). The table under the chart holds the same
   figures for screen readers and browsers without JavaScript; the chart is decoration. */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("use-chart");
    var source = document.getElementById("use-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var palette = ["#1f4e79", "#c0392b", "#27ae60", "#8e44ad", "#d35400"];
    var datasets = data.series.map(function (s, i) {
      var colour = palette[i % palette.length];
      return { label: s.label, data: s.data, backgroundColor: colour, borderColor: colour };
    });
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: data.axis } } }
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
