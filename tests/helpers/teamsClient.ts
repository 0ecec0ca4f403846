import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PLAYGROUND_IDS } from '../../infra/local/playgroundConfig';

/**
 * Playwright page object over the Microsoft 365 Agents Playground 0.2.28 web UI (selectors verified with
 * Debian Chromium; see TOOLCHAIN.md §4). Waits poll for elements or text; no fixed sleeps.
 *
 * DOM facts this relies on:
 * - chat: bot messages (text and cards) are `.fai-OutputCard`, oldest first;
 * - channel: each thread is a `.fui-Card[role=group]`, NEWEST THREAD FIRST; inside a thread replies are oldest
 *   first. The new-post composer is the group holding the "Post" button; every thread has its own reply box;
 * - bot authorship is marked by an avatar `[role=img][aria-label=<bot name>]` (also used in the left tree).
 */

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const COMPOSER = '[data-lexical-editor="true"][role="textbox"]';
const CARD = '.ac-adaptiveCard';
const DEFAULT_TIMEOUT = 20_000;

export interface E2EBrowser {
  context: BrowserContext;
  /** Closes Chromium and deletes its throw-away profile. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Browser time zone; Helsinki by default because date inputs shift days in non-UTC zones if mishandled. */
  timezoneId?: string;
  headless?: boolean;
}

/** Debian Chromium with a fresh profile (launchPersistentContext needs its own user-data-dir). */
export async function launchBrowser(opts: LaunchOptions = {}): Promise<E2EBrowser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'valtuusbotti-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: opts.headless ?? true,
    args: CHROMIUM_ARGS,
    timezoneId: opts.timezoneId ?? 'Europe/Helsinki',
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

type Mode = 'personal' | 'group' | 'channel';

export class TeamsClient {
  private mode: Mode = 'personal';
  /** The team and channel last opened (to open it again when its view goes blank). */
  private channelOpened: [string, string] | undefined;

  private constructor(readonly page: Page, readonly botName: string) {}

  /** Opens the playground UI in the context's first tab and waits until the conversation list is there. */
  static async open(url: string, browser: E2EBrowser | BrowserContext, botName: string = PLAYGROUND_IDS.botName): Promise<TeamsClient> {
    const context = 'context' in browser ? browser.context : browser;
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(DEFAULT_TIMEOUT);
    const client = new TeamsClient(page, botName);
    // The playground's 9 MB bundle can take longer than one step's timeout to load on a busy 2-core machine.
    await page.goto(url, { timeout: 60_000 });
    await client.waitReady();
    return client;
  }

  /** Reloads (e.g. after restarting the playground as another user); the UI history starts empty again. */
  async reload(): Promise<void> {
    await this.page.reload();
    this.mode = 'personal';
    await this.waitReady();
  }

  async openPersonalChat(): Promise<void> {
    await this.page.locator('[role="treeitem"][aria-label="Personal Chat"]').click();
    this.mode = 'personal';
    await this.page.locator('[aria-label="Send Message"]').first().waitFor();
  }

  /** The group chat (members: currentUser and users[]); as in Teams the bot only gets @mentioned messages. */
  async openGroupChat(name: string = PLAYGROUND_IDS.groupChatName): Promise<void> {
    await this.page.locator(`[role="treeitem"][aria-label=${cssString(name)}]`).click();
    this.mode = 'group';
    await this.page.locator('[aria-label="Send Message"]').first().waitFor();
  }

  async openChannel(team = PLAYGROUND_IDS.teamName as string, channel = PLAYGROUND_IDS.channelName as string): Promise<void> {
    await this.page.locator(`[role="treeitem"][aria-label=${cssString(`${team} - ${channel}`)}]`).click();
    this.mode = 'channel';
    this.channelOpened = [team, channel];
    await this.newPostComposer().getByRole('button', { name: 'Post', exact: true }).waitFor();
  }

