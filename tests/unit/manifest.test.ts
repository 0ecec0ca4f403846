import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import JSZip from 'jszip';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { buildManifest, escapeLoneBrackets, packageApp, projectRoot, validateApp, type JsonObject, type JsonValue } from '../../manifest/build';
import { colorIcon, crc32, outlineIcon, readPngSize } from '../../manifest/icons';

const APP_ID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const ENV: NodeJS.ProcessEnv = {
  MICROSOFT_APP_ID: APP_ID,
  BOT_DOMAIN: 'valtuus-bot-test.azurewebsites.net',
  ORG_NAME_FI: 'Porvoon kaupunki',
  ORG_NAME_SV: 'Borgå stad',
  ORG_NAME_EN: 'City of Porvoo',
  PRIVACY_URL: 'https://www.porvoo.fi/tietosuoja',
};

/** What the bot answers to (see bot/i18n), per language; the manifest's command lists must offer exactly these. */
const COMMANDS = {
  en: { personal: ['hello', 'order', 'my orders', 'what do I need', 'glossary', 'language'], team: ['open', 'help'] },
  fi: { personal: ['hei', 'tilaa', 'omat tilaukset', 'mitä tarvitsen', 'sanasto', 'kieli'], team: ['avoimet', 'ohje'] },
  sv: { personal: ['hej', 'beställ', 'mina beställningar', 'vad behöver jag', 'ordlista', 'språk'], team: ['öppna', 'hjälp'] },
};

function obj(value: JsonValue | undefined): JsonObject {
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), 'expected a JSON object');
  return value;
}

function arr(value: JsonValue | undefined): JsonValue[] {
  assert.ok(Array.isArray(value), 'expected a JSON array');
  return value;
}

function commandLists(manifest: JsonObject): { scopes: JsonValue[]; commands: JsonObject[] }[] {
  return arr(obj(arr(manifest.bots)[0]).commandLists).map((list) => ({
    scopes: arr(obj(list).scopes),
    commands: arr(obj(list).commands).map(obj),
  }));
}

/** The bundled localisation schema, made compilable the same way the builder does it. */
async function localizationSchema(url: string): Promise<NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>> {
  const raw = JSON.stringify(await AppManifestUtils.fetchSchema(url));
  const patched = JSON.parse(raw, (key: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && key === 'patternProperties') {
      return Object.fromEntries(Object.entries(value).map(([p, s]) => [escapeLoneBrackets(p), s]));
    }
    return value;
  }) as unknown;
  return patched as NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;
}

/** Minimal PNG reader (independent of the encoder under test): checks chunk CRCs, inflates, un-filters. */
function decodePng(buf: Buffer): { width: number; height: number; rgba: Buffer } {
  const { width, height, colorType } = readPngSize(buf);
  assert.equal(colorType, 6, 'RGBA');
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length;) {
    const length = buf.readUInt32BE(at);
    const typeAndData = buf.subarray(at + 4, at + 8 + length);
    assert.equal(buf.readUInt32BE(at + 8 + length), zlib.crc32(typeAndData), `CRC of ${typeAndData.toString('ascii', 0, 4)}`);
    if (typeAndData.toString('ascii', 0, 4) === 'IDAT') idat.push(typeAndData.subarray(4));
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  assert.equal(raw.length, (stride + 1) * height);
  const rgba = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (stride + 1)], 0, 'the encoder writes filter type 0');
    raw.copy(rgba, y * stride, y * (stride + 1) + 1, (y + 1) * (stride + 1));
  }
  return { width, height, rgba };
}

