/* The map from the keyboard, and its table view sorted (served from /static, so the page's Content-Security-Policy
 * allows it; it adds no inline handler and sets names as attributes or textContent, never as markup).
 *
 * - every shape of the layers shown (wards, hexagons, the statistics' cells) is a Tab stop named for screen readers
 *   by its feature's label (written by the server: "Acklam ward, Middlesbrough, 233 incidents, falling (−12 on the
 *   previous period)"); a layer's shapes come in a sensible order: wards by name, hexagons and Gi* cells busiest
 *   first, the patrol plan by its numbers;
 * - focus on a shape shows its tooltip and highlight, as the pointer over it does (and pans the map to it when it
 *   lies outside the view); Enter or Space on it does what a
 *   click does (a ward's trend, or, while the problem panel picks an area, adds the shape to the area or takes it
 *   out: the click handlers see e.keyboard);
 * - the table view's column headings are buttons that sort the table by that column (aria-sort on the heading).
 *
 * It uses aim-map.js's helpers (window.AIM), so it is loaded after it.
 */
(function () {
  "use strict";

  var AIM = window.AIM;

  function words(list) { return String(list || "").split(/\s+/).filter(Boolean); }

  function property(layer, name) {
    var p = layer.feature && layer.feature.properties;
    return p ? p[name] : undefined;
  }

  /* The order a layer's shapes are reached in: wards by name, plan cells by number, other cells busiest first. */
  function ordering(kind) {
    if (kind === "wards") {
      return function (a, b) {
        return AIM.decoded(property(a, "name")).localeCompare(AIM.decoded(property(b, "name")), "en-GB");
      };
    }
    return function (a, b) {
      var ra = property(a, "rank"), rb = property(b, "rank");
      if (ra !== undefined && rb !== undefined) { return Number(ra) - Number(rb); }
      var za = property(a, "z"), zb = property(b, "z");
      if (za !== undefined && zb !== undefined) { return Number(zb) - Number(za); }
      return Number(property(b, "count") || 0) - Number(property(a, "count") || 0);
    };
  }

  function centre(layer) {
    return typeof layer.getCenter === "function" ? layer.getCenter() : layer.getBounds().getCenter();
  }

  /* A shape made a named Tab stop once per path element (Leaflet makes a new one each time its layer is shown). */
  function reachable(layer, map) {
    var path = layer._path;
    if (!path || path.getAttribute("data-keys") === "1") { return path; }
    path.setAttribute("data-keys", "1");
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.setAttribute("aria-label", AIM.decoded(property(layer, "label")) || "A shape on the map");
    path.addEventListener("focus", function () {
      if (!map.getBounds().intersects(layer.getBounds())) { map.panTo(centre(layer), {animate: false}); }
      layer.fire("mouseover", {latlng: centre(layer)}, true);
    });
    path.addEventListener("blur", function () { layer.fire("mouseout", {latlng: centre(layer)}, true); });
    path.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") { return; }
      event.preventDefault();
      layer.fire("click", {latlng: centre(layer), keyboard: true, originalEvent: event}, true);
    });
    return path;
  }

  /* Each layer shown: its shapes named, reachable and put in its order (within the layer only, so no shape of one
   * layer moves above or below another layer's). */
  function arrange(map, groups) {
    groups.forEach(function (group) {
      if (!group.layer || !map.hasLayer(group.layer)) { return; }
      var shapes = group.layer.getLayers().filter(function (shape) { return shape._path; });
      shapes.sort(ordering(group.kind));
      var paths = shapes.map(function (shape) { return reachable(shape, map); });
      if (!paths.length) { return; }
      var parent = paths[0].parentNode;
      var mine = new Set(paths);
      var now = Array.prototype.filter.call(parent.children, function (node) { return mine.has(node); });
      if (now.every(function (path, i) { return path === paths[i]; })) { return; }  // moving one would lose focus
      var marker = document.createComment("");
      parent.insertBefore(marker, now[0]);
      paths.forEach(function (path) { parent.insertBefore(path, marker); });
      parent.removeChild(marker);
    });
  }

  /* The table view: a column heading's button sorts its table by it, ascending then descending (numbers first
   * descending); cells with no value ("not published") stay last. */
  function sortable(table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    heads.forEach(function (head, column) {
      var button = head.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var now = head.getAttribute("aria-sort");
        var numeric = head.hasAttribute("data-numeric");
        var way = now === "ascending" ? "descending" : now === "descending" ? "ascending"
          : numeric ? "descending" : "ascending";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function value(row) {
          var cell = row.cells[column];
          return cell ? cell.getAttribute("data-value") || "" : "";
        }
        rows.sort(function (a, b) {
          var va = value(a), vb = value(b);
          if (va === "" || vb === "") { return (va === "") - (vb === ""); }
          var order = numeric ? Number(va) - Number(vb) : va.localeCompare(vb, "en-GB");
          return way === "ascending" ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", way);
      });
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("table.aim-sortable"), sortable);
    var side = document.getElementById("aim-side");
    var map = side ? window[side.getAttribute("data-map")] : null;
    if (!side || !map || !AIM || typeof L === "undefined") { return; }
    var groups = [{kind: "wards", layer: AIM.layer(side.getAttribute("data-wards"))}];
    words(side.getAttribute("data-hexes")).concat(words(side.getAttribute("data-statistics"))).forEach(function (name) {
      groups.push({kind: "cells", layer: AIM.layer(name)});
    });
    var pending = false;
    map.on("overlayadd layeradd", function () {
      if (pending) { return; }
      pending = true;
      window.setTimeout(function () { pending = false; arrange(map, groups); }, 0);
    });
    arrange(map, groups);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
