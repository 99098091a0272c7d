// ECharts with only what the console draws (bar and pie charts), to keep the bundle small.
import * as echarts from 'echarts/core'
import { BarChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

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

/** A grouped bar chart: one bar per series for each category. */
export function drawBarChart(element, { categories, series }) {
  return draw(element, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, bottom: 32, top: 40 },
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(({ name, data }) => ({ type: 'bar', name, data })),
  })
}

/** A ring of the parts of a whole: `parts` is [{name, value}]. */
export function drawPieChart(element, { name, parts }) {
  return draw(element, {
    tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', name, radius: ['45%', '70%'], center: ['50%', '45%'], data: parts }],
  })
}
