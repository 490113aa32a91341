/* 报表: draws each chart from the JSON the page embeds (see huikuan/web/areas/dashboards/charts.py). */
(function () {
  "use strict";

  var AGING = ["#2e7d32", "#9ccc65", "#fdd835", "#fb8c00", "#e53935", "#b71c1c", "#6d1b1b", "#3e0d0d"];
  var GAPS = ["#c0392b", "#9ccc65"];
  var PALETTE = ["#1f6feb", "#c0392b", "#2e7d32", "#f0a500", "#8e44ad", "#16a085", "#7f8c8d"];
  var lang = document.documentElement.lang || "zh-CN";
  var compact = new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
  var exact = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function format(unit, value, full) {
    if (value === null || value === undefined || isNaN(value)) { return "—"; }
    if (unit === "percent") { return (value * 100).toFixed(full ? 1 : 0) + "%"; }
    if (unit === "days") { return Number(value).toFixed(1); }
    if (unit === "count") { return String(Math.round(value)); }
    return full ? exact.format(value) : compact.format(value);
  }

  function option(spec) {
    var valueAxis = {
      type: "value",
      axisLabel: { formatter: function (v) { return format(spec.unit, v, false); } },
      splitLine: { lineStyle: { color: "#e1e7ec" } }
    };
    if (spec.unit === "percent") { valueAxis.min = 0; }
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { hideOverlap: true, width: 90, overflow: "truncate" },
      inverse: spec.horizontal
    };
    var series = spec.series.map(function (s) {
      return {
        name: s.name,
        type: spec.type,
        data: s.data,
        stack: spec.stack ? "total" : undefined,
        smooth: spec.type === "line",
        showSymbol: spec.type === "line" && spec.categories.length < 40,
        barMaxWidth: 28,
        emphasis: { focus: "series" }
      };
    });
    return {
      color: spec.palette === "aging" ? AGING : spec.palette === "gaps" ? GAPS : PALETTE,
      animation: false,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { type: "scroll", top: 0 },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: spec.type === "line" ? "line" : "shadow" },
        valueFormatter: function (v) { return format(spec.unit, v, true); }
      },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? categoryAxis : valueAxis,
      series: series
    };
  }

  function size(el, spec) {
    if (spec.horizontal) {
      el.style.height = Math.max(220, 70 + 30 * spec.categories.length) + "px";
    }
  }

  function draw() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      size(el, spec);
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec), true);
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      document.querySelectorAll("[data-chart]").forEach(function (el) {
        var chart = window.echarts && window.echarts.getInstanceByDom(el);
        if (chart) { chart.resize(); }
      });
    }, 150);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
