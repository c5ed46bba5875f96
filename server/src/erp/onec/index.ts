export { createOneCConnector } from './connector.js';
export type { OneCConnectorInput as OneCConnectorOptions, OneCOptions } from './options.js';
