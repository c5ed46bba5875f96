import { crc32 } from 'node:zlib';

// Fixtures for the archive validator's tests: the smallest inputs that pass its checks.

/** PNG signature + IHDR (all the validator reads; it never decodes pixels), padded to `bytes`. */
export function pngHeader(width: number, height: number, bytes = 0): Uint8Array {
  const ihdr = Buffer.alloc(17);
  ihdr.write('IHDR', 0, 'latin1');
  ihdr.writeUInt32BE(width, 4);
  ihdr.writeUInt32BE(height, 8);
  ihdr.set([8, 6, 0, 0, 0], 12); // 8-bit RGBA, no interlace
  const chunk = Buffer.alloc(25);
  chunk.writeUInt32BE(13, 0);
  ihdr.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(ihdr), 21);
  const head = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
  return new Uint8Array(Buffer.concat([head, Buffer.alloc(Math.max(0, bytes - head.length))]));
}

/** A valid manifest's `widget` section (its texts as i18n keys) in `locale`, with a support link. */
export const widgetSection = (locale: string[], supportLink: string) => ({
  name: 'widget.name',
  description: 'widget.description',
  short_description: 'widget.short_description',
  version: '1.2.3',
  interface_version: 2,
  init_once: false,
  locale,
  installation: true,
  support: { link: supportLink, email: 'support@example.com' },
});
