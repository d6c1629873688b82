/* The demand map (/staff/demand/map/): the villages' boundaries from the demand layer
   (/api/v1/demand/villages.geojson, loaded by geo-layer.js), each filled with the colour class of its rate per
   1,000 residents. The classes' bounds come in a JSON data element, the colours from the
   legend's swatches (demand-map.css); the table beside the map holds the same figures.
   No inline script: everything reaches this file through data- attributes. */
(function () {
  "use strict";
  if (!window.L || !window.MinshengGeo) return;

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
    var map = window.MinshengGeo.blankMap(el);
    window.MinshengGeo.load(el, "application/json", function (collection) {
      var layer = L.geoJSON(collection, {
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
      window.MinshengGeo.fit(map, layer, { padding: [8, 8] });
    });
  }

  function start() {
    var maps = document.querySelectorAll('[data-map="demand"]');
    for (var i = 0; i < maps.length; i++) draw(maps[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
