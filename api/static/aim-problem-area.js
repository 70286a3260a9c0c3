/* The area of the analyst's "Open a problem" panel (aim-problem.js), chosen on the map; served from /static so the
 * page's Content-Security-Policy allows it, it adds no inline handler and writes every text with textContent.
 *
 * The area is picked as patrol-plan cells (click to add or take out, or Enter on a cell focused with Tab, or tick
 * them in the panel's list by their numbers), wards (the same, the list by name), a circle around a grid reference
 * (GET /api/v1/problem-areas/around turns it into a polygon), a polygon drawn with Leaflet.draw's polygon handler
 * (vendored in /static/leaflet-draw, used without its toolbar), or a GeoJSON or GeoPackage file read by
 * POST /api/v1/problem-areas. While the panel is open and picks an area, the side column
 * carries data-picking, and aim-map.js leaves the clicks to this script. It uses aim-map.js's helpers (window.AIM)
 * and adds to them problemArea(), which aim-problem.js calls, and post(), the panel's one way to send to the API.
 */
(function () {
  "use strict";

  var AIM = window.AIM;
  var HOW = {
    cells: "Click patrol-plan cells on the map (or press Enter on one) to add them to the area, again to take one " +
      "out; or tick them below by their numbers.",
    wards: "Click wards on the map (or press Enter on one) to add them to the area, again to take one out; or tick " +
      "them below by name.",
    around: "Give an OS grid reference (e.g. NZ 4953 1970) and a radius: the circle becomes the area.",
    polygon: "Start drawing, click the polygon's corners on the map, then click its first corner or finish it.",
    file: "Choose a GeoJSON or GeoPackage file (any coordinate system): its polygons become the area."
  };
  var CHOSEN = {color: "#000000", weight: 3, dashArray: "5 4", fillColor: "#ffd400", fillOpacity: 0.35,
    interactive: false};

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

  /* POST `body` to the API: its JSON answer, or an Error that says why the service refused it. */
  function post(url, body, headers) {
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
      headers: Object.assign({Accept: "application/json"}, headers)})
      .then(function (response) {
        return response.json().then(function (answer) { return {ok: response.ok, status: response.status,
          answer: answer}; });
      })
      .then(function (got) {
        if (!got.ok) { throw new Error(problemError(got.answer, got.status)); }
        return got.answer;
      });
  }

  /* Wires the panel's ways of choosing an area to the map; the area chosen is {cells}, {wards}, {polygon} or null. */
  function problemArea(panel, side, map) {
    var plan = AIM.layer((side.getAttribute("data-numbered") || "").split(/\s+/)[0]);
    var wards = AIM.layer(side.getAttribute("data-wards"));
    var token = panel.getAttribute("data-csrf") || "";
    var how = document.getElementById("aim-problem-how");
    var summary = document.getElementById("aim-problem-area");
    var drawButton = document.getElementById("aim-problem-draw");
    var finishButton = document.getElementById("aim-problem-finish");
    var fileInput = document.getElementById("aim-problem-file");
    var list = document.getElementById("aim-problem-list");
    var choices = document.getElementById("aim-problem-choices");
    var find = document.getElementById("aim-problem-find");
    var around = document.getElementById("aim-problem-around");
    var boxes = {};  // the list's checkboxes by ward code or cell
    var shown = L.featureGroup().addTo(map);  // the chosen area, outlined over the layers
    var chosen = {cells: {}, wards: {}, polygon: null, file: null, around: null};
    var drawing = null;

    function mode() {
      var checked = panel.querySelector("input[name=aim-area]:checked");
      return checked ? checked.value : "";
    }

    function picking() {
      var now = panel.open && mode() !== "file" && mode() !== "around" ? mode() : "";
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
      } else if (chosen.polygon && chosen.around) {
        text = "A circle of " + chosen.around.radius_m + " m around " + chosen.around.grid_ref + ": " +
          km2(chosen.polygon) + " km², " + chosen.around.cells + " res-9 cells";
      } else if (chosen.polygon && chosen.file) {
        text = "The file's area (" + chosen.file.kind + ", " + chosen.file.crs + ", " + chosen.file.features +
          " feature" + (chosen.file.features === 1 ? "" : "s") + "): " + km2(chosen.polygon) + " km², " +
          chosen.file.cells + " res-9 cells";
      } else if (chosen.polygon) {
        text = "A drawn polygon of " + km2(chosen.polygon) + " km² (" + (chosen.polygon.coordinates[0].length - 1) +
          " corners)";
      }
      summary.textContent = text;
      Object.keys(boxes).forEach(function (key) { boxes[key].checked = Boolean(chosen.cells[key] || chosen.wards[key]); });
      summary.setAttribute("data-kind", cells.length ? "cells" : names.length ? "wards" : chosen.polygon ? "polygon"
        : "");
    }

    function clear() {
      stopDrawing();
      chosen = {cells: {}, wards: {}, polygon: null, file: null, around: null};
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

    function pickWard(found) {
      var properties = found.feature.properties;
      toggle(chosen.wards, AIM.decoded(properties.code), found.toGeoJSON(), {name: AIM.decoded(properties.name)});
    }

    function pickCell(cell) {
      var feature = cell.feature;
      toggle(chosen.cells, AIM.decoded(feature.id || feature.properties.h3), cell.toGeoJSON(),
        {rank: Number(feature.properties.rank)});
    }

    /* The list to tick wards by name, or the plan's cells by number, in the panel: the same choice as on the map. */
    function fillList(now) {
      var entries = [];
      boxes = {};
      if (now === "wards" && wards) {
        wards.eachLayer(function (ward) {
          var p = ward.feature && ward.feature.properties;
          if (!p) { return; }
          var lad = AIM.decoded(p.lad_name);
          entries.push({key: AIM.decoded(p.code), text: AIM.decoded(p.name) + (lad ? " (" + lad + ")" : ""),
            sort: AIM.decoded(p.name), pick: function () { pickWard(ward); }});
        });
        entries.sort(function (a, b) { return a.sort.localeCompare(b.sort, "en-GB"); });
      } else if (now === "cells" && plan) {
        plan.eachLayer(function (cell) {
          var p = cell.feature && cell.feature.properties;
          if (!p) { return; }
          var streets = (p.places || []).map(function (place) { return AIM.decoded(place.place); }).join(", ");
          entries.push({key: AIM.decoded(cell.feature.id || p.h3), sort: Number(p.rank),
            text: "Number " + p.rank + ": " + (p.ward_name ? AIM.decoded(p.ward_name) : "") +
              (streets ? ", " + streets : ""), pick: function () { pickCell(cell); }});
        });
        entries.sort(function (a, b) { return a.sort - b.sort; });
      }
      var legend = document.getElementById("aim-problem-choices-legend");
      choices.replaceChildren(legend);
      legend.textContent = now === "wards" ? "Wards by name" : "Patrol-plan cells by number";
      document.getElementById("aim-problem-find-label").hidden = now !== "wards";
      find.value = "";
      entries.forEach(function (entry) {
        var box = AIM.element("input", {type: "checkbox", value: entry.key});
        box.addEventListener("change", function () {
          if (box.checked !== Boolean(chosen.cells[entry.key] || chosen.wards[entry.key])) { entry.pick(); }
        });
        var label = AIM.element("label", {"data-key": entry.key});
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + entry.text));
        choices.appendChild(label);
        boxes[entry.key] = box;
      });
      list.hidden = !entries.length;
    }

    find.addEventListener("input", function () {
      var wanted = find.value.trim().toLocaleLowerCase("en-GB");
      Array.prototype.forEach.call(choices.querySelectorAll("label"), function (label) {
        label.hidden = wanted !== "" && label.textContent.toLocaleLowerCase("en-GB").indexOf(wanted) < 0;
      });
    });

    function setMode() {
      clear();
      var now = mode();
      how.textContent = HOW[now] || "";
      drawButton.hidden = now !== "polygon";
      fileInput.hidden = now !== "file";
      around.hidden = now !== "around";
      fillList(now);
      if (now === "cells" && plan && !map.hasLayer(plan)) { map.addLayer(plan); }
      picking();
    }

    if (plan) {
      plan.on("click", function (e) {
        var feature = e.layer && e.layer.feature;
        if (!feature || side.getAttribute("data-picking") !== "cells") { return; }
        pickCell(e.layer);
      });
    }
    if (wards) {  /* Enter on a ward focused from the keyboard: a click on the map finds the ward under it below */
      wards.on("click", function (e) {
        if (e.keyboard && e.layer && e.layer.feature && side.getAttribute("data-picking") === "wards") {
          pickWard(e.layer);
        }
      });
    }
    map.on("click", function (e) {
      if (side.getAttribute("data-picking") !== "wards" || !wards) { return; }
      var found = null;
      wards.eachLayer(function (ward) {
        if (!found && ward.feature && contains(ward.feature.geometry, e.latlng)) { found = ward; }
      });
      if (found) { pickWard(found); }
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
      post("/api/v1/problem-areas", body, {"X-AIM-CSRF": token})
        .then(function (answer) {
          shown.clearLayers();
          chosen.file = answer;
          chosen.polygon = answer.polygon;
          map.fitBounds(outline(chosen.polygon).getBounds().pad(0.3));
          describe();
        })
        .catch(function (error) {
          summary.textContent = "The file gave no area: " + error.message;
        });
    });

    document.getElementById("aim-problem-around-use").addEventListener("click", function () {
      var query = new URLSearchParams({grid_ref: document.getElementById("aim-problem-grid").value.trim(),
        radius_m: document.getElementById("aim-problem-radius").value});
      clear();
      summary.textContent = "Finding " + query.get("grid_ref") + "…";
      fetch("/api/v1/problem-areas/around?" + query.toString(), {credentials: "same-origin",
        headers: {Accept: "application/json"}})
        .then(function (response) {
          return response.json().then(function (answer) {
            if (!response.ok) { throw new Error(problemError(answer, response.status)); }
            return answer;
          });
        })
        .then(function (answer) {
          chosen.around = answer;
          chosen.polygon = answer.polygon;
          map.fitBounds(outline(chosen.polygon).getBounds().pad(0.3));
          describe();
        })
        .catch(function (error) { summary.textContent = "No area from that grid reference: " + error.message; });
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
    fillList(mode());

    return {
      area: function () {
        var cells = Object.keys(chosen.cells), codes = Object.keys(chosen.wards);
        if (cells.length) { return {cells: cells}; }
        if (codes.length) { return {wards: codes}; }
        return chosen.polygon ? {polygon: chosen.polygon} : null;
      }
    };
  }

  if (AIM) {
    AIM.problemArea = problemArea;
    AIM.post = post;
  }
}());
