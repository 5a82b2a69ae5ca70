// 一图全览: draws the dashboard's charts from the json_script blocks; every element links to its cases.
(function () {
  "use strict";
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var printing = document.body.dataset.print === "1";
  function chart(id, option, items) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    var c = echarts.init(node, null, { renderer: printing ? "svg" : "canvas" });
    option.animation = !printing;
    c.setOption(option);
    c.on("click", function (params) {
      var item = items && items[params.dataIndex];
      if (item && item.url) window.location.href = item.url;
    });
    charts.push(c);
    return c;
  }
  // One window listener for every chart, once per frame. A box that has no size at that moment (the window
  // shrunk to nothing, the page hidden) is left alone: ECharts' map view cannot invert a zero-size
  // transform and throws "Cannot read properties of null (reading '0')"; the next resize catches it up.
  var charts = [];
  function resizeAll() {
    charts.forEach(function (c) {
      var node = c.getDom();
      if (c.isDisposed() || !node || node.clientWidth < 1 || node.clientHeight < 1) return;
      c.resize();
    });
  }
  // The printable view is laid out once for paper: ECharts' SVG renderer throws when resized there.
  if (!printing) {
    var frame = 0;
    window.addEventListener("resize", function () {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(resizeAll);
    });
  }
  function bars(id, items, horizontal) {
    var labels = items.map(function (i) { return i.label; });
    var values = items.map(function (i) { return i.value; });
    var cat = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var val = { type: "value", minInterval: 1 };
    chart(id, {
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 110 : 40, right: 16, top: 16, bottom: horizontal ? 24 : 70 },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign(cat, { inverse: true }) : val,
      series: [{ type: "bar", data: values, cursor: "pointer" }]
    }, items);
  }
  function init() {
    var timeline = read("data-timeline");
    if (!timeline) return;
    chart("chart-timeline", {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 16, top: 16, bottom: 40 },
      xAxis: { type: "category", data: timeline.map(function (i) { return i.label; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "line", areaStyle: {}, data: timeline.map(function (i) { return i.value; }), cursor: "pointer" }]
    }, timeline);
    var status = read("data-status");
    chart("chart-status", {
      tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "70%"], cursor: "pointer",
                 data: status.map(function (i) { return { name: i.label, value: i.value }; }) }]
    }, status);
    bars("chart-channel", read("data-channel"), true);
    bars("chart-category", read("data-category"), true);
    bars("chart-levels", read("data-levels"), false);
    var grids = read("data-grids");
    if (grids && grids.values.length && document.getElementById("chart-grids")) {
      echarts.registerMap("dajuan-grids", grids.geojson);
      var max = Math.max.apply(null, grids.values.map(function (v) { return v.value; }).concat([1]));
      chart("chart-grids", {
        tooltip: { trigger: "item", formatter: function (p) {
          var v = grids.values[p.dataIndex]; return v ? v.label + ": " + v.value : p.name; } },
        visualMap: { min: 0, max: max, calculable: true, left: 8, bottom: 8, inRange: { color: ["#e8f4ea", "#f6c343", "#d9534f"] } },
        series: [{ type: "map", map: "dajuan-grids", roam: !printing, cursor: "pointer",
                   emphasis: { label: { show: false } },
                   data: grids.values.map(function (v) { return { name: v.name, value: v.value }; }) }]
      }, grids.values);
    }
    if (window.bootstrap) {
      document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (el) { new bootstrap.Tooltip(el); });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
