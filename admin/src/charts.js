// ECharts with only what the console draws (bar, line and pie charts), to keep the bundle small.
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

/** Draws `option` into `element`, following the window's size. Returns a dispose() for when the
 * element goes away. */
function draw(element, option) {
  const chart = echarts.init(element)
  chart.setOption(option)
  const resize = () => chart.resize()
  window.addEventListener('resize', resize)
  return () => {
    window.removeEventListener('resize', resize)
    chart.dispose()
  }
}

// A value axis of counts, or of percentages (0–100) when `percent`.
const valueAxis = (percent) =>
  percent ? { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } } : { type: 'value', minInterval: 1 }

function axes(type, { categories, series, percent = false }) {
  return {
    tooltip: { trigger: 'axis', ...(percent ? { valueFormatter: (v) => (v === null ? '—' : `${v}%`) } : {}) },
    legend: { top: 0 },
    grid: { left: 48, right: 16, bottom: 32, top: 40 },
    xAxis: { type: 'category', data: categories },
    yAxis: valueAxis(percent),
    series: series.map(({ name, data }) => ({ type, name, data })),
  }
}

/** A grouped bar chart: one bar per series for each category; `percent` for values in percent. */
export const drawBarChart = (element, chart) => draw(element, axes('bar', chart))

/** A line per series over the categories (days, say). */
export const drawLineChart = (element, chart) => draw(element, axes('line', chart))

/** A ring of the parts of a whole: `parts` is [{name, value}]. */
export function drawPieChart(element, { name, parts }) {
  return draw(element, {
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', name, radius: ['45%', '70%'], center: ['50%', '45%'], data: parts }],
  })
}
