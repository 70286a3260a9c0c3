// Starts Swagger UI on the page's OpenAPI document (no inline script: the page's CSP allows none).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: false,  // its link inside each operation's toggle is a control in a control (nested-interactive)
    docExpansion: "none",  // tags open one at a time: opened all at once, it stops drawing after a few tags
    persistAuthorization: false,
  });
});
