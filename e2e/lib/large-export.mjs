// A large export for the browser tests, shared by the test files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A large `aws iam get-account-authorization-details` export (~10 MB: 4000 roles, each with a
// trust policy and an inline policy, and 2000 managed policies), generated deterministically
// and cached in the temp directory (bump the file name when the generator changes).
export function largeExport() {
  const file = path.join(os.tmpdir(), 'stratoscope-e2e-large-authorization-details-v1.json');
  if (fs.existsSync(file) && fs.statSync(file).size > 9_000_000) return file;
  let seed = 0x2545f491;
  const below = (n) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) % n; };
  const pick = (xs) => xs[below(xs.length)];
  const account = '123456789012';
  const services = ['s3', 'ec2', 'iam', 'lambda', 'dynamodb', 'sqs', 'sns', 'kms', 'logs', 'ssm'];
  const verbs = ['Get', 'Put', 'List', 'Describe', 'Create', 'Delete', 'Update'];
  const nouns = ['Object', 'Bucket', 'Instance', 'Role', 'Function', 'Item', 'Queue', 'Key', 'Parameter'];
  const statement = () => ({
    Effect: below(15) === 0 ? 'Deny' : 'Allow',
    Action: Array.from({ length: 1 + below(6) }, () => below(20) === 0 ? `${pick(services)}:*` : `${pick(services)}:${pick(verbs)}${pick(nouns)}`),
    Resource: below(4) === 0 ? '*' : `arn:aws:s3:::data-${below(500)}.example.com/*`,
  });
  const documentOf = () => ({ Version: '2012-10-17', Statement: Array.from({ length: 1 + below(4) }, statement) });
  const policies = Array.from({ length: 2000 }, (_, i) => ({
    PolicyName: `p${i}`, PolicyId: `ANPA${String(i).padStart(16, '0')}`, Arn: `arn:aws:iam::${account}:policy/p${i}`, Path: '/',
    DefaultVersionId: 'v1', AttachmentCount: below(5), PermissionsBoundaryUsageCount: 0, IsAttachable: true,
    CreateDate: '2023-01-01T00:00:00+00:00', UpdateDate: '2024-01-01T00:00:00+00:00',
    PolicyVersionList: [{ Document: i % 97 === 0 ? { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } : documentOf(), VersionId: 'v1', IsDefaultVersion: true, CreateDate: '2024-01-01T00:00:00+00:00' }],
  }));
  const roles = Array.from({ length: 4000 }, (_, i) => ({
    Path: '/', RoleName: `app-${i}`, RoleId: `AROA${String(i).padStart(16, '0')}`, Arn: `arn:aws:iam::${account}:role/app-${i}`,
    CreateDate: '2023-01-01T00:00:00+00:00',
    AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: below(10) === 0 ? { AWS: `arn:aws:iam::11112222333${below(5)}:root` } : { Service: `${pick(['ec2', 'lambda', 'ecs-tasks', 'glue'])}.amazonaws.com` }, Action: 'sts:AssumeRole' }] },
    InstanceProfileList: [],
    RolePolicyList: [{ PolicyName: `r${i}-inline`, PolicyDocument: documentOf() }],
    AttachedManagedPolicies: Array.from({ length: below(4) }, () => { const k = below(2000); return { PolicyName: `p${k}`, PolicyArn: `arn:aws:iam::${account}:policy/p${k}` }; }),
    Tags: [], RoleLastUsed: { LastUsedDate: '2024-06-01T00:00:00+00:00', Region: 'eu-west-1' },
  }));
  fs.writeFileSync(file, JSON.stringify({ UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: policies }, null, 2));
  return file;
}
