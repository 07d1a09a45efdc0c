import { Arn, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { AaaaRecord, ARecord, HostedZone, RecordTarget, type IHostedZone } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';

/** A custom domain for the site: its Route 53 zone and, outside us-east-1, its certificate. */
export interface DeliveryDomain {
  /** The site's host name, e.g. `media.example.com`; it must lie in {@link zoneName}. */
  readonly domainName: string;
  readonly hostedZoneId: string;
  readonly zoneName: string;
  /**
   * ACM certificate covering {@link domainName}. CloudFront only uses certificates from us-east-1;
   * without one, a DNS-validated certificate is created, which CloudFormation can only do when this
   * stack itself is deployed to us-east-1.
   */
  readonly certificateArn?: string;
}

/**
 * The certificate CloudFront presents for the domain, created in `scope` (the distribution's
 * construct, where its logical ID has always been): the given us-east-1 one, or a new
 * DNS-validated one where CloudFormation can create it.
 *
 * @throws Error for a certificate outside us-east-1, or when one would have to be created outside it.
 */
export function domainCertificate(scope: Construct, domain: DeliveryDomain): ICertificate {
  if (domain.certificateArn !== undefined) {
    const arn = domain.certificateArn;
    if (!Token.isUnresolved(arn)) {
      const region = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME).region;
      if (region !== 'us-east-1') throw new Error(`MediaDelivery: CloudFront only uses ACM certificates from us-east-1, but ${arn} is in ${region}`);
    }
    return Certificate.fromCertificateArn(scope, 'Certificate', arn);
  }
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region) || region !== 'us-east-1') {
    const where = Token.isUnresolved(region) ? 'a region decided at deploy time' : region;
    throw new Error(
      `MediaDelivery: ${domain.domainName} needs an ACM certificate in us-east-1, and this stack is in ${where}; ` +
        'create one there and pass its ARN as domain.certificateArn',
    );
  }
  return new Certificate(scope, 'Certificate', {
    domainName: domain.domainName,
    validation: CertificateValidation.fromDns(hostedZone(scope, domain)),
  });
}

/** IPv4 and IPv6 alias records, so both halves of the dual-stack distribution are reachable by name. */
export function domainAliasRecords(scope: Construct, domain: DeliveryDomain, distribution: IDistribution): void {
  const zone = hostedZone(scope, domain);
  const target = RecordTarget.fromAlias(new CloudFrontTarget(distribution));
  new ARecord(scope, 'AliasA', { zone, recordName: domain.domainName, target });
  new AaaaRecord(scope, 'AliasAaaa', { zone, recordName: domain.domainName, target });
}

/** The domain's hosted zone, imported once per scope for the certificate's validation and the records. */
function hostedZone(scope: Construct, domain: DeliveryDomain): IHostedZone {
  const existing = scope.node.tryFindChild('Zone');
  if (existing !== undefined) return existing as IHostedZone;
  const { domainName, zoneName, hostedZoneId } = domain;
  if (!Token.isUnresolved(domainName) && !Token.isUnresolved(zoneName) && domainName !== zoneName && !domainName.endsWith(`.${zoneName}`)) {
    throw new Error(`MediaDelivery: ${domainName} is not in the hosted zone ${zoneName}`);
  }
  return HostedZone.fromHostedZoneAttributes(scope, 'Zone', { hostedZoneId, zoneName });
}
