/* The analyst's "Open a problem" panel (api/render/templates/map_problem.html), served from /static so the page's
 * Content-Security-Policy allows it; it adds no inline handler and writes every text with textContent.
 *
 * The problem's area is chosen on the map: patrol-plan cells (click to add or take out), wards (click), a polygon
 * drawn with Leaflet.draw's polygon handler (vendored in /static/leaflet-draw, used without its toolbar), or a
 * GeoJSON or GeoPackage file read by POST /api/v1/problem-areas. While the panel is open and picks an area, the
 * side column carries data-picking, and aim-map.js leaves the clicks to this script. The problem is opened with
 * POST /api/v1/problems, sending the page token (X-AIM-CSRF) the panel carries.
 */
(function () {
  "use strict";

  var HOW = {
    cells: "Click patrol-plan cells on the map to add them to the area; click one again to take it out.",
    wards: "Click wards on the map to add them to the area; click one again to take it out.",
    polygon: "Start drawing, click the polygon's corners on the map, then click its first corner or finish it.",
    file: "Choose a GeoJSON or GeoPackage file (any coordinate system): its polygons become the area."
  };
  var CHOSEN = {color: "#000000", weight: 3, dashArray: "5 4", fillColor: "#ffd400", fillOpacity: 0.35,
    interactive: false};

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* folium's feature properties reach the page HTML-escaped: the text they stand for, parsed in an inert document. */
  function decoded(value) {
    if (value === null || value === undefined) { return ""; }
    var doc = new DOMParser().parseFromString("<!DOCTYPE html><body>" + String(value), "text/html");
    return doc.body.textContent || "";
  }

  function layer(name) {
    var found = name ? window[name] : null;
    return found && typeof found.eachLayer === "function" ? found : null;
  }

  /* Whether the point (longitude, latitude) lies in the ring (a GeoJSON ring of [longitude, latitude]). */
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }

  function contains(geometry, latlng) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polygons.some(function (rings) {
      return inRing(latlng.lng, latlng.lat, rings[0]) && !rings.slice(1).some(function (hole) {
        return inRing(latlng.lng, latlng.lat, hole);
      });
    });
  }

  /* The area of a GeoJSON polygon or multipolygon in km² (outer rings less holes, on the sphere). */
  function km2(geometry) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var m2 = 0;
    polygons.forEach(function (rings) {
      rings.forEach(function (ring, i) {
        var area = L.GeometryUtil.geodesicArea(ring.map(function (p) { return L.latLng(p[1], p[0]); }));
        m2 += i === 0 ? area : -area;
      });
    });
    return (m2 / 1e6).toFixed(2);
  }

  function problemError(answer, status) {
    var detail = answer && answer.detail;
    if (Array.isArray(detail)) {
      detail = detail.map(function (d) { return (d.loc || []).slice(1).join(".") + ": " + d.msg; }).join("; ");
    }
    return detail ? String(detail) : "the service answered " + status;
  }

  function start() {
    var panel = document.getElementById("aim-problem");
    var side = document.getElementById("aim-side");
    var map = side ? window[side.getAttribute("data-map")] : null;
    if (!panel || !map || typeof L === "undefined" || !L.Draw) { return; }
    var plan = layer(side.getAttribute("data-plan"));
    var wards = layer(side.getAttribute("data-wards"));
    var token = panel.getAttribute("data-csrf") || "";
    var how = document.getElementById("aim-problem-how");
    var summary = document.getElementById("aim-problem-area");
    var result = document.getElementById("aim-problem-result");
    var drawButton = document.getElementById("aim-problem-draw");
    var finishButton = document.getElementById("aim-problem-finish");
    var fileInput = document.getElementById("aim-problem-file");
    var form = document.getElementById("aim-problem-form");
    var shown = L.featureGroup().addTo(map);  // the chosen area, outlined over the layers
    var chosen = {cells: {}, wards: {}, polygon: null, file: null};
    var drawing = null;

    function mode() {
      var checked = panel.querySelector("input[name=aim-area]:checked");
      return checked ? checked.value : "";
    }

    function picking() {
      var now = panel.open && mode() !== "file" ? mode() : "";
      if (now) { side.setAttribute("data-picking", now); } else { side.removeAttribute("data-picking"); }
    }

    function stopDrawing() {
      if (drawing) { drawing.disable(); }
      drawing = null;
      finishButton.hidden = true;
    }

    function describe() {
      var cells = Object.keys(chosen.cells), names = Object.keys(chosen.wards);
      var text = "No area chosen yet.";
      if (cells.length) {
        var ranks = cells.map(function (c) { return chosen.cells[c].rank; }).sort(function (a, b) { return a - b; });
        text = cells.length + " patrol-plan cell" + (cells.length === 1 ? "" : "s") + " (numbers " +
          ranks.join(", ") + ")";
      } else if (names.length) {
        text = names.length + " ward" + (names.length === 1 ? "" : "s") + ": " +
          names.map(function (code) { return chosen.wards[code].name; }).join(", ");
      } else if (chosen.polygon && chosen.file) {
        text = "The file's area (" + chosen.file.kind + ", " + chosen.file.crs + ", " + chosen.file.features +
          " feature" + (chosen.file.features === 1 ? "" : "s") + "): " + km2(chosen.polygon) + " km², " +
          chosen.file.cells + " res-9 cells";
      } else if (chosen.polygon) {
        text = "A drawn polygon of " + km2(chosen.polygon) + " km² (" + (chosen.polygon.coordinates[0].length - 1) +
          " corners)";
      }
      summary.textContent = text;
      summary.setAttribute("data-kind", cells.length ? "cells" : names.length ? "wards" : chosen.polygon ? "polygon"
        : "");
    }

    function clear() {
      stopDrawing();
      chosen = {cells: {}, wards: {}, polygon: null, file: null};
      shown.clearLayers();
      fileInput.value = "";
      describe();
    }

    function outline(geojson) {
      var drawn = L.geoJSON(geojson, {style: CHOSEN, interactive: false});
      shown.addLayer(drawn);
      return drawn;
    }

    function toggle(store, key, geojson, extra) {
      if (store[key]) {
        shown.removeLayer(store[key].outline);
        delete store[key];
      } else {
        store[key] = Object.assign({outline: outline(geojson)}, extra);
      }
      describe();
    }

    function setMode() {
      clear();
      var now = mode();
      how.textContent = HOW[now] || "";
      drawButton.hidden = now !== "polygon";
      fileInput.hidden = now !== "file";
      if (now === "cells" && plan && !map.hasLayer(plan)) { map.addLayer(plan); }
      picking();
    }

    if (plan) {
      plan.on("click", function (e) {
        var feature = e.layer && e.layer.feature;
        if (!feature || side.getAttribute("data-picking") !== "cells") { return; }
        var code = decoded(feature.id || feature.properties.h3);
        toggle(chosen.cells, code, e.layer.toGeoJSON(), {rank: Number(feature.properties.rank)});
      });
    }
    map.on("click", function (e) {
      if (side.getAttribute("data-picking") !== "wards" || !wards) { return; }
      var found = null;
      wards.eachLayer(function (ward) {
        if (!found && ward.feature && contains(ward.feature.geometry, e.latlng)) { found = ward; }
      });
      if (found) {
        var properties = found.feature.properties;
        toggle(chosen.wards, decoded(properties.code), found.toGeoJSON(), {name: decoded(properties.name)});
      }
    });

    drawButton.addEventListener("click", function () {
      clear();
      drawing = new L.Draw.Polygon(map, {allowIntersection: false, showArea: false, shapeOptions: CHOSEN});
      drawing.enable();
      finishButton.hidden = false;
      finishButton.disabled = true;
    });
    finishButton.addEventListener("click", function () { if (drawing) { drawing.completeShape(); } });
    map.on("draw:drawvertex", function (e) { finishButton.disabled = e.layers.getLayers().length < 3; });
    map.on(L.Draw.Event.CREATED, function (e) {
      chosen.polygon = e.layer.toGeoJSON().geometry;
      outline(chosen.polygon);
      stopDrawing();
      describe();
    });
    map.on(L.Draw.Event.DRAWSTOP, function () { drawing = null; finishButton.hidden = true; });

    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) { return; }
      var body = new FormData();
      body.append("file", file);
      summary.textContent = "Reading " + file.name + "…";
      fetch("/api/v1/problem-areas", {method: "POST", body: body, credentials: "same-origin",
        headers: {Accept: "application/json", "X-AIM-CSRF": token}})
        .then(function (response) {
          return response.json().then(function (answer) { return {ok: response.ok, status: response.status,
            answer: answer}; });
        })
        .then(function (got) {
          if (!got.ok) { throw new Error(problemError(got.answer, got.status)); }
          shown.clearLayers();
          chosen.file = got.answer;
          chosen.polygon = got.answer.polygon;
          map.fitBounds(outline(chosen.polygon).getBounds().pad(0.3));
          describe();
        })
        .catch(function (error) {
          summary.textContent = "The file gave no area: " + error.message;
        });
    });

    function area() {
      var cells = Object.keys(chosen.cells), codes = Object.keys(chosen.wards);
      if (cells.length) { return {cells: cells}; }
      if (codes.length) { return {wards: codes}; }
      return chosen.polygon ? {polygon: chosen.polygon} : null;
    }

    function opened(problem) {
      var profile = problem.profile || {};
      var box = element("div", {"class": "aim-opened", "data-problem": String(problem.id)});
      var line = element("div", {}, "Problem " + problem.id + " opened: ");
      line.appendChild(element("a", {href: "/problems/" + encodeURIComponent(problem.id)}, problem.title));
      box.appendChild(line);
      var period = profile.period || {};
      var cells = profile.cells || {};
      box.appendChild(element("div", {"class": "aim-explain"}, "Frozen baseline, " + period.from + " to " +
        period.to + " (" + period.months + " months): " + Number(profile.total).toLocaleString("en-GB") +
        " incidents in " + cells.count + " cells of res " + cells.res + "."));
      var place = (profile.places || [])[0];
      if (place) {
        box.appendChild(element("div", {"class": "aim-fine"}, "Most recorded place: " + place.place + " (" +
          place.count + ", " + place.source + ")"));
      }
      result.replaceChildren(box);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var where = area();
      if (!where) {
        result.replaceChildren(element("div", {"class": "aim-warn"}, "Choose the problem's area on the map first."));
        return;
      }
      var fields = new FormData(form);
      var body = {
        title: String(fields.get("title") || "").trim(),
        description: String(fields.get("description") || "").trim(),
        category_group: String(fields.get("category_group") || "asb"),
        owner: String(fields.get("owner") || "").trim(),
        partners: String(fields.get("partners") || "").split(",").map(function (p) { return p.trim(); })
          .filter(Boolean),
        area: where,
        wards_set: panel.getAttribute("data-wards-set") || null
      };
      result.replaceChildren(element("div", {"class": "aim-note"}, "Opening the problem and freezing its baseline…"));
      panel.setAttribute("data-state", "sending");
      fetch("/api/v1/problems", {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: {Accept: "application/json", "Content-Type": "application/json", "X-AIM-CSRF": token}})
        .then(function (response) {
          return response.json().then(function (answer) { return {ok: response.ok, status: response.status,
            answer: answer}; });
        })
        .then(function (got) {
          if (!got.ok) { throw new Error(problemError(got.answer, got.status)); }
          opened(got.answer);
          panel.setAttribute("data-state", "opened");
        })
        .catch(function (error) {
          result.replaceChildren(element("div", {"class": "aim-warn"}, "The problem was not opened: " +
            error.message));
          panel.setAttribute("data-state", "failed");
        });
    });

    Array.prototype.forEach.call(panel.querySelectorAll("input[name=aim-area]"), function (input) {
      input.addEventListener("change", setMode);
    });
    document.getElementById("aim-problem-clear").addEventListener("click", clear);
    panel.addEventListener("toggle", function () {
      if (!panel.open) { stopDrawing(); }
      if (panel.open && mode() === "cells" && plan && !map.hasLayer(plan)) { map.addLayer(plan); }
      picking();
    });
    how.textContent = HOW[mode()] || "";
    panel.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