  /** Sends a message in the personal or group chat; in the group chat it @mentions the bot unless told not to. */
  async send(text: string, opts: { mention?: boolean } = {}): Promise<void> {
    if (this.mode === 'channel') throw new Error('send() is for chats; use postInChannel() in a channel');
    const box = this.page.locator(COMPOSER).first();
    await box.click();
    if (opts.mention ?? this.mode === 'group') await this.typeMention();
    await this.page.keyboard.type(text);
    await this.page.locator('[aria-label="Send Message"]').first().click();
    await this.waitEmpty(box);
  }

  /**
   * Starts a new channel post that @mentions the bot (in channels the bot only gets mentioned posts): type "@"
   * and part of the name, pick the bot in the mention menu, then the text, then "Post".
   */
  async postInChannel(text: string): Promise<void> {
    if (this.mode !== 'channel') throw new Error('postInChannel() needs openChannel() first');
    const composer = this.newPostComposer();
    const box = composer.locator(COMPOSER);
    await box.click();
    await this.typeMention();
    await this.page.keyboard.type(text);
    await composer.getByRole('button', { name: 'Post', exact: true }).click();
    await this.waitEmpty(box);
  }

  /** The newest card: last in a chat; in a channel the last card of the newest thread that has one. */
  lastCard(): Locator {
    if (this.mode !== 'channel') return this.page.locator(CARD).last();
    return this.threads().filter({ has: this.page.locator(CARD) }).first().locator(CARD).last();
  }

