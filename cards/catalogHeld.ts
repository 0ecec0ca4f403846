import { card, heading, text, execute, subtle, plain, type AdaptiveCard } from './card';
import { eserviceIn } from '../bot/domain/catalog';
import type { Translate, Lang } from '../bot/i18n';
import type { Theme } from '../bot/domain/catalog';

/** Administrators see and toggle whether the organisation holds each theme (path 1 vs path 2). */
export function catalogHeldCard(tr: Translate, lang: Lang, themes: Theme[], total: number, query: string, version: number, notice?: string): AdaptiveCard {
  return card([
    heading(tr('catalog.title')),
    ...(notice ? [text(notice, { color: 'Good' })] : []),
    { type: 'Input.Text', id: 'query', label: tr('catalog.search'), value: query, maxLength: 100 },
    { type: 'ActionSet', actions: [execute(tr('suggest.show'), 'catalog.held', {})] },
    ...(total > themes.length ? [subtle(tr('catalog.more', { shown: themes.length, total }))] : []),
    ...themes.map((t) => ({ type: 'ColumnSet', columns: [
      { type: 'Column', width: 'stretch', items: [text(`${plain(t.name[lang] || t.name.fi)} (${plain(eserviceIn(t, lang))})`, { size: 'Small' })] },
      { type: 'Column', width: 'auto', items: [text(t.heldByOrganisation ? tr('catalog.held') : tr('catalog.missing'), { size: 'Small', weight: 'Bolder', color: t.heldByOrganisation ? 'Good' : 'Warning' })] },
      { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [execute(tr('catalog.toggle'), 'catalog.toggleHeld', { themeId: t.id, version })] }] },
    ] })),
  ]);
}