describe('Teams app manifest', () => {
  it('validates against the bundled schema of its own manifestVersion (1.24 or newer), offline', async () => {
    const { manifest } = buildManifest(ENV);
    assert.match(String(manifest.$schema), new RegExp(`/teams/v${String(manifest.manifestVersion).replace('.', '\\.')}/MicrosoftTeams\\.schema\\.json$`));
    assert.ok(Number(String(manifest.manifestVersion).split('.')[1]) >= 24, 'manifestVersion is 1.24 or newer');
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest), []);
  });

  it('works in standard channels (by default with the team scope) and in private channels, not in shared ones', async () => {
    const { manifest } = buildManifest(ENV);
    const bots = manifest.bots as Array<{ scopes: string[] }>;
    assert.ok(bots[0].scopes.includes('team'), 'team scope: standard channels');
    assert.deepEqual(manifest.supportedChannelTypes, ['privateChannels'], 'a private administrators\' channel; shared channels can hold people from other organisations');
    // The bundled schema of this version knows the property (an unknown value is refused, so the check is real).
    const wrong = { ...manifest, supportedChannelTypes: ['secretChannels'] };
    assert.notDeepEqual(await AppManifestUtils.validateAgainstSchema(wrong as unknown as AppManifest), []);
  });

  it('validates fi.json and sv.json against the bundled localisation schema of the same version', async () => {
    const { manifest, localizations } = buildManifest(ENV);
    assert.deepEqual(Object.keys(localizations).sort(), ['fi.json', 'sv.json']);
    for (const [file, localization] of Object.entries(localizations)) {
      const url = String(localization.$schema);
      assert.match(url, new RegExp(`/v${String(manifest.manifestVersion).replace('.', '\\.')}/MicrosoftTeams\\.Localization\\.schema\\.json$`), file);
      const errors = await AppManifestUtils.validateAgainstSchema(localization as unknown as AppManifest, await localizationSchema(url));
      assert.deepEqual(errors, [], file);
    }
  });

  it('declares English as the default and Finnish and Swedish as additional languages', () => {
    const { manifest } = buildManifest(ENV);
    assert.deepEqual(manifest.localizationInfo, {
      defaultLanguageTag: 'en',
      additionalLanguages: [{ languageTag: 'fi', file: 'fi.json' }, { languageTag: 'sv', file: 'sv.json' }],
    });
  });

  it('offers exactly the bot\'s English commands per scope, one command list per scope', () => {
    const lists = commandLists(buildManifest(ENV).manifest);
    assert.deepEqual(lists.map((l) => l.scopes), [['personal'], ['team']]);
    assert.deepEqual(lists[0].commands.map((c) => c.title), COMMANDS.en.personal);
    assert.deepEqual(lists[1].commands.map((c) => c.title), COMMANDS.en.team);
    for (const command of lists.flatMap((l) => l.commands)) assert.ok(typeof command.description === 'string' && command.description.length > 0);
  });

  for (const lang of ['fi', 'sv'] as const) {
    it(`translates every command title into the bot's ${lang} commands, with a description`, () => {
      const { manifest, localizations } = buildManifest(ENV);
      const loc = localizations[`${lang}.json`];
      const titles = (list: number): JsonValue[] =>
        commandLists(manifest)[list].commands.map((_c, i) => loc[`bots[0].commandLists[${list}].commands[${i}].title`]);
      assert.deepEqual(titles(0), COMMANDS[lang].personal);
      assert.deepEqual(titles(1), COMMANDS[lang].team);
      for (const [list, count] of [[0, 6], [1, 2]]) {
        for (let i = 0; i < count; i++) assert.equal(typeof loc[`bots[0].commandLists[${list}].commands[${i}].description`], 'string');
      }
    });
  }

  it('names the app Valtuusbotti in Finnish and Fullmaktsbotten in Swedish, with the organisation filled in', () => {
    const { localizations } = buildManifest(ENV);
    assert.equal(localizations['fi.json']['name.short'], 'Valtuusbotti');
    assert.equal(localizations['sv.json']['name.short'], 'Fullmaktsbotten');
    assert.match(String(localizations['sv.json']['name.full']), /Valtuusbotti/, 'the Swedish full name keeps the Finnish name findable');
    assert.match(String(localizations['fi.json']['description.full']), /Porvoon kaupunki\.$/);
    assert.match(String(localizations['sv.json']['description.full']), /Borgå stad\.$/);
  });

  it('fills the ids, the bot domain, the version and the developer from the environment', () => {
    const { manifest, localizations } = buildManifest(ENV);
    const bot = obj(arr(manifest.bots)[0]);
    assert.equal(manifest.id, APP_ID, 'TEAMS_APP_ID defaults to MICROSOFT_APP_ID');
    assert.equal(bot.botId, APP_ID);
    assert.deepEqual(bot.scopes, ['personal', 'team']);
    assert.equal(bot.supportsFiles, false);
    assert.equal(bot.isNotificationOnly, false);
    assert.deepEqual(manifest.validDomains, ['valtuus-bot-test.azurewebsites.net']);
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
    assert.equal(manifest.version, pkg.version);
    assert.deepEqual(manifest.developer, {
      name: 'City of Porvoo',
      websiteUrl: 'https://valtuus-bot-test.azurewebsites.net/',
      privacyUrl: 'https://www.porvoo.fi/tietosuoja',
      termsOfUseUrl: 'https://valtuus-bot-test.azurewebsites.net/',
    });
    assert.doesNotMatch(JSON.stringify({ manifest, localizations }), /\{\{[A-Z0-9_]+\}\}/, 'no placeholder is left');
  });

  it('offers the reports tab: personal static tab and team configurable tab on the bot domain, with Teams SSO for it (#13)', () => {
    const { manifest, localizations } = buildManifest(ENV);
    const url = 'https://valtuus-bot-test.azurewebsites.net/reports';
    assert.deepEqual(manifest.staticTabs, [{ entityId: 'reports', name: 'Reports', contentUrl: url, websiteUrl: url, scopes: ['personal'] }]);
    assert.deepEqual(manifest.configurableTabs, [{ id: 'reports', configurationUrl: `${url}?config=1`, canUpdateConfiguration: false, scopes: ['team'], context: ['channelTab'] }]);
    assert.deepEqual(manifest.webApplicationInfo, { id: APP_ID, resource: `api://valtuus-bot-test.azurewebsites.net/${APP_ID}` });
    assert.equal(localizations['fi.json']['staticTabs[0].name'], 'Raportit');
    assert.equal(localizations['sv.json']['staticTabs[0].name'], 'Rapporter');
  });

  it('serves the tab from PUBLIC_URL when it is set: its host names the SSO resource and joins validDomains', async () => {
    const app = buildManifest({ ...ENV, PUBLIC_URL: 'https://valtuusbotti.porvoo.fi/' });
    const { manifest } = app;
    assert.equal(obj(arr(manifest.staticTabs)[0]).contentUrl, 'https://valtuusbotti.porvoo.fi/reports');
    assert.equal(obj(arr(manifest.configurableTabs)[0]).configurationUrl, 'https://valtuusbotti.porvoo.fi/reports?config=1');
    assert.deepEqual(manifest.webApplicationInfo, { id: APP_ID, resource: `api://valtuusbotti.porvoo.fi/${APP_ID}` });
    assert.deepEqual(manifest.validDomains, ['valtuus-bot-test.azurewebsites.net', 'valtuusbotti.porvoo.fi']);
    assert.deepEqual(await validateApp(app), []);
  });

  it('takes TEAMS_APP_ID and APP_VERSION when they are set', () => {
    const teamsAppId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const { manifest } = buildManifest({ ...ENV, TEAMS_APP_ID: teamsAppId, APP_VERSION: '2.3.4' });
    assert.equal(manifest.id, teamsAppId);
    assert.equal(obj(arr(manifest.bots)[0]).botId, APP_ID);
    assert.equal(manifest.version, '2.3.4');
  });

  const badSettings: [string, NodeJS.ProcessEnv, RegExp][] = [
    ['a missing MICROSOFT_APP_ID', { ...ENV, MICROSOFT_APP_ID: undefined }, /MICROSOFT_APP_ID is not set/],
    ['a blank MICROSOFT_APP_ID', { ...ENV, MICROSOFT_APP_ID: '  ' }, /MICROSOFT_APP_ID is not set/],
    ['a MICROSOFT_APP_ID that is not a GUID', { ...ENV, MICROSOFT_APP_ID: 'my-bot' }, /MICROSOFT_APP_ID="my-bot" is not a GUID/],
    ['a TEAMS_APP_ID that is not a GUID', { ...ENV, TEAMS_APP_ID: '123' }, /TEAMS_APP_ID/],
    ['a missing BOT_DOMAIN', { ...ENV, BOT_DOMAIN: undefined }, /BOT_DOMAIN is not set/],
    ['a BOT_DOMAIN with a scheme', { ...ENV, BOT_DOMAIN: 'https://bot.example.fi' }, /BOT_DOMAIN=.*host name only/],
    ['a BOT_DOMAIN with a path', { ...ENV, BOT_DOMAIN: 'bot.example.fi/api/messages' }, /BOT_DOMAIN/],
    ['a wildcard BOT_DOMAIN', { ...ENV, BOT_DOMAIN: '*.azurewebsites.net' }, /BOT_DOMAIN/],
    ['an APP_VERSION that is not MAJOR.MINOR.PATCH', { ...ENV, APP_VERSION: '1.0' }, /APP_VERSION/],
    ['an http:// PRIVACY_URL', { ...ENV, PRIVACY_URL: 'http://www.porvoo.fi/' }, /PRIVACY_URL/],
    ['an http:// PUBLIC_URL', { ...ENV, PUBLIC_URL: 'http://valtuusbotti.porvoo.fi' }, /PUBLIC_URL=.*https/],
    ['a PUBLIC_URL with a path', { ...ENV, PUBLIC_URL: 'https://www.porvoo.fi/valtuusbotti' }, /PUBLIC_URL/],
    ['an organisation name over 32 characters', { ...ENV, ORG_NAME_EN: 'The Very Long Name of Some Municipality' }, /ORG_NAME_EN.*32/],
  ];
  for (const [what, env, message] of badSettings) {
    it(`refuses ${what} with a message naming the variable`, () => {
      assert.throws(() => buildManifest(env), message);
    });
  }

  it('reports a missing name through the schema validator (the validator really runs)', async () => {
    const app = buildManifest(ENV);
    delete app.manifest.name;
    const problems = await validateApp(app);
    assert.ok(problems.some((p) => /manifest\.json: .*required property 'name'/.test(p)), problems.join('\n'));
  });

  it('reports a broken localisation file (missing name.short, command title too long)', async () => {
    const app = buildManifest(ENV);
    delete app.localizations['sv.json']['name.short'];
    app.localizations['fi.json']['bots[0].commandLists[0].commands[0].title'] = 'x'.repeat(129);
    const problems = await validateApp(app);
    assert.ok(problems.some((p) => /^sv\.json: .*name\.short/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /^fi\.json: .*commands\[0\]\.title/.test(p)), problems.join('\n'));
  });

  it('escapes only the ] that closes no character class, so the pattern keeps its meaning', () => {
    const pattern = '^a\\[\\b([0-9]|1[0-2])\\b]\\.x$';
    const fixed = escapeLoneBrackets(pattern);
    assert.throws(() => new RegExp(pattern, 'u'));
    for (const text of ['a[7].x', 'a[12].x', 'a[13].x', 'a[7]x']) assert.equal(new RegExp(fixed, 'u').test(text), new RegExp(pattern).test(text), text);
  });
});

