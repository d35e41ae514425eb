import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { openProject, removeServerFile, writeServerFile } from '../../project/index.js';
import { withProject } from '../../testing/temp-project.js';
import { parseCredential, type CatalogPlaces } from '../client-config.js';
import { catalogPlaces, connectOutput } from './connect.js';

const places: CatalogPlaces = {
  restUri: 'http://127.0.0.1:7878/iceberg',
  warehouse: 'file:///data/shop/lake/warehouse',
  sqlalchemyUri: 'sqlite:////data/shop/.silt/catalog.db',
  catalogName: 'silt',
  fileIo: {},
};
const withCredential: CatalogPlaces = { ...places, credential: { principal: 'spark_jobs', secret: 'silt_abc:def' } };

test('connect prints each engine\'s own configuration of the REST catalog, and of the SQL catalog file where the engine opens one', () => {
  assert.deepEqual(JSON.parse(connectOutput('pyiceberg', 'rest', 'json', withCredential)), {
    type: 'rest',
    uri: 'http://127.0.0.1:7878/iceberg',
    credential: 'spark_jobs:silt_abc:def',
    'oauth2-server-uri': 'http://127.0.0.1:7878/iceberg/v1/oauth/tokens',
  });
  assert.deepEqual(JSON.parse(connectOutput('pyiceberg', 'sql', 'json', places)), {
    type: 'sql',
    uri: 'sqlite:////data/shop/.silt/catalog.db',
    warehouse: 'file:///data/shop/lake/warehouse',
  });
  assert.deepEqual(Object.keys(JSON.parse(connectOutput('spark', undefined, 'json', places))), ['rest', 'sql'], 'both, REST first');
  assert.deepEqual(JSON.parse(connectOutput('spark', 'sql', 'json', places)), {
    'spark.sql.extensions': 'org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions',
    'spark.sql.catalog.silt': 'org.apache.iceberg.spark.SparkCatalog',
    'spark.sql.catalog.silt.type': 'jdbc',
    'spark.sql.catalog.silt.uri': 'jdbc:sqlite:/data/shop/.silt/catalog.db',
    'spark.sql.catalog.silt.warehouse': 'file:///data/shop/lake/warehouse',
  });

  const trino = connectOutput('trino', undefined, 'text', withCredential);
  assert.equal(
    trino,
    [
      "# Trino, through silt serve's REST catalog: etc/catalog/silt.properties",
      'connector.name=iceberg',
      'iceberg.catalog.type=rest',
      'iceberg.rest-catalog.uri=http://127.0.0.1:7878/iceberg',
      'iceberg.rest-catalog.security=OAUTH2',
      'iceberg.rest-catalog.oauth2.credential=spark_jobs:silt_abc:def',
      'iceberg.rest-catalog.oauth2.server-uri=http://127.0.0.1:7878/iceberg/v1/oauth/tokens',
      'fs.native-local.enabled=true',
      'local.location=/',
    ].join('\n'),
  );
  const duck = connectOutput('duckdb', 'rest', 'text', withCredential).split('\n');
  assert.ok(duck.includes("CREATE SECRET silt_catalog (TYPE iceberg, CLIENT_ID 'spark_jobs', CLIENT_SECRET 'silt_abc:def', OAUTH2_SERVER_URI 'http://127.0.0.1:7878/iceberg/v1/oauth/tokens');"), duck.join('\n'));
  assert.ok(duck.includes("ATTACH 'file:///data/shop/lake/warehouse' AS silt (TYPE iceberg, ENDPOINT 'http://127.0.0.1:7878/iceberg', SECRET silt_catalog, ACCESS_DELEGATION_MODE 'none');"), duck.join('\n'));
  const spark = connectOutput('spark', 'rest', 'text', withCredential).split('\n');
  assert.ok(spark.includes('spark.sql.catalog.silt.uri=http://127.0.0.1:7878/iceberg'), spark.join('\n'));
  assert.ok(spark.includes('spark.sql.catalog.silt.credential=spark_jobs:silt_abc:def'), spark.join('\n'));
  assert.ok(spark.some((l) => /^# with the Iceberg runtime: spark\.jars\.packages=org\.apache\.iceberg:iceberg-spark-runtime-4\.1_2\.13:/.test(l)));
  const py = connectOutput('pyiceberg', undefined, 'text', withCredential);
  assert.match(py, /catalog = load_catalog\("silt", \*\*\{"type":"rest","uri":"http:\/\/127\.0\.0\.1:7878\/iceberg","credential":"spark_jobs:silt_abc:def",/);
  assert.match(py, /catalog = load_catalog\("silt", \*\*\{"type":"sql",/);
});

test('without --credential, every REST configuration shows placeholders and says how to make a principal and token', () => {
  for (const engine of ['pyiceberg', 'spark', 'trino', 'duckdb'] as const) {
    const text = connectOutput(engine, 'rest', 'text', places);
    assert.match(text, /replace <principal>:<token> with a principal and one of its tokens \(silt principal create NAME --service; silt token create NAME\)/, engine);
    assert.ok(text.includes('<principal>') && text.includes('<token>'), engine);
  }
  assert.equal(parseCredential('nocolon'), undefined);
  assert.equal(parseCredential(':tok'), undefined);
  assert.equal(parseCredential('ana:'), undefined);
  assert.deepEqual(parseCredential('ana:silt_x:y'), { principal: 'ana', secret: 'silt_x:y' });
});

test('connect refuses the SQL catalog file for an engine that cannot open it, naming the engine and what to use', () => {
  for (const engine of ['trino', 'duckdb'] as const) {
    assert.throws(() => connectOutput(engine, 'sql', 'text', places), (e: unknown) => e instanceof InvalidInput && e.message.includes(engine) && e.message.includes('--catalog rest'));
  }
  // A catalog database JDBC does not name: Spark's SQL configuration is refused, its REST one still printed.
  const other = { ...places, sqlalchemyUri: 'mssql://host/db' };
  assert.throws(() => connectOutput('spark', 'sql', 'json', other), /spark cannot open the catalog at mssql:\/\/host\/db; use --catalog rest/);
  assert.deepEqual(Object.keys(JSON.parse(connectOutput('spark', undefined, 'json', other))), ['rest']);
});

test("connect names the running server's REST catalog, else the host and port silt.yaml's serve: section gives", async () => {
  await withProject(async (dir) => {
    await appendFile(path.join(dir, 'silt.yaml'), '\nserve:\n  port: 9123\n');
    const p = await openProject({ projectDir: dir });
    try {
      const configured = catalogPlaces(p);
      assert.equal(configured.restUri, 'http://127.0.0.1:9123/iceberg');
      assert.match(configured.sqlalchemyUri, /^sqlite:\/\/\/.+catalog\.db$/);
      assert.match(configured.warehouse, /^file:\/\/\/.+\/warehouse$/);
      writeServerFile(dir, { url: 'http://127.0.0.1:40111', pid: process.pid, startedMs: Date.now() });
      assert.equal(catalogPlaces(p).restUri, 'http://127.0.0.1:40111/iceberg', 'the running server wins');
      removeServerFile(dir, process.pid);
    } finally {
      await p.close();
    }
  });
});

test("connect trino on an S3 warehouse gives Trino its own S3 file system with the store's endpoint, region and addressing, and no keys", () => {
  const onS3: CatalogPlaces = {
    ...withCredential,
    warehouse: 's3://lake-bucket/shop/warehouse',
    fileIo: { 's3.endpoint': 'http://127.0.0.1:9000', 's3.region': 'eu-west-1', 'client.region': 'eu-west-1', 's3.path-style-access': 'true', 's3.force-virtual-addressing': 'false' },
  };
  const settings = JSON.parse(connectOutput('trino', 'rest', 'json', onS3));
  assert.equal(settings['fs.native-s3.enabled'], 'true');
  assert.equal(settings['s3.endpoint'], 'http://127.0.0.1:9000');
  assert.equal(settings['s3.region'], 'eu-west-1');
  assert.equal(settings['s3.path-style-access'], 'true');
  assert.equal(settings['fs.native-local.enabled'], undefined, 'no local file system for an S3 warehouse');
  assert.deepEqual(Object.keys(settings).filter((k) => /key|secret/i.test(k)), [], 'keys stay in Trino\'s environment, not in its catalog file');
  assert.equal(JSON.parse(connectOutput('trino', 'rest', 'json', withCredential))['fs.native-s3.enabled'], undefined, 'a local warehouse has no S3 settings');
});
