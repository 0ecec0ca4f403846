/**
 * DOM helpers. Every text from the data goes in through textContent (el's `text`, the table's cells): a
 * department named `<img src=x onerror=…>` is shown as those characters. Nothing here uses innerHTML.
 */
import type { ReportTable } from '../../bot/domain/reportsContract';

type Props = Partial<Record<'id' | 'className' | 'href' | 'type' | 'value' | 'name' | 'htmlFor' | 'role' | 'title', string>>;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, text?: string, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  if (text !== undefined) node.textContent = text;
  node.append(...children);
  return node;
}

/** A real table: caption, column headers with scope, the first cell of each row as its row header. */
export function tableOf(table: ReportTable, caption: string, format: (v: string | number) => string): HTMLTableElement {
  const t = el('table', { className: 'data' });
  t.append(el('caption', {}, caption));
  const headRow = el('tr');
  for (const c of table.columns) {
    const th = el('th', {}, c);
    th.scope = 'col';
    headRow.append(th);
  }
  t.append(el('thead', {}, undefined, headRow));
  const body = el('tbody');
  for (const row of table.rows) {
    const tr = el('tr');
    row.forEach((cell, i) => {
      const td = i === 0 ? el('th', {}, format(cell)) : el('td', {}, format(cell));
      if (i === 0) (td as HTMLTableCellElement).scope = 'row';
      if (typeof cell === 'number') td.className = 'num';
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(body);
  return t;
}
