import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink } from './http-pages.js';

test('the Link header’s rel="next" is found among other relations and resolved against the page', () => {
  const base = 'https://api.example.com/v1/items?page=2';
  assert.equal(nextLink('<https://api.example.com/v1/items?page=3>; rel="next", <https://api.example.com/v1/items?page=9>; rel="last"', base), 'https://api.example.com/v1/items?page=3');
  assert.equal(nextLink('</v1/items?page=1>; rel=first, </v1/items?page=3>; title="more, later"; rel="next last"', base), 'https://api.example.com/v1/items?page=3');
  assert.equal(nextLink('<?page=3>; REL=next', base), 'https://api.example.com/v1/items?page=3');
  assert.equal(nextLink('<https://api.example.com/v1/items?page=1>; rel="prev"', base), undefined);
  assert.equal(nextLink(null, base), undefined);
});
