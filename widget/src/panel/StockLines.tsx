import type { StockLine, WarehouseStock } from '@erp-bridge/shared';
import { useState } from 'preact/hooks';
import { fill, formatDate, formatMoney, formatQty, safeUrl } from '../format.js';
import type { Messages } from '../i18n.js';
import { lineFacts, TOP_WAREHOUSES } from './line-view.js';

const LINE_STATUS = { ok: 'status_ok', short: 'status_short', unknown: 'status_unknown' } as const;

/**
 * One stacked block per product, built for amoCRM's 280 px column: name (wraps at words), SKU and
 * price, requested against free with the shortfall in the item's unit, the figures behind "free",
 * what is on the way, then the warehouses with their full names (top three, then "ещё N").
 */
export function StockLines({ lines, t, locale }: { lines: StockLine[]; t: Messages; locale: string }) {
  return (
    <ul class="erpb-lines">
      {lines.map((line) => (
        <Line key={line.elementId} line={line} t={t} locale={locale} />
      ))}
    </ul>
  );
}

function Line({ line, t, locale }: { line: StockLine; t: Messages; locale: string }) {
  const facts = lineFacts(line);
  const unit = line.unit ? ` ${line.unit}` : '';
  const qty = (n: number) => formatQty(n, locale) + unit;
  const link = safeUrl(line.link);
  const status = facts.service ? 'service' : line.status;
  return (
    <li class={`erpb-line erpb-line--${status}`} data-sku={line.sku ?? ''} data-status={status}>
      <div class="erpb-line-head">
        <span class="erpb-name">
          {link ? (
            <a class="erpb-link" href={link} target="_blank" rel="noopener noreferrer">
              {line.name}
            </a>
          ) : (
            line.name
          )}
        </span>
        {!facts.service && (
          <span class={`erpb-badge erpb-badge--${line.status}`}>{t[LINE_STATUS[line.status]]}</span>
        )}
      </div>
      <p class="erpb-sku">
        {line.sku ? fill(t.sku, { sku: line.sku }) : t.no_sku}
        {line.price && <> · {formatMoney(line.price, locale)}</>}
      </p>
      {facts.service ? (
        <p class="erpb-need">{fill(t.need_service, { requested: qty(line.requested) })}</p>
      ) : (
        <>
          <p class="erpb-need" data-need>
            {fill(t.need, {
              requested: qty(line.requested),
              free: line.freeTotal === null ? t.free_unknown : qty(line.freeTotal),
            })}
            {facts.shortfall !== null && (
              <>
                {', '}
                <b class="erpb-shortfall" data-shortfall>
                  {fill(t.shortfall, { n: qty(facts.shortfall) })}
                </b>
              </>
            )}
          </p>
          {facts.stock !== null && (
            <p class="erpb-figures">
              {fill(t.figures, {
                stock: qty(facts.stock),
                reserve: qty(facts.reserve ?? 0),
                free: line.freeTotal === null ? '?' : qty(line.freeTotal),
              })}
            </p>
          )}
          {facts.overReserved !== null && (
            <p class="erpb-note erpb-note--warn" data-over-reserved>
              {fill(t.over_reserved, { n: qty(facts.overReserved) })}
            </p>
          )}
          {line.unassignedReserve ? (
            <p class="erpb-note" data-unassigned-reserve>
              {fill(t.unassigned_reserve, { n: qty(line.unassignedReserve) })}
            </p>
          ) : null}
          {line.inTransit ? (
            <p class="erpb-note" data-in-transit>
              {fill(line.expectedAt ? t.in_transit_at : t.in_transit, {
                n: qty(line.inTransit),
                date: line.expectedAt ? formatDate(line.expectedAt, locale) : '',
              })}
            </p>
          ) : null}
          <Warehouses warehouses={facts.warehouses} t={t} qty={qty} />
        </>
      )}
    </li>
  );
}

function Warehouses(props: { warehouses: WarehouseStock[]; t: Messages; qty: (n: number) => string }) {
  const { warehouses, t, qty } = props;
  const [all, setAll] = useState(false);
  if (warehouses.length === 0) return <p class="erpb-muted">{t.no_warehouses}</p>;
  const shown = all ? warehouses : warehouses.slice(0, TOP_WAREHOUSES);
  const more = warehouses.length - TOP_WAREHOUSES;
  return (
    <>
      <ul class="erpb-wh-list" aria-label={t.warehouses}>
        {shown.map((w) => (
          <li key={w.warehouseId} class="erpb-wh" data-warehouse={w.warehouseId}>
            <span class="erpb-wh-name">{w.warehouseName}</span>
            <span class={w.free !== null && w.free > 0 ? 'erpb-wh-free' : 'erpb-wh-free erpb-wh-free--none'}>
              {w.free === null ? t.free_unknown : qty(w.free)}
            </span>
          </li>
        ))}
      </ul>
      {/* One toggle that stays where it is, so keyboard focus is not lost when the list grows. */}
      {more > 0 && (
        <button
          type="button"
          class="erpb-link erpb-more"
          aria-expanded={all ? 'true' : 'false'}
          onClick={() => setAll(!all)}
        >
          {all ? t.fewer_warehouses : fill(t.more_warehouses, { n: String(more) })}
        </button>
      )}
    </>
  );
}
