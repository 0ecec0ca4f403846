/**
 * The charts as ECharts options: pure functions of the report and the reader's texts, so what a chart shows is
 * decided here and nowhere else. Only the parts used are registered (echarts/core), which keeps the bundle small;
 * the canvas renderer draws text as pixels, so no name from the data ever becomes markup.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { LeadTimeSeries, ReportData } from '../../bot/domain/reportsContract';

echarts.use([BarChart, HeatmapChart, LineChart, AriaComponent, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent,
  TooltipComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };
/** ECharts' own option type (loose by design: each chart's fields are checked by ECharts at setOption). */
export type Option = echarts.EChartsCoreOption;

/** Colours and text colour of the current theme, read from the page's CSS variables. */
export interface Palette { bg: string; text: string; muted: string; grid: string; series: string[]; target: string; heat: [string, string] }

/** A text of the page: `label('heading.openWork')` or with {placeholders}. */
export type Label = (key: string, params?: Record<string, string | number>) => string;

/** Share in per cent, one decimal, or 0 of nothing. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}

/**
 * Lead times into bins of one unit: bin k holds the values in (k−1, k] (bin 0 the zeros), so a target of "at
 * most 3 working days" is exactly the bins up to 3 (a lower bound of 4 weeks shades from bin 4, which also holds
 * the values just under 4: the shading is a guide, "within target N of M" is the server's exact count). Empty bins
 * inside the range stay, as zeros.
 */
export function histogram(values: number[]): Array<{ bin: number; count: number }> {
  if (!values.length) return [];
  const bins = values.map((v) => Math.max(0, Math.ceil(v - 1e-9)));
  const max = Math.max(...bins);
  const counts = new Array<number>(max + 1).fill(0);
  for (const b of bins) counts[b]++;
  return counts.map((count, bin) => ({ bin, count }));
}

/** Whether any series has a value above zero (a heat-map cell is [x, y, value]): else the page says "no data". */
export function hasData(option: Option): boolean {
  const series = ([] as Option[]).concat((option.series ?? []) as Option | Option[]);
  return series.some((one) => ((one.data ?? []) as unknown[]).some((v) => Number(Array.isArray(v) ? v[v.length - 1] : v) > 0));
}

function base(p: Palette, description: string): Option {
  return {
    aria: { enabled: true, label: { description } },
    color: p.series,
    textStyle: { color: p.text },
    // richText: the tooltip is drawn on the canvas, not written into the page as HTML.
    tooltip: { trigger: 'axis', renderMode: 'richText', confine: true },
    legend: { top: 0, textStyle: { color: p.text } },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    animation: false,
  };
}

function axis(p: Palette, extra: Option = {}): Option {
  return { axisLabel: { color: p.text }, axisLine: { lineStyle: { color: p.muted } }, splitLine: { lineStyle: { color: p.grid } }, ...extra };
}

export function leadTimeDescription(s: LeadTimeSeries, pathName: string, label: Label): string {
  return label('desc.leadTimes', { path: pathName, total: s.total, max: s.target.max, unit: label(`unit.${s.unit}`),
    within: s.withinTarget, share: percent(s.withinTarget, s.total) });
}

/** The distribution of one path's lead times, the target range shaded. */
export function leadTimeHistogram(s: LeadTimeSeries, pathName: string, label: Label, p: Palette): Option {
  const bins = histogram(s.values);
  const categories = bins.map((b) => String(b.bin));
  const targetFrom = String(Math.max(0, s.target.min ?? 0));
  const targetTo = String(s.target.max);
  return {
    ...base(p, leadTimeDescription(s, pathName, label)),
    xAxis: axis(p, { type: 'category', data: categories, name: label(`unit.${s.unit}`), nameLocation: 'middle', nameGap: 28, nameTextStyle: { color: p.text } }),
    yAxis: axis(p, { type: 'value', minInterval: 1 }),
    series: [{
      type: 'bar', name: label('leadTimes.count'), data: bins.map((b) => b.count),
      markArea: categories.includes(targetTo) || categories.includes(targetFrom)
        ? { silent: true, itemStyle: { color: p.target, opacity: 0.15 }, label: { color: p.text, formatter: label('leadTimes.target') },
          data: [[{ xAxis: categories.includes(targetFrom) ? targetFrom : categories[0] }, { xAxis: categories.includes(targetTo) ? targetTo : categories[categories.length - 1] }]] }
        : undefined,
    }],
  };
}

/** Weekly median and 90th percentile, the target as a line. */
export function leadTimeWeekly(s: LeadTimeSeries, pathName: string, label: Label, p: Palette, day: (iso: string) => string): Option {
  return {
    ...base(p, leadTimeDescription(s, pathName, label)),
    xAxis: axis(p, { type: 'category', data: s.weekly.map((w) => day(w.week)) }),
    yAxis: axis(p, { type: 'value', name: label(`unit.${s.unit}`), nameTextStyle: { color: p.text } }),
    series: [
      { type: 'line', name: label('leadTimes.median'), data: s.weekly.map((w) => w.median), symbolSize: 6,
        markLine: { silent: true, symbol: 'none', lineStyle: { color: p.target, type: 'dashed', width: 2 },
          label: { color: p.text, position: 'insideEndTop', formatter: `${label('leadTimes.target')} ${s.target.max}` }, data: [{ yAxis: s.target.max }] } },
      { type: 'line', name: label('leadTimes.p90'), data: s.weekly.map((w) => w.p90), symbolSize: 6, lineStyle: { type: 'dotted', width: 2 } },
    ],
  };
}

