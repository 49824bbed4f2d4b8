// Baton dashboard behaviour: charts from their JSON, the CSRF header on htmx
// requests, the date filter's preset/custom switch, and keyboard and screen-reader care:
// the focus and a status message after the filters or the pager replace the page's content,
// the filters' fold on narrow screens, and polling sections that hold still while focused
// or paused. No inline scripts (CSP).
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
  // A preset submitted that way leaves the focus on its select (htmx finds it again by id),
  // where the keyboard user was; "Apply" moves it to the result heading.
  function wireFilters(root) {
    root.querySelectorAll("form.filters select[data-range]").forEach(function (select) {
      if (select.dataset.wired) return;
      select.dataset.wired = "1";
      select.addEventListener("change", function () {
        if (select.value !== "custom") select.form.requestSubmit();
      });
    });
    root.querySelectorAll("button.filters-toggle").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.hidden = false;
      if (filtersOpen) button.setAttribute("aria-expanded", "true");
      button.addEventListener("click", function () {
        filtersOpen = button.getAttribute("aria-expanded") !== "true";
        button.setAttribute("aria-expanded", String(filtersOpen));
        var first = filtersOpen && document.querySelector("#filters select, #filters input");
        if (first) first.focus();
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

  // The folded filters stay open while the user works in them (a preset re-renders the
  // page); "Apply" folds them again.
  var filtersOpen = false;

  // ---- Polling sections (<section data-poll hx-trigger="every 15s">): a reload is skipped
  // while the focus is inside (not on the pause button) or while paused.
  var PAUSED = "baton.pollPaused";

  function pollPaused() {
    try { return window.sessionStorage.getItem(PAUSED) === "1"; } catch (e) { return false; }
  }

  function focusHeld(section) {
    var active = document.activeElement;
    return !!active && section.contains(active) && !active.hasAttribute("data-poll-toggle");
  }

  function showPollState(section) {
    var paused = pollPaused();
    var button = section.querySelector("[data-poll-toggle]");
    var state = section.querySelector("[data-poll-state]");
    if (button) {
      button.hidden = false;
      button.textContent = paused ? "Resume updates" : "Pause updates";
    }
    if (state) {
      state.textContent = paused ? "Updates paused."
        : focusHeld(section) ? "Not updating while the focus is in this section." : "";
    }
  }

  function wirePolling(root) {
    root.querySelectorAll("[data-poll]").forEach(function (section) {
      if (section.dataset.wired) return;
      section.dataset.wired = "1";
      showPollState(section);
      section.addEventListener("focusin", function () { showPollState(section); });
      section.addEventListener("focusout", function () {
        window.setTimeout(function () { showPollState(section); }, 0);
      });
      var button = section.querySelector("[data-poll-toggle]");
      if (!button) return;
      button.addEventListener("click", function () {
        var paused = !pollPaused();
        try { window.sessionStorage.setItem(PAUSED, paused ? "1" : "0"); } catch (e) { /* private mode */ }
        showPollState(section);
        announce(paused ? "Updates paused." : "Updates resumed.");
        if (!paused && window.htmx) {
          window.htmx.ajax("GET", section.getAttribute("hx-get"), {source: section, target: section, swap: "outerHTML"});
        }
      });
    });
  }

  // ---- After the filters or the pager replace #main: the focus on the result heading and a
  // status message saying what is shown now. After another form (e.g. a PTO period), its notice.
  var announcer = null;
  var lastSwap = null;

  function announce(words) {
    announcer = announcer || document.getElementById("announcer");
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = words; }, 50);
  }

  function squeeze(text) { return text.replace(/\s+/g, " ").trim(); }

  function resultWords(main) {
    var title = main.querySelector("h1");
    var parts = Array.prototype.map.call(main.querySelectorAll("[data-summary]"), function (el) {
      return squeeze(el.textContent);
    });
    return (title ? squeeze(title.textContent) + ": " : "") + parts.join(", ");
  }

  function beforeMainSwap(event) {
    var elt = event.detail.elt;
    var config = event.detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    var results = elt && elt.closest && elt.closest("form.filters, .pager");
    lastSwap = {
      results: !!results,
      // a preset picked in the select submits the form without a submitter: stay there
      moveFocus: !!results && !(trigger && trigger.type === "submit" && !trigger.submitter),
    };
  }

  function afterMainSwap(main) {
    var swap = lastSwap;
    lastSwap = null;
    if (!swap) return;
    if (!swap.results) {
      var notice = main.querySelector(".notice, .problem");
      if (notice) announce(squeeze(notice.textContent));
      return;
    }
    if (swap.moveFocus) {
      filtersOpen = false;
      var toggle = main.querySelector("button.filters-toggle");
      if (toggle) toggle.setAttribute("aria-expanded", "false");
      var heading = main.querySelector("#results") || main.querySelector("h1");
      if (heading) {
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    } else {
      keepFocus(); // the select of a preset: htmx could not while the filters were folded
    }
    announce("Showing " + resultWords(main));
  }

  function init(root) {
    drawCharts(root);
    wireFilters(root);
    wirePolling(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });
  // The element that had the focus before a swap, by id: htmx focuses its new copy, but not
  // one hidden until init() shows it (a pause button, a folded filter), so keepFocus() does.
  var focusedId = "";

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-poll") && (pollPaused() || focusHeld(elt))) {
      event.preventDefault(); // the next tick tries again
      return;
    }
    focusedId = document.activeElement ? document.activeElement.id : "";
    var target = event.detail.target;
    if (target && target.id === "main") beforeMainSwap(event);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.shouldSwap && event.detail.target) destroyCharts(event.detail.target);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    // An outerHTML swap settles new elements: wire whatever is new in the document.
    init(document);
    var target = event.detail.target;
    if (target && target.id === "main") afterMainSwap(target);
    else keepFocus();
  });

  function keepFocus() {
    var again = focusedId && document.getElementById(focusedId);
    var lost = !document.activeElement || document.activeElement === document.body;
    focusedId = "";
    if (again && lost) again.focus(); // never taken from where the user has moved it since
  }
})();