  /** Waits for a card containing `text` (use text unique to the run). Newest match by the rules of lastCard(). */
  async waitForCardWithText(text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<Locator> {
    const matches = this.page.locator(CARD).filter({ hasText: text });
    const card = this.mode !== 'channel' ? matches.last() : matches.first();
    try {
      await card.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      const seen = (await this.cardTexts()).map((t) => `  - ${t.replace(/\s+/g, ' ').slice(0, 200)}`).join('\n');
      throw new Error(`No card with text ${String(text)} within ${timeoutMs} ms. Cards seen:\n${seen || '  (none)'}`);
    }
    return card;
  }

  async clickInCard(card: Locator, buttonName: string): Promise<void> {
    await card.getByRole('button', { name: buttonName, exact: true }).click();
  }

  /** Input.Text / Input.Number / multi-line: the element whose id the card's `<label for>` names. */
  async fillInput(card: Locator, label: string, value: string): Promise<void> {
    await (await this.inputFor(card, label)).fill(value);
  }

  /**
   * Input.Date is a Fluent DatePicker: filling `YYYY/MM/DD` + Enter parses it (clicking first opens the calendar,
   * which swallows the first key; `YYYY-MM-DD` is parsed as UTC and shifts the day in non-UTC zones). Escape
   * closes the calendar so it does not cover the next input.
   */
  async fillDate(card: Locator, label: string, isoDate: string): Promise<void> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`fillDate wants YYYY-MM-DD, got "${isoDate}"`);
    const input = await this.inputFor(card, label);
    await input.fill(isoDate.replace(/-/g, '/'));
    await input.press('Enter');
    await this.page.keyboard.press('Escape');
    const shown = await input.inputValue();
    if (!shown) throw new Error(`The date picker "${label}" rejected ${isoDate}`);
  }

  /** Expanded ChoiceSet: ticks the checkbox (multi-select) or radio button titled `choiceTitle`. */
  async tick(card: Locator, choiceTitle: string): Promise<void> {
    const label = cssString(choiceTitle);
    await card.locator(`input[type="checkbox"][aria-label=${label}], input[type="radio"][aria-label=${label}]`).first().check();
  }

  /** Compact ChoiceSet: opens the combobox and picks the option (its listbox is rendered outside the card). */
  async choose(card: Locator, label: string, optionTitle: string): Promise<void> {
    await (await this.inputFor(card, label)).click();
    await this.page.getByRole('listbox').getByRole('option', { name: optionTitle, exact: true }).click();
  }

  /** Visible text of every card in the current conversation. */
  async cardTexts(): Promise<string[]> {
    return this.page.locator(CARD).allInnerTexts();
  }

  /** All bot message text (plain messages and cards) in the current conversation, channel threads included. */
  async messagesText(): Promise<string> {
    if (this.mode !== 'channel') return (await this.page.locator('.fai-OutputCard').allInnerTexts()).join('\n');
    const texts = await this.threads().evaluateAll((threads, bot) => {
      const out: string[] = [];
      for (const thread of threads) {
        for (const avatar of Array.from(thread.querySelectorAll(`[role="img"][aria-label="${bot.replace(/"/g, '\\"')}"]`))) {
          const header = avatar.closest('.fui-CardHeader');
          // A post by the bot: the body follows the card header. A reply by the bot: the body follows the
          // row holding the avatar, name and time.
          const body = header ? header.nextElementSibling : avatar.parentElement?.nextElementSibling;
          const text = body instanceof HTMLElement ? body.innerText.trim() : '';
          if (text) out.push(text);
        }
      }
      return out;
    }, this.botName);
    return texts.join('\n');
  }

  /** Polls messagesText() until it matches; returns the whole text. */
  async waitForMessageText(text: string | RegExp, timeoutMs = DEFAULT_TIMEOUT): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    // The Playground's channel view sometimes goes blank after a post (the post and the bot's reply are stored;
    // the screenshot shows an empty channel): opened again, it shows them. Once, half-way.
    let reopenAt = this.mode === 'channel' ? Date.now() + timeoutMs / 2 : Infinity;
    for (;;) {
      const all = await this.messagesText();
      if (typeof text === 'string' ? all.includes(text) : text.test(all)) return all;
      if (Date.now() > deadline) throw new Error(`No bot message with ${String(text)} within ${timeoutMs} ms. Bot text:\n${all}`);
      if (Date.now() > reopenAt && this.channelOpened) {
        reopenAt = Infinity;
        await this.openChannel(...this.channelOpened);
      }
      await this.page.waitForTimeout(100);
    }
  }

  async screenshot(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file, fullPage: true });
  }

  /** Types "@" and part of the bot's name, then picks the bot in the mention menu (a real mention entity). */
  private async typeMention(): Promise<void> {
    await this.page.keyboard.type(`@${this.botName.slice(0, 6)}`);
    await this.page.locator('[role="menu"] [role="menuitem"]').filter({ hasText: this.botName }).first().click();
    await this.page.keyboard.type(' ');
  }

  private async waitReady(): Promise<void> {
    await this.page.locator('[role="treeitem"][aria-label="Personal Chat"]').waitFor();
    await this.page.locator(COMPOSER).first().waitFor();
  }

  /** Channel threads, without the new-post composer (also a role=group card). */
  private threads(): Locator {
    return this.page.locator('.fui-Card[role="group"]').filter({ hasNot: this.page.getByRole('button', { name: 'Post', exact: true }) });
  }

  private newPostComposer(): Locator {
    return this.page.locator('.fui-Card[role="group"]').filter({ has: this.page.getByRole('button', { name: 'Post', exact: true }) });
  }

  /** The card's `<label>` whose text (minus the required " *") equals `label` → the element with its `for` id. */
  private async inputFor(card: Locator, label: string): Promise<Locator> {
    await card.waitFor();
    const labels = card.locator('label[for]');
    const ids = await labels.evaluateAll((els, wanted) => els
      .filter((el) => (el.textContent ?? '').replace(/\s*\*\s*$/, '').trim() === wanted)
      .map((el) => el.getAttribute('for') ?? ''), label);
    if (ids.length === 0 || !ids[0]) {
      const all = await labels.allInnerTexts();
      throw new Error(`No input labelled "${label}" in the card (labels: ${all.map((t) => JSON.stringify(t.trim())).join(', ')})`);
    }
    return card.locator(`[id=${cssString(ids[0])}]`);
  }

  /** After sending, the editor empties; waiting for that keeps consecutive sends in order. */
  private async waitEmpty(box: Locator): Promise<void> {
    const deadline = Date.now() + DEFAULT_TIMEOUT;
    while (((await box.innerText()).trim() !== '') && Date.now() < deadline) await this.page.waitForTimeout(50);
  }
}

/** A CSS string literal (double-quoted, escaped) for attribute selectors. */
function cssString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
