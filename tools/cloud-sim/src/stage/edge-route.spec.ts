import { edgeRoute } from './edge-route.js';

const GATEWAY = 'http://127.0.0.1:4000';
const ISSUER = 'http://127.0.0.1:4001';
const SITE = 'http://127.0.0.1:4002';
const hosts = { 'cognito-idp.us-east-1.amazonaws.com': ISSUER, 'd111.cloudfront.net': SITE };

describe('the stage edge\u2019s routing', () => {
  const route = edgeRoute(hosts, GATEWAY);

  it('sends Cognito\u2019s JSON API to the gateway and the rest of the pool\u2019s host to the issuer', () => {
    expect(route('cognito-idp.us-east-1.amazonaws.com', { 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminDeleteUser' })).toBe(GATEWAY);
    expect(route('cognito-idp.us-east-1.amazonaws.com', {})).toBe(ISSUER);
  });

  it('sends the names the stage serves to their parts, other AWS names to the gateway, and nothing else anywhere', () => {
    expect(route('d111.cloudfront.net', { 'x-amz-target': 'anything' })).toBe(SITE);
    expect(route('dynamodb.us-east-1.amazonaws.com', { 'x-amz-target': 'DynamoDB_20120810.GetItem' })).toBe(GATEWAY);
    expect(route('example.com', {})).toBeUndefined();
  });
});
