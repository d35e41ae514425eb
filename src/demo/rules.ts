/**
 * The valid values of the demo data, for whoever writes its contracts (silver rules) and for the
 * tests: a value outside these is a defect the generator counted in DemoTruth.
 */
export const DEMO_RULES = {
  orders: {
    statuses: ['placed', 'shipped', 'delivered', 'cancelled', 'returned'],
    /** Exclusive bounds. */
    amount: { min: 0, max: 100_000 },
    timestampFormats: ['YYYY-MM-DD HH:MM:SS', 'MM/DD/YYYY HH:MM'],
  },
  payments: { methods: ['card', 'paypal', 'bank_transfer', 'gift_card'] },
  sensors: { temperature: { min: -40, max: 85 }, optionalFields: ['humidity', 'battery', 'location'] },
  webEvents: { eventTypes: ['page_view', 'add_to_cart', 'checkout', 'purchase'] },
  nullTokens: ['', 'N/A', 'null'],
} as const;
