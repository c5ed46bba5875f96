import { z } from 'zod';
import { loopBlocks } from './loop-mapping-schema.js';
import { Field, list, Path, Request, single, Template, TimeZone } from './mapping-parts.js';

export type { FieldSpec, RequestSpec } from './mapping-parts.js';

/**
 * The declarative description of a REST ERP: where each operation's request goes and where in the
 * answer each figure lives. Written by an integrator as JSON (REST_MAPPING = a file path or the
 * JSON itself), validated here once at load, so a bad mapping fails at start with the JSON path of
 * the problem instead of producing wrong numbers later. docs/rest-mapping.md explains every field.
 */

const Batch = {
  /** true: one request carries every SKU ({skus}); false: one request per SKU ({sku}). */
  batch: z.boolean().default(true),
  /** Most SKUs in one batched request; longer lists are split. */
  batchSize: z.number().int().positive().default(100),
};

const CustomerFields = {
  id: Field,
  name: Field,
  inn: Field.optional(),
  /** One path, or several (mobile and landline): any of them matches a phone query. */
  phone: z.union([Field, z.array(Field).min(1)]).optional(),
  email: Field.optional(),
};

const DocumentFields = {
  id: Field,
  number: Field,
  date: Field,
  sum: Field,
  status: Field.optional(),
  currency: Field.optional(),
};

const Documents = z.strictObject({ request: Request, response: list(DocumentFields) });

const InvoiceFields = { id: Field, number: Field, sum: Field, created: Field, currency: Field.optional() };

const Auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }),
  z.strictObject({ type: z.literal('header'), name: z.string().min(1), value: z.string().min(1) }),
  z.strictObject({ type: z.literal('basic'), user: z.string(), password: z.string() }),
]);

