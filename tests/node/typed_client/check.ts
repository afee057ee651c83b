// Typed use of the generated client of `new`: tsc --strict must accept every line but those
// marked @ts-expect-error, and reject each of those.
import {new_, New, Promise_, HostObject_} from './deps/new';

export async function main(): Promise<string> {
  const n: New = new_();
  const a: string = await n.delete('d', 3, {function: 'f'});
  const b: string = await n.delete('d', 3n, {function: null});
  const c: string = await n.doIt({label: 'L'}).class('a-b');
  const kind: HostObject_ = HostObject_['*/'];
  const ps: Promise_[] = await n.promises({count: 3});
  const d: string = await ps[0].then_();
  const e: string = await ps[0].sync_();
  const f: string = await n.unwrap(n.makePromise('t'));
  const g: string | undefined = await n.maybe({flag: true});
  const h: HostObject_[] = await n.kinds();
  const i: number | bigint = ps.length;
  const synced: New = await n.doIt().sync();
  const j: string = await synced.label();
  // @ts-expect-error: a required argument is missing
  await n.delete('d');
  // @ts-expect-error: an Int is not a string
  await n.delete('d', 'three');
  // @ts-expect-error: not a value of the enum
  await n.class('minor');
  // @ts-expect-error: no such option
  await n.doIt({lable: 'L'});
  // @ts-expect-error: the result is a string, not a number
  const wrong: number = await n.delete('d', 3);
  // @ts-expect-error: an optional result may be undefined
  const sure: string = await n.maybe();
  // @ts-expect-error: a Promise object is not a New
  await n.unwrap(n);
  // @ts-expect-error: chained results are objects, not promises of strings
  const chained: string = await n.doIt();
  // @ts-expect-error: client objects are made by the client only
  new New();
  return [a, b, c, kind, d, e, f, g, h, i, j, wrong, sure, chained].join();
}
