import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonSyntaxError } from './json-syntax.js';

test('a malformed record gets the parser reason and the byte where it gave up', () => {
  assert.equal(jsonSyntaxError('{"id":3, oops}'), 'malformed JSON at byte 9: expected double-quoted property name');
  assert.equal(jsonSyntaxError('{"v":"x"}}'), 'malformed JSON at byte 9: unexpected non-whitespace character after JSON');
  assert.equal(jsonSyntaxError('{"id":1,"v"'), 'malformed JSON at byte 11: unexpected end of input');
});

test('the position counts bytes of UTF-8, not characters', () => {
  // "é" and "日" take 2 and 3 bytes: the stray comma is at character 10, byte 15.
  assert.equal(jsonSyntaxError('{"é":"日本",,}'), 'malformed JSON at byte 15: expected double-quoted property name');
});

test('a reason without a position leaves out the echo of the text', () => {
  assert.equal(jsonSyntaxError('{"a":tru}'), "malformed JSON: unexpected token '}'");
  assert.equal(jsonSyntaxError('{"a":NaN}'), "malformed JSON: unexpected token 'N'");
});

test('text that V8 reads is not judged here', () => {
  assert.equal(jsonSyntaxError('{"a":[1,2,{"b":null}]}'), null);
  assert.equal(jsonSyntaxError('{"a":"\\ud800"}'), null);
});
