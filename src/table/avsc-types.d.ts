/**
 * avsc's types-only entry point (its own build of `Type` and the built-in types without the
 * container files and RPC services, which Silt does not use). avsc ships no typings for it.
 */
declare module 'avsc/etc/browser/avsc-types.js' {
  import type avro from 'avsc';

  const avroTypes: Pick<typeof avro, 'Type' | 'types'>;
  export default avroTypes;
}
