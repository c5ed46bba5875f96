import type { RouteAnswer, StockReport } from '@erp-bridge/shared';
import { describe, expectTypeOf, it } from 'vitest';
import type { WidgetApiClient } from './api-client.js';

/** What each method of the client resolves to. */
type Answers = { [K in keyof WidgetApiClient]: Awaited<ReturnType<WidgetApiClient[K]>> };
/** The methods whose answer is `unknown` or `any` (both absorb `unknown`). */
type UntypedAnswers = { [K in keyof Answers]: unknown extends Answers[K] ? K : never }[keyof Answers];

// Checked by `pnpm typecheck` (tsconfig includes widget/src): a method typed `unknown` fails it.
describe('widget API client types', () => {
  it('gives every method an answer typed by the route table, none unknown', () => {
    expectTypeOf<UntypedAnswers>().toBeNever();
    expectTypeOf<Answers['leadStock']>().toEqualTypeOf<StockReport>();
    expectTypeOf<Answers['requestInvoice']>().toEqualTypeOf<RouteAnswer<'requestInvoice'>>();
    expectTypeOf<Answers['accountFields']>().toEqualTypeOf<RouteAnswer<'accountFields'>>();
  });
});
