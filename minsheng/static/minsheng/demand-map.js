/* The demand map (/staff/demand/map/): the villages' boundaries from the demand layer
   (/api/v1/demand/villages.geojson), each filled with the colour class of its rate per
   1,000 residents. The classes' bounds come in a JSON data element, the colours from the
   legend's swatches (demand-map.css); the table beside the map holds the same figures.
   No inline script: everything reaches this file through data- attributes. */
(function () {
  "use strict";
  if (!window.L) return;

  function colour(k) {
    var swatch = document.querySelector(".map-legend .demand-" + k);
    return swatch ? getComputedStyle(swatch).backgroundColor : "#d9d9d9";
  }

  function classOf(value, breaks) {
    if (value === null || value === undefined) return "none";
    for (var k = 0; k < breaks.length; k++) {
      if (value <= breaks[k]) return k;
    }
    return breaks.length ? breaks.length - 1 : 0;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-breaks"));
    var breaks = source ? JSON.parse(source.textContent) : [];
    var map = L.map(el, { zoomSnap: 0.5, attributionControl: !!el.getAttribute("data-tile-url") });
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    }
    map.setView([0, 0], 2);
    var request = new XMLHttpRequest();
    request.open("GET", el.getAttribute("data-layer-url"));
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("Accept-Language", document.documentElement.lang || "zh-hans");
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
        el.hidden = true; // no boundaries imported: the table is the page
        return;
      }
      var layer = L.geoJSON({ type: "FeatureCollection", features: shown }, {
        style: function (f) {
          return {
            color: "#6b6760",
            weight: 1,
            fillColor: colour(classOf(f.properties.per_1000, breaks)),
            fillOpacity: 0.8,
          };
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var rate = p.per_1000 === null ? "–" : p.per_1000.toFixed(2);
          l.bindTooltip(p.name + ": " + rate + " (" + p.count + ")", { sticky: true });
        },
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
    };
    request.send();
  }

  function start() {
    var maps = document.querySelectorAll('[data-map="demand"]');
    for (var i = 0; i < maps.length; i++) draw(maps[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
