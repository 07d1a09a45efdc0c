export { startDynamo, type DynamoOptions, type DynamoService } from './dynamo-service.js';
export { dynamoAuthorizations, operationOf, tablesNamed, type DynamoInput } from './authorizations.js';
export { MAX_TRANSACTION_ITEMS } from './transactions.js';
