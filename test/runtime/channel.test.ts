import * as assert from 'node:assert/strict';
import { Channel, ChannelClosedError } from 'cancel-safe';
import { aborted, flush, listeners, state } from './helpers.js';

describe('Channel', () => {
  it('new Channel() - throws RangeError/TypeError naming `capacity` and the value', () => {
    assert.throws(() => new Channel(0), { name: 'RangeError', message: 'Expected `capacity` to be an integer >= 1, got 0' });
    assert.throws(() => new Channel(1.5), { name: 'RangeError', message: /`capacity`.*1\.5/ });
    assert.throws(() => new Channel(Number.NaN), { name: 'RangeError', message: /`capacity`.*NaN/ });
    assert.throws(() => new Channel('8' as unknown as number), { name: 'TypeError', message: /`capacity`.*"8"/ });
  });

  it('.send()/.recv() - FIFO through the buffer, size and capacity reported', async () => {
    const channel = new Channel<number>(3);
    assert.equal(channel.capacity, 3);
    await channel.send(1);
    await channel.send(2);
    assert.equal(channel.size, 2);
    assert.equal(await channel.recv(), 1);
    assert.equal(await channel.recv(), 2);
    assert.equal(channel.size, 0);
  });

  it('.send() - waits while full and resumes in FIFO order as room appears', async () => {
    const channel = new Channel<string>(1);
    await channel.send('a');
    const b = channel.send('b');
    const c = channel.send('c');
    assert.equal(await state(b), 'pending');
    assert.equal(await channel.recv(), 'a');
    assert.equal(await state(b), 'fulfilled');
    assert.equal(await state(c), 'pending');
    assert.equal(await channel.recv(), 'b');
    assert.equal(await channel.recv(), 'c');
    await c;
  });

  it('.recv() - waiting receivers are served in arrival order', async () => {
    const channel = new Channel<number>(1);
    const first = channel.recv();
    const second = channel.recv();
    await channel.send(1);
    await channel.send(2);
    assert.deepEqual(await Promise.all([first, second]), [1, 2]);
  });

  it('.recv() - an aborted receive consumes nothing and leaves no listener', async () => {
    const channel = new Channel<number>(4);
    const controller = new AbortController();
    const before = listeners(controller.signal);
    const waiting = channel.recv({ signal: controller.signal });
    assert.equal(listeners(controller.signal), before + 1);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    assert.equal(listeners(controller.signal), before);
    await channel.send(7);
    assert.equal(channel.size, 1, 'the value sent after the abort stays queued for the next receiver');
    assert.equal(await channel.recv(), 7);
  });

  it('.recv() - rejects at once with the reason of an already-aborted signal, even with values queued', async () => {
    const channel = new Channel<number>(2);
    await channel.send(1);
    const reason = new Error('already');
    await assert.rejects(channel.recv({ signal: aborted(reason) }), (error) => error === reason);
    assert.equal(channel.size, 1);
  });

  it('.send() - an aborted send enqueues nothing and leaves no listener', async () => {
    const channel = new Channel<number>(1);
    await channel.send(1);
    const controller = new AbortController();
    const waiting = channel.send(2, { signal: controller.signal });
    controller.abort('late');
    await assert.rejects(waiting, (error) => error === 'late');
    assert.equal(listeners(controller.signal), 0);
    assert.equal(await channel.recv(), 1);
    channel.close();
    await assert.rejects(channel.recv(), ChannelClosedError);
  });

  it('.send() - an already-aborted signal rejects even when there is room', async () => {
    const channel = new Channel<number>(2);
    await assert.rejects(channel.send(1, { signal: aborted('no') }), (error) => error === 'no');
    assert.equal(channel.size, 0);
  });

  it('.send() - hands the value straight to a waiting receiver and removes both listeners', async () => {
    const channel = new Channel<number>(1);
    const controller = new AbortController();
    const receiving = channel.recv({ signal: controller.signal });
    await channel.send(5, { signal: controller.signal });
    assert.equal(await receiving, 5);
    assert.equal(listeners(controller.signal), 0);
    assert.equal(channel.size, 0);
  });

  it('.trySend() - sent, full and closed, with no waiting', async () => {
    const channel = new Channel<number>(1);
    assert.equal(channel.trySend(1), 'sent');
    assert.equal(channel.trySend(2), 'full');
    assert.equal(await channel.recv(), 1);
    const waiting = channel.recv();
    assert.equal(channel.trySend(3), 'sent');
    assert.equal(await waiting, 3);
    channel.close();
    assert.equal(channel.trySend(4), 'closed');
  });

  it('.close() - idempotent; queued values stay receivable; waiting senders reject; then recv rejects', async () => {
    const channel = new Channel<number>(1);
    await channel.send(1);
    const blocked = channel.send(2);
    channel.close();
    channel.close();
    assert.equal(channel.isClosed, true);
    await assert.rejects(blocked, { name: 'ChannelClosedError', message: /Cannot send/ });
    await assert.rejects(channel.send(3), ChannelClosedError);
    assert.equal(await channel.recv(), 1);
    await assert.rejects(channel.recv(), { name: 'ChannelClosedError', message: /closed and drained/ });
  });

  it('.close() - waiting receivers reject with ChannelClosedError and drop their listeners', async () => {
    const channel = new Channel<number>(1);
    const controller = new AbortController();
    const waiting = channel.recv({ signal: controller.signal });
    channel.close();
    await assert.rejects(waiting, ChannelClosedError);
    assert.equal(listeners(controller.signal), 0);
  });

  it('[Symbol.asyncIterator]() - yields every value and ends when closed and drained', async () => {
    const channel = new Channel<number>(2);
    const producer = (async () => {
      for (let i = 0; i < 10; i++) await channel.send(i);
      channel.close();
    })();
    const seen: number[] = [];
    for await (const value of channel) seen.push(value);
    await producer;
    assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('[Symbol.asyncIterator]() - breaking out does not close the channel', async () => {
    const channel = new Channel<number>(4);
    await channel.send(1);
    await channel.send(2);
    for await (const value of channel) {
      assert.equal(value, 1);
      break;
    }
    assert.equal(channel.isClosed, false);
    assert.equal(await channel.recv(), 2);
  });

  it('.send() - a rejected waiting sender does not block the senders behind it', async () => {
    const channel = new Channel<number>(1);
    await channel.send(0);
    const controller = new AbortController();
    const first = channel.send(1, { signal: controller.signal });
    const second = channel.send(2);
    controller.abort('x');
    await assert.rejects(first);
    assert.equal(await channel.recv(), 0);
    await second;
    assert.equal(await channel.recv(), 2);
    await flush();
  });
});
