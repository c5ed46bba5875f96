/** Header amoCRM's $authorizedAjax puts the disposable token in. */
export const AUTH_TOKEN_HEADER = 'X-Auth-Token';