export const RestMappingSchema = z
  .strictObject({
    $schema: z.string().optional(),
    /** A label for logs and errors ("erpnext", "odoo", "our-erp"). */
    name: z.string().default('rest'),
    baseUrl: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }),
    auth: Auth.default({ type: 'none' }),
    /** Sent with every request (Accept, a tenant header...). */
    headers: z.record(z.string(), z.string()).optional(),
    /** Currency of every amount unless a record's own currency field says otherwise. */
    currency: z.string().length(3).default('RUB'),
    /** Time zone of date-times written without an offset. */
    timeZone: TimeZone.default('UTC'),
    /** Messages the ERP puts in error bodies, tried in order (built-in guesses follow). */
    errorMessagePaths: z.array(Path).optional(),

    items: z.strictObject({
      request: Request,
      ...Batch,
      response: list({
        sku: Field,
        id: Field,
        name: Field,
        price: Field.optional(),
        currency: Field.optional(),
      }),
      /**
       * An item is a service (no stock: never unknown, never short) when the value at `path` in its
       * record is one of `values`: ERPNext `is_stock_item` 0, Odoo `type` "service".
       */
      service: z
        .strictObject({ path: Path, values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) })
        .optional(),
    }),

    stock: z
      .strictObject({
        request: Request,
        ...Batch,
        /**
         * 'sku': records carry the SKU. 'itemId': records carry the ERP's item id (Odoo quants);
         * SKUs are resolved through `items` first and {itemIds} / {itemId} are available.
         */
        keyBy: z.enum(['sku', 'itemId']).default('sku'),
        response: list({
          sku: Field.optional(),
          itemId: Field.optional(),
          warehouseId: Field,
          /** Omitted: names come from the `warehouses` operation, joined on warehouseId. */
          warehouseName: Field.optional(),
          /** Free quantity as the ERP reports it... */
          quantity: Field.optional(),
          /** ...or on hand minus reserve. */
          onHand: Field.optional(),
          reserve: Field.optional(),
          name: Field.optional(),
          price: Field.optional(),
        }),
      })
      .superRefine((s, ctx) => {
        const f = s.response.fields;
        const at = (key: string) => ['response', 'fields', key];
        if (s.keyBy === 'sku' && !f.sku)
          ctx.addIssue({ code: 'custom', path: at('sku'), message: 'required when keyBy is "sku"' });
        if (s.keyBy === 'itemId' && !f.itemId)
          ctx.addIssue({ code: 'custom', path: at('itemId'), message: 'required when keyBy is "itemId"' });
        if (!f.quantity === !f.onHand)
          ctx.addIssue({
            code: 'custom',
            path: at('quantity'),
            message: 'map exactly one of "quantity" or "onHand"',
          });
        if (f.reserve && !f.onHand)
          ctx.addIssue({ code: 'custom', path: at('reserve'), message: '"reserve" needs "onHand"' });
      }),

    warehouses: z.strictObject({ request: Request, response: list({ id: Field, name: Field }) }),

    customers: z.strictObject({
      /** One request per kind of identifier; a query with several identifiers unites the matches. */
      requests: z
        .strictObject({ inn: Request.optional(), email: Request.optional(), phone: Request.optional() })
        .refine((r) => r.inn || r.email || r.phone, 'map at least one of inn, email, phone'),
      /**
       * 'client': the phone request returns candidates (narrowed as the ERP can, e.g. with
       * {phone|likeDigits:7}) and the connector keeps those whose phone has the same last 10 digits.
       */
      phoneMatch: z.enum(['server', 'client']).default('client'),
      response: list(CustomerFields),
    }),

    customerSummary: z.strictObject({
      customer: z.strictObject({ request: Request, response: single(CustomerFields) }),
      /**
       * receivable = what the customer owes us, payable = what we owe the customer (a prepayment);
       * balance = payable - receivable. Without a request, the paths read the customer record.
       */
      balance: z
        .strictObject({
          request: Request.optional(),
          response: single({ receivable: Field.optional(), payable: Field.optional() }).refine(
            (r) => r.fields.receivable || r.fields.payable,
            'map receivable, payable or both',
          ),
        })
        .optional(),
      orders: Documents.optional(),
      invoices: Documents.optional(),
      /** Where a person opens the customer in the ERP ({baseUrl}, {customerId}). */
      link: Template.optional(),
    }),

    createInvoice: z.strictObject({
      /**
       * 'lookup': search by the key first and return what is found (the key must be stored in the
       * invoice, by the create body). 'header': the ERP deduplicates by a request header.
       */
      idempotency: z.discriminatedUnion('type', [
        z.strictObject({ type: z.literal('lookup'), request: Request, response: list(InvoiceFields) }),
        z.strictObject({ type: z.literal('header'), name: z.string().min(1) }),
      ]),
      /** Resolve every SKU through `items` first: unknown SKUs are refused before anything is sent. */
      resolveItems: z.boolean().default(true),
      /** JSON template of one position ({sku}, {quantity}, {price}, {itemId}, {name}); the list is {positions}. */
      position: z.unknown().refine((v) => v !== undefined, 'required: the JSON template of one position'),
      request: Request,
      /** Where the created invoice (or just its id) is in the create answer. */
      response: z.strictObject({
        record: Path.default(''),
        fields: z.strictObject({
          id: Field,
          number: Field.optional(),
          sum: Field.optional(),
          created: Field.optional(),
          currency: Field.optional(),
        }),
      }),
      /** Requests sent after creation with {invoiceId} (Odoo: action_post). */
      afterCreate: z.array(Request).optional(),
      /** Re-read the invoice by {invoiceId} when the create answer lacks number, sum or date. */
      fetch: z.strictObject({ request: Request, response: single(InvoiceFields) }).optional(),
      link: Template.optional(),
    }),

    health: z.strictObject({ request: Request }),

    /** Optional: invoice status, orders with a reserve (issue 15; loop-mapping-schema.ts). */
    ...loopBlocks(),
  })
  .refine((m) => !m.releaseOrder || m.createOrder, {
    message: 'releaseOrder needs createOrder (its fetch and states read the order)',
    path: ['releaseOrder'],
  });

export type RestMapping = z.infer<typeof RestMappingSchema>;
/** The JSON an integrator writes (defaults not yet applied). */
export type RestMappingInput = z.input<typeof RestMappingSchema>;
