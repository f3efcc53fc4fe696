/** NHS number check digit (modulus 11), per the NHS Data Dictionary. */
export function nhsCheckDigitValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === Number(digits[9]);
}

/**
 * Ranges no issuer uses. 000-399 are not NHS numbers (CHI and H&C use 010-399 in Scotland and
 * Northern Ireland, still a person's identifier, so we keep 010-399 too); all-same digits are
 * placeholders. 900-999 are test and synthetic numbers, accepted (DESIGN.md).
 */
export function nhsRangePlausible(digits: string): boolean {
  if (/^(\d)\1{9}$/.test(digits)) return false;
  return Number(digits.slice(0, 3)) >= 10;
}
