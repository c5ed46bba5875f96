/** The archive's images: the logos amoCRM requires, at their exact sizes and under the byte limit. */
import { type Add, isObject, type Json, kb } from './zip-common.js';
import { CARD_AREAS } from './zip-manifest.js';

export const IMAGE_BYTES_LIMIT = 300 * 1024;

/** Every image amoCRM knows, with its exact size. */
export const IMAGE_SIZES: Readonly<Record<string, readonly [number, number]>> = {
  'logo_main.png': [400, 272],
  'logo.png': [130, 100],
  'logo_small.png': [108, 108],
  'logo_medium.png': [240, 84],
  'logo_min.png': [84, 84],
  'logo_dp.png': [174, 109],
};

/** Width and height from a PNG's IHDR chunk, or undefined if the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return undefined;
  if (new TextDecoder().decode(bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

export function checkImages(
  manifest: Json | undefined,
  names: string[],
  files: Record<string, Uint8Array>,
  add: Add,
) {
  const locations = isObject(manifest) && Array.isArray(manifest.locations) ? manifest.locations : [];
  const required = ['logo_main.png', 'logo_small.png'];
  const usesCard = locations.some((l) => typeof l === 'string' && CARD_AREAS.includes(l.split('-')[0] ?? ''));
  if (usesCard) required.push('logo_min.png', 'logo_medium.png');
  if (locations.includes('digital_pipeline')) required.push('logo_dp.png');
  for (const image of required) {
    if (!names.includes(`images/${image}`)) add('images', `images/${image} missing`);
  }
  for (const name of names.filter((n) => n.startsWith('images/'))) {
    const bytes = files[name] ?? new Uint8Array();
    if (bytes.length > IMAGE_BYTES_LIMIT) {
      add('images', `${name} is ${kb(bytes.length)}, over ${kb(IMAGE_BYTES_LIMIT)}`);
    }
    const expected = IMAGE_SIZES[name.slice('images/'.length)];
    if (!expected) continue;
    const size = pngSize(bytes);
    if (!size) {
      add('images', `${name} is not a PNG`);
    } else if (size.width !== expected[0] || size.height !== expected[1]) {
      add('images', `${name} is ${size.width}x${size.height}, must be ${expected[0]}x${expected[1]}`);
    }
  }
}
