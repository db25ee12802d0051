// Starts Swagger UI on the API docs page. A static file, so that the page needs no inline
// script and keeps the site's Content-Security-Policy.
(function () {
  "use strict";
  var container = document.getElementById("swagger-container");
  window.SwaggerUIBundle({
    url: container.getAttribute("data-spec-url"),
    dom_id: "#swagger-container",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
  });
})();
