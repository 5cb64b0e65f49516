import type { FieldIssue } from '../errors.js';
import type { DataShape, FormField } from './form-schema.js';
import { isRecord as isData } from './data-path.js';

/**
 * The institutional email rule (seed 001, ISSSTE «Reporte de Citas», steps 4 and 7): a
 * request must come from an institutional email account, or from a personal account
 * with an institutional account in copy.
 *
 * It is switched on per field by form-js custom `properties` on the email field:
 *
 * ```json
 * "properties": { "institutionalDomains": "issste.gob.mx", "institutionalCopyField": "ccEmails" }
 * ```
 *
 * `institutionalDomains` is a comma-separated list of domains (subdomains are accepted);
 * `institutionalCopyField` (optional) is the key of the field listing the addresses in
 * copy (comma/semicolon-separated text, or a list). Without it only institutional
 * addresses are accepted. `institutionalRequiredWhen` (optional) is the key of a checkbox:
 * the rule then applies only when it is ticked, so a form that records a decision about
 * the request (step 7 «¿La información es válida?») can still record «No» for a
 * non-institutional account. Matching is case-insensitive.
 */
export const DOMAINS_PROPERTY = 'institutionalDomains';
export const COPY_FIELD_PROPERTY = 'institutionalCopyField';
export const WHEN_PROPERTY = 'institutionalRequiredWhen';
export const INSTITUTIONAL_EMAIL_REASON = 'institutional-email';

/** What the `properties` of one email field ask for. */
export interface InstitutionalEmailPolicy {
  /** Lower-case domains without a leading `@`. */
  readonly domains: readonly string[];
  /** Key of the field holding the addresses in copy. */
  readonly copyField?: string;
  /** Key of the checkbox that must be ticked for the rule to apply. */
  readonly when?: string;
}

type Data = Record<string, unknown>;

/** The rule's policy for a field, or undefined when its `properties` do not switch the rule on. */
export function policyOf(field: FormField): InstitutionalEmailPolicy | undefined {
  // form-js custom properties: a flat object of string values.
  const properties = (field as FormField & { readonly properties?: unknown }).properties;
  if (typeof properties !== 'object' || properties === null) return undefined;
  const {
    [DOMAINS_PROPERTY]: domainList,
    [COPY_FIELD_PROPERTY]: copyField,
    [WHEN_PROPERTY]: when,
  } = properties as Data;
  if (typeof domainList !== 'string') return undefined;
  const domains = domainList
    .split(',')
    .map((domain) => stripEnds(domain.trim().toLowerCase(), '@.', ''))
    .filter((domain) => domain !== '');
  if (domains.length === 0) return undefined;
  return {
    domains,
    ...(typeof copyField === 'string' && copyField.trim() !== '' && { copyField: copyField.trim() }),
    ...(typeof when === 'string' && when.trim() !== '' && { when: when.trim() }),
  };
}

/** True when the address's domain is one of `domains` or a subdomain of one (case-insensitive). */
export function isInstitutional(address: string, domains: readonly string[]): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = stripEnds(
    address
      .slice(at + 1)
      .trim()
      .toLowerCase(),
    '',
    '>.',
  );
  return domains.some((institutional) => domain === institutional || domain.endsWith(`.${institutional}`));
}

/** The addresses of a copy field: text separated by commas, semicolons or spaces, or a list of texts. */
export function addressesIn(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : [value];
  return parts
    .flatMap((part) => (typeof part === 'string' ? part.split(/[\s,;]+/) : []))
    .filter((address) => address.includes('@'));
}

/**
 * Extra addresses counted as institutional whatever their domain: the requester directory's
 * institutional accounts (docs/adr/0030). Given lower-cased addresses.
 */
export type InstitutionalAllowance = (address: string) => boolean;

/** Whether `email` (with `copies` in copy) satisfies the policy. */
export function acceptsEmail(
  email: string,
  copies: unknown,
  policy: InstitutionalEmailPolicy,
  allowed?: InstitutionalAllowance,
): boolean {
  const ok = (address: string) =>
    isInstitutional(address, policy.domains) || allowed?.(address.trim().toLowerCase()) === true;
  return ok(email) || addressesIn(copies).some(ok);
}

/**
 * Applies the rule to validated `values` of a form whose data is shaped by `shape`.
 * A field already in `reported` (e.g. not an email address at all) is not checked again;
 * nor is one whose `when` checkbox is not ticked.
 * Returns one `institutional-email` issue per email field that breaks the rule.
 */
export function checkInstitutionalEmails(
  shape: DataShape,
  values: Data,
  reported: readonly FieldIssue[] = [],
  allowed?: InstitutionalAllowance,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const skip = new Set(reported.map((issue) => issue.path));
  const walk = (nodes: DataShape, data: Data, prefix: string, scope: Data): void => {
    for (const [name, node] of nodes) {
      const path = `${prefix}${name}`;
      const value = data[name];
      if (node.kind === 'object') {
        if (isData(value)) walk(node.children, value, `${path}.`, scope);
      } else if (node.kind === 'list') {
        if (Array.isArray(value)) {
          value.forEach((item: unknown, index) => {
            if (isData(item)) walk(node.children, item, `${path}[${index}].`, item);
          });
        }
      } else {
        const policy = policyOf(node.field);
        if (!policy || typeof value !== 'string' || value === '' || skip.has(path)) continue;
        if (policy.when !== undefined && valueAt(scope, policy.when) !== true) continue;
        const copies = policy.copyField === undefined ? undefined : valueAt(scope, policy.copyField);
        if (!acceptsEmail(value, copies, policy, allowed)) issues.push(issueFor(node.field, path, policy));
      }
    }
  };
  walk(shape, values, '', values);
  return issues;
}

function issueFor(field: FormField, path: string, policy: InstitutionalEmailPolicy): FieldIssue {
  const domains = policy.domains.map((domain) => `@${domain}`).join(', ');
  const copy =
    policy.copyField === undefined
      ? '; personal accounts are not accepted here'
      : `, or a personal account with an institutional account in copy ("${policy.copyField}")`;
  return {
    path,
    reason: INSTITUTIONAL_EMAIL_REASON,
    message: `institutional email rule: "${field.label || field.key}" must be an institutional account (${domains} or a subdomain)${copy}`,
  };
}

/**
 * `text` without leading characters from `head` and trailing ones from `tail`. A loop, not a
 * regular expression: `/[>.]+$/` backtracks quadratically on a long run of dots in a copy field.
 */
function stripEnds(text: string, head: string, tail: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && head.includes(text[start] as string)) start += 1;
  while (end > start && tail.includes(text[end - 1] as string)) end -= 1;
  return text.slice(start, end);
}

/** The value at a dotted key (form-js keys are paths from the form's root or list item). */
function valueAt(data: Data, key: string): unknown {
  let current: unknown = data;
  for (const part of key.split('.')) {
    if (!isData(current) || !Object.hasOwn(current, part)) return undefined;
    current = current[part];
  }
  return current;
}
