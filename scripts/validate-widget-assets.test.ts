import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveDpWebhookUrl } from '../widget/build/archive-assets.js';
import { makeTourImages, TOUR_SIZE } from '../widget/build/make-tour.js';

const manifest = JSON.parse(readFileSync(new URL('../manifest.json', import.meta.url), 'utf8'));

describe('the archive assets', () => {
  it('bakes dp.webhook_url as <PUBLIC_URL>/webhooks/dp, one static URL for every account', () => {
    expect(manifest.dp.webhook_url).toBe('{backend}/webhooks/dp');
    expect(resolveDpWebhookUrl(manifest.dp.webhook_url, 'https://erp.example.com')).toBe(
      'https://erp.example.com/webhooks/dp',
    );
    // No public origin known (a local build): the placeholder stays, to be set before upload.
    expect(resolveDpWebhookUrl(manifest.dp.webhook_url, '')).toBe('{backend}/webhooks/dp');
  });

  it('declares the Digital Pipeline action setting and the tour in every locale', () => {
    expect(manifest.dp.settings.mode).toMatchObject({ name: 'dp.mode', type: 'text' });
    expect(Object.keys(manifest.tour.tour_images)).toEqual(manifest.widget.locale);
  });

  it('draws every tour slide the manifest names, at 1188x616', () => {
    const images = makeTourImages();
    for (const path of manifest.tour.tour_images.en as string[]) {
      const png = images[path.replace('/images/', '')];
      expect(png, path).toBeDefined();
      expect([png?.readUInt32BE(16), png?.readUInt32BE(20)]).toEqual([...TOUR_SIZE]);
    }
  });
});
