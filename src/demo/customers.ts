import { isoDate } from './calendar.js';
import type { DemoContext } from './context.js';
import { csvLine } from './csv.js';
import { FileSeries } from './file-series.js';
import { Later } from './later.js';
import { Rng } from './prng.js';
import { Roll } from './roll.js';
import { DEMO_RULES } from './rules.js';
import { emptySource, type CustomersTruth } from './truth.js';

const HEADER = 'customer_id,name,email,phone,country,city,signup_date,segment\n';

/**
 * `landing/customers/*.csv`. Customers carry no defects, only quirks: a rejected customer would
 * turn its orders into unknown references and blur the orders' referential-integrity count.
 */
export async function writeCustomers(ctx: DemoContext): Promise<CustomersTruth> {
  const rng = new Rng(ctx.seed, 'customers');
  const count = ctx.sizes.customers;
  const series = new FileSeries(ctx.store, 'customers', 'csv', HEADER, ctx.onProgress);
  const roll = new Roll(count, [series]);
  const later = new Later<string>();
  const truth: CustomersTruth = { ...emptySource(), nonCanonicalEmails: 0, nullTokens: 0 };

  const nullable = (value: string): string => {
    if (!rng.chance(0.015)) return value;
    truth.nullTokens++;
    return rng.pick(DEMO_RULES.nullTokens);
  };

  try {
    for (let i = 0; i < count; i++) {
      if (roll.due(i)) await roll.before(i);
      for (const line of later.take(i) ?? []) series.add(line);
      const p = ctx.customers.profile(i + 1);
      const duplicated = rng.chance(0.01);
      let email = p.email;
      let phone = p.phone;
      let city = p.city.name;
      let segment = p.segment;
      if (!duplicated) {
        if (rng.chance(0.03)) {
          email = messyEmail(rng, email);
          truth.nonCanonicalEmails++;
        }
        phone = nullable(phone);
        city = nullable(city);
        segment = nullable(segment);
      }
      const line = csvLine([
        String(p.id), p.name, email, phone, p.city.country, city, isoDate(p.signupSec), segment,
      ]);
      series.add(line);
      if (duplicated) {
        later.add(i + rng.int(1, roll.perFile), line);
        truth.duplicateLines++;
      }
      if (series.full) await series.flush();
    }
    for (const line of later.rest()) series.add(line);
    await roll.finish();
  } catch (e) {
    await series.abort();
    throw e;
  }
  truth.cleanRecords = count;
  ctx.written.push(...series.files);
  return { ...truth, files: series.files.length, lines: series.rows, bytes: series.bytes };
}

function messyEmail(rng: Rng, email: string): string {
  switch (rng.int(0, 3)) {
    case 0:
      return email.toUpperCase();
    case 1:
      return email.replace(/(^|[._])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase());
    case 2:
      return ` ${email}`;
    default:
      return `${email.charAt(0).toUpperCase()}${email.slice(1)}  `;
  }
}