describe('Teams app package', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valtuusbotti-manifest-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('zips manifest.json, both icons and both language files at the root, and returns their names', async () => {
    const out = path.join(dir, 'nested', 'app.zip');
    const entries = await packageApp(ENV, out);
    const expected = ['color.png', 'fi.json', 'manifest.json', 'outline.png', 'sv.json'];
    assert.deepEqual([...entries].sort(), expected);
    const zip = await JSZip.loadAsync(fs.readFileSync(out));
    assert.deepEqual(Object.keys(zip.files).sort(), expected);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as JsonObject;
    assert.equal(obj(manifest.icons).color, 'color.png');
    assert.equal(obj(manifest.icons).outline, 'outline.png');
    assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest), []);
    const color = readPngSize(await zip.file('color.png')!.async('nodebuffer'));
    const outline = readPngSize(await zip.file('outline.png')!.async('nodebuffer'));
    assert.deepEqual([color.width, color.height], [192, 192]);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
  });

  it('gives the same bytes for the same settings (reproducible package)', async () => {
    await packageApp(ENV, path.join(dir, 'a.zip'));
    await packageApp(ENV, path.join(dir, 'b.zip'));
    assert.ok(fs.readFileSync(path.join(dir, 'a.zip')).equals(fs.readFileSync(path.join(dir, 'b.zip'))));
  });

  it('CLI: prints the problem and exits with status 1 on a bad setting', () => {
    // Real environment variables win over .env, so this holds whatever a developer's .env says.
    const cli = path.join(projectRoot(), 'dist', 'manifest', 'package.js');
    const run = spawnSync(process.execPath, [cli], { env: { ...process.env, ...ENV, MICROSOFT_APP_ID: 'not-a-guid' }, encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /MICROSOFT_APP_ID="not-a-guid" is not a GUID/);
    assert.equal(run.stdout, '');
  });

  it('writes nothing when a setting is wrong', async () => {
    const out = path.join(dir, 'never.zip');
    await assert.rejects(packageApp({ ...ENV, MICROSOFT_APP_ID: undefined }, out), /MICROSOFT_APP_ID/);
    assert.equal(fs.existsSync(out), false);
  });
});

