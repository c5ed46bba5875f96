export { createMoySkladConnector, externalCodeFor, type MoySkladConnectorOptions } from './connector.js';
export { MoySkladError } from './http.js';
