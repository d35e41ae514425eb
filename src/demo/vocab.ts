/**
 * Small built-in word lists. Names mix cultures and include non-ASCII letters on purpose (UTF-8
 * round trips). E-mail domains are under reserved `.example` names so no real address is made.
 */

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David',
  'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah',
  'Daniel', 'Karen', 'Olivia', 'Liam', 'Emma', 'Noah', 'Sophia', 'Lucas', 'Mia', 'Léa', 'Chloé',
  'Hugo', 'Zoë', 'Jürgen', 'Lukas', 'Hannah', 'Sofía', 'Mateo', 'Lucía', 'Javier', 'João', 'Ana',
  'Gabriel', 'Priya', 'Arjun', 'Ananya', 'Rahul', 'Yuki', 'Haruto', 'Sakura', 'Ren', 'Aiko', 'Wei',
  'Mei', 'Fatima', 'Omar', 'Aisha', 'Siobhan', 'Seán', 'Nora', 'Ingrid', 'Lars',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez',
  'Martinez', 'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Martin',
  'Lee', 'Clark', 'Walker', 'Young', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Dubois',
  'Lefèvre', 'Moreau', 'Rossi', 'Bianchi', 'Silva', 'Santos', 'Oliveira', 'Pereira', 'Fernández',
  'González', 'Sánchez', 'Patel', 'Sharma', 'Gupta', 'Singh', 'Tanaka', 'Suzuki', 'Watanabe',
  'Sato', 'Kim', 'Park', 'Nguyen', 'Chen', 'Wang', 'Li', "O'Brien", "O'Connor", 'Murphy',
  'de Vries', 'van Dijk', 'Jansen', 'Novak', 'Kowalski',
] as const;

export const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.example', 35], ['outlook.example', 18], ['yahoo.example', 12], ['icloud.example', 10],
  ['proton.example', 5], ['web.example', 5], ['mail.example', 5], ['corp.example.com', 10],
];

export interface City {
  readonly name: string;
  readonly country: string;
  readonly lat: number;
  readonly lon: number;
  readonly weight: number;
}

/** Country facts: dialling code and currency. */
export const COUNTRIES: Readonly<Record<string, { readonly dial: string; readonly currency: string }>> = {
  US: { dial: '1', currency: 'USD' }, CA: { dial: '1', currency: 'CAD' },
  GB: { dial: '44', currency: 'GBP' }, DE: { dial: '49', currency: 'EUR' },
  FR: { dial: '33', currency: 'EUR' }, ES: { dial: '34', currency: 'EUR' },
  NL: { dial: '31', currency: 'EUR' }, BR: { dial: '55', currency: 'BRL' },
  IN: { dial: '91', currency: 'INR' }, JP: { dial: '81', currency: 'JPY' },
  AU: { dial: '61', currency: 'AUD' }, MX: { dial: '52', currency: 'MXN' },
};

export const CITIES: readonly City[] = [
  { name: 'New York', country: 'US', lat: 40.7128, lon: -74.006, weight: 12 },
  { name: 'Los Angeles', country: 'US', lat: 34.0522, lon: -118.2437, weight: 8 },
  { name: 'Chicago', country: 'US', lat: 41.8781, lon: -87.6298, weight: 6 },
  { name: 'Houston', country: 'US', lat: 29.7604, lon: -95.3698, weight: 4 },
  { name: 'Seattle', country: 'US', lat: 47.6062, lon: -122.3321, weight: 4 },
  { name: 'Austin', country: 'US', lat: 30.2672, lon: -97.7431, weight: 3 },
  { name: 'Washington, D.C.', country: 'US', lat: 38.9072, lon: -77.0369, weight: 3 },
  { name: 'San Francisco', country: 'US', lat: 37.7749, lon: -122.4194, weight: 4 },
  { name: 'Toronto', country: 'CA', lat: 43.6532, lon: -79.3832, weight: 4 },
  { name: 'London', country: 'GB', lat: 51.5074, lon: -0.1278, weight: 9 },
  { name: 'Manchester', country: 'GB', lat: 53.4808, lon: -2.2426, weight: 3 },
  { name: 'Edinburgh', country: 'GB', lat: 55.9533, lon: -3.1883, weight: 2 },
  { name: 'Berlin', country: 'DE', lat: 52.52, lon: 13.405, weight: 5 },
  { name: 'München', country: 'DE', lat: 48.1351, lon: 11.582, weight: 3 },
  { name: 'Köln', country: 'DE', lat: 50.9375, lon: 6.9603, weight: 2 },
  { name: 'Paris', country: 'FR', lat: 48.8566, lon: 2.3522, weight: 5 },
  { name: 'Lyon', country: 'FR', lat: 45.764, lon: 4.8357, weight: 2 },
  { name: 'Madrid', country: 'ES', lat: 40.4168, lon: -3.7038, weight: 3 },
  { name: 'Barcelona', country: 'ES', lat: 41.3874, lon: 2.1686, weight: 3 },
  { name: 'Amsterdam', country: 'NL', lat: 52.3676, lon: 4.9041, weight: 3 },
  { name: 'São Paulo', country: 'BR', lat: -23.5505, lon: -46.6333, weight: 4 },
  { name: 'Bengaluru', country: 'IN', lat: 12.9716, lon: 77.5946, weight: 3 },
  { name: 'Mumbai', country: 'IN', lat: 19.076, lon: 72.8777, weight: 3 },
  { name: 'Tokyo', country: 'JP', lat: 35.6762, lon: 139.6503, weight: 4 },
  { name: 'Sydney', country: 'AU', lat: -33.8688, lon: 151.2093, weight: 3 },
  { name: 'Mexico City', country: 'MX', lat: 19.4326, lon: -99.1332, weight: 3 },
];

export const SEGMENTS: readonly (readonly [string, number])[] = [
  ['consumer', 70], ['small_business', 20], ['enterprise', 7], ['vip', 3],
];

/** ASCII form of a name for e-mail local parts: 'Zoë' → 'zoe', "O'Brien" → 'obrien'. */
export function asciiFold(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}
