import { afterAll, describe, expect, it } from 'vitest';
import { SandboxError, closeSandbox, findInlineScript, runInSandbox } from '../../../src/promoteurs/parse/sandbox.ts';

afterAll(() => closeSandbox());

// Third-party page scripts are evaluated in QuickJS (WebAssembly), in a worker; hostile ones must fail cleanly.
describe('page-state sandbox', () => {
  it('evaluates a minified Nuxt state', () => {
    const v = runInSandbox('window.__NUXT__=(function(a,b){return {state:{productDetails:{lots:[{nb_lot:a}],x:b}}}})(1103,"z")');
    expect(v).toEqual({ state: { productDetails: { lots: [{ nb_lot: 1103 }], x: 'z' } } });
  });

  it('has no process, require, module, fetch or timers', () => {
    const v = runInSandbox('window.__NUXT__ = [typeof process, typeof require, typeof module, typeof fetch, typeof setTimeout, typeof globalThis.process]');
    expect(v).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });

  it('a script touching process fails with SandboxError, process untouched', () => {
    const before = process.exitCode;
    expect(() => runInSandbox('process.exit(3)')).toThrow(SandboxError);
    expect(() => runInSandbox('window.__NUXT__ = process.env')).toThrow(/process'? is not defined/);
    expect(process.exitCode).toBe(before);
  });

  it('constructor-chain escapes do not reach the host', () => {
    expect(() => runInSandbox('window.__NUXT__ = this.constructor.constructor("return process")().pid')).toThrow(SandboxError);
    expect(() => runInSandbox('window.__NUXT__ = ({}).constructor.constructor("return process")()')).toThrow(SandboxError);
    expect(() => runInSandbox('window.__NUXT__ = eval("1+1")')).toThrow(SandboxError);
  });

  it('an infinite loop is stopped by the timeout', () => {
    expect(() => runInSandbox('while (true) {}', { timeoutMs: 200 })).toThrow(/exceeded 200 ms/);
  });

  it('an endless promise chain is stopped by the timeout too', () => {
    expect(() => runInSandbox('Promise.resolve().then(function f(){ return Promise.resolve().then(f) }); window.__NUXT__ = 1', { timeoutMs: 200 })).toThrow(/exceeded/);
  });

  it('a getter looping forever during extraction is stopped', () => {
    expect(() => runInSandbox('window.__NUXT__ = { get state() { for(;;){} } }', { timeoutMs: 200 })).toThrow(/exceeded/);
  });

  it('a script that throws gives its message only', () => {
    expect(() => runInSandbox('throw new Error("boom")')).toThrow('page script failed: boom');
  });

  it('returns plain data only: functions and host-realm objects do not cross', () => {
    const v = runInSandbox('window.__NUXT__ = { f: function(){ return 1 }, d: 2 }') as Record<string, unknown>;
    expect(v).toEqual({ d: 2 });
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('a missing state is null', () => {
    expect(runInSandbox('var x = 1')).toBeNull();
  });

  it('a script exhausting memory kills the sandbox worker, not this process; the next call works', () => {
    const rssBefore = process.memoryUsage().rss;
    expect(() => runInSandbox('var a = []; for (;;) a.push(new Array(1e6).fill(1.5))', { timeoutMs: 1500, maxMemoryMb: 48 })).toThrow(SandboxError);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400e6);
    expect(runInSandbox('window.__NUXT__ = {after: true}')).toEqual({ after: true });
  });

  it('in-process isolation ("vm") applies the same rules', () => {
    expect(runInSandbox('window.__NUXT__ = typeof process', { isolation: 'vm' })).toBe('undefined');
    expect(() => runInSandbox('while (true) {}', { isolation: 'vm', timeoutMs: 100 })).toThrow(/exceeded 100 ms/);
    expect(() => runInSandbox('window.__NUXT__ = this.constructor.constructor("return process")()', { isolation: 'vm' })).toThrow(SandboxError);
  });

  it('findInlineScript slices the script by string search', () => {
    expect(findInlineScript('<p>x</p><script>window.__NUXT__={a:1}</script><script>other()</script>', 'window.__NUXT__=')).toBe('window.__NUXT__={a:1}');
    expect(findInlineScript('<p>no state</p>', 'window.__NUXT__=')).toBeNull();
  });
});
