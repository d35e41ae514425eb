/** The commented `silt.yaml` that `silt init` writes. */
export function projectTemplate(name: string): string {
  return `# Silt project file. Every \`silt\` command run in this folder (or below it) uses it.
name: ${name}

storage:
  # Where landing files, tables and archives live: a folder (relative to this file)
  # or an s3://bucket/prefix URI (keys from the environment: AWS_ACCESS_KEY_ID, AWS_PROFILE, ...).
  location: ./lake
  # s3: { endpoint: http://127.0.0.1:8333, region: us-east-1, path_style: true }

catalog:
  # The metadata store: a SQLite file (relative to this file), or postgres://user@host:port/database
  # (its password from PGPASSWORD or ~/.pgpass; \`silt migrate --catalog URI\` moves a project there).
  # PyIceberg opens it as a SQL catalog: run \`silt connect pyiceberg\` for the properties.
  uri: ./.silt/catalog.db

engine:
  # DuckDB's memory limit; work beyond it spills to disk. Default: DuckDB's own (80% of RAM).
  # memory_limit: 4GB
  # threads: 4
  # Where silver and gold steps run: duckdb (the default) or trino, the coordinator below (a silver
  # table's \`engine: trino\` or a model's \`-- silt: engine = trino\` says it for one step).
  # steps: trino

# trino: { url: http://127.0.0.1:8080, catalog: silt }   # its catalog on Silt's REST catalog: \`silt connect trino\`

# ---- the declared lakehouse (\`silt plan\` shows what it would create; \`silt demo\` writes a whole one)
# Uncomment and adapt these examples.
#
# A source: files landing under lake/landing/orders/ become rows of bronze.orders (as text).
# sources:
#   orders: { path: orders/, format: csv }     # csv, tsv, json, ndjson or parquet; gzip/zstd too
#
# A silver contract: bronze.orders typed, cleaned, deduplicated by key and checked, into silver.orders.
# silver:
#   orders:
#     source: bronze.orders
#     key: order_id
#     order_by: updated_at                      # the latest version of an order wins
#     columns:
#       order_id:   { type: long, required: true }
#       status:     { type: string, trim: true, case: lower }
#       amount:     { type: 'decimal(12,2)' }
#       email:      { type: string, trim: true, pii: email, mask: hash }
#       updated_at: { type: timestamp }
#     expectations:                             # policy: warn, drop (to silver.orders_quarantine) or fail
#       - { rule: allowed_values, column: status, values: [placed, shipped, delivered], policy: drop }
#       - { rule: range, column: amount, min: 0, policy: warn }
#
# Gold models: each SQL file in the folder is a table built from silver ones; a file models/daily_sales.sql
# holding \`SELECT CAST(updated_at AS DATE) AS day, sum(amount) AS revenue FROM silver.orders GROUP BY 1\`
# becomes gold.daily_sales.
# gold:
#   models: models
#
# Retention (\`silt retention\`): bronze partitions older than 90 days go; silver ones older than 30 move under lake/archive/.
# retention:
#   bronze: { delete_after: 90d }
#   silver: { archive_after: 30d, archive: archive }
#
# Exports: \`silt export\` copies gold.daily_sales to PostgreSQL (or Redshift), only what changed each time.
# exports:
#   targets:
#     warehouse: { url: "postgres://loader@db:5432/analytics", password_env: WAREHOUSE_PASSWORD }
#   tables:
#     daily_sales: { source: gold.daily_sales, table: analytics.daily_sales, key: day }
`;
}
