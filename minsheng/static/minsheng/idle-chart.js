/* An idle facility's twelve months of use, drawn with the vendored Chart.js from the figures
   the page embeds (json_script "use-data"). The table under the chart holds the same figures
   for screen readers and for browsers without JavaScript; the chart is decoration. */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("use-chart");
    var source = document.getElementById("use-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.data, backgroundColor: "#1f4e79" }]
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0 } }
      }
    });
    canvas.setAttribute("data-drawn", String(chart.data.datasets[0].data.length));
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
