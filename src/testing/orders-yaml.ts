/** Test support: the pipeline part of silt.yaml for one CSV source `orders` and its silver contract. */

/** `extra` is appended under the contract (e.g. `    expectations: …`), `sources` under the sources. */
export function ordersYaml(extra = '', sources = ''): string {
  return `
sources:
  orders: { path: orders/, format: csv }
${sources}silver:
  orders:
    source: bronze.orders
    key: id
    columns:
      id: { type: long }
      amount: { type: double }
${extra}`;
}
