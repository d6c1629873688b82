/* The planning dashboard (/staff/planning/) and a township's page: the trend charts
   (Chart.js, vendored) from the figures each page embeds with json_script (a canvas's
   data-source names it), and the map of each village's shortest plank (Leaflet, offline)
   from /staff/planning/map.geojson (loaded by geo-layer.js), each village filled with its
   weakest area's colour (the colours: json_script "plank-palette", as in the legend). The tables beside them hold
   the same figures. No inline script: everything reaches this file through data- attributes. */
(function () {
  "use strict";
  var PALETTE = ["#1f4e79", "#c0392b", "#27ae60", "#8e44ad"];

  function chart(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var drawn = new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          var colour = PALETTE[i % PALETTE.length];
          return { label: s.label, data: s.data, borderColor: colour, backgroundColor: colour, borderWidth: 2, spanGaps: false, tension: 0 };
        }),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: data.axis } } },
      },
    });
    canvas.setAttribute("data-drawn", String(drawn.data.datasets.length));
  }

  function map(el) {
    if (!window.L || !window.MinshengGeo) return;
    var source = document.getElementById(el.getAttribute("data-palette"));
    var colours = source ? JSON.parse(source.textContent) : [];
    var leaflet = window.MinshengGeo.blankMap(el);
    function fill(f) {
      var k = f.properties.colour;
      return k === null || k === undefined ? "#d9d9d9" : colours[k] || "#d9d9d9";
    }
    window.MinshengGeo.load(el, "application/json", function (collection) {
      var layer = L.geoJSON(collection, {
        style: function (f) {
          return { color: "#6b6760", weight: 1, fillColor: fill(f), fillOpacity: 0.8 };
        },
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 9, color: "#6b6760", weight: 1, fillColor: fill(f), fillOpacity: 0.9 });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var text = p.attainment === null ? "–" : Math.round(p.attainment * 100) + "%";
          l.bindTooltip(p.name + ": " + (p.area_name || "–") + " " + text, { sticky: true });
        },
      }).addTo(leaflet);
      window.MinshengGeo.fit(leaflet, layer, { padding: [12, 12], maxZoom: 13 });
      el.setAttribute("data-drawn", String(collection.features.length));
    });
  }

  function start() {
    var canvases = document.querySelectorAll("canvas.planning-chart");
    for (var i = 0; i < canvases.length; i++) chart(canvases[i]);
    var maps = document.querySelectorAll('[data-map="planning"]');
    for (var j = 0; j < maps.length; j++) map(maps[j]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
