// The policy shape and its matching live in the domain, shared by every bus implementation.
export { matchesPolicy, type FilterPolicy } from '@mediaflow/domain';
