/* The map page's own script (served from /static, so the page's Content-Security-Policy allows it; it adds no inline
 * handler and writes every text from the server or the API with textContent, never as markup).
 *
 * - moves Leaflet's layer control into the side column, so no control covers the map's panels;
 * - keeps the legend to the layers shown (Leaflet fires overlayadd/overlayremove when one is ticked or unticked);
 * - numbers the patrol plan's cells on the map as the printed plan numbers them;
 * - draws a ward's, an authority's or a cell's monthly trend (GET /api/v1/trends with the page's filters) as a
 *   small SVG chart, with its values as a table and the comparison with the period before and with last year in
 *   words, for a shape clicked (or chosen from the keyboard: aim-map-keys.js), a ward named in the movers or a
 *   ward or cell in the table view.
 *
 * The side column (#aim-side) names folium's layers by their script names (data-wards, data-hexes, data-statistics:
 * every statistics layer drawn; data-numbered: the one whose cells are numbered as printed),
 * and carries the page's filters as a query string (data-query) for the API requests. While the analyst's problem
 * panel (aim-problem.js) picks an area on the map, the side column carries data-picking and clicks are left to it.
 * The panel's scripts use this one's element(), decoded() and layer() (window.AIM), so it is loaded before them.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function drawn(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, String(attributes[name])); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* folium's feature properties reach the page HTML-escaped (its tooltips write them as markup): the text they
   * stand for, parsed in an inert document (nothing in it loads or runs). */
  function decoded(value) {
    if (value === null || value === undefined) { return ""; }
    var doc = new DOMParser().parseFromString("<!DOCTYPE html><body>" + String(value), "text/html");
    return doc.body.textContent || "";
  }

  /* The global a layer's script name stands for, if it is a Leaflet layer group (folium names each layer it draws). */
  function layer(name) {
    var found = name ? window[name] : null;
    return found && typeof found.eachLayer === "function" ? found : null;
  }

  /* What the problem panel's scripts (aim-problem-area.js, aim-problem.js), loaded after this one, use of it: a new
   * object, so that no element of the page named AIM can stand in for it. */
  window.AIM = {element: element, decoded: decoded, layer: layer};

  function words(list) { return String(list || "").split(/\s+/).filter(Boolean); }

  function number(n) { return Number(n).toLocaleString("en-GB"); }

  function signed(n, suffix) { return (n > 0 ? "+" : n < 0 ? "−" : "±") + number(Math.abs(n)) + (suffix || ""); }

  function monthWords(month) { return MONTHS[Number(month.slice(5, 7)) - 1] + " " + month.slice(0, 4); }

  /* A period of YYYY-MM months in words, as the page writes them: 2024, Mar 2025, Jul–Dec 2025, Nov 2024–Jan 2025. */
  function periodWords(from, to) {
    var y1 = from.slice(0, 4), y2 = to.slice(0, 4), m1 = from.slice(5, 7), m2 = to.slice(5, 7);
    if (from === to) { return monthWords(from); }
    if (y1 === y2) {
      return m1 === "01" && m2 === "12" ? y1 : MONTHS[Number(m1) - 1] + "–" + MONTHS[Number(m2) - 1] + " " + y1;
    }
    return monthWords(from) + "–" + monthWords(to);
  }

  /* Leaflet's layer control, out of the map and into the side column. */
  function moveLayerControl(map) {
    var control = map.getContainer().querySelector(".leaflet-control-layers");
    var slot = document.getElementById("aim-layer-slot");
    if (control && slot) { slot.appendChild(control); }
  }

  /* Show each legend entry only while one of the layers it explains is on the map. */
  function keepLegend(map) {
    var entries = Array.prototype.slice.call(document.querySelectorAll("#aim-legend [data-layers]"));
    function update() {
      var any = false;
      entries.forEach(function (entry) {
        var shown = words(entry.getAttribute("data-layers")).some(function (name) {
          var found = layer(name);
          return found !== null && map.hasLayer(found);
        });
        entry.hidden = !shown;
        any = any || shown;
      });
      var empty = document.getElementById("aim-legend-empty");
      if (empty) { empty.hidden = any; }
    }
    map.on("overlayadd overlayremove", update);
    update();
  }

  /* The patrol plan's cells carry the numbers of the printed plan (its ranks), shown with the plan's layer. Where
   * cells lie too close together at the map's zoom for a number each, one label lists theirs ("4, 7, 10"). */
  function numberPlan(map, plan) {
    if (!plan) { return; }
    var labels = L.layerGroup();
    var cells = [];
    plan.eachLayer(function (cell) {
      var rank = Number(cell.feature && cell.feature.properties.rank);
      if (isFinite(rank)) { cells.push({rank: rank, at: cell.getBounds().getCenter()}); }
    });
    cells.sort(function (a, b) { return a.rank - b.rank; });
    function place() {
      labels.clearLayers();
      var groups = [];
      cells.forEach(function (cell) {
        var point = map.latLngToLayerPoint(cell.at);
        var near = groups.filter(function (g) { return g.point.distanceTo(point) < 24; })[0];
        if (near) { near.ranks.push(cell.rank); } else { groups.push({point: point, at: cell.at, ranks: [cell.rank]}); }
      });
      groups.forEach(function (group) {
        var tag = element("span", {"class": "aim-rank"}, group.ranks.join(", "));
        var icon = L.divIcon({className: "aim-rank-at", html: tag, iconSize: [0, 0]});
        L.marker(group.at, {icon: icon, interactive: false, keyboard: false}).addTo(labels);
      });
    }
    function sync() {
      if (map.hasLayer(plan)) { place(); labels.addTo(map); } else { labels.remove(); }
    }
    map.on("overlayadd overlayremove", sync);
    map.on("zoomend", function () { if (map.hasLayer(plan)) { place(); } });
    sync();
  }

  function niceTop(max) {
    var scale = Math.pow(10, Math.floor(Math.log10(Math.max(max, 1))));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i += 1) {
      if (steps[i] * scale >= max) { return steps[i] * scale; }
    }
    return 10 * scale;
  }

  /* A monthly series as a small SVG line chart: one point per published month; months whose count is not
   * published (a small count) are marked on the axis, and months not held (held false) are left out, unmarked. */
  function chart(series, label) {
    var width = 300, height = 132, left = 36, right = 10, top = 8, bottom = 22;
    var counts = series.map(function (s) { return s.count; });
    var shown = counts.filter(function (c) { return c !== null && c !== undefined; });
    var peak = niceTop(Math.max.apply(null, [1].concat(shown)));
    var n = series.length;
    function x(i) { return left + (n === 1 ? (width - left - right) / 2 : i * (width - left - right) / (n - 1)); }
    function y(c) { return top + (height - top - bottom) * (1 - c / peak); }
    var root = drawn("svg", {viewBox: "0 0 " + width + " " + height, "class": "aim-chart", role: "img",
      "aria-label": label, "data-months": n});
    (shown.length ? [0, peak / 2, peak] : [0]).forEach(function (v) {
      if (v !== Math.round(v)) { return; }
      root.appendChild(drawn("line", {x1: left, x2: width - right, y1: y(v), y2: y(v), "class": "aim-grid"}));
      root.appendChild(drawn("text", {x: left - 4, y: y(v) + 3, "text-anchor": "end"}, number(v)));
    });
    var path = "", pen = false;
    counts.forEach(function (c, i) {
      if (c === null || c === undefined) { pen = false; return; }
      path += (pen ? "L" : "M") + x(i).toFixed(1) + " " + y(c).toFixed(1);
      pen = true;
    });
    if (path) { root.appendChild(drawn("path", {d: path, "class": "aim-line"})); }
    series.forEach(function (s, i) {
      var mark;
      if (s.held === false) { return; }
      if (s.count === null || s.count === undefined) {
        mark = drawn("rect", {x: x(i) - 2, y: y(0) - 2, width: 4, height: 4, "class": "aim-withheld"});
        mark.appendChild(drawn("title", {}, monthWords(s.month) + ": not published (a small count)"));
      } else {
        mark = drawn("circle", {cx: x(i), cy: y(s.count), r: 2.6, "class": "aim-point"});
        mark.appendChild(drawn("title", {}, monthWords(s.month) + ": " + number(s.count)));
      }
      root.appendChild(mark);
    });
    var ticks = n > 6 ? [0, Math.floor((n - 1) / 2), n - 1] : n > 1 ? [0, n - 1] : [0];
    ticks.forEach(function (i) {
      var anchor = i === 0 && n > 1 ? "start" : i === n - 1 && n > 1 ? "end" : "middle";
      root.appendChild(drawn("text", {x: x(i), y: height - 6, "text-anchor": anchor}, monthWords(series[i].month)));
    });
    return root;
  }

  /* The chart's values as a table (what the chart shows as an image): one row per month, a count, or why none. */
  function valuesTable(series, title) {
    var box = element("details", {"class": "aim-values"});
    box.appendChild(element("summary", {}, "The chart's values as a table"));
    var table = element("table", {"class": "aim-values-table"});
    table.appendChild(element("caption", {}, title + ": incidents by month"));
    var head = element("tr");
    head.appendChild(element("th", {scope: "col"}, "Month"));
    head.appendChild(element("th", {scope: "col"}, "Incidents"));
    table.appendChild(element("thead")).appendChild(head);
    var body = table.appendChild(element("tbody"));
    series.forEach(function (s) {
      var row = element("tr", {"data-month": s.month});
      row.appendChild(element("th", {scope: "row"}, monthWords(s.month)));
      row.appendChild(element("td", {}, s.held === false ? "not held" : s.count === null || s.count === undefined
        ? "not published (a small count)" : number(s.count)));
      body.appendChild(row);
    });
    box.appendChild(table);
    return box;
  }

  /* One comparison in words: "Previous period (2024): not comparable: 2024 not held", or the two totals, the change
   * and the test's verdict (exact figures) or that published counts are not tested. */
  function comparison(label, c, total) {
    var when = periodWords(c.from, c.to);
    var head = label + " (" + when + "): ";
    if (!c.held || c.comparable === false) { return head + "not comparable: " + when + " not held"; }
    if (c.total === null || c.total === undefined || total === null || total === undefined) {
      return head + "not comparable: a count is not published";
    }
    var change = total - c.total;
    var pct = c.change_pct !== null && c.change_pct !== undefined ? ", " + signed(c.change_pct, "%") : "";
    var text = head + number(c.total) + " → " + number(total) + " (" + signed(change) + pct + ")";
    if (c.q_value !== undefined && c.against) {  /* a ward or district: against its area's own change */
      var all = c.against.type === "all";
      var areaChange = c.area_total === undefined ? "" : "; " + (all ? "all together" : c.against.name) + ": "
        + number(c.area_previous_total) + " → " + number(c.area_total) + (c.area_change_pct === null
          || c.area_change_pct === undefined ? "" : " (" + signed(c.area_change_pct, "%") + ")");
      return text + ", " + (c.significant ? "significant" : "not significant") + " against "
        + (all ? c.against.name.replace(" held", "") : c.against.name) + "'s own change (at "
        + Math.round(c.alpha * 100) + "% FDR" + (c.q_value === null ? "" : ", q " + Number(c.q_value).toPrecision(2))
        + ")" + areaChange;
    }
    if (c.significant === true) {
      return text + ", a significant change (Poisson test, p " + Number(c.p_value).toPrecision(2) + ")";
    }
    if (c.significant === false) {
      return text + ", not a significant change (Poisson test, p " + Number(c.p_value).toPrecision(2) + ")";
    }
    return text + "; published counts, no significance test";
  }

  function trendPanel(side) {
    var body = document.getElementById("aim-trend-body");
    var box = document.getElementById("aim-trend");
    var asked = 0;
    var fine = side.getAttribute("data-fine") === "1";

    function draw(area, answer, params) {
      var nodes = [];
      var title = area.title;
      if (answer.area && answer.area.name) { title = answer.area.name; }
      var kind = area.param === "ward" ? "ward" + (area.ladName ? ", " + area.ladName : "")
        : area.param === "lad" ? "local authority" : area.param === "h3" ? "hexagon" : "";
      var heading = element("h3", {}, title);
      if (kind) { heading.appendChild(element("small", {}, " " + kind)); }
      nodes.push(heading);
      if (area.param === "h3" && fine) { nodes.push(element("div", {"class": "aim-fine"}, "Cell " + area.code)); }
      var filters = answer.filters || {};
      var period = filters.from && filters.to ? periodWords(filters.from, filters.to) : "";
      var total = answer.total;
      nodes.push(element("div", {"class": "aim-total"}, (total === null || total === undefined
        ? "Total not published" : number(total) + " incidents") + (period ? ", " + period : "")));
      var series = answer.series || [];
      nodes.push(chart(series, title + ": incidents by month"));
      nodes.push(valuesTable(series, title));
      var notHeld = series.filter(function (s) { return s.held === false; }).length;
      if (notHeld) {
        nodes.push(element("div", {"class": "aim-note"}, notHeld + " of " + series.length
          + " months not held for every source counted: no count shown, not a zero."));
      }
      var withheld = series.filter(function (s) {
        return s.held !== false && (s.count === null || s.count === undefined);
      }).length;
      if (withheld) {
        nodes.push(element("div", {"class": "aim-note"}, withheld === series.length
          ? "No month's count is published here: each is a small count (the open squares)."
          : withheld + " of " + series.length + " months not published: small counts (the open squares)."));
      }
      var compared = answer.compared || {};
      var previous = compared.previous_period, lastYear = compared.last_year;
      var lines = [];
      if (previous && lastYear && previous.from === lastYear.from && previous.to === lastYear.to) {
        lines.push(comparison("Previous period and last year", previous, total));
      } else {
        if (previous) { lines.push(comparison("Previous period", previous, total)); }
        if (lastYear) { lines.push(comparison("Same months last year", lastYear, total)); }
      }
      var list = element("ul", {"class": "aim-compared"});
      lines.forEach(function (line) { list.appendChild(element("li", {}, line)); });
      nodes.push(list);
      if (answer.cell_trend) {  /* the cell's trend word, as the patrol plan and the emerging hotspots give it */
        var t = answer.cell_trend;
        nodes.push(element("div", {"class": "aim-cell-trend"}, "Over the months: " + t.trend + " against "
          + t.area.name + "'s cells (Mann-Kendall p " + Number(t.trend_p).toPrecision(2)
          + "), as the patrol plan and the emerging hotspots give it"));
      }
      if (answer.season && answer.season.told_apart === false) {
        nodes.push(element("div", {"class": "aim-note aim-season"}, answer.season.note.charAt(0).toUpperCase()
          + answer.season.note.slice(1) + "."));
      }
      if (answer.note) { nodes.push(element("div", {"class": "aim-fine"}, answer.note)); }
      var links = element("div", {"class": "aim-actions"});
      var csv = new URLSearchParams(params);
      csv.set("format", "csv");
      links.appendChild(element("a", {href: "/api/v1/trends?" + csv.toString(), download: "aim-trend.csv"},
        "This series (CSV)"));
      if (area.param === "ward" && area.lad) {
        var whole = element("button", {type: "button", "class": "aim-link"},
          "Whole authority" + (area.ladName ? ": " + area.ladName : ""));
        whole.addEventListener("click", function () {
          show({param: "lad", code: area.lad, title: area.ladName || area.lad});
        });
        links.appendChild(whole);
      }
      nodes.push(links);
      body.replaceChildren.apply(body, nodes);
    }

    function show(area) {
      asked += 1;
      var mine = asked;
      var params = new URLSearchParams(side.getAttribute("data-query") || "");
      if (area.param) { params.set(area.param, area.code); }
      /* a ward's (district's) change is tested among the study area's wards (districts), as the movers list tests
       * a ward, and a cell's trend among its cells, as the plan gives it: one verdict */
      if (area.param && side.getAttribute("data-area")) {
        params.set("area", side.getAttribute("data-area"));
      }
      body.replaceChildren(element("div", {"class": "aim-note"}, "Loading the trend of " + area.title + "…"));
      box.setAttribute("data-state", "loading");
      box.scrollIntoView({block: "nearest"});
      fetch("/api/v1/trends?" + params.toString(), {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) {
          return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
        })
        .then(function (got) {
          if (mine !== asked) { return; }
          if (!got.ok) { throw new Error(got.answer && got.answer.detail ? got.answer.detail : "no answer"); }
          draw(area, got.answer, params);
          box.setAttribute("data-state", "drawn");
        })
        .catch(function (error) {
          if (mine !== asked) { return; }
          body.replaceChildren(element("div", {"class": "aim-warn"}, "The trend could not be drawn: " + error.message));
          box.setAttribute("data-state", "failed");
        });
    }

    var all = document.getElementById("aim-trend-all");
    if (all) { all.addEventListener("click", function () { show({param: "", code: "", title: "every ward counted"}); }); }
    return {show: show};
  }

  function start() {
    var side = document.getElementById("aim-side");
    var map = side ? window[side.getAttribute("data-map")] : null;
    if (!side || !map || typeof L === "undefined") { return; }
    var wards = layer(side.getAttribute("data-wards"));
    var cells = words(side.getAttribute("data-hexes")).map(layer);
    words(side.getAttribute("data-statistics")).forEach(function (name) { cells.push(layer(name)); });
    var plan = layer(words(side.getAttribute("data-numbered"))[0]);
    moveLayerControl(map);
    keepLegend(map);
    numberPlan(map, plan);

    var selected = null;
    function select(feature) {
      if (selected) { selected.remove(); }
      selected = L.geoJSON(feature.toGeoJSON(), {interactive: false,
        style: {color: "#000000", weight: 3, dashArray: "6 4", fill: false}}).addTo(map);
    }
    function describeWard(properties) {
      return {param: "ward", code: decoded(properties.code), title: decoded(properties.name),
        lad: decoded(properties.lad), ladName: decoded(properties.lad_name)};
    }
    var trend = trendPanel(side);
    if (wards) {
      wards.on("click", function (e) {
        if (!e.layer || !e.layer.feature || side.hasAttribute("data-picking")) { return; }
        select(e.layer);
        trend.show(describeWard(e.layer.feature.properties));
      });
    }
    cells.forEach(function (group) {
      if (!group) { return; }
      group.on("click", function (e) {
        var feature = e.layer && e.layer.feature;
        if (!feature || side.hasAttribute("data-picking")) { return; }
        var code = decoded(feature.id || feature.properties.h3);
        select(e.layer);
        trend.show({param: "h3", code: code, title: "this hexagon"});
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("#aim-tables [data-cell]"), function (button) {
      button.addEventListener("click", function () {
        var code = button.getAttribute("data-cell");
        cells.forEach(function (group) {
          if (!group) { return; }
          group.eachLayer(function (cell) {
            var feature = cell.feature;
            if (!feature || decoded(feature.id || feature.properties.h3) !== code) { return; }
            if (!map.hasLayer(group)) { map.addLayer(group); }
            select(cell);
            map.fitBounds(cell.getBounds().pad(2), {maxZoom: 15});
          });
        });
        trend.show({param: "h3", code: code, title: "the cell at " + button.textContent});
      });
    });
    var named = "#aim-movers [data-ward], #aim-tables [data-ward]";
    Array.prototype.forEach.call(document.querySelectorAll(named), function (button) {
      button.addEventListener("click", function () {
        var code = button.getAttribute("data-ward");
        var area = {param: "ward", code: code, title: button.textContent};
        if (wards) {
          wards.eachLayer(function (ward) {
            if (ward.feature && decoded(ward.feature.properties.code) === code) {
              area = describeWard(ward.feature.properties);
              select(ward);
              map.fitBounds(ward.getBounds().pad(0.6), {maxZoom: 13});
            }
          });
        }
        trend.show(area);
      });
    });
    map.invalidateSize();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
