/**
 * Card data → typed input. A card's data is input, not truth: only strings of bounded length, line numbers as
 * numbers, and free text with any henkilötunnus typed by mistake redacted before it is stored or shown.
 */
import { redactHetus } from '../domain/hetu';

export type CardData = Record<string, unknown>;

export const str = (v: unknown, max = 2000): string => (typeof v === 'string' ? v.trim().slice(0, max) : '');
/** A string as sent, or undefined for anything else (a forged number, object or null). */
export const optionalString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** Free text people type (questions, reasons): a henkilötunnus typed by mistake is redacted before it is stored or shown. */
export const freeText = (v: unknown, max = 2000): string => redactHetus(str(v, max));
export const isoDate = (v: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));

/** What every verb on an order card carries (cards/adminOrder verbData): the order, the version shown, maybe a line. */
export interface OrderVerbInput {
  orderId: string;
  /** The order's version the card showed: a verb on an outdated card answers "someone was faster". */
  shownVersion: string;
  /** The order line the button belongs to; undefined on order-level buttons. */
  line: number | undefined;
  /** True when the verb's own form was sent (its first click only shows the form). */
  submitted: boolean;
}

export function parseOrderVerb(data: CardData): OrderVerbInput {
  return { orderId: str(data.orderId), shownVersion: str(data.v), line: data.line === undefined ? undefined : lineNumber(data.line), submitted: Boolean(data.submit) };
}

/** A line-level service's line: a missing line is -1 (no such line), never a guess. */
export const lineAt = (input: OrderVerbInput): number => input.line ?? -1;

function lineNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number.parseInt(String(v ?? '-1'), 10);
}

/** An order verb with the one value its form asks for (question, reason, date). */
export type FormVerbInput = OrderVerbInput & { value: string };

export const parseFormVerb = (field: string) => (data: CardData): FormVerbInput => ({ ...parseOrderVerb(data), value: freeText(data[field]) });

/** The meeting time is picked with a date and a time input: "YYYY-MM-DD HH:MM" ("" when both are empty). */
export function parseMeetingVerb(data: CardData): FormVerbInput {
  const date = str(data.meetingDate, 10);
  const time = str(data.meetingTime, 5);
  return { ...parseOrderVerb(data), value: freeText(date || time ? `${date} ${time}` : '') };
}

/** The grant's validity as the administrator confirmed it in the grant guide. */
export type GrantInput = OrderVerbInput & { validFrom: string; validUntil: string };

export const parseGrant = (data: CardData): GrantInput => ({ ...parseOrderVerb(data), validFrom: str(data.validFrom, 10), validUntil: str(data.validUntil, 10) });

/** A manager's decision and its reason (required when declining). */
export type DecisionInput = OrderVerbInput & { reason: string };

export const parseDecision = (data: CardData): DecisionInput => ({ ...parseOrderVerb(data), reason: freeText(data.reason, 500) });
