import * as assert from 'node:assert/strict';
import { CancellationToken } from 'cancel-safe';
import { aborted, listeners, state } from './helpers.js';

describe('CancellationToken', () => {
  it('.cancel() - cancels the signal with the reason; idempotent, first reason wins', () => {
    const token = new CancellationToken();
    assert.equal(token.isCancelled, false);
    assert.equal(token.reason, undefined);
    const signal = token.signal;
    token.cancel('first');
    token.cancel('second');
    assert.equal(token.isCancelled, true);
    assert.equal(token.reason, 'first');
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, 'first');
  });

  it('.cancel() - without a reason uses an AbortError, as AbortController does', () => {
    const token = new CancellationToken();
    token.cancel();
    assert.equal((token.reason as Error).name, 'AbortError');
    assert.equal(token.signal.reason, token.reason);
  });

  it('.signal - created after cancellation is already aborted', () => {
    const token = new CancellationToken();
    token.cancel('r');
    assert.equal(token.signal.aborted, true);
    assert.equal(token.signal.reason, 'r');
  });

  it('.throwIfCancelled() - throws the reason once cancelled', () => {
    const token = new CancellationToken();
    token.throwIfCancelled();
    const reason = new Error('x');
    token.cancel(reason);
    assert.throws(() => token.throwIfCancelled(), (error) => error === reason);
  });

  it('.cancelled() - the same promise on every call; resolves once cancelled', async () => {
    const token = new CancellationToken();
    const promise = token.cancelled();
    assert.equal(token.cancelled(), promise);
    assert.equal(await state(promise), 'pending');
    token.cancel(new Error('never rejects'));
    assert.equal(await state(promise), 'fulfilled');
    const late = new CancellationToken();
    late.cancel();
    assert.equal(await state(late.cancelled()), 'fulfilled');
  });

  it('.child() - cancelled with the parent; cancelling the child leaves the parent alone', () => {
    const parent = new CancellationToken();
    const a = parent.child();
    const b = parent.child();
    const grandchild = a.child();
    b.cancel('only b');
    assert.equal(parent.isCancelled, false);
    assert.equal(a.isCancelled, false);
    parent.cancel('all');
    assert.equal(a.reason, 'all');
    assert.equal(grandchild.reason, 'all');
    assert.equal(b.reason, 'only b');
    assert.equal(parent.child().reason, 'all', 'a child of a cancelled token starts cancelled');
  });

  it('.child() - adds no listener to the parent signal', () => {
    const parent = new CancellationToken();
    const signal = parent.signal;
    for (let i = 0; i < 100; i++) parent.child();
    assert.equal(listeners(signal), 0);
  });

  it('[Symbol.dispose]() - detaches from the parent without cancelling', () => {
    const parent = new CancellationToken();
    const child = parent.child();
    child[Symbol.dispose]();
    parent.cancel();
    assert.equal(child.isCancelled, false);
  });

  it('.fromSignal() - follows the signal, and its listener goes on cancel or dispose', () => {
    const controller = new AbortController();
    const token = CancellationToken.fromSignal(controller.signal);
    assert.equal(listeners(controller.signal), 1);
    token.cancel('own');
    assert.equal(listeners(controller.signal), 0);
    const disposed = CancellationToken.fromSignal(controller.signal);
    disposed[Symbol.dispose]();
    assert.equal(listeners(controller.signal), 0);
    const following = CancellationToken.fromSignal(controller.signal);
    controller.abort('src');
    assert.equal(following.reason, 'src');
    assert.equal(disposed.isCancelled, false);
    assert.equal(CancellationToken.fromSignal(aborted('was')).reason, 'was');
    assert.throws(() => CancellationToken.fromSignal({} as AbortSignal), { name: 'TypeError', message: /AbortSignal/ });
  });

  it('.wait() - resolves on cancel; an abort rejects with its reason and removes the wait', async () => {
    const token = new CancellationToken();
    const controller = new AbortController();
    const gaveUp = token.wait({ signal: controller.signal });
    const waiting = token.wait();
    controller.abort('stop');
    await assert.rejects(gaveUp, (error) => error === 'stop');
    assert.equal(listeners(controller.signal), 0);
    token.cancel();
    await waiting;
    await token.wait();
    await assert.rejects(token.wait({ signal: aborted('first') }), (error) => error === 'first');
  });

  it('.wait() - resolving removes the listener from the waiting signal', async () => {
    const token = new CancellationToken();
    const controller = new AbortController();
    const waiting = token.wait({ signal: controller.signal });
    assert.equal(listeners(controller.signal), 1);
    token.cancel();
    await waiting;
    assert.equal(listeners(controller.signal), 0);
  });
});
