/**
 * The marketplace tour slides (manifest `tour.tour_images`, 1188x616 PNG, 1 to 5 per locale:
 * https://developers.kommo.com/docs/manifest-json), drawn like the logos so no binary art lives in
 * git. Wordless on purpose, so one set serves every locale: a deal card with stock rows, the guard
 * moving a short deal back, an invoice request.
 */
import {
  BLUE_DARK,
  BLUE_LIGHT,
  Canvas,
  drawTile,
  gradient,
  hex,
  roundRect,
  text,
  textWidth,
} from './make-logos.js';

export const TOUR_SIZE = [1188, 616] as const;

const WHITE = hex('#ffffff');
const LINE = hex('#e4e8ec');
const INK = hex('#313942');
const OK = hex('#2e7d32');
const SHORT = hex('#c62828');
const MUTED = hex('#8b96a1');

function frame(c: Canvas): void {
  c.fill(roundRect(0, 0, c.width, c.height, 0), gradient(0, 0, c.width, c.height, BLUE_LIGHT, BLUE_DARK));
  drawTile(c, 48, 40, 72);
  c.fill(text('ERP BRIDGE', 140, 58, 5), WHITE);
}

/** A card with `rows` stock lines; `states` colours each row's badge. */
function card(c: Canvas, x: number, y: number, w: number, states: ('ok' | 'short')[]): void {
  c.fill(roundRect(x, y, w, 90 + states.length * 70, 18), WHITE);
  c.fill(roundRect(x + 32, y + 32, w * 0.45, 22, 6), INK);
  states.forEach((state, i) => {
    const ry = y + 90 + i * 70;
    c.fill(roundRect(x + 32, ry, w - 64, 2, 1), LINE);
    c.fill(roundRect(x + 32, ry + 22, w * 0.38, 16, 5), MUTED);
    c.fill(roundRect(x + w * 0.55, ry + 22, w * 0.12, 16, 5), INK);
    c.fill(roundRect(x + w - 160, ry + 16, 128, 30, 15), state === 'ok' ? OK : SHORT);
  });
}

function arrow(c: Canvas, x0: number, x1: number, y: number): void {
  c.fill(roundRect(Math.min(x0, x1), y - 5, Math.abs(x1 - x0), 10, 5), WHITE);
  const dir = Math.sign(x1 - x0);
  for (let i = 0; i < 24; i++) c.fill(roundRect(x1 - dir * i, y - 24 + i, 3, 48 - 2 * i, 1), WHITE);
}

const SLIDES: ((c: Canvas) => void)[] = [
  (c) => {
    frame(c);
    card(c, 294, 150, 600, ['ok', 'ok', 'short', 'ok']);
  },
  (c) => {
    frame(c);
    card(c, 90, 170, 420, ['ok', 'short', 'short']);
    arrow(c, 760, 560, 330);
    c.fill(roundRect(800, 210, 300, 240, 18), WHITE);
    c.fill(roundRect(840, 250, 220, 24, 6), SHORT);
    for (let i = 0; i < 4; i++) c.fill(roundRect(840, 300 + i * 34, 220 - i * 30, 14, 5), MUTED);
  },
  (c) => {
    frame(c);
    card(c, 240, 150, 460, ['ok', 'ok']);
    c.fill(roundRect(760, 230, 220, 64, 32), WHITE);
    const label = 'ERP';
    c.fill(text(label, 870 - textWidth(label, 5) / 2, 245, 5), BLUE_DARK);
    c.fill(roundRect(760, 330, 220, 150, 18), WHITE);
    for (let i = 0; i < 3; i++) c.fill(roundRect(790, 360 + i * 36, 160, 14, 5), i === 2 ? OK : MUTED);
  },
];

/** tour_1.png ... tour_N.png */
export function makeTourImages(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  SLIDES.forEach((draw, i) => {
    const canvas = new Canvas(TOUR_SIZE[0], TOUR_SIZE[1]);
    draw(canvas);
    out[`tour_${i + 1}.png`] = canvas.encode();
  });
  return out;
}
