// Part of the simulated Lambda runtime (bootstrap.mjs loads it first).
import { syncBuiltinESMExports } from 'node:module';
import tls from 'node:tls';

// With the stage's HTTPS edge, the SDK keeps its own endpoints (bucket.s3.region.amazonaws.com,
// dynamodb.region.amazonaws.com...): TLS connections to the stage's public names go to the edge,
// with the name kept for SNI and the Host header, and the stage's authority is trusted through
// NODE_EXTRA_CA_CERTS. Both node:https and fetch open their connections with tls.connect.
const edge = process.env.MEDIAFLOW_SIM_EDGE;
if (edge) {
  delete process.env.MEDIAFLOW_SIM_EDGE;
  const colon = edge.lastIndexOf(':');
  const edgeHost = edge.slice(0, colon);
  const edgePort = Number(edge.slice(colon + 1));
  const publicName = /(^|\.)(amazonaws\.com|amazoncognito\.com|cloudfront\.net)\.?$/i;
  const connect = tls.connect;
  tls.connect = function connectThroughEdge(...args) {
    const options = args[0];
    if (options !== null && typeof options === 'object' && !options.socket && typeof options.host === 'string' && publicName.test(options.host)) {
      args[0] = { ...options, host: edgeHost, port: edgePort, servername: options.servername || options.host };
    }
    return connect.apply(this, args);
  };
  syncBuiltinESMExports();
}
