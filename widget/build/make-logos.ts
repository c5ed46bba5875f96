/**
 * Draws the widget's logos (the sizes amoCRM requires) with pngjs, so no binary art lives in git.
 * A rounded blue tile with an isometric box, plus a 5x7 pixel-font wordmark on the wide formats.
 * Shapes are rasterised with 4x4 supersampling for smooth edges.
 *
 * Used by the Vite build; also runnable: `tsx widget/build/make-logos.ts <outDir>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

interface Color {
  r: number;
  g: number;
  b: number;
  /** 0..1 */
  a: number;
}
type Paint = Color | ((x: number, y: number) => Color);

interface Shape {
  /** x0, y0, x1, y1 in pixels. */
  bounds: readonly [number, number, number, number];
  inside(x: number, y: number): boolean;
}

const SAMPLES = 4;

export class Canvas {
  readonly png: PNG;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height });
    this.png.data.fill(0);
  }

  fill(shape: Shape, paint: Paint): void {
    const [bx0, by0, bx1, by1] = shape.bounds;
    const x0 = Math.max(0, Math.floor(bx0));
    const y0 = Math.max(0, Math.floor(by0));
    const x1 = Math.min(this.width, Math.ceil(bx1));
    const y1 = Math.min(this.height, Math.ceil(by1));
    for (let py = y0; py < y1; py++) {
      for (let px = x0; px < x1; px++) {
        let hits = 0;
        for (let sy = 0; sy < SAMPLES; sy++) {
          for (let sx = 0; sx < SAMPLES; sx++) {
            if (shape.inside(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES)) hits++;
          }
        }
        if (hits === 0) continue;
        const color = typeof paint === 'function' ? paint(px + 0.5, py + 0.5) : paint;
        this.blend(px, py, color, (color.a * hits) / (SAMPLES * SAMPLES));
      }
    }
  }

  private blend(x: number, y: number, c: Color, alpha: number): void {
    const d = this.png.data;
    const i = (y * this.width + x) * 4;
    const da = (d[i + 3] ?? 0) / 255;
    const outA = alpha + da * (1 - alpha);
    const mix = (src: number, dst: number) => Math.round((src * alpha + dst * da * (1 - alpha)) / outA);
    d[i] = mix(c.r, d[i] ?? 0);
    d[i + 1] = mix(c.g, d[i + 1] ?? 0);
    d[i + 2] = mix(c.b, d[i + 2] ?? 0);
    d[i + 3] = Math.round(outA * 255);
  }

  encode(): Buffer {
    return PNG.sync.write(this.png, { colorType: 6 });
  }
}

export function hex(value: string, a = 1): Color {
  const n = Number.parseInt(value.slice(1), 16);
  return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255, a };
}

export function roundRect(x: number, y: number, w: number, h: number, r: number): Shape {
  return {
    bounds: [x, y, x + w, y + h],
    inside(px, py) {
      if (px < x || py < y || px > x + w || py > y + h) return false;
      const cx = Math.min(Math.max(px, x + r), x + w - r);
      const cy = Math.min(Math.max(py, y + r), y + h - r);
      return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
    },
  };
}

function polygon(points: readonly (readonly [number, number])[]): Shape {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return {
    bounds: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    inside(px, py) {
      let inside = false;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i] as readonly [number, number];
        const [xj, yj] = points[j] as readonly [number, number];
        if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    },
  };
}

export function gradient(x0: number, y0: number, x1: number, y1: number, from: Color, to: Color): Paint {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  return (x, y) => {
    const t = Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / len2));
    const lerp = (a: number, b: number) => a + (b - a) * t;
    return { r: lerp(from.r, to.r), g: lerp(from.g, to.g), b: lerp(from.b, to.b), a: lerp(from.a, to.a) };
  };
}

export const BLUE_LIGHT = hex('#2196f3');
export const BLUE_DARK = hex('#3949ab');
const INK = hex('#313942');

/** Isometric box centred on (cx, cy), `s` tall: three faces in decreasing white, with a tape band. */
function drawBox(canvas: Canvas, cx: number, cy: number, s: number): void {
  const w = s * 0.46;
  const q = s * 0.25;
  const top = cy - s * 0.5;
  canvas.fill(
    polygon([
      [cx, top],
      [cx + w, top + q],
      [cx, top + 2 * q],
      [cx - w, top + q],
    ]),
    hex('#ffffff'),
  );
  canvas.fill(
    polygon([
      [cx - w, top + q],
      [cx, top + 2 * q],
      [cx, top + 4 * q],
      [cx - w, top + 3 * q],
    ]),
    hex('#ffffff', 0.82),
  );
  canvas.fill(
    polygon([
      [cx, top + 2 * q],
      [cx + w, top + q],
      [cx + w, top + 3 * q],
      [cx, top + 4 * q],
    ]),
    hex('#ffffff', 0.6),
  );
  // Packing tape across the lid and down the front-left face.
  const t = s * 0.07;
  canvas.fill(
    polygon([
      [cx - w / 2 - t, top + q / 2 + t / 2],
      [cx + w / 2 - t, top + 1.5 * q + t / 2],
      [cx + w / 2 + t, top + 1.5 * q - t / 2],
      [cx - w / 2 + t, top + q / 2 - t / 2],
    ]),
    hex('#1e88e5', 0.35),
  );
}

