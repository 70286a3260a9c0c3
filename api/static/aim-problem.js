/* The analyst's "Open a problem" panel (api/render/templates/map_problem.html), served from /static so the page's
 * Content-Security-Policy allows it; it adds no inline handler and writes every text with textContent.
 *
 * The problem's area is chosen on the map by aim-problem-area.js (loaded before this script, after aim-map.js and
 * Leaflet.draw); this script opens the problem with POST /api/v1/problems, sending the page token (X-AIM-CSRF) the
 * panel carries, and shows what was opened: its frozen baseline and the place recorded most.
 */
(function () {
  "use strict";

  var AIM = window.AIM;

  function start() {
    var panel = document.getElementById("aim-problem");
    var side = document.getElementById("aim-side");
    var map = side ? window[side.getAttribute("data-map")] : null;
    if (!panel || !map || typeof L === "undefined" || !L.Draw || !AIM || !AIM.problemArea) { return; }
    var element = AIM.element;
    var token = panel.getAttribute("data-csrf") || "";
    var result = document.getElementById("aim-problem-result");
    var form = document.getElementById("aim-problem-form");
    var chosen = AIM.problemArea(panel, side, map);

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
      var where = chosen.area();
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
      AIM.post("/api/v1/problems", JSON.stringify(body), {"Content-Type": "application/json", "X-AIM-CSRF": token})
        .then(function (answer) {
          opened(answer);
          panel.setAttribute("data-state", "opened");
        })
        .catch(function (error) {
          result.replaceChildren(element("div", {"class": "aim-warn"}, "The problem was not opened: " +
            error.message));
          panel.setAttribute("data-state", "failed");
        });
    });

    panel.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
