import { createHash } from 'node:crypto';
import type { ModdleElement } from 'bpmn-moddle';
import { isAppError, type FieldIssue } from '../../domain/errors.js';
import { parseFormFile } from '../../domain/forms/index.js';
import { list } from './flow-graph.js';

/** Fields of one generated form at most (a Camunda generated form is a short list). */
export const MAX_FORM_FIELDS = 100;
const FIELD_ID = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const NUMBER_RULES = new Set(['min', 'max']);
const LENGTH_RULES = new Set(['minlength', 'maxlength']);
const IGNORED_RULES = new Set(['readonly']);

/** A form-js schema synthesised from a task's `camunda:formData` (ADR 0031). */
export interface GeneratedForm {
  readonly formKey: string;
  /** The form-js schema as JSON text (what a `.form` file holds). */
  readonly json: string;
}

/**
 * The form key a generated form is registered under: `camunda-<hash>-<task>`, the hash of
 * procedure and task id (so two procedures never share one), the task id in kebab case; at most
 * 80 characters, as every form key.
 */
export function generatedFormKey(procedureId: string, taskId: string): string {
  const hash = createHash('sha256').update(`${procedureId}\n${taskId}`).digest('hex').slice(0, 8);
  const tail = taskId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return tail ? `camunda-${hash}-${tail}` : `camunda-${hash}`;
}

/**
 * The generated form of a user task with `camunda:formData`, or undefined without one. Field
 * types string / long / boolean / date / enum become textfield / number / checkbox / date /
 * select; constraints `required`, `minlength`, `maxlength`, `min`, `max` become form-js
 * validation (`readonly` is ignored: every field is editable); `defaultValue` is kept. Anything
 * else (custom types, validators with a Java class) is a finding naming the task and field.
 */
export function generatedForm(
  node: ModdleElement,
  procedureId: string,
  issues: FieldIssue[],
): GeneratedForm | undefined {
  const formData = list(node.extensionElements, 'values').find((value) => value.$type === 'camunda:FormData');
  if (!formData) return undefined;
  const taskId = String(node.id);
  const fields = list(formData, 'fields');
  const problem = (message: string) =>
    issues.push({
      path: taskId,
      reason: 'camunda-form-data',
      message: `<${taskId}> camunda:formData ${message}`,
    });
  if (fields.length > MAX_FORM_FIELDS) problem(`has ${fields.length} fields (at most ${MAX_FORM_FIELDS})`);
  const formKey = generatedFormKey(procedureId, taskId);
  const components = fields.slice(0, MAX_FORM_FIELDS).flatMap((field) => {
    const component = componentOf(field, problem);
    return component ? [component] : [];
  });
  const schema = {
    type: 'default',
    id: formKey,
    schemaVersion: 16,
    exporter: { name: 'helpdesk-procedure-runner (camunda:formData)', version: '1' },
    components,
  };
  const json = JSON.stringify(schema, null, 2);
  try {
    parseFormFile(json, `${formKey}.form`);
  } catch (error) {
    if (!isAppError(error)) throw error;
    problem(`does not make a valid form: ${error.message}`);
  }
  return { formKey, json };
}

function componentOf(field: ModdleElement, problem: (message: string) => void): object | undefined {
  const id = String(field.id ?? '');
  if (!FIELD_ID.test(id)) {
    problem(`field "${id.slice(0, 100)}" needs an id named like a variable (letters, digits, _)`);
    return undefined;
  }
  const type = String(field.type ?? 'string');
  const label = typeof field.label === 'string' && field.label.trim() ? field.label.trim() : id;
  const validate = validationOf(field, type, problem);
  const base = { id: `Field_${id}`, key: id, label, ...(validate ? { validate } : {}) };
  const fallback = defaultOf(field, type);
  const defaults = fallback === undefined ? {} : { defaultValue: fallback };
  switch (type) {
    case 'string':
      return { ...base, type: 'textfield', ...defaults };
    case 'long':
      return { ...base, type: 'number', ...defaults };
    case 'boolean':
      return { ...base, type: 'checkbox', ...defaults };
    case 'date':
      return { ...base, type: 'datetime', subtype: 'date', dateLabel: label };
    case 'enum': {
      const values = list(field, 'values').map((value) => ({
        label: String(value.name ?? value.id ?? ''),
        value: String(value.id ?? ''),
      }));
      if (!values.length || values.some((value) => !value.value)) {
        problem(`enum field "${id}" needs values, each with an id`);
        return undefined;
      }
      return { ...base, type: 'select', values, ...defaults };
    }
    default:
      problem(
        `field "${id}" has type "${type.slice(0, 50)}": only string, long, boolean, date and enum are generated`,
      );
      return undefined;
  }
}

function validationOf(
  field: ModdleElement,
  type: string,
  problem: (message: string) => void,
): Record<string, unknown> | undefined {
  const validation = field.validation as ModdleElement | undefined;
  const rules: Record<string, unknown> = {};
  for (const constraint of list(validation, 'constraints')) {
    const name = String(constraint.name ?? '').toLowerCase();
    const config = constraint.config === undefined ? undefined : Number(constraint.config);
    if (name === 'required') rules.required = true;
    else if (IGNORED_RULES.has(name)) continue;
    else if ((NUMBER_RULES.has(name) && type === 'long') || (LENGTH_RULES.has(name) && type === 'string')) {
      if (config === undefined || !Number.isFinite(config)) {
        problem(`field "${String(field.id)}": constraint ${name} needs a numeric config`);
        continue;
      }
      rules[name === 'minlength' ? 'minLength' : name === 'maxlength' ? 'maxLength' : name] = config;
    } else
      problem(
        `field "${String(field.id)}": constraint "${name.slice(0, 50)}" is not supported on a ${type} field`,
      );
  }
  return Object.keys(rules).length ? rules : undefined;
}

function defaultOf(field: ModdleElement, type: string): unknown {
  const value = field.defaultValue;
  if (typeof value !== 'string' || value.includes('${')) return undefined;
  if (type === 'long') return Number.isFinite(Number(value)) ? Number(value) : undefined;
  if (type === 'boolean') return value === 'true';
  return value;
}
