/* The demand page's twelve-month trend (per 1,000 residents), drawn with the vendored
   Chart.js from the figures the page embeds (json_script "trend-data"); the table under
   the chart holds the same figures for screen readers and browsers without JavaScript.
   As ranking-chart.js, but the axis fits the figures (rates, not points out of 100). */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var palette = ["#1f4e79", "#c0392b", "#27ae60", "#8e44ad"];
    var chart = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          var colour = palette[i % palette.length];
          return {
            label: s.label,
            data: s.data,
            borderColor: colour,
            backgroundColor: colour,
            borderWidth: 2,
            spanGaps: false,
            tension: 0,
          };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: data.axis } } },
      },
    });
    canvas.setAttribute("data-drawn", String(chart.data.datasets.length));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
