export { edgeNames, issueStageCertificate, type StageCertificate } from './certificate.js';
export { PUBLIC_SUFFIXES, startEdge, type Edge, type EdgeOptions } from './edge.js';