export function openWorkDescription(d: ReportData, label: Label): string {
  return label('desc.openWork', { total: d.openWork.orders.length, overdue: d.openWork.orders.filter((o) => o.daysOverdue > 0).length });
}

export function openByAge(d: ReportData, label: Label, p: Palette): Option {
  const rows = d.openWork.byAge;
  return {
    ...base(p, openWorkDescription(d, label)),
    xAxis: axis(p, { type: 'category', data: rows.map((r) => r.bucket), name: label('unit.workingDays'), nameLocation: 'middle', nameGap: 28, nameTextStyle: { color: p.text } }),
    yAxis: axis(p, { type: 'value', minInterval: 1 }),
    series: [
      { type: 'bar', stack: 'age', name: label('path1.short'), data: rows.map((r) => r.path1) },
      { type: 'bar', stack: 'age', name: label('path2.short'), data: rows.map((r) => r.path2) },
    ],
  };
}

/** A single series of bars, horizontal so that long names (states, people) stay readable. */
function namedBars(names: string[], counts: number[], seriesName: string, description: string, p: Palette): Option {
  return {
    ...base(p, description),
    legend: { show: false },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: axis(p, { type: 'value', minInterval: 1 }),
    yAxis: axis(p, { type: 'category', data: names, inverse: true }),
    series: [{ type: 'bar', name: seriesName, data: counts, label: { show: true, position: 'right', color: p.text } }],
  };
}

export function openByState(d: ReportData, label: Label, p: Palette): Option {
  const rows = d.openWork.byState;
  return namedBars(rows.map((r) => label(`state.${r.state}`)), rows.map((r) => r.count), label('openWork.count'), openWorkDescription(d, label), p);
}

export function openByHolder(d: ReportData, label: Label, p: Palette): Option {
  const rows = d.openWork.byHolder;
  return namedBars(rows.map((r) => r.holder || label('openWork.notClaimed')), rows.map((r) => r.count), label('openWork.count'), openWorkDescription(d, label), p);
}

/** Renewal ordered and renewed are parts of what ends that week; the rest has nothing under way. */
export function expiringWeeks(d: ReportData, label: Label, p: Palette, day: (iso: string) => string): Option {
  const weeks = d.expiring.weeks;
  const sum = (f: (w: (typeof weeks)[number]) => number) => weeks.reduce((a, w) => a + f(w), 0);
  const description = label('desc.expiring', { ending: sum((w) => w.ending), ordered: sum((w) => w.renewalOrdered), renewed: sum((w) => w.renewed) });
  return {
    ...base(p, description),
    xAxis: axis(p, { type: 'category', data: weeks.map((w) => day(w.week)) }),
    yAxis: axis(p, { type: 'value', minInterval: 1 }),
    series: [
      { type: 'bar', stack: 'week', name: label('expiring.open'), data: weeks.map((w) => Math.max(0, w.ending - w.renewalOrdered - w.renewed)) },
      { type: 'bar', stack: 'week', name: label('expiring.renewalOrdered'), data: weeks.map((w) => w.renewalOrdered) },
      { type: 'bar', stack: 'week', name: label('expiring.renewed'), data: weeks.map((w) => w.renewed) },
    ],
  };
}

export function coverageDescription(d: ReportData, label: Label): string {
  const c = d.coverage;
  return label('desc.coverage', { cells: c.cells.length, holders: c.cells.reduce((a, x) => a + x.holders, 0),
    asked: c.reviews.reduce((a, r) => a + r.asked, 0), answered: c.reviews.reduce((a, r) => a + r.answered, 0) });
}

export function coverageHeatmap(d: ReportData, label: Label, p: Palette): Option {
  const c = d.coverage;
  const themeIndex = new Map(c.themes.map((t, i) => [t.id, i]));
  const deptIndex = new Map(c.departments.map((name, i) => [name, i]));
  const cells = c.cells.filter((x) => themeIndex.has(x.themeId) && deptIndex.has(x.department))
    .map((x) => [themeIndex.get(x.themeId), deptIndex.get(x.department), x.holders]);
  const max = Math.max(1, ...c.cells.map((x) => x.holders));
  return {
    ...base(p, coverageDescription(d, label)),
    tooltip: { trigger: 'item', renderMode: 'richText', confine: true },
    legend: { show: false },
    grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
    xAxis: axis(p, { type: 'category', data: c.themes.map((t) => t.name), axisLabel: { color: p.text, rotate: 30, width: 160, overflow: 'truncate' } }),
    yAxis: axis(p, { type: 'category', data: c.departments }),
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120,
      text: [String(max), '0'], textStyle: { color: p.text }, inRange: { color: p.heat } },
    // The count sits on light and dark cells alike: text in the theme's colour, outlined in its background.
    series: [{ type: 'heatmap', name: label('coverage.holders'), data: cells,
      label: { show: true, color: p.text, textBorderColor: p.bg, textBorderWidth: 3, fontWeight: 'bold' } }],
  };
}

export function reviewProgress(d: ReportData, label: Label, p: Palette): Option {
  const r = d.coverage.reviews;
  return {
    ...base(p, coverageDescription(d, label)),
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: axis(p, { type: 'value', minInterval: 1 }),
    yAxis: axis(p, { type: 'category', data: r.map((x) => x.department), inverse: true }),
    series: [
      { type: 'bar', stack: 'review', name: label('coverage.answered'), data: r.map((x) => x.answered) },
      { type: 'bar', stack: 'review', name: label('coverage.waiting'), data: r.map((x) => Math.max(0, x.asked - x.answered - x.overdue)) },
      { type: 'bar', stack: 'review', name: label('coverage.overdue'), data: r.map((x) => x.overdue) },
    ],
  };
}
