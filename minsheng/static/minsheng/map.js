/* Minsheng maps (Leaflet, vendored). Every map draws the county's own village boundaries,
   with no base map unless the site sets a tile server (data-tile-url). Settings, words and
   data come through data- attributes and a JSON data element: no inline script.

   data-map="pick": the order form. A tap (or "use my location") fills the hidden
   latitude/longitude inputs and chooses the village in the place list, which stays the
   accessible control; the page works without this script.
   data-map="orders": the dispatcher's map of open orders, coloured by state, overdue
   outlined; the same orders are listed beside it. */
(function () {
  "use strict";
  if (!window.L) return;

  var BOUNDARY = { color: "#6b6760", weight: 1, fillColor: "#f4f1ea", fillOpacity: 0.5 };
  var TOWNSHIP = { color: "#3a3833", weight: 2.5, fill: false };
  var CHOSEN = { color: "#b3261e", weight: 3, fillColor: "#f7d9d6", fillOpacity: 0.6 };

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  function words(el, name, village) {
    return (el.getAttribute("data-msg-" + name) || "").replace(/\{village\}/g, village || "");
  }

  function getJSON(url, done) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    // The page's language, not the browser's: names and words as on the page.
    request.setRequestHeader("Accept-Language", document.documentElement.lang || "zh-hans");
    request.onload = function () {
      var body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch (e) {
        body = null;
      }
      done(request.status, body);
    };
    request.onerror = function () {
      done(0, null);
    };
    request.send();
  }

  /* A map with the county's boundaries: townships drawn over their villages. */
  function baseMap(el, ready) {
    var map = L.map(el, { zoomSnap: 0.5, attributionControl: !!el.getAttribute("data-tile-url") });
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, {
        maxZoom: 18,
        attribution: el.getAttribute("data-tile-attribution") || "",
      }).addTo(map);
    }
    map.setView([0, 0], 2);
    getJSON(el.getAttribute("data-boundaries-url"), function (status, collection) {
      var villages = {};
      if (status !== 200 || !collection || !collection.features) {
        ready(map, villages);
        return;
      }
      var villageLayer = L.geoJSON(collection, {
        filter: function (f) {
          return f.properties.level === "village";
        },
        style: function () {
          return BOUNDARY;
        },
        onEachFeature: function (f, layer) {
          villages[f.properties.code] = layer;
          layer.bindTooltip(f.properties.name, { sticky: true });
        },
      }).addTo(map);
      L.geoJSON(collection, {
        filter: function (f) {
          return f.properties.level === "township";
        },
        style: function () {
          return TOWNSHIP;
        },
        interactive: false,
      }).addTo(map);
      var bounds = villageLayer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
      ready(map, villages);
    });
    return map;
  }

  /* --- the order form: pick the place ------------------------------------------------- */

  function picker(el) {
    var select = byId(el.getAttribute("data-select"));
    var lat = byId(el.getAttribute("data-latitude"));
    var lon = byId(el.getAttribute("data-longitude"));
    var status = byId(el.getAttribute("data-status"));
    var clear = byId(el.getAttribute("data-clear"));
    var here = byId(el.getAttribute("data-here"));
    if (!select || !lat || !lon) return;
    var marker = null;
    var located = "";
    var villages = {};
    var chosen = null;
    var map = baseMap(el, function (_map, layers) {
      villages = layers;
      // No boundaries known (a county yet to import them): no map, the list is the way.
      if (!Object.keys(layers).length) {
        var field = el.closest(".map-field");
        if (field) field.hidden = true;
        return;
      }
      highlight(select.value);
      if (lat.value && lon.value) {
        var point = L.latLng(parseFloat(lat.value), parseFloat(lon.value));
        mark(point);
        located = select.value;
        map.setView(point, Math.max(map.getZoom(), 12));
      }
    });

    function say(text) {
      if (status) status.textContent = text;
    }

    function highlight(code) {
      if (chosen) chosen.setStyle(BOUNDARY);
      chosen = villages[code] || null;
      if (chosen) chosen.setStyle(CHOSEN);
    }

    function mark(point) {
      if (marker) marker.setLatLng(point);
      else marker = L.marker(point, { keyboard: false }).addTo(map);
      if (clear) clear.hidden = false;
    }

    function unmark() {
      if (marker) map.removeLayer(marker);
      marker = null;
      located = "";
      lat.value = "";
      lon.value = "";
      if (clear) clear.hidden = true;
    }

    function offered(code) {
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === code) return true;
      }
      return false;
    }

    function place(point) {
      getJSON(
        el.getAttribute("data-locate-url") +
          "?lat=" + encodeURIComponent(point.lat.toFixed(6)) +
          "&lon=" + encodeURIComponent(point.lng.toFixed(6)),
        function (code, body) {
          if (code === 200 && body) {
            if (!offered(body.code)) {
              unmark();
              say(words(el, "not-offered", body.name));
              return;
            }
            mark(point);
            lat.value = point.lat.toFixed(6);
            lon.value = point.lng.toFixed(6);
            select.value = body.code;
            located = body.code;
            highlight(body.code);
            // Closer in, to move the point within the village if need be.
            if (map.getZoom() < 12) map.setView(point, 13);
            say(words(el, "found", body.name));
          } else if (code === 404) {
            unmark();
            say(words(el, "outside"));
          } else {
            say(words(el, "failed"));
          }
        }
      );
    }

    map.on("click", function (event) {
      place(event.latlng);
    });
    select.addEventListener("change", function () {
      highlight(select.value);
      if (chosen) map.fitBounds(chosen.getBounds(), { maxZoom: 14 });
      // A village chosen in the list that is not where the point is: the point goes.
      if (marker && select.value !== located) {
        unmark();
        say(words(el, "cleared"));
      }
    });
    if (clear) {
      clear.addEventListener("click", function () {
        unmark();
        say(words(el, "cleared"));
      });
    }
    if (here && navigator.geolocation) {
      here.hidden = false;
      here.addEventListener("click", function () {
        say(words(el, "locating"));
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var point = L.latLng(position.coords.latitude, position.coords.longitude);
            map.setView(point, Math.max(map.getZoom(), 13));
            place(point);
          },
          function () {
            say(words(el, "no-location"));
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
  }

  /* --- the dispatcher's map of open orders --------------------------------------------- */

  function colourOf(status) {
    var swatch = document.querySelector(".map-legend .swatch-" + status);
    return swatch ? getComputedStyle(swatch).backgroundColor : "#555";
  }

  function popup(order) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = order.url;
    link.textContent = order.number;
    var title = document.createElement("p");
    title.textContent = order.title;
    var state = document.createElement("p");
    state.textContent = order.status_label + (order.overdue ? " · " + order.overdue_label : "");
    box.appendChild(link);
    box.appendChild(title);
    box.appendChild(state);
    return box;
  }

  function ordersMap(el) {
    var source = byId(el.getAttribute("data-orders"));
    var orders = source ? JSON.parse(source.textContent) : [];
    baseMap(el, function (map) {
      var markers = [];
      orders.forEach(function (order) {
        if (order.latitude === null || order.longitude === null) return;
        var marker = L.circleMarker([order.latitude, order.longitude], {
          radius: 8,
          fillColor: colourOf(order.status),
          fillOpacity: 0.9,
          color: order.overdue ? "#a4161a" : "#ffffff",
          weight: order.overdue ? 4 : 1.5,
          dashArray: order.overdue ? "4 3" : null,
          className: "order-marker order-marker-" + order.status + (order.overdue ? " overdue" : ""),
        });
        marker.bindPopup(popup(order));
        marker.addTo(map);
        markers.push(marker);
      });
      // Frame the orders (a township's dispatcher sees their township, not the county);
      // with none, the county's boundaries stay framed.
      if (markers.length) {
        map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [32, 32], maxZoom: 13 });
      }
    });
  }

  function start() {
    var maps = document.querySelectorAll("[data-map]");
    for (var i = 0; i < maps.length; i++) {
      var kind = maps[i].getAttribute("data-map");
      if (kind === "pick") picker(maps[i]);
      else if (kind === "orders") ordersMap(maps[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
