/**
 * The order (tilaus). Pure: no I/O. An order asks for one or more mandate themes for one employee; each line
 * follows its own service path (existing theme → grant; missing → DVV application first). Which step moves a
 * status or a stage where, and how an order closes, is the lifecycle's transition table (lifecycle.ts).
 */
import type { IsoDate, } from './workdays';
import type { ServicePath } from './paths';
import type { Lang, LocalizedText } from '../i18n/lang';
import { isLineDone } from './lifecycle';

export type OrderStatus =
  | 'awaitingApproval' // manager approval is on and the manager has not decided
  | 'open'             // with the administrators
  | 'waitingForInfo'   // an administrator asked the requester a question
  | 'completed'        // every line granted (or refused by DVV with the rest granted)
  | 'rejected'         // an administrator rejected it
  | 'declined'         // the manager declined it
  | 'cancelled';       // the requester cancelled it

/** Where one line stands. Path 1 starts at toGrant, path 2 at review (initialStage); the moves are in lifecycle.ts. */
export type LineStage =
  | 'review' | 'applicationPrepared' | 'signed' | 'sentToDvv'
  | 'toGrant' | 'granted' | 'dvvRefused' | 'closed';

export interface OrderLine {
  /** Catalog theme id, or null for a theme the requester described (not in the catalog). */
  themeId: string | null;
  /** The theme's Finnish name at order time (the exact name to pick in Suomi.fi) or the described name. */
  themeName: string;
  eservice: string;
  /** The theme's and e-service's names in every language at order time (absent on older orders and described themes). */
  names?: LocalizedText;
  eservices?: LocalizedText;
  path: ServicePath;
  stage: LineStage;
  due: IsoDate;
  earliest: IsoDate;
  /**
   * A renewal: the register entry this line continues (Suomi.fi cannot extend a mandate; the new one starts on the
   * old one's last day). Absent on ordinary lines and on orders made before renewals.
   */
  continuationOf?: { validFrom: IsoDate; validUntil: IsoDate };
  /** The start proposed for the line's mandate (a continuation: the old entry's last day). */
  proposedStart?: IsoDate;
  grantedFrom?: IsoDate;
  grantedUntil?: IsoDate;
  grantedBy?: string;
  /** When the administrator confirmed the grant (ISO instant): the end of the line's lead time. Absent on older lines. */
  grantedAt?: string;
  refusalReason?: string;
}

/** The person the mandate is for, as the directory knew them when the order was made. */
export interface OrderSubject {
  id: string;
  givenName: string;
  surname: string;
  department: string;
  serviceArea: string;
  jobTitle: string;
  mail: string;
}

export interface Order {
  id: string;
  /** Readable number, e.g. VB-2026-00042. */
  number: string;
  requesterId: string;
  requesterMail: string;
  subject: OrderSubject;
  managerId: string | null;
  justification: string;
  validUntil: IsoDate;
  lines: OrderLine[];
  status: OrderStatus;
  /** The administrator who claimed the order, if any. */
  assigneeId: string | null;
  assigneeName: string | null;
  /** An open question to the requester. */
  question: string | null;
  createdAt: string;
  updatedAt: string;
  /** The encrypted henkilötunnus, or null once destroyed. */
  hetuCipher: string | null;
  /** The masked henkilötunnus, e.g. 010594Y**** (safe to show to the requester). */
  hetuMasked: string;
  closedReason: string | null;
  /** Where the order's card sits in the administrators' channel, once posted. */
  adminCard: { conversationId: string; activityId: string } | null;
  /** Recipients the notifier could not reach (403: blocked or uninstalled), shown on the admin card. */
  unreachable: string[];
  /** Administrators who processed this order although it is their own (allowed self-processing), shown on the card. */
  selfProcessedBy?: string[];
  /** The due date for which the overdue reminder was already sent (so it is sent once). */
  overdueRemindedFor?: string;
}

/** The line's theme name in the reader's language (the Finnish name when no other is known). */
export function lineName(line: Pick<OrderLine, 'themeName' | 'names'>, lang: Lang): string {
  return line.names?.[lang] || line.themeName;
}

/** The line's e-service name in the reader's language. */
export function lineEservice(line: Pick<OrderLine, 'eservice' | 'eservices'>, lang: Lang): string {
  return line.eservices?.[lang] || line.eservice;
}

/** The order number: prefix, year and a zero-padded sequence (sequence numbers are unique, gaps are possible). */
export function formatOrderNumber(year: number, sequence: number): string {
  return `VB-${year}-${String(sequence).padStart(5, '0')}`;
}

export function parseOrderNumber(text: string): { year: number; sequence: number } | undefined {
  const m = /^\s*VB-(\d{4})-(\d{1,7})\s*$/i.exec(text);
  return m ? { year: Number(m[1]), sequence: Number(m[2]) } : undefined;
}

/** The first stage of a new line on its path. */
export function initialStage(path: ServicePath): LineStage {
  return path === 'existing' ? 'toGrant' : 'review';
}

/** The latest due date over the order's open lines (what the admin card shows). */
export function orderDue(order: Pick<Order, 'lines'>): IsoDate {
  const open = order.lines.filter((l) => !isLineDone(l));
  const lines = open.length ? open : order.lines;
  return lines.map((l) => l.due).sort().at(-1) ?? '';
}
