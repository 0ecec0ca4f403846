/**
 * The Teams app icons, drawn from geometry so the repository holds no binary files and the icons can be
 * regenerated (and tested) anywhere: a white key on a blue rounded square (colour, 192×192) and the same
 * key in white on transparent (outline, 32×32), as Teams requires.
 */
import zlib from 'node:zlib';

/** The blue of the rounded square; the manifest's accentColor uses the same value. */
export const ICON_BLUE = { r: 0x0b, g: 0x5c, b: 0xad } as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE_RGBA = 6;
/** Samples per pixel edge: 4×4 sub-pixels give smooth edges without a rasteriser library. */
const SUPERSAMPLE = 4;

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG chunks use it). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** Encodes 8-bit RGBA pixels (row by row, 4 bytes each) as a PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  if (rgba.length !== width * height * 4) throw new RangeError('RGBA buffer does not match width × height');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = COLOR_TYPE_RGBA;
  // bytes 10–12: compression 0 (deflate), filter method 0, no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter "None": the image is tiny, smarter filters would not pay off
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Width, height and colour type from a PNG's IHDR; throws when the buffer is not a PNG. */
export function readPngSize(buf: Buffer): { width: number; height: number; colorType: number } {
  if (buf.length < 33 || !buf.subarray(0, 8).equals(PNG_SIGNATURE) || buf.toString('ascii', 12, 16) !== 'IHDR') {
    throw new Error('Not a PNG file (signature or IHDR missing)');
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colorType: buf[25] };
}

/** A point in the glyph's unit square (0..1 on both axes, y downwards). */
type Shape = (x: number, y: number) => boolean;

/**
 * The key: a ring (the bow) and a shaft with two teeth, laid out horizontally and then turned 45° so
 * the bow sits top-left. Stroke widths are wide enough to stay visible at 32 px.
 */
const key: Shape = (px, py) => {
  const turn = Math.SQRT1_2; // cos 45° = sin 45°
  const x = 0.5 + (px - 0.5) * turn + (py - 0.5) * turn;
  const y = 0.5 - (px - 0.5) * turn + (py - 0.5) * turn;
  const bow = Math.hypot(x - 0.27, y - 0.5);
  if (bow <= 0.21 && bow >= 0.1) return true;
  if (x >= 0.45 && x <= 0.93 && Math.abs(y - 0.5) <= 0.06) return true;
  if (x >= 0.69 && x <= 0.78 && y >= 0.5 && y <= 0.7) return true;
  return x >= 0.84 && x <= 0.93 && y >= 0.5 && y <= 0.66;
};

/** Fraction (0..1) of the pixel at (px, py) that `inside` covers, by supersampling. */
function coverage(px: number, py: number, inside: (x: number, y: number) => boolean): number {
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      if (inside(px + (sx + 0.5) / SUPERSAMPLE, py + (sy + 0.5) / SUPERSAMPLE)) hits++;
    }
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

function roundedSquare(size: number, radius: number): (x: number, y: number) => boolean {
  const half = size / 2;
  return (x, y) => {
    const dx = Math.max(Math.abs(x - half) - (half - radius), 0);
    const dy = Math.max(Math.abs(y - half) - (half - radius), 0);
    return dx * dx + dy * dy <= radius * radius;
  };
}

/** Maps the glyph's unit square onto a pixel box starting at `offset` with edge `extent`. */
function placed(shape: Shape, offset: number, extent: number): (x: number, y: number) => boolean {
  return (x, y) => {
    const u = (x - offset) / extent;
    const v = (y - offset) / extent;
    return u >= 0 && u <= 1 && v >= 0 && v <= 1 && shape(u, v);
  };
}

/** 192×192 full-colour icon; the key stays inside Teams' central 120 px safe area. */
export function colorIcon(): Buffer {
  const size = 192;
  const square = roundedSquare(size, 40);
  const glyph = placed(key, 36, 120);
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const white = coverage(x, y, glyph);
      const i = (y * size + x) * 4;
      rgba[i] = Math.round(ICON_BLUE.r + (255 - ICON_BLUE.r) * white);
      rgba[i + 1] = Math.round(ICON_BLUE.g + (255 - ICON_BLUE.g) * white);
      rgba[i + 2] = Math.round(ICON_BLUE.b + (255 - ICON_BLUE.b) * white);
      rgba[i + 3] = Math.round(255 * coverage(x, y, square));
    }
  }
  return encodePng(size, size, rgba);
}

/** 32×32 outline icon: white only, the background fully transparent (Teams rejects other colours). */
export function outlineIcon(): Buffer {
  const size = 32;
  const glyph = placed(key, 1, 30);
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      rgba[i] = rgba[i + 1] = rgba[i + 2] = 255;
      rgba[i + 3] = Math.round(255 * coverage(x, y, glyph));
    }
  }
  return encodePng(size, size, rgba);
}
