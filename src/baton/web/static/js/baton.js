// Baton dashboard behaviour: charts from their JSON, the CSRF header on htmx
// requests, and the date filter's preset/custom switch. No inline scripts (CSP).
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // A chart: <canvas data-chart='{"config": <Chart.js config>, "links": [[url per point] per dataset]}'>
  // (baton.web.charts.Chart.chartjs()). An attribute, not a <script> block: htmx drops
  // script elements from swapped content (allowScriptTags is off).
  function drawCharts(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) return;
      var spec = JSON.parse(canvas.dataset.chart);
      var box = canvas.parentElement;
      if (box && box.hasAttribute("data-horizontal")) {
        box.style.height = Math.max(160, 28 * Number(box.dataset.rows || 1) + 60) + "px";
      }
      var config = spec.config;
      config.options = config.options || {};
      config.options.onClick = function (event, elements) {
        if (!elements.length) return;
        var el = elements[0];
        var url = (spec.links[el.datasetIndex] || [])[el.index];
        if (url) window.location.assign(url);
      };
      // A tooltip says the value's unit ("3.5 hours"), the series' own on a second axis.
      config.options.plugins = config.options.plugins || {};
      config.options.plugins.tooltip = config.options.plugins.tooltip || {};
      config.options.plugins.tooltip.callbacks = {
        label: function (item) {
          var unit = item.dataset.unit;
          return item.dataset.label + ": " + item.formattedValue + (unit ? " " + unit : "");
        },
      };
      config.options.onHover = function (event, elements) {
        var el = elements[0];
        var linked = el && (spec.links[el.datasetIndex] || [])[el.index];
        event.native.target.style.cursor = linked ? "pointer" : "default";
      };
      new window.Chart(canvas, config);
    });
  }

  function destroyCharts(root) {
    if (typeof window.Chart === "undefined") return;
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) chart.destroy();
    });
  }

  // Picking a preset submits the filters; typing a date switches the period to "custom".
  function wireFilters(root) {
    root.querySelectorAll("form.filters select[data-range]").forEach(function (select) {
      if (select.dataset.wired) return;
      select.dataset.wired = "1";
      select.addEventListener("change", function () {
        if (select.value !== "custom") select.form.requestSubmit();
      });
    });
    root.querySelectorAll("form.filters input[data-custom-date]").forEach(function (input) {
      if (input.dataset.wired) return;
      input.dataset.wired = "1";
      input.addEventListener("change", function () {
        var range = input.form.querySelector("select[data-range]");
        if (range) range.value = "custom";
      });
    });
  }

  function init(root) {
    drawCharts(root);
    wireFilters(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.shouldSwap && event.detail.target) destroyCharts(event.detail.target);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    init(event.detail.target || document);
  });
})();
