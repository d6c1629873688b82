/* The siting run's map (/staff/planning/siting/<id>/): villages sized by population, the
   existing and the new sites, and the coverage radius around each. No tile server: the
   points are drawn on a plain background. The same figures are in the page's table. */
(function () {
  "use strict";
  if (!window.L) return;

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var map = L.map(el, { zoomSnap: 0.5, attributionControl: false });
    map.setView([0, 0], 2);
    var group = L.featureGroup().addTo(map);
    var most = 1;
    data.demand.forEach(function (d) { if (d.population > most) most = d.population; });
    data.demand.forEach(function (d) {
      L.circleMarker([d.lat, d.lon], {
        radius: 3 + 9 * Math.sqrt(d.population / most), color: "#fff", weight: 1,
        fillColor: "#8a8a8a", fillOpacity: 0.8, className: "siting-demand",
      }).bindTooltip(d.name + " · " + d.population).addTo(group);
    });
    function site(s, colour, cls) {
      if (data.radius_m > 0) {
        L.circle([s.lat, s.lon], {
          radius: data.radius_m, color: colour, weight: 1, fillOpacity: 0.08, interactive: false,
        }).addTo(group);
      }
      L.circleMarker([s.lat, s.lon], {
        radius: 7, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.95, className: cls,
      }).bindTooltip(s.name).addTo(group);
    }
    data.existing.forEach(function (s) { site(s, "#1a5fb4", "siting-existing"); });
    data.chosen.forEach(function (s) { site(s, "#c01c28", "siting-new"); });
    el.setAttribute("data-points", String(data.demand.length));
    var bounds = group.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16], maxZoom: 14 });
  }

  function start() {
    var maps = document.querySelectorAll('[data-map="siting"]');
    for (var i = 0; i < maps.length; i++) draw(maps[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
