import type { Lang, LocalizedText } from '../i18n/lang';

/**
 * The valtuustyyppi chosen first in Suomi.fi when granting (Suomi.fi's own four types for organisations).
 * Most themes are granted as an asiointivaltuus; some e-services want another type (e.g. Luvat ja valvonta
 * needs an edustajan valtuutusoikeus for its authority users).
 */
export type MandateType = 'asiointivaltuus' | 'valtuutusoikeus' | 'edustamisvaltuus' | 'edustajanValtuutusoikeus';
export const MANDATE_TYPES: readonly MandateType[] = ['asiointivaltuus', 'valtuutusoikeus', 'edustamisvaltuus', 'edustajanValtuutusoikeus'];
export const DEFAULT_MANDATE_TYPE: MandateType = 'asiointivaltuus';

export function isMandateType(value: unknown): value is MandateType {
  return typeof value === 'string' && (MANDATE_TYPES as readonly string[]).includes(value);
}

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
  /** The e-service's Swedish and English names where they differ from `eservice` (Finnish); "" = the same. */
  eserviceSv?: string;
  eserviceEn?: string;
  /** The valtuustyyppi to choose in Suomi.fi; absent = asiointivaltuus (catalog versions before this field). */
  mandateType?: MandateType;
  /** The valtuuden tarkenne to give in Suomi.fi, e.g. the aliorganisaatio code "TYPO" for TE services; "" = none. */
  specifier?: string;
  /** A link to the e-service's own instructions for this mandate; "" = none. */
  instructionsUrl?: string;
}

/** The theme's e-service name in the language, falling back to the Finnish name. */
export function eserviceIn(theme: Pick<Theme, 'eservice' | 'eserviceSv' | 'eserviceEn'>, lang: Lang): string {
  const own = lang === 'sv' ? theme.eserviceSv : lang === 'en' ? theme.eserviceEn : '';
  return own || theme.eservice;
}

/** The valtuustyyppi of a theme (older catalog versions have none: asiointivaltuus). */
export function mandateTypeOf(theme: Pick<Theme, 'mandateType'> | undefined): MandateType {
  return theme?.mandateType ?? DEFAULT_MANDATE_TYPE;
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

/** The per-theme extras as read from a file, the seed or storage. */
export interface ThemeExtras {
  eserviceSv: string;
  eserviceEn: string;
  mandateType: MandateType;
  specifier: string;
  instructionsUrl: string;
}

/**
 * Only the extras that say something (not "" and not asiointivaltuus): a theme without extras stays exactly
 * the shape older catalog versions had, so old and new versions compare equal when nothing changed.
 */
export function themeExtras(x: ThemeExtras): Partial<ThemeExtras> {
  return {
    ...(x.eserviceSv ? { eserviceSv: x.eserviceSv } : {}),
    ...(x.eserviceEn ? { eserviceEn: x.eserviceEn } : {}),
    ...(x.mandateType !== DEFAULT_MANDATE_TYPE ? { mandateType: x.mandateType } : {}),
    ...(x.specifier ? { specifier: x.specifier } : {}),
    ...(x.instructionsUrl ? { instructionsUrl: x.instructionsUrl } : {}),
  };
}
