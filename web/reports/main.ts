/**
 * The reports tab (issue #13): connects to its host (Teams or a plain browser), reads the filters from the URL,
 * fetches `/reports/api/data` and draws the four views, each with a chart, a table of the same numbers and a CSV
 * download. A filter change updates the URL and fetches again.
 */
import { REPORT_VIEWS, type ReportData, type ReportView } from '../../bot/domain/reportsContract';
import { ApiError, downloadCsv, fetchData, filtersFrom, queryOf, type Filters } from './api';
import * as charts from './charts';
import { el, tableOf } from './dom';
import { connectHost, type Host, type Lang, type Theme } from './host';

type Labels = Record<string, string>;

/** The shell carries the page's own texts in the three languages, so even the loading and error lines are translated. */
function shellLabels(lang: Lang): Labels {
  const node = document.getElementById('reports-labels');
  try {
    const all = JSON.parse(node?.textContent ?? '{}') as Record<string, Labels>;
    return all[lang] ?? {};
  } catch {
    return {};
  }
}

function labeller(labels: Labels): charts.Label {
  return (key, params) => {
    const template = labels[`reports.page.${key}`] ?? labels[key] ?? key;
    return params ? template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)) : template;
  };
}

function palette(): charts.Palette {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return { bg: v('--bg'), text: v('--text'), muted: v('--muted'), grid: v('--grid'), target: v('--target'),
    series: [v('--series-1'), v('--series-2'), v('--series-3')], heat: [v('--heat-low'), v('--heat-high')] };
}

