import type { Activity } from 'botbuilder';
import { normalizeInput, normalizeInputDeep } from '../domain/safeText';

/**
 * The one place typed text enters: the message text and every string in the card data are normalised
 * (bot/domain/safeText normalizeInput) before any route reads them, so every field a handler sees, stores or
 * shows is already in its boundary form.
 */
export function normalizeActivityInput(activity: Partial<Activity>): void {
  if (typeof activity.text === 'string') activity.text = normalizeInput(activity.text);
  if (activity.value && typeof activity.value === 'object') normalizeInputDeep(activity.value);
  else if (typeof activity.value === 'string') activity.value = normalizeInput(activity.value);
}
