/**
 * What the register's outbox messages say: a register task's channel card and thread replies, personal messages
 * about a task, and a person's notices about their own entries (renewal reminders, "your mandate ended"). Rendered
 * at delivery, in the recipient's language, from the task as it is then (a notice carries its own facts).
 */
import type { OutboxMessage, OutboxSubject } from '../domain/outbox';
import type { RegisterTask } from '../domain/registerTask';
import { translator, formatDate, type Lang, type MessageKey } from '../i18n';
import { plainText } from '../domain/safeText';
import { displayName, recipientLang, type PresenterDeps } from './people';
import type { Delivery } from './notifications';
import { taskCard, taskActionCard, type TaskView } from '../../cards/registerTask';
import { renewalReminderCard } from '../../cards/renewalReminder';

type RegisterMessage = Extract<OutboxMessage, { kind: 'taskCard' | 'taskThread' | 'taskPersonal' | 'taskActionCard' | 'notice' }>;

export function isRegisterMessage(m: OutboxMessage): m is RegisterMessage {
  return m.kind === 'taskCard' || m.kind === 'taskThread' || m.kind === 'taskPersonal' || m.kind === 'taskActionCard' || m.kind === 'notice';
}

export async function renderRegisterMessage(deps: PresenterDeps, m: RegisterMessage, subject: OutboxSubject): Promise<Delivery> {
  if (m.kind === 'notice') {
    const lang = await recipientLang(deps, m.recipientId);
    const tr = translator(lang);
    const f = m.facts;
    // The holder's reminder is a card with the one-click renewal; the manager's and "ended" are text.
    if (m.event === 'renewalReminder') {
      return { to: 'personal', userId: m.recipientId, message: { card: renewalReminderCard(tr, lang, { themeId: f.themeId, themeName: f.themeName,
        validFrom: f.validFrom, validUntil: f.validUntil, daysLeft: f.daysLeft ?? f.leadDays ?? 0 }) } };
    }
    const holder = f.holderId ? plainText(await displayName(deps.directory, f.holderId)) : '';
    const text = tr(`notice.${m.event}` as MessageKey, {
      theme: plainText(f.themeName), until: formatDate(lang, f.validUntil), from: formatDate(lang, f.validFrom),
      days: f.daysLeft ?? f.leadDays ?? '', holder,
    });
    return { to: 'personal', userId: m.recipientId, message: { text } };
  }
  if (subject.kind !== 'task') return { to: 'nobody' };
  const task = subject.task;
  switch (m.kind) {
    case 'taskCard':
      return { to: 'channelCard', message: { card: taskCard(translator(deps.adminLang), deps.adminLang, await taskView(deps, task)) } };
    case 'taskThread': {
      const tr = translator(deps.adminLang);
      return { to: 'thread', message: { text: tr(`task.thread.${m.event}` as MessageKey, await taskParams(deps, task, deps.adminLang, m.actorId, m.text)) } };
    }
    case 'taskPersonal': {
      const lang = await recipientLang(deps, m.recipientId);
      return { to: 'personal', userId: m.recipientId, message: { text: translator(lang)(`task.notify.${m.event}` as MessageKey, await taskParams(deps, task, lang, m.actorId, m.text)) } };
    }
    case 'taskActionCard': {
      if (task.status !== 'open') return { to: 'nobody' };
      const lang = await recipientLang(deps, m.recipientId);
      return { to: 'personal', userId: m.recipientId, message: { card: taskActionCard(translator(lang), lang, await taskView(deps, task)) } };
    }
  }
}

export async function taskView(deps: PresenterDeps, task: RegisterTask): Promise<TaskView> {
  return {
    task,
    personName: plainText(task.personName),
    department: plainText(task.department),
    managerName: plainText(await displayName(deps.directory, task.managerId)),
    doneByName: plainText(await displayName(deps.directory, task.doneBy)),
    unreachableNames: await Promise.all(task.unreachable.map(async (id) => plainText(await displayName(deps.directory, id)))),
  };
}

async function taskParams(deps: PresenterDeps, task: RegisterTask, lang: Lang, actorId: string | undefined, text: string | undefined) {
  return {
    person: plainText(task.personName),
    department: plainText(task.department),
    actor: plainText(await displayName(deps.directory, actorId)),
    themes: task.entries.map((e) => plainText(e.themeName)).join(', '),
    count: task.entries.length,
    due: formatDate(lang, task.dueOn),
    text: text && /^\d{4}-\d{2}-\d{2}$/.test(text) ? formatDate(lang, text) : plainText(text ?? ''),
  };
}
