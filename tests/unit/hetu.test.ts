import assert from 'node:assert/strict';
import { t } from '../../bot/i18n';
import {
  ageOn,
  hetuCheckChar,
  isHetuLike,
  maskHetu,
  normalizeHetu,
  redactHetus,
  validateHetu,
  type HetuError,
  type HetuOptions,
} from '../../bot/domain/hetu';

// Codes are computed here from dates and individual numbers we pick, or are DVV's published test codes:
// no list of real-looking codes is kept in the repository.
const TODAY = new Date('2026-03-15T10:00:00Z'); // 15 March 2026 in Helsinki
const PROD: HetuOptions = { today: TODAY, acceptTestCodes: false };
const LOCAL: HetuOptions = { today: TODAY, acceptTestCodes: true };
const DVV_TEST_CODES = ['010594Y9032', '020594X903P', '030516D9037', '020503F9037'];

/** A code with a correct check character for DDMMYY, the sign and the individual number. */
function code(ddmmyy: string, sign: string, individual: string): string {
  return `${ddmmyy}${sign}${individual}${hetuCheckChar(ddmmyy + individual)}`;
}

function errorOf(input: string, opts: HetuOptions = PROD): HetuError | 'ok' {
  const result = validateHetu(input, opts);
  return result.ok ? 'ok' : result.error;
}

