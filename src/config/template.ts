/** The commented `silt.yaml` that `silt init` writes. */
export function projectTemplate(name: string): string {
  return `# Silt project file. Every \`silt\` command run in this folder (or below it) uses it.
name: ${name}

storage:
  # Where landing files, tables and archives live: a folder (relative to this file)
  # or, later, an s3://bucket/prefix URI.
  location: ./lake

catalog:
  # The metadata store: a SQLite file (relative to this file), or a postgresql:// URI.
  # PyIceberg opens it as a SQL catalog: run \`silt connect pyiceberg\` for the properties.
  uri: ./.silt/catalog.db

engine:
  # DuckDB's memory limit; work beyond it spills to disk. Default: DuckDB's own (80% of RAM).
  # memory_limit: 4GB
  # threads: 4
`;
}
