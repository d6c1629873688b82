/* The public facilities map (/facilities/): the open facilities as points from
   /api/v1/facilities.geojson (the same filters as the list; loaded by geo-layer.js), each linking to its page.
   No tile server is needed: without one the points are drawn on a plain background.
   Without JavaScript the map's box stays hidden (map.css) and the list is the page. */
(function () {
  "use strict";
  if (!window.L || !window.MinshengGeo) return;

  function draw(el) {
    var map = window.MinshengGeo.blankMap(el);
    window.MinshengGeo.load(el, "application/geo+json, application/json", function (collection) {
      var layer = L.geoJSON(collection, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, {
            radius: 7, color: "#fff", weight: 2, fillColor: "#1a5fb4", fillOpacity: 0.9,
            className: "facility-point facility-" + f.properties.kind,
          });
        },
        onEachFeature: function (f, l) {
          var p = f.properties;
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.name;
          var box = document.createElement("div");
          box.appendChild(link);
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(p.kind_label + " · " + p.place));
          l.bindPopup(box);
          l.bindTooltip(p.name);
        },
      }).addTo(map);
      el.setAttribute("data-points", String(collection.features.length));
      window.MinshengGeo.fit(map, layer, { padding: [16, 16], maxZoom: 14 });
    });
  }

  function start() {
    var maps = document.querySelectorAll('[data-map="facilities"]');
    for (var i = 0; i < maps.length; i++) draw(maps[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
