// The dashboard's charts: Apache ECharts (vendored, loaded before this module as a global)
// drawn from the JSON the page embeds with json_script. No inline script, no network.
const echarts = window.echarts;
const charts = JSON.parse(document.getElementById("dashboard-data").textContent);

const PALETTE = ["#1f5fa8", "#1e6b3a", "#b45f06", "#a3231b", "#6a3d9a", "#4a5468", "#0f7c8a"];
// Every text in a chart at least 13 px, in the page's ink (#1d2330 on white: 15:1), never
// ECharts' default grey; names wrap instead of being cut ("Meteri…"), the table has them whole.
const INK = "#1d2330";
const LINE = "#4a5468";
const FONT = 13;
const TEXT = { color: INK, fontSize: FONT };
const AXIS = { axisLabel: { ...TEXT }, axisLine: { lineStyle: { color: LINE } } };
const COMMON = {
  color: PALETTE,
  // Screen readers get a generated description; decals make series tell apart without colour.
  aria: { enabled: true, decal: { show: true } },
  // Tooltips drawn in the canvas: HTML tooltips would need inline styles the CSP forbids.
  tooltip: { renderMode: "richText" },
  textStyle: { fontFamily: "inherit", ...TEXT },
  animationDuration: 400,
};

function stackedBar(chart) {
  return {
    ...COMMON,
    tooltip: { ...COMMON.tooltip, trigger: "axis", textStyle: TEXT },
    legend: { bottom: 0, textStyle: TEXT },
    grid: { left: 40, right: 16, top: 16, bottom: 64, containLabel: true },
    xAxis: {
      type: "category",
      data: chart.data.categories,
      ...AXIS,
      // A few categories (topic sources): every name, wrapped; many (months): skip overlaps.
      axisLabel:
        chart.data.categories.length <= 6
          ? { ...TEXT, interval: 0, width: 80, overflow: "break", lineHeight: 16 }
          : { ...TEXT, hideOverlap: true },
    },
    yAxis: { type: "value", minInterval: 1, ...AXIS },
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
    tooltip: { ...COMMON.tooltip, textStyle: TEXT },
    xAxis: { type: "value", minInterval: 1, ...AXIS },
    yAxis: {
      type: "category",
      data: chart.data.categories,
      inverse: true,
      ...AXIS,
      axisLabel: { ...TEXT, width: 110, overflow: "break", lineHeight: 16 },
    },
    series: [
      {
        type: "bar",
        name: chart.title,
        label: { show: true, position: "right", ...TEXT },
        data: chart.data.values.map((value, i) => ({
          value,
          itemStyle: { color: colours[chart.data.keys[i]] },
        })),
      },
    ],
  };
}

function flowGraph(chart, element) {
  // A round circle whatever the card's width: names get the margins beside it (wrapping to
  // fit), and the top and bottom margins make the space between them square.
  const width = element.clientWidth || 400;
  const height = element.clientHeight || 320;
  // 100 px at least: room for a long word ("Maintenance") at 13 px without breaking it.
  const side = Math.min(120, Math.max(100, Math.round(width * 0.3)));
  const box = Math.max(60, Math.min(width - 2 * side, height - 80));
  const vertical = Math.round((height - box) / 2);
  const max = Math.max(1, ...chart.data.links.map((l) => l.value));
  const maxNode = Math.max(1, ...chart.data.nodes.map((n) => n.value));
  return {
    ...COMMON,
    tooltip: { ...COMMON.tooltip, textStyle: TEXT },
    series: [
      {
        type: "graph",
        // A circle laid out here rather than by ECharts, so that each unit's name can sit on
        // the outer side of its node (left half: to the left), never across the arrows.
        layout: "none",
        top: vertical,
        bottom: vertical,
        left: side,
        right: side,
        roam: false,
        label: { show: true, ...TEXT, width: side - 8, overflow: "break", lineHeight: 16 },
        // Neighbouring names move apart instead of printing over each other.
        labelLayout: { moveOverlap: "shiftY" },
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: 9,
        lineStyle: { color: "source", curveness: 0.25, opacity: 0.75 },
        emphasis: { focus: "adjacency", lineStyle: { width: 6 } },
        data: chart.data.nodes.map((n, i, all) => {
          const angle = -Math.PI / 2 + (2 * Math.PI * i) / all.length;
          const [x, y] = [Math.cos(angle), Math.sin(angle)];
          const at = x > 0.35 ? "right" : x < -0.35 ? "left" : y < 0 ? "top" : "bottom";
          return {
            name: n.name,
            value: n.value,
            x: 100 * x,
            y: 100 * y,
            symbolSize: 12 + (18 * n.value) / maxNode,
            label: { position: at },
          };
        }),
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
  instance.setOption(BUILDERS[chart.kind](chart, element));
  new ResizeObserver(() => {
    instance.resize();
    instance.setOption(BUILDERS[chart.kind](chart, element));
  }).observe(element);
}
