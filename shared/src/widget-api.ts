/** Paths of the widget API, shared by the server's routes and the widget's client. */
export const widgetApi = {
  leadStock: (leadId: number) => `/api/v1/leads/${leadId}/stock`,
} as const;

/** Header amoCRM's $authorizedAjax puts the disposable token in. */
export const AUTH_TOKEN_HEADER = 'X-Auth-Token';