describe('hetu', () => {
  describe('hetuCheckChar', () => {
    it('reproduces the check characters of DVV test codes (remainder mod 31)', () => {
      for (const c of DVV_TEST_CODES) {
        assert.equal(hetuCheckChar(c.slice(0, 6) + c.slice(7, 10)), c[10], c);
      }
    });

    it('skips G, I, O, Q and Z in the check alphabet', () => {
      // 16 → 'H' (not 'G'), 30 → 'Y'; 000000016 % 31 = 16, 000000030 % 31 = 30
      assert.equal(hetuCheckChar('000000016'), 'H');
      assert.equal(hetuCheckChar('000000030'), 'Y');
    });

    it('throws on anything but nine digits (a programming error)', () => {
      assert.throws(() => hetuCheckChar('12345678'), RangeError);
      assert.throws(() => hetuCheckChar('12345678A'), RangeError);
    });
  });

  describe('validateHetu: valid codes', () => {
    const cases: Array<{ sign: string; ddmmyy: string; year: number }> = [
      { sign: '+', ddmmyy: '150385', year: 1885 },
      { sign: '-', ddmmyy: '150385', year: 1985 },
      { sign: 'Y', ddmmyy: '280270', year: 1970 },
      { sign: 'X', ddmmyy: '311299', year: 1999 },
      { sign: 'W', ddmmyy: '010100', year: 1900 },
      { sign: 'V', ddmmyy: '300660', year: 1960 },
      { sign: 'U', ddmmyy: '120745', year: 1945 },
      { sign: 'A', ddmmyy: '010100', year: 2000 },
      { sign: 'B', ddmmyy: '150301', year: 2001 },
      { sign: 'C', ddmmyy: '311202', year: 2002 },
      { sign: 'D', ddmmyy: '290204', year: 2004 },
      { sign: 'E', ddmmyy: '010605', year: 2005 },
      { sign: 'F', ddmmyy: '140308', year: 2008 },
    ];
    for (const { sign, ddmmyy, year } of cases) {
      it(`accepts century sign '${sign}' as a birth in ${year}`, () => {
        const hetu = code(ddmmyy, sign, '245');
        const result = validateHetu(hetu, PROD);
        assert.deepEqual(result, {
          ok: true,
          value: hetu,
          birthDate: { year, month: Number(ddmmyy.slice(2, 4)), day: Number(ddmmyy.slice(0, 2)) },
          temporary: false,
        });
      });
    }

    it('normalises lower case and surrounding spaces instead of refusing them', () => {
      const hetu = code('150301', 'B', '245');
      const result = validateHetu(`  ${hetu.toLowerCase()}\t`, PROD);
      assert.equal(result.ok && result.value, hetu);
      assert.equal(normalizeHetu(' 010594y9032 '), '010594Y9032');
    });

    it('accepts individual number 002, the lowest real one', () => {
      assert.equal(errorOf(code('150385', '-', '002')), 'ok');
    });
  });

  describe('validateHetu: DVV test codes (temporary range 900–999)', () => {
    for (const c of DVV_TEST_CODES.filter((c) => c !== '030516D9037')) {
      it(`${c} is accepted as temporary in local mode and refused in production`, () => {
        const local = validateHetu(c, LOCAL);
        assert.equal(local.ok && local.temporary, true);
        assert.equal(errorOf(c, PROD), 'temporary');
      });
    }

    it('030516D9037 has a valid checksum but is a child (born 2016), so it is underage even locally', () => {
      assert.equal(hetuCheckChar('030516' + '903'), '7');
      assert.equal(errorOf('030516D9037', LOCAL), 'underage');
      assert.equal(errorOf('030516D9037', { ...LOCAL, minAgeYears: 0 }), 'ok');
    });
  });

  describe('validateHetu: refusals', () => {
    const valid = code('150385', '-', '245');
    const wrongCheck = valid.slice(0, 10) + (valid[10] === 'A' ? 'B' : 'A');
    const table: Array<{ name: string; input: string; error: HetuError }> = [
      { name: 'empty', input: '', error: 'required' },
      { name: 'only spaces', input: '   ', error: 'required' },
      { name: 'too short', input: valid.slice(0, 10), error: 'format' },
      { name: 'too long', input: valid + '1', error: 'format' },
      { name: 'no century sign (it cannot be guessed)', input: valid.slice(0, 6) + valid.slice(7), error: 'format' },
      { name: 'letter among the date digits', input: `15O385-245${valid[10]}`, error: 'format' },
      { name: 'century sign G', input: code('150385', 'G', '245'), error: 'centurySign' },
      { name: 'century sign Z', input: code('150385', 'Z', '245'), error: 'centurySign' },
      { name: 'century sign /', input: code('150385', '/', '245'), error: 'centurySign' },
      { name: 'a digit as century sign', input: code('150385', '1', '245'), error: 'centurySign' },
      { name: '29 Feb in a common year (2001)', input: code('290201', 'A', '245'), error: 'date' },
      { name: '29 Feb 1900 (not a leap year)', input: code('290200', '-', '245'), error: 'date' },
      { name: '31 April', input: code('310485', '-', '245'), error: 'date' },
      { name: 'month 13', input: code('011385', '-', '245'), error: 'date' },
      { name: 'month 00', input: code('010085', '-', '245'), error: 'date' },
      { name: 'day 00', input: code('000185', '-', '245'), error: 'date' },
      { name: 'tomorrow', input: code('160326', 'A', '245'), error: 'date' },
      { name: 'far in the future (2099)', input: code('010199', 'F', '245'), error: 'date' },
      { name: 'individual number 000', input: code('150385', '-', '000'), error: 'individualNumber' },
      { name: 'individual number 001', input: code('150385', '-', '001'), error: 'individualNumber' },
      { name: 'wrong check character', input: wrongCheck, error: 'checksum' },
    ];
    for (const { name, input, error } of table) {
      it(`refuses ${name} as '${error}'`, () => {
        assert.equal(errorOf(input), error);
      });
    }

    it('accepts 29 Feb in a leap year (2000 and 1996)', () => {
      assert.equal(errorOf(code('290200', 'A', '245')), 'ok');
      assert.equal(errorOf(code('290296', '-', '245')), 'ok');
    });
  });

  describe('validateHetu: age', () => {
    it('counts the 18th birthday itself as adult and the day before as underage', () => {
      assert.equal(errorOf(code('150308', 'A', '245')), 'ok'); // 18 today
      assert.equal(errorOf(code('160308', 'A', '245')), 'underage'); // 18 tomorrow
    });

    it('takes "today" as the Helsinki calendar date, not the UTC one', () => {
      const hetu = code('150308', 'A', '245');
      const lateOn14thUtc = new Date('2026-03-14T22:30:00Z'); // already 15 March 00:30 in Helsinki
      assert.equal(errorOf(hetu, { ...PROD, today: lateOn14thUtc }), 'ok');
      assert.equal(errorOf(hetu, { ...PROD, today: new Date('2026-03-14T21:30:00Z') }), 'underage');
    });

    it('honours minAgeYears', () => {
      assert.equal(errorOf(code('010110', 'A', '245'), { ...PROD, minAgeYears: 16 }), 'ok');
      assert.equal(errorOf(code('010110', 'A', '245'), { ...PROD, minAgeYears: 17 }), 'underage');
    });

    it('lets someone born on 29 Feb have their birthday on 28 Feb in common years', () => {
      const born = { year: 2008, month: 2, day: 29 };
      assert.equal(ageOn(born, { year: 2026, month: 2, day: 27 }), 17);
      assert.equal(ageOn(born, { year: 2026, month: 2, day: 28 }), 18);
      assert.equal(ageOn(born, { year: 2028, month: 2, day: 28 }), 19);
      assert.equal(ageOn(born, { year: 2028, month: 2, day: 29 }), 20);
    });
  });

  describe('maskHetu', () => {
    it('keeps only the birth date and century sign', () => {
      assert.equal(maskHetu('010594Y9032'), '010594Y****');
      assert.equal(maskHetu(' 010594y9032 '), '010594Y****');
    });

    it('masks everything when the input is not shaped like a code', () => {
      assert.equal(maskHetu('0105949032'), '***********');
    });
  });

  describe('isHetuLike and redactHetus', () => {
    it('finds codes in free text, any case', () => {
      assert.equal(isHetuLike('hetu on 010594y9032, kiitos'), true);
      assert.equal(isHetuLike('tilaus 123 odottaa'), false);
    });

    it('does not mistake longer numbers such as order ids for codes', () => {
      assert.equal(isHetuLike('order 20260403-0001'), false);
    });

    it('replaces every code in a sentence with [HETU]', () => {
      const other = code('150385', '-', '245');
      const text = `Myönnä valtuus henkilölle 010594Y9032 ja henkilölle ${other.toLowerCase()}.`;
      assert.equal(redactHetus(text), 'Myönnä valtuus henkilölle [HETU] ja henkilölle [HETU].');
    });

    it('leaves text without codes unchanged', () => {
      const text = 'Kela: etuustietojen katselu, tilaus 20260403-0001';
      assert.equal(redactHetus(text), text);
    });
  });
});

describe('the example henkilötunnus in the help text', () => {
  for (const lang of ['fi', 'sv', 'en'] as const) {
    it(`${lang}: passes the bot's own check (production rules), so the format help does not contradict itself`, () => {
      const message = t(lang, 'err.hetu.format');
      const example = /\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b/.exec(message)?.[0];
      assert.ok(example, `no example code in: ${message}`);
      const result = validateHetu(example, { today: new Date('2026-11-29T12:00:00Z'), acceptTestCodes: false });
      assert.equal(result.ok, true, `${example}: ${JSON.stringify(result)}`);
    });
  }
});
