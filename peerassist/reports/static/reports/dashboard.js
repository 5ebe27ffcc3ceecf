// The dashboard's charts: Apache ECharts (vendored, loaded before this module as a global)
// drawn from the JSON the page embeds with json_script. No inline script, no network.
const echarts = window.echarts;
const charts = JSON.parse(document.getElementById("dashboard-data").textContent);

const PALETTE = ["#1f5fa8", "#1e6b3a", "#b45f06", "#a3231b", "#6a3d9a", "#4a5468", "#0f7c8a"];
const COMMON = {
  color: PALETTE,
  // Screen readers get a generated description; decals make series tell apart without colour.
  aria: { enabled: true, decal: { show: true } },
  // Tooltips drawn in the canvas: HTML tooltips would need inline styles the CSP forbids.
  tooltip: { renderMode: "richText" },
  textStyle: { fontFamily: "inherit" },
  animationDuration: 400,
};

function stackedBar(chart) {
  return {
    ...COMMON,
    tooltip: { ...COMMON.tooltip, trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 56, containLabel: true },
    xAxis: {
      type: "category",
      data: chart.data.categories,
      // A few categories (topic sources): every name, wrapped; many (months): skip overlaps.
      axisLabel:
        chart.data.categories.length <= 6
          ? { interval: 0, width: 70, overflow: "break", lineHeight: 14 }
          : { hideOverlap: true },
    },
    yAxis: { type: "value", minInterval: 1 },
    series: chart.data.series.map((s) => ({
      name: s.name,
      type: "bar",
      stack: "total",
      emphasis: { focus: "series" },
      data: s.data,
    })),
  };
}

function completionBar(chart) {
  const colours = { done: "#1e6b3a", open: "#1f5fa8", overdue: "#a3231b" };
  return {
    ...COMMON,
    grid: { left: 16, right: 40, top: 8, bottom: 16, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: chart.data.categories, inverse: true },
    series: [
      {
        type: "bar",
        name: chart.title,
        label: { show: true, position: "right", width: 100, overflow: "truncate" },
        data: chart.data.values.map((value, i) => ({
          value,
          itemStyle: { color: colours[chart.data.keys[i]] },
        })),
      },
    ],
  };
}

function flowGraph(chart) {
  const max = Math.max(1, ...chart.data.links.map((l) => l.value));
  const maxNode = Math.max(1, ...chart.data.nodes.map((n) => n.value));
  return {
    ...COMMON,
    series: [
      {
        type: "graph",
        layout: "circular",
        // Room around the circle for the unit names, which would otherwise be cut off.
        top: 50,
        bottom: 50,
        left: 110,
        right: 110,
        circular: { rotateLabel: true },
        roam: false,
        label: { show: true, position: "right", width: 100, overflow: "truncate" },
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 9,
        lineStyle: { color: "source", curveness: 0.25, opacity: 0.75 },
        emphasis: { focus: "adjacency", lineStyle: { width: 6 } },
        data: chart.data.nodes.map((n) => ({
          name: n.name,
          value: n.value,
          symbolSize: 12 + (18 * n.value) / maxNode,
        })),
        links: chart.data.links.map((l) => ({
          source: l.source,
          target: l.target,
          value: l.value,
          lineStyle: { width: 1.5 + (5 * l.value) / max },
        })),
      },
    ],
  };
}

const BUILDERS = { stacked_bar: stackedBar, bar: completionBar, graph: flowGraph };

for (const chart of charts) {
  const element = document.querySelector(`[data-chart="${chart.id}"]`);
  if (!element || !BUILDERS[chart.kind]) continue;
  if (chart.rows.length === 0) {
    element.classList.add("chart-empty");
    continue;
  }
  const instance = echarts.init(element, null, { renderer: "canvas" });
  instance.setOption(BUILDERS[chart.kind](chart));
  new ResizeObserver(() => instance.resize()).observe(element);
}
