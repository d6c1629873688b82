/* One loader for the pages that draw a GeoJSON layer fetched from the server (the demand
   map, the public facilities map, the planning map): it asks the box's data-layer-url in
   the page's language, keeps the features that have a place, and hides the box when none
   has one (the table or list beside it is then the page). The page's own script styles and
   draws the features it is given. */
(function () {
  "use strict";

  function load(el, accept, draw) {
    var request = new XMLHttpRequest();
    request.open("GET", el.getAttribute("data-layer-url"));
    request.setRequestHeader("Accept", accept || "application/json");
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
        el.hidden = true;
        return;
      }
      draw({ type: "FeatureCollection", features: shown });
    };
    request.send();
  }

  // A map with no tiles and no attribution unless the box names a tile server.
  function blankMap(el) {
    var tiles = el.getAttribute("data-tile-url");
    var map = L.map(el, { zoomSnap: 0.5, attributionControl: !!tiles });
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: el.getAttribute("data-tile-attribution") || "" }).addTo(map);
    }
    map.setView([0, 0], 2);
    return map;
  }

  function fit(map, layer, options) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, options);
  }

  window.MinshengGeo = { load: load, blankMap: blankMap, fit: fit };
})();
