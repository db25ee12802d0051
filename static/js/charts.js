// Charts drawn with Apache ECharts. A page carries each chart as an element with an id and a
// <script type="application/json" data-chart="ID"> holding the ECharts option, built by the
// server; this file draws them (SVG, sharp on a phone) and keeps them sized to the screen.
// Charts arriving in an htmx swap are drawn too. The same figures stay in a table beside each
// chart, so nothing is lost without JavaScript. A map chart first fetches its outlines
// (data-map-url, a same-site GeoJSON file) and registers them under data-map-name.
(function () {
  "use strict";
  var drawn = [];
  function draw(root) {
    root.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (data) {
      var target = document.getElementById(data.getAttribute("data-chart"));
      if (!target || target.getAttribute("data-drawn")) {
        return;
      }
      target.setAttribute("data-drawn", "true");
      var option = JSON.parse(data.textContent);
      var mapName = target.getAttribute("data-map-name");
      if (!mapName || echarts.getMap(mapName)) {
        start(target, option);
        return;
      }
      fetch(target.getAttribute("data-map-url"), { credentials: "same-origin" })
        .then(function (answer) {
          return answer.json();
        })
        .then(function (outlines) {
          echarts.registerMap(mapName, outlines);
          start(target, option);
        });
    });
  }
  function start(target, option) {
    var chart = echarts.init(target, null, { renderer: "svg" });
    chart.setOption(option);
    drawn.push(chart);
  }
  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) {
        chart.resize();
      });
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.target);
  });
})();
