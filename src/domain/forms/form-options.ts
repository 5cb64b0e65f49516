import type { FormField, FormOption, OptionValue } from './form-schema.js';

/** A field's options by value, built once per field: a lookup costs the same whatever their number. */
interface OptionIndex {
  /** By the value itself (for option values, Map's SameValueZero is `===`). */
  readonly byValue: ReadonlyMap<unknown, FormOption>;
  /** By the value as text, as HTML forms send every option. */
  readonly byText: ReadonlyMap<string, FormOption>;
}

const indexes = new WeakMap<FormField, OptionIndex>();

function indexOf(field: FormField): OptionIndex {
  let index = indexes.get(field);
  if (index === undefined) {
    const byValue = new Map<unknown, FormOption>();
    const byText = new Map<string, FormOption>();
    // The first of two equal options wins, as a search in form order would find it.
    for (const option of field.values ?? []) {
      if (!byValue.has(option.value)) byValue.set(option.value, option);
      if (!byText.has(String(option.value))) byText.set(String(option.value), option);
    }
    index = { byValue, byText };
    indexes.set(field, index);
  }
  return index;
}

/**
 * The option value a submitted value selects in a radio, select, checklist or taglist, or undefined:
 * the option equal to it, or for a string the first option whose value reads the same
 * (HTML forms send every option as text, so "2" selects the option whose value is 2).
 */
export function matchOption(field: FormField, value: unknown): OptionValue | undefined {
  const { byValue, byText } = indexOf(field);
  return (typeof value === 'string' ? byText.get(value) : byValue.get(value))?.value;
}

/** The option whose value is exactly `value` (a stored, coerced value), e.g. to show its label. */
export function optionOf(field: FormField, value: unknown): FormOption | undefined {
  return indexOf(field).byValue.get(value);
}
