import type { LocalizedText } from '../i18n/lang';

/** A mandate theme (valtuusasia): what the holder may do in one e-service. */
export interface Theme {
  /** Stable slug, e.g. "veroasioiden-hoito". */
  id: string;
  name: LocalizedText;
  /** The e-service (asiointikanava), e.g. "Kela (Kelan asiointipalvelu)". */
  eservice: string;
  description: LocalizedText;
  /** Suomi.fi theme code or link when known, else "". */
  suomiFiCode: string;
  /** True when the organisation already holds the theme (path 1); false means a DVV application (path 2). */
  heldByOrganisation: boolean;
  /** A hidden theme accepts no new orders; existing grants stay. */
  active: boolean;
}

export type ScopeType = 'department' | 'serviceArea' | 'jobTitle';
export const SCOPE_TYPES: readonly ScopeType[] = ['department', 'serviceArea', 'jobTitle'];

/** One row of the valtuuskartta (mandate map): work in this scope needs this theme, and why. */
export interface MapRow {
  scopeType: ScopeType;
  /** The department, service area or job title as written in the map (fi or sv). */
  scope: string;
  themeId: string;
  why: LocalizedText;
}

/** The whole catalog as it is imported, exported and stored: themes and map together. */
export interface CatalogSnapshot {
  themes: Theme[];
  map: MapRow[];
}