/** The app tile: rounded square with a diagonal gradient and the box. */
export function drawTile(canvas: Canvas, x: number, y: number, size: number): void {
  canvas.fill(
    roundRect(x, y, size, size, size * 0.2),
    gradient(x, y, x + size, y + size, BLUE_LIGHT, BLUE_DARK),
  );
  drawBox(canvas, x + size / 2, y + size / 2 + size * 0.02, size * 0.6);
}

const GLYPHS: Record<string, readonly string[]> = {
  E: ['11111', '10000', '10000', '11110', '10000', '10000', '11111'],
  R: ['11110', '10001', '10001', '11110', '10100', '10010', '10001'],
  P: ['11110', '10001', '10001', '11110', '10000', '10000', '10000'],
  B: ['11110', '10001', '10001', '11110', '10001', '10001', '11110'],
  I: ['01110', '00100', '00100', '00100', '00100', '00100', '01110'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  G: ['01110', '10001', '10000', '10111', '10001', '10001', '01111'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
};

export function textWidth(text: string, cell: number): number {
  return (text.length * 6 - 1) * cell;
}

/** Pixel-font text as ONE shape, so touching cells merge without seams. */
export function text(value: string, x: number, y: number, cell: number): Shape {
  return {
    bounds: [x, y, x + textWidth(value, cell), y + 7 * cell],
    inside(px, py) {
      const col = Math.floor((px - x) / cell);
      const row = Math.floor((py - y) / cell);
      if (col < 0 || row < 0 || row > 6) return false;
      const glyph = GLYPHS[value[Math.floor(col / 6)] ?? ' '];
      return glyph?.[row]?.[col % 6] === '1';
    },
  };
}

const WORDMARK = 'ERP BRIDGE';

export const LOGO_SIZES = {
  'logo_main.png': [400, 272],
  'logo.png': [130, 100],
  'logo_small.png': [108, 108],
  'logo_medium.png': [240, 84],
  'logo_min.png': [84, 84],
  /** Digital Pipeline action tile; needed because digital_pipeline is a location. */
  'logo_dp.png': [174, 109],
} as const;

type LogoName = keyof typeof LOGO_SIZES;

const DRAW: Record<LogoName, (canvas: Canvas) => void> = {
  'logo_main.png': (c) => {
    c.fill(roundRect(0, 0, c.width, c.height, 0), gradient(0, 0, c.width, c.height, BLUE_LIGHT, BLUE_DARK));
    drawBox(c, c.width / 2, 100, 130);
    const cell = 4.5;
    c.fill(text(WORDMARK, (c.width - textWidth(WORDMARK, cell)) / 2, 196, cell), hex('#ffffff'));
  },
  'logo.png': (c) => drawTile(c, (c.width - 92) / 2, (c.height - 92) / 2, 92),
  'logo_small.png': (c) => drawTile(c, 0, 0, c.width),
  'logo_min.png': (c) => drawTile(c, 0, 0, c.width),
  'logo_dp.png': (c) => {
    drawTile(c, (c.width - 70) / 2, 6, 70);
    const cell = 2.2;
    c.fill(text(WORDMARK, (c.width - textWidth(WORDMARK, cell)) / 2, 86, cell), INK);
  },
  'logo_medium.png': (c) => {
    drawTile(c, 4, 4, 76);
    const cell = 2.4;
    c.fill(text(WORDMARK, 90, (c.height - 7 * cell) / 2, cell), INK);
  },
};

/** Every logo, encoded as PNG, keyed by file name. */
export function makeLogos(): Record<LogoName, Buffer> {
  const out = {} as Record<LogoName, Buffer>;
  for (const name of Object.keys(LOGO_SIZES) as LogoName[]) {
    const [width, height] = LOGO_SIZES[name];
    const canvas = new Canvas(width, height);
    DRAW[name](canvas);
    out[name] = canvas.encode();
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2] ?? 'images';
  mkdirSync(outDir, { recursive: true });
  for (const [name, png] of Object.entries(makeLogos())) writeFileSync(join(outDir, name), png);
  console.log(`logos written to ${outDir}`);
}
