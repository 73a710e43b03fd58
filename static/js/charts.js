// Renders every plotly figure on the page. Figures travel as JSON in
// <script type="application/json" data-chart-for="element-id">, so no inline script is needed
// and the Content-Security-Policy can forbid them.
(function () {
  "use strict";
  function render() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("script[data-chart-for]").forEach(function (node) {
      var target = document.getElementById(node.getAttribute("data-chart-for"));
      if (!target) { return; }
      var figure = JSON.parse(node.textContent);
      var lang = document.documentElement.lang === "en" ? "en" : (document.documentElement.lang || "nb");
      var config = Object.assign(
        { responsive: true, displayModeBar: false, locale: lang }, figure.config || {}
      );
      Plotly.newPlot(target, figure.data, figure.layout || {}, config);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