describe('App icons', () => {
  it('computes the standard CRC-32 check value', () => {
    assert.equal(crc32(Buffer.from('123456789', 'ascii')), 0xcbf43926);
  });

  it('draws a 192×192 colour icon: opaque blue body, white key in the middle, transparent rounded corners', () => {
    const { width, height, rgba } = decodePng(colorIcon());
    assert.deepEqual([width, height], [192, 192]);
    const px = (x: number, y: number): number[] => [...rgba.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    assert.equal(px(0, 0)[3], 0, 'corner outside the rounded square');
    assert.deepEqual(px(96, 10), [0x0b, 0x5c, 0xad, 255], 'blue body');
    const whites = Array.from({ length: width * height }, (_v, i) => i).filter((i) => rgba[i * 4] === 255 && rgba[i * 4 + 2] === 255 && rgba[i * 4 + 3] === 255);
    assert.ok(whites.length > 1500, `the key covers enough pixels (${whites.length})`);
    for (const i of whites) {
      const [x, y] = [i % width, Math.floor(i / width)];
      assert.ok(x >= 36 && x < 156 && y >= 36 && y < 156, `white pixel ${x},${y} inside the 120 px safe area`);
    }
  });

  it('draws a 32×32 outline icon that is white on a transparent background', () => {
    const { width, height, rgba } = decodePng(outlineIcon());
    assert.deepEqual([width, height], [32, 32]);
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < width * height; i++) {
      const [r, g, b, a] = rgba.subarray(i * 4, i * 4 + 4);
      if (a > 0) assert.deepEqual([r, g, b], [255, 255, 255], `pixel ${i} is white`);
      if (a === 255) opaque++;
      if (a === 0) transparent++;
    }
    assert.ok(opaque > 100, `solid key pixels: ${opaque}`);
    assert.ok(transparent > 500, `transparent background pixels: ${transparent}`);
    assert.equal(rgba[3], 0, 'the corner is transparent');
  });

  it('rejects a buffer that is not a PNG', () => {
    assert.throws(() => readPngSize(Buffer.from('GIF89a not a png at all, really not a png')), /Not a PNG/);
  });
});
