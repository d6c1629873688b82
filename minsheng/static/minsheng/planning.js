/* The planning dashboard (/staff/planning/) and a township's page: the trend charts
   (Chart.js, vendored) from the figures each page embeds with json_script (a canvas's
   data-source names it), and the map of each village's shortest plank (Leaflet, offline)
   from /staff/planning/map.geojson, each village filled with its weakest area's colour
   (the colours: json_script "plank-palette", as in the legend). The tables beside them hold
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
    if (!window.L) return;
    var source = document.getElementById(el.getAttribute("data-palette"));
    var colours = source ? JSON.parse(source.textContent) : [];
    var leaflet = L.map(el, { zoomSnap: 0.5, attributionControl: false });
    leaflet.setView([0, 0], 2);
    var request = new XMLHttpRequest();
    request.open("GET", el.getAttribute("data-layer-url"));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      var collection = null;
      try {
        collection = JSON.parse(request.responseText);
      } catch (e) {
        collection = null;
      }
      if (request.status !== 200 || !collection || !collection.features) return;
      var shown = collection.features.filter(function (f) {
        return f.geometry;
      });
      if (!shown.length) {
        el.hidden = true; // no village has a place on the map: the table is the page
        return;
      }
      function fill(f) {
        var k = f.properties.colour;
        return k === null || k === undefined ? "#d9d9d9" : colours[k] || "#d9d9d9";
      }
      var layer = L.geoJSON({ type: "FeatureCollection", features: shown }, {
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
      var bounds = layer.getBounds();
      if (bounds.isValid()) leaflet.fitBounds(bounds, { padding: [12, 12], maxZoom: 13 });
      el.setAttribute("data-drawn", String(shown.length));
    };
    request.send();
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
