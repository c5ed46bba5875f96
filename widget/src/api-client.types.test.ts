import type { JournalPage, RouteAnswer, StockReport } from '@erp-bridge/shared';
import { describe, expectTypeOf, it } from 'vitest';
import type { WidgetApiClient } from './api-client.js';
import type { OperatorApi } from './settings/operator-api.js';

/** What each method of a client resolves to. */
type Answers<C> = { [K in keyof C]: C[K] extends (...args: never[]) => Promise<infer A> ? A : never };
/** The methods whose answer is `unknown` or `any` (both absorb `unknown`). */
type UntypedAnswers<C> = { [K in keyof C]: unknown extends Answers<C>[K] ? K : never }[keyof C];

// Checked by `pnpm typecheck` (tsconfig includes widget/src): a method typed `unknown` fails it.
describe('widget API client types', () => {
  it('gives every method an answer typed by the route table, none unknown', () => {
    expectTypeOf<UntypedAnswers<WidgetApiClient>>().toBeNever();
    expectTypeOf<Answers<WidgetApiClient>['leadStock']>().toEqualTypeOf<StockReport>();
    expectTypeOf<Answers<WidgetApiClient>['requestInvoice']>().toEqualTypeOf<RouteAnswer<'requestInvoice'>>();
    expectTypeOf<Answers<WidgetApiClient>['accountFields']>().toEqualTypeOf<RouteAnswer<'accountFields'>>();
  });

  it("types the operator client's answers from the route table too", () => {
    expectTypeOf<UntypedAnswers<OperatorApi>>().toBeNever();
    expectTypeOf<Answers<OperatorApi>['journal']>().toEqualTypeOf<JournalPage>();
  });
});
