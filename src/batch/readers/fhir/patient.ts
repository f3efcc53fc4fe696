import type { Patient } from '../../../model/index.js';
import { HumanNameSchema, NHS_NUMBER_SYSTEM, PatientResourceSchema, type PatientResource } from './schema.js';
import type { z } from 'zod';

/**
 * Whose record a document is: its `subject` resolved to a Patient (contained in the resource, or
 * an entry of the same Bundle or NDJSON file), so that the patient's own name, NHS number and
 * date of birth are not read as a third party's.
 */

type HumanName = z.infer<typeof HumanNameSchema>;

function nameOf(names: HumanName[] | undefined): string | undefined {
  if (!names?.length) return undefined;
  const pick = names.find((n) => n.use === 'official') ?? names.find((n) => n.use === 'usual') ?? names.find((n) => n.use !== 'old' && n.use !== 'maiden') ?? names[0];
  const text = pick.text?.trim() || [...(pick.given ?? []), pick.family ?? ''].join(' ').trim();
  return text || undefined;
}

export function patientFromResource(p: PatientResource): Patient {
  const out: Patient = {};
  const name = nameOf(p.name);
  if (name) out.name = name;
  const nhs = p.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value?.trim();
  if (nhs) out.nhsNumber = nhs;
  if (p.birthDate) out.dateOfBirth = p.birthDate;
  if (p.gender === 'male' || p.gender === 'female') out.sex = p.gender;
  return out;
}

/** Patients that references can reach: by `#id` (contained), by Bundle fullUrl, and by `Patient/id`. */
export class PatientIndex {
  private byRef = new Map<string, Patient>();

  add(resource: unknown, fullUrl?: string): void {
    const parsed = PatientResourceSchema.safeParse(resource);
    if (!parsed.success) return;
    const p = patientFromResource(parsed.data);
    if (fullUrl) this.byRef.set(fullUrl, p);
    if (parsed.data.id) this.byRef.set(`Patient/${parsed.data.id}`, p);
  }

  /** A subject reference, resolved: contained first, then this index; else what the reference itself says. */
  resolve(subject: { reference?: string; display?: string; identifier?: { system?: string; value?: string } } | undefined, contained: unknown[] | undefined): Patient | undefined {
    if (!subject) return undefined;
    const ref = subject.reference?.trim();
    if (ref) {
      if (ref.startsWith('#')) {
        const c = (contained ?? []).find((r) => (r as { resourceType?: unknown; id?: unknown }).resourceType === 'Patient' && (r as { id?: unknown }).id === ref.slice(1));
        const parsed = PatientResourceSchema.safeParse(c);
        if (parsed.success) return patientFromResource(parsed.data);
      }
      const hit = this.byRef.get(ref) ?? this.byRef.get(/Patient\/[^/]+$/.exec(ref)?.[0] ?? '');
      if (hit) return hit;
    }
    // Not found: what the reference itself carries, if anything.
    const out: Patient = {};
    if (subject.display?.trim()) out.name = subject.display.trim();
    if (subject.identifier?.system === NHS_NUMBER_SYSTEM && subject.identifier.value?.trim()) out.nhsNumber = subject.identifier.value.trim();
    return Object.keys(out).length ? out : undefined;
  }
}