function applyTheme(theme: Theme): void {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

class ReportsPage {
  private labels: Labels;
  private label: charts.Label;
  private filters: Filters;
  private data: ReportData | undefined;
  private instances: Array<ReturnType<typeof charts.echarts.init>> = [];
  private readonly root = document.getElementById('app') as HTMLElement;
  private readonly status = el('p', { id: 'status', role: 'status' });
  private readonly content = el('div', { id: 'content' });
  private readonly heading = el('h1');
  private readonly notice = el('p', { className: 'notice', id: 'local-notice' });
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(private readonly host: Host, params: URLSearchParams) {
    this.labels = shellLabels(host.lang);
    this.label = labeller(this.labels);
    this.filters = filtersFrom(params);
    this.dayFormat = new Intl.DateTimeFormat(host.lang === 'en' ? 'en-GB' : `${host.lang}-FI`, { day: 'numeric', month: 'numeric', year: '2-digit', timeZone: 'UTC' });
    document.documentElement.lang = host.lang;
    applyTheme(host.theme);
    host.onThemeChange((theme) => { applyTheme(theme); this.draw(); });
    window.addEventListener('resize', () => this.instances.forEach((c) => c.resize()));
  }

  private day = (iso: string): string => {
    const d = new Date(`${iso}T00:00:00Z`);
    return Number.isNaN(d.getTime()) ? iso : this.dayFormat.format(d);
  };

  private format = (v: string | number): string => (typeof v === 'number' ? v.toLocaleString(this.host.lang === 'en' ? 'en-GB' : `${this.host.lang}-FI`) : v);

  showConfig(): void {
    document.title = this.label('title');
    this.root.replaceChildren(el('h1', {}, this.label('title')), el('p', {}, this.label('config.intro')));
    this.root.removeAttribute('aria-busy');
    const url = new URL('/reports', location.href).toString();
    this.host.offerTabConfig(url, this.label('title'));
  }

  async load(): Promise<void> {
    if (!this.data) this.draw();
    this.root.setAttribute('aria-busy', 'true');
    this.status.textContent = this.label('loading');
    this.status.className = '';
    try {
      const token = await this.host.token();
      const data = await fetchData(queryOf(this.filters, this.host.lang), token);
      this.data = data;
      // The server's texts (its column names among them) win over the shell's.
      this.labels = { ...shellLabels(this.host.lang), ...data.labels };
      this.label = labeller(this.labels);
      // What the server understood is what the filters show (it fills in the default range).
      this.filters = { from: data.filters.from, to: data.filters.to, department: data.filters.department };
      this.status.textContent = '';
      this.draw();
    } catch (err) {
      this.status.className = 'error';
      this.status.textContent = this.label(err instanceof ApiError && (err.status === 401 || err.status === 403) ? 'unauthorized' : 'error');
    } finally {
      this.root.removeAttribute('aria-busy');
    }
  }

  /** The page's frame, built once: a redraw replaces the views only, so a filter keeps the keyboard focus. */
  private frame(): void {
    document.title = this.label('title');
    this.heading.textContent = this.label('title');
    this.root.replaceChildren(el('header', {}, undefined, this.heading, this.notice), this.form, this.status, this.content);
  }

  private draw(): void {
    const d = this.data;
    this.instances.forEach((c) => c.dispose());
    this.instances = [];
    this.frame();
    this.notice.hidden = !d?.local;
    this.notice.textContent = d?.local ? this.label('local') : '';
    this.updateFilters(d);
    this.content.replaceChildren();
    if (!d) return;
    const pending: Array<[HTMLElement, charts.Option]> = [];
    for (const view of REPORT_VIEWS) this.content.append(this.section(view, d, pending));
    // ECharts takes its size from the holder, so it starts only once the holders are in the page.
    for (const [holder, option] of pending) {
      const instance = charts.echarts.init(holder, undefined, { renderer: 'canvas' });
      instance.setOption(option);
      this.instances.push(instance);
    }
  }

  private readonly fromInput = el('input', { id: 'filter-from', type: 'date' });
  private readonly toInput = el('input', { id: 'filter-to', type: 'date' });
  private readonly deptSelect = el('select', { id: 'filter-department' });
  private readonly form = this.filterForm();

  private filterForm(): HTMLFormElement {
    const changed = () => {
      this.filters = { from: this.fromInput.value || undefined, to: this.toInput.value || undefined, department: this.deptSelect.value || undefined };
      const keep = new URLSearchParams(location.search);
      for (const k of ['from', 'to', 'department']) keep.delete(k);
      for (const [k, v] of queryOf(this.filters, this.host.lang)) if (k !== 'lang') keep.set(k, v);
      history.replaceState(null, '', `${location.pathname}?${keep}`);
      void this.load();
    };
    const form = el('form', { className: 'filters', role: 'search' });
    for (const control of [this.fromInput, this.toInput, this.deptSelect]) {
      control.addEventListener('change', changed);
      form.append(el('div', { className: 'field' }, undefined, el('label', { htmlFor: control.id }), control));
    }
    form.addEventListener('submit', (e) => e.preventDefault());
    return form;
  }

  /** Labels in the current language, the departments the server offers, the values it understood. */
  private updateFilters(d: ReportData | undefined): void {
    this.form.setAttribute('aria-label', this.label('filters'));
    const keys = ['filter.from', 'filter.to', 'filter.department'];
    this.form.querySelectorAll('label').forEach((l, i) => { l.textContent = this.label(keys[i]); });
    this.fromInput.value = this.filters.from ?? '';
    this.toInput.value = this.filters.to ?? '';
    const names = d?.departments ?? [];
    this.deptSelect.replaceChildren(el('option', { value: '' }, this.label('filter.allDepartments')), ...names.map((n) => el('option', { value: n }, n)));
    this.deptSelect.value = this.filters.department ?? '';
  }

  /** A view: its heading, its toolbar (table toggle, CSV), its charts, and its table (hidden until asked for). */
  private section(view: ReportView, d: ReportData, pending: Array<[HTMLElement, charts.Option]>): HTMLElement {
    const headingId = `h-${view}`;
    const s = el('section', { id: `view-${view}`, className: 'view' }, undefined, el('h2', { id: headingId }, this.label(`heading.${view}`)));
    s.setAttribute('aria-labelledby', headingId);
    const chartsBox = el('div', { className: 'charts' });
    const tableBox = el('div', { className: 'table-box' }, undefined, tableOf(d.tables[view], this.label(`heading.${view}`), this.format));
    tableBox.hidden = true;
    const toggle = el('button', { type: 'button', className: 'toggle' }, this.label('table.show'));
    toggle.setAttribute('aria-pressed', 'false');
    toggle.addEventListener('click', () => {
      const showTable = tableBox.hidden;
      tableBox.hidden = !showTable;
      chartsBox.hidden = showTable;
      toggle.setAttribute('aria-pressed', String(showTable));
      toggle.textContent = this.label(showTable ? 'table.hide' : 'table.show');
      if (!showTable) this.instances.forEach((c) => c.resize());
    });
    const csvError = el('span', { className: 'error', role: 'status' });
    const csv = el('button', { type: 'button', className: 'csv' }, this.label('csv'));
    csv.addEventListener('click', () => {
      csvError.textContent = '';
      this.host.token().then((token) => downloadCsv(view, queryOf(this.filters, this.host.lang), token))
        .catch(() => { csvError.textContent = this.label('csvFailed'); });
    });
    s.append(el('div', { className: 'toolbar' }, undefined, toggle, csv, csvError), chartsBox, tableBox);
    this.fillCharts(view, d, (title, option, extra) => this.chart(chartsBox, pending, title, option, extra), chartsBox);
    return s;
  }

  private chart(box: HTMLElement, pending: Array<[HTMLElement, charts.Option]>, title: string, option: charts.Option, extra?: Node): void {
    const holder = el('div', { className: 'chart' });
    const figure = el('figure', {}, undefined, el('figcaption', {}, title), holder);
    // The empty axes still show what would be counted; the sentence says there is nothing yet.
    if (!charts.hasData(option)) figure.append(el('p', { className: 'empty' }, this.label('noData')));
    if (extra) figure.append(extra);
    box.append(figure);
    pending.push([holder, option]);
  }

  private fillCharts(view: ReportView, d: ReportData, chart: (title: string, option: charts.Option, extra?: Node) => void, box: HTMLElement): void {
    const L = this.label;
    const p = palette();
    if (view === 'leadTimes') {
      for (const key of ['path1', 'path2'] as const) {
        const s = d.leadTimes[key];
        const name = L(key);
        const within = el('p', { className: 'within' }, L('leadTimes.within', { within: s.withinTarget, total: s.total, share: charts.percent(s.withinTarget, s.total) }));
        chart(`${name} – ${L('leadTimes.distribution')}`, charts.leadTimeHistogram(s, name, L, p), within);
        chart(`${name} – ${L('leadTimes.weekly')}`, charts.leadTimeWeekly(s, name, L, p, this.day));
      }
    } else if (view === 'openWork') {
      chart(L('openWork.byAge'), charts.openByAge(d, L, p));
      chart(L('openWork.byState'), charts.openByState(d, L, p));
      chart(L('openWork.byHolder'), charts.openByHolder(d, L, p));
      box.append(this.orderList(d));
    } else if (view === 'expiring') {
      chart(L('expiring.weeks'), charts.expiringWeeks(d, L, p, this.day));
    } else {
      chart(L('coverage.matrix'), charts.coverageHeatmap(d, L, p));
      chart(L('coverage.reviews'), charts.reviewProgress(d, L, p));
    }
  }

  /** The open orders, overdue first (the server's order): each number links to its card in Teams when it has one. */
  private orderList(d: ReportData): HTMLElement {
    const L = this.label;
    const columns = ['col.number', 'col.path', 'col.state', 'col.age', 'col.due', 'col.overdue', 'col.holder'];
    const t = el('table', { className: 'data orders' }, undefined, el('caption', {}, L('openWork.orders')));
    const head = el('tr');
    for (const c of columns) { const th = el('th', {}, L(c)); th.scope = 'col'; head.append(th); }
    const body = el('tbody');
    for (const o of d.openWork.orders) {
      const number = el('th', {});
      number.scope = 'row';
      const safeLink = o.cardUrl && /^https:\/\//i.test(o.cardUrl) ? o.cardUrl : undefined;
      if (safeLink) {
        const a = el('a', { href: safeLink }, o.number);
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        number.append(a);
      } else number.textContent = o.number;
      const cells = [L(`path${o.path}.short`), L(`state.${o.state}`), this.format(o.ageWorkingDays), this.day(o.dueDate), this.format(o.daysOverdue), o.holder ?? ''];
      const tr = el('tr', o.daysOverdue > 0 ? { className: 'overdue' } : {}, undefined, number, ...cells.map((c) => el('td', {}, c)));
      body.append(tr);
    }
    t.append(el('thead', {}, undefined, head), body);
    const box = el('div', { className: 'table-box' }, undefined, t);
    if (!d.openWork.orders.length) box.append(el('p', { className: 'empty' }, L('noData')));
    return box;
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const host = await connectHost(params);
  const page = new ReportsPage(host, params);
  if (params.get('config') === '1') page.showConfig();
  else await page.load();
}

void main();
