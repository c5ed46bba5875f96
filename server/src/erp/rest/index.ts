export { createRestConnector, type RestConnectorOptions } from './connector.js';
export {
  loadRestMapping,
  parseRestMapping,
  type RestMapping,
  RestMappingError,
  type RestMappingInput,
  RestMappingSchema,
} from './mapping.js';
