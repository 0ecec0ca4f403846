import assert from 'node:assert/strict';
import { findHetus, hetuCheckChar, isHetuLike, normalizeHetu, redactHetus, validateHetu } from '../../bot/domain/hetu';

// Every code here is computed from a date and an individual number picked in the test, or is one of DVV's
// published test codes: no list of real-looking codes lives in the repository.
const SIGNS: Record<string, number> = { '+': 1800, '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900, A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000 };
const DASHES = ['\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\uFE63', '\uFF0D', '\u00AD'];

function code(ddmmyy: string, sign: string, individual: string): string {
  return `${ddmmyy}${sign}${individual}${hetuCheckChar(ddmmyy + individual)}`;
}

/** A code without its sign whose check character is right for its digits (a real date in every century). */
function unsigned(ddmmyy: string, individual: string): string {
  return `${ddmmyy}${individual}${hetuCheckChar(ddmmyy + individual)}`;
}

/** The same digits with a check character that is wrong for them. */
function wrongCheck(ddmmyy: string, individual: string): string {
  const right = hetuCheckChar(ddmmyy + individual);
  return `${ddmmyy}${individual}${right === '0' ? '1' : '0'}`;
}

describe('henkilötunnus written loosely (findHetus, isHetuLike, redactHetus)', () => {
  it('catches every century sign, in upper and lower case, compact or with a space on either side', () => {
    for (const sign of Object.keys(SIGNS)) {
      const c = code('150385', sign, '245');
      const variants = [c, c.toLowerCase(), `${c.slice(0, 6)} ${c.slice(6)}`, `${c.slice(0, 7)} ${c.slice(7)}`,
        `${c.slice(0, 6)} ${c[6]} ${c.slice(7)}`, `${c.slice(0, 6)}\u00A0${c.slice(6)}`];
      for (const v of variants) {
        assert.equal(isHetuLike(`Perustelu: ${v}, kiitos`), true, JSON.stringify(v));
        assert.equal(redactHetus(`Perustelu: ${v}, kiitos`), 'Perustelu: [HETU], kiitos', JSON.stringify(v));
      }
    }
  });

  it('catches a code with any Unicode dash in place of "-"', () => {
    const c = code('200798', '-', '743');
    for (const dash of DASHES) {
      const v = c.replace('-', dash);
      assert.equal(redactHetus(`tunnus ${v}.`), 'tunnus [HETU].', `U+${dash.codePointAt(0)?.toString(16)}`);
    }
  });

  it('catches DVV test codes however typed', () => {
    for (const c of ['010594Y9032', '020594X903P', '020503F9037']) {
      for (const v of [c, c.toLowerCase(), c.slice(0, 6) + c.slice(7), `${c.slice(0, 6)} ${c.slice(6)}`, c.replace(/[XYF]/, '\u2010')]) {
        assert.equal(isHetuLike(v), true, v);
      }
    }
  });

  it('catches a code without its century sign when the date is real and the check character right', () => {
    const c = unsigned('010594', '903');
    assert.equal(c, '0105949032', 'the DVV test code 010594Y9032 without its sign');
    assert.equal(redactHetus(`hetu ${c}`), 'hetu [HETU]');
    for (const [ddmmyy, individual] of [['150385', '245'], ['290200', '123'], ['311299', '002']]) {
      assert.equal(isHetuLike(unsigned(ddmmyy, individual)), true, ddmmyy + individual);
    }
  });

  it('leaves digit runs alone when the check character or the date says they are not codes (phone numbers, amounts)', () => {
    assert.equal(isHetuLike(wrongCheck('040123', '456')), false, 'a ten-digit phone number with the wrong check digit');
    assert.equal(isHetuLike(`puh. ${wrongCheck('050987', '654')}`), false);
    const notADate = '3213851234';
    assert.equal(isHetuLike(notADate), false, 'day 32 is no date, whatever the check digit');
    assert.equal(isHetuLike('040 123 4567'), false, 'grouped like a phone number, not like a code');
    assert.equal(isHetuLike('summa 1500385 euroa'), false);
    assert.equal(isHetuLike('order 20260403-0001'), false);
    assert.equal(isHetuLike(`${wrongCheck('150385', '245').slice(0, 6)} ${wrongCheck('150385', '245').slice(6)}`), false, 'a gap needs a right check character');
    assert.equal(isHetuLike('VB-2026-00042'), false);
  });

  it('a hex id whose digits happen to look like a code (glued to a letter) counts only with a right check character', () => {
    const right = code('150385', '-', '245');
    const wrong = right.slice(0, 10) + (right[10] === 'A' ? 'B' : 'A');
    assert.equal(isHetuLike(`3f${wrong}a-4abc-8def-0123456789ab`), false, 'a UUID is not a code');
    assert.equal(isHetuLike(`hetu${right}`), true, 'a real code glued to a word is still caught');
  });

  it('catches codes typed with full-width digits (folded before searching)', () => {
    const c = code('150385', 'A', '245');
    const wide = [...c].map((ch) => (/\d/.test(ch) ? String.fromCodePoint(0xff10 + Number(ch)) : ch)).join('');
    assert.equal(isHetuLike(wide), true);
    assert.ok(!/\d{6}|[\uFF10-\uFF19]{6}/.test(redactHetus(`x ${wide} y`)));
  });

  it('reports each place, so several codes in one text are all redacted', () => {
    const a = code('150385', '-', '245');
    const b = unsigned('010594', '903');
    const text = `${a} ja ${b} sekä ${code('020503', 'F', '903').toLowerCase()}`;
    assert.equal(findHetus(text).length, 3);
    assert.equal(redactHetus(text), '[HETU] ja [HETU] sekä [HETU]');
  });

  it('in the henkilötunnus field, any dash, spaces and lower case are accepted as the code they mean', () => {
    const c = code('150385', '-', '245');
    assert.equal(normalizeHetu(`${c.slice(0, 6)}\u2013${c.slice(7)}`), c);
    assert.equal(normalizeHetu(` ${c.slice(0, 6)} ${c.slice(6).toLowerCase()} `), c);
    const result = validateHetu(`${c.slice(0, 6)}\u2212${c.slice(7)}`, { today: new Date('2026-03-15T10:00:00Z'), acceptTestCodes: false });
    assert.equal(result.ok && result.value, c);
  });
});
